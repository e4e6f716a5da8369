package dev.procrastinate.dashboard.view;

import dev.procrastinate.model.EventRecording;
import gg.jte.html.HtmlTemplateOutput;
import java.util.List;
import org.jspecify.annotations.Nullable;

/**
 * The overview ({@code overview.jte}): the jobs of each queue per status, whether it is paused and
 * the button that pauses or resumes it, the chart of jobs finished, the failures of the last hour,
 * the workers.
 *
 * @param layout the page's layout
 * @param statuses the statuses of the queue table's columns
 * @param queues the queues, each with its counts, and the paused queues without jobs; empty when
 *     there is no job and no paused queue
 * @param capNote a word on capped counts when a count reached the cap, or null
 * @param eventRecording which status changes write event rows: full, lean, or a mixed arrangement
 * @param chart the chart of jobs finished per minute
 * @param workers the workers
 * @param failingTasks the tasks with the most failures recorded in the last hour
 * @param failingExceptions the exception classes of the most failures recorded in the last hour
 */
public record OverviewPage(
    Layout layout,
    List<String> statuses,
    List<QueueRow> queues,
    @Nullable String capNote,
    EventRecording eventRecording,
    FinishedChart chart,
    WorkerTable workers,
    List<FailureRow> failingTasks,
    List<FailureRow> failingExceptions)
    implements Page {

  @Override
  public void render(HtmlTemplateOutput output) {
    JteoverviewGenerated.render(output, null, this);
  }

  /**
   * A queue.
   *
   * @param name the queue's name
   * @param href the job list of the queue
   * @param counts its jobs per status, in the order of the columns
   * @param due how many of its waiting jobs are due now, formatted
   * @param oldestDue how long the oldest due job has waited, or a dash
   * @param paused true if no worker of this runtime starts its jobs
   * @param action the confirmation of pausing it, or of resuming it if paused
   */
  public record QueueRow(
      String name,
      String href,
      List<StatusCount> counts,
      String due,
      String oldestDue,
      boolean paused,
      ActionLink action) {}

  /**
   * A task or an exception class with its recent failures.
   *
   * @param name the task's or the class's name
   * @param href the job list of the jobs that failed so
   * @param failures how many failures, formatted
   */
  public record FailureRow(String name, String href, String failures) {}
}
