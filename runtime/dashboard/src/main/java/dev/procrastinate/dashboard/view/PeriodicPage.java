package dev.procrastinate.dashboard.view;

import gg.jte.html.HtmlTemplateOutput;
import java.util.List;
import org.jspecify.annotations.Nullable;

/**
 * The periodic page ({@code periodic.jte}): the schedules this application declares, and those the
 * database recorded ticks of.
 *
 * @param layout the page's layout
 * @param schedules the schedules
 */
public record PeriodicPage(Layout layout, List<Schedule> schedules) implements Page {

  @Override
  public void render(HtmlTemplateOutput output) {
    JteperiodicGenerated.render(output, null, this);
  }

  /**
   * A schedule.
   *
   * @param task its task's name
   * @param taskHref the job list of the task's jobs
   * @param periodicId its id among the task's schedules, or a dash
   * @param cron its cron expression, or a word that this application does not declare it
   * @param lastTick its last tick and how long ago, or {@code never}
   * @param job the job its last tick deferred, or null
   * @param nextTick its next tick and how soon, or a dash
   */
  public record Schedule(
      String task,
      String taskHref,
      String periodicId,
      String cron,
      String lastTick,
      @Nullable Link job,
      String nextTick) {}
}
