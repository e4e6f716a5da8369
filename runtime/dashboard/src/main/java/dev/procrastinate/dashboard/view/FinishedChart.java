package dev.procrastinate.dashboard.view;

import java.util.List;

/**
 * The overview's chart of jobs finished per minute over the last hour ({@code parts/chart.jte}):
 * one stacked bar per minute that saw jobs finish, in an SVG's coordinates.
 *
 * @param width the SVG's width
 * @param height the SVG's height
 * @param baseline the y of the axis the bars stand on
 * @param bars the bars, oldest minute first
 * @param from the first minute's clock time, under the chart's left end
 * @param to the last minute's clock time, under its right end
 * @param scale the highest bar in words, or that no job finished
 * @param total the jobs finished over the hour, formatted
 * @param totalCount the same, as a number for the {@code data-total} attribute
 */
public record FinishedChart(
    int width,
    int height,
    String baseline,
    List<Bar> bars,
    String from,
    String to,
    String scale,
    String total,
    long totalCount) {

  /**
   * One minute's bar.
   *
   * @param title its tooltip: the minute and its figures
   * @param parts its parts, bottom up
   */
  public record Bar(String title, List<Part> parts) {}

  /**
   * A part of a bar: the jobs of one outcome.
   *
   * @param x its left
   * @param y its top
   * @param width its width
   * @param height its height
   * @param outcome its style: {@code c-succeeded}, {@code c-failed} or {@code c-aborted}
   */
  public record Part(String x, String y, String width, String height, String outcome) {}
}
