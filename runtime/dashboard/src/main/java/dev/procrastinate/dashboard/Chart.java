package dev.procrastinate.dashboard;

import dev.procrastinate.dashboard.view.FinishedChart;
import dev.procrastinate.model.FinishedJobs;
import java.time.Instant;
import java.time.ZoneOffset;
import java.time.format.DateTimeFormatter;
import java.time.temporal.ChronoUnit;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;

/**
 * The overview's chart, drawn by {@code parts/chart.jte} as inline SVG: one stacked bar per minute
 * of the last hour, succeeded at the bottom, then failed, then aborted; each bar has a tooltip with
 * its figures. This class lays the bars out.
 */
final class Chart {
  private static final int MINUTES = 60;
  private static final int WIDTH = 600;
  private static final int HEIGHT = 140;
  private static final int TOP = 4;
  private static final int BOTTOM = 1;
  private static final DateTimeFormatter CLOCK =
      DateTimeFormatter.ofPattern("HH:mm", Locale.ROOT).withZone(ZoneOffset.UTC);

  private Chart() {}

  static FinishedChart finishedPerMinute(List<FinishedJobs> minutes, Instant now) {
    Instant last = now.truncatedTo(ChronoUnit.MINUTES);
    Instant first = last.minus(MINUTES - 1, ChronoUnit.MINUTES);
    Map<Instant, FinishedJobs> byMinute = new HashMap<>();
    long max = 0;
    long total = 0;
    for (FinishedJobs minute : minutes) {
      if (!minute.minute().isBefore(first)) {
        byMinute.put(minute.minute(), minute);
        max = Math.max(max, minute.total());
        total += minute.total();
      }
    }
    double slot = (double) WIDTH / MINUTES;
    double plot = HEIGHT - TOP - BOTTOM;
    List<FinishedChart.Bar> bars = new ArrayList<>();
    for (int i = 0; i < MINUTES; i++) {
      Instant at = first.plus(i, ChronoUnit.MINUTES);
      FinishedJobs minute = byMinute.get(at);
      if (minute == null || max == 0) {
        continue;
      }
      double x = i * slot + 1;
      double y = HEIGHT - BOTTOM;
      long[] counts = {minute.succeeded(), minute.failed(), minute.aborted()};
      String[] outcomes = {"c-succeeded", "c-failed", "c-aborted"};
      List<FinishedChart.Part> parts = new ArrayList<>();
      for (int p = 0; p < counts.length; p++) {
        if (counts[p] == 0) {
          continue;
        }
        double h = Math.max(1, plot * counts[p] / max);
        y -= h;
        parts.add(new FinishedChart.Part(num(x), num(y), num(slot - 2), num(h), outcomes[p]));
      }
      bars.add(
          new FinishedChart.Bar(
              CLOCK.format(at)
                  + ": "
                  + Format.count(minute.succeeded())
                  + " succeeded, "
                  + Format.count(minute.failed())
                  + " failed, "
                  + Format.count(minute.aborted())
                  + " aborted",
              parts));
    }
    return new FinishedChart(
        WIDTH,
        HEIGHT,
        num(HEIGHT - BOTTOM),
        bars,
        CLOCK.format(first),
        CLOCK.format(last),
        max == 0 ? "no job finished" : "highest: " + Format.count(max) + " per minute",
        Format.count(total),
        total);
  }

  private static String num(double value) {
    return String.format(Locale.ROOT, "%.1f", value);
  }
}
