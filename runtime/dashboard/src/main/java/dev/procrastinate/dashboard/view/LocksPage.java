package dev.procrastinate.dashboard.view;

import gg.jte.html.HtmlTemplateOutput;
import java.util.List;

/**
 * The locks page ({@code locks.jte}): each lock that a waiting or running job holds.
 *
 * @param layout the page's layout
 * @param locks the locks, each with its running and waiting jobs
 */
public record LocksPage(Layout layout, List<Row> locks) implements Page {

  @Override
  public void render(HtmlTemplateOutput output) {
    JtelocksGenerated.render(output, null, this);
  }

  /**
   * A lock.
   *
   * @param name the lock
   * @param href the job list of its jobs
   * @param running its running jobs
   * @param waiting its waiting jobs
   */
  public record Row(String name, String href, Count running, Count waiting) {}
}
