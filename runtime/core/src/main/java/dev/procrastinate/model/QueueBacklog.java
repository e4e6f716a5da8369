package dev.procrastinate.model;

import java.time.Duration;
import java.util.Objects;

/**
 * The waiting jobs of one queue, for monitoring: how many, how many are due, and how long the
 * oldest due one has waited.
 *
 * @param queue the queue name
 * @param waiting jobs in status {@code todo}, due or scheduled later
 * @param due waiting jobs whose schedule has come (or that have none)
 * @param oldestDueAge how long the due job with the smallest id has waited since it was deferred,
 *     retried or scheduled for; zero when no job is due, or when that is not known
 * @param oldestDueAgeKnown false when that job was deferred, without a schedule, while event
 *     recording was lean: no event row says when ({@link EventRecording.Mode#LEAN})
 */
public record QueueBacklog(
    String queue, long waiting, long due, Duration oldestDueAge, boolean oldestDueAgeKnown) {
  /**
   * Validates the fields.
   *
   * @param queue the queue name
   * @param waiting jobs in status {@code todo}
   * @param due waiting jobs that are due
   * @param oldestDueAge the wait of the oldest due job
   * @param oldestDueAgeKnown whether that wait is known
   */
  public QueueBacklog {
    Objects.requireNonNull(queue, "queue");
    Objects.requireNonNull(oldestDueAge, "oldestDueAge");
  }

  /**
   * Creates a backlog whose oldest due job's wait is known.
   *
   * @param queue the queue name
   * @param waiting jobs in status {@code todo}
   * @param due waiting jobs that are due
   * @param oldestDueAge the wait of the oldest due job
   */
  public QueueBacklog(String queue, long waiting, long due, Duration oldestDueAge) {
    this(queue, waiting, due, oldestDueAge, true);
  }
}
