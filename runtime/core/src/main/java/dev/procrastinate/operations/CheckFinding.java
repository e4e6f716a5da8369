package dev.procrastinate.operations;

import java.util.List;
import java.util.Objects;
import org.jspecify.annotations.Nullable;

/**
 * One thing {@link Operations#check()} found: what, how bad, for which task, and how many jobs.
 * Immutable.
 *
 * @param severity an error fails the check; a warning or a note does not
 * @param kind what was found
 * @param task the task name as the jobs or ticks carry it
 * @param queue the queue concerned, or null
 * @param argument the argument concerned, or null
 * @param jobs how many jobs (or periodic ticks) it concerns
 * @param exampleJobIds the ids of a few of them, ascending (empty for periodic ticks)
 * @param message a full sentence: what, where, and how to fix it
 */
public record CheckFinding(
    Severity severity,
    Kind kind,
    String task,
    @Nullable String queue,
    @Nullable String argument,
    long jobs,
    List<Long> exampleJobIds,
    String message) {

  /** Copies the list and checks the non-null components. */
  public CheckFinding {
    Objects.requireNonNull(severity, "severity");
    Objects.requireNonNull(kind, "kind");
    Objects.requireNonNull(task, "task");
    Objects.requireNonNull(message, "message");
    exampleJobIds = List.copyOf(exampleJobIds);
  }

  /** How bad a finding is. */
  public enum Severity {
    /** The new code cannot run these jobs: the check fails. */
    ERROR,
    /** Something to look at before deploying; the check passes. */
    WARNING,
    /** For information. */
    INFO
  }

  /** What was found. */
  public enum Kind {
    /** Waiting jobs name a task the code no longer declares (renamed or removed, no alias). */
    UNKNOWN_TASK,
    /** Running jobs name a task the code no longer declares: the old workers are running them. */
    RUNNING_UNKNOWN_TASK,
    /** Waiting jobs' arguments no longer decode into the task's current parameters. */
    UNDECODABLE_ARGUMENTS,
    /**
     * Jobs wait on a queue that is no longer their task's default, and no worker seems to serve it.
     */
    QUEUE_WITHOUT_WORKER,
    /** Periodic ticks are recorded for a task the code no longer declares. */
    PERIODIC_TASK_GONE,
    /** Attempts of a task failed in the last hour, as the workers of this runtime recorded. */
    RECENT_FAILURES
  }

  /**
   * Returns the finding as one line: severity, then the message.
   *
   * @return the line
   */
  @Override
  public String toString() {
    return severity + ": " + message;
  }
}
