package dev.procrastinate.dashboard.view;

import gg.jte.html.HtmlTemplateOutput;
import java.util.List;
import org.jspecify.annotations.Nullable;

/**
 * The tasks page ({@code tasks.jte}): the tasks this application declares, and the task names of
 * the jobs in the database.
 *
 * @param layout the page's layout
 * @param known the tasks this application declares
 * @param statuses the statuses of the second table's columns
 * @param seen the task names in the database, each with its counts
 */
public record TasksPage(Layout layout, List<Known> known, List<String> statuses, List<Seen> seen)
    implements Page {

  @Override
  public void render(HtmlTemplateOutput output) {
    JtetasksGenerated.render(output, null, this);
  }

  /**
   * A task this application declares.
   *
   * @param name its name
   * @param href the job list of its jobs
   * @param aliases its other names, or null if none
   * @param queue its default queue
   * @param priority its default priority
   * @param lock its lock, or a dash
   * @param queueingLock its queueing lock, or a dash
   * @param retry its retry policy in words
   * @param timeout its timeout, or a dash
   * @param parameters its parameters and their types
   * @param periodic the cron expressions of its schedules
   */
  public record Known(
      String name,
      String href,
      @Nullable String aliases,
      String queue,
      int priority,
      String lock,
      String queueingLock,
      String retry,
      String timeout,
      String parameters,
      String periodic) {}

  /**
   * A task name of the database's jobs.
   *
   * @param name the task name
   * @param href the job list of its jobs
   * @param counts its jobs per status, in the order of the columns
   * @param knownHere {@code yes} if this application declares it, else {@code no}
   */
  public record Seen(String name, String href, List<StatusCount> counts, String knownHere) {}
}
