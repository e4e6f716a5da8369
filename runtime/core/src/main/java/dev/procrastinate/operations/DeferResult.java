package dev.procrastinate.operations;

import dev.procrastinate.NewJob;
import java.util.Objects;
import java.util.OptionalLong;
import org.jspecify.annotations.Nullable;

/**
 * What {@link Operations#defer(DeferRequest)} did: the job it deferred, or the queueing-lock clash
 * it ignored.
 *
 * @param job the job, with the task's defaults and the request's options
 * @param id the new job's id; empty when a clash was ignored
 * @param ignoredClash the message of the ignored queueing-lock clash, or null when deferred
 */
public record DeferResult(NewJob job, OptionalLong id, @Nullable String ignoredClash) {
  /**
   * Checks the fields.
   *
   * @param job the job
   * @param id the id, or empty
   * @param ignoredClash the clash, or null
   * @throws IllegalArgumentException unless exactly one of id and clash is present
   */
  public DeferResult {
    Objects.requireNonNull(job, "job");
    Objects.requireNonNull(id, "id");
    if (id.isPresent() == (ignoredClash != null)) {
      throw new IllegalArgumentException("give either an id or an ignored clash");
    }
  }

  /**
   * Tells whether a job was stored.
   *
   * @return false when a queueing-lock clash was ignored
   */
  public boolean deferred() {
    return id.isPresent();
  }

  /**
   * Describes the outcome in one line, such as {@code Deferred job 12 of task mail.send on queue
   * emails, scheduled in PT1M}, or the ignored clash followed by {@code (ignored)}.
   *
   * @return the line
   */
  public String describe() {
    if (!deferred()) {
      return ignoredClash + " (ignored)";
    }
    return "Deferred job "
        + id.getAsLong()
        + " of task "
        + job.taskName()
        + " on queue "
        + job.queue()
        + (job.scheduledAt() != null ? ", scheduled at " + job.scheduledAt() : "")
        + (job.scheduleIn() != null ? ", scheduled in " + job.scheduleIn() : "");
  }
}
