package dev.procrastinate.model;

import java.util.Objects;
import org.jspecify.annotations.Nullable;

/**
 * One row of {@code procrastinate_periodic_defers}: the claim a worker made on one tick of a
 * periodic task, so that the tick is deferred once across all workers. Only the latest claim of
 * each (task, periodic id) is kept.
 *
 * @param id the row id
 * @param taskName the periodic task's name
 * @param deferTimestamp the tick, in epoch seconds; null only in rows written by hand
 * @param jobId the job deferred for the tick; null once that job was deleted
 * @param periodicId the schedule's id, empty for a task's only schedule
 */
public record ProcrastinatePeriodicDefer(
    long id,
    String taskName,
    @Nullable Long deferTimestamp,
    @Nullable Long jobId,
    String periodicId) {

  /** Checks the non-null components. */
  public ProcrastinatePeriodicDefer {
    Objects.requireNonNull(taskName, "taskName");
    Objects.requireNonNull(periodicId, "periodicId");
  }
}
