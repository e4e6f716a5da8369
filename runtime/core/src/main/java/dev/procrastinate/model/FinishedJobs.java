package dev.procrastinate.model;

import java.time.Instant;
import java.util.Objects;

/**
 * How many jobs finished in one minute, per outcome, from the events {@code succeeded}, {@code
 * failed} and {@code aborted}.
 *
 * @param minute the start of the minute
 * @param succeeded jobs that succeeded
 * @param failed jobs that failed with no retry left
 * @param aborted jobs that stopped on an abort request
 */
public record FinishedJobs(Instant minute, long succeeded, long failed, long aborted) {
  /**
   * Checks the components.
   *
   * @throws IllegalArgumentException if a count is negative
   */
  public FinishedJobs {
    Objects.requireNonNull(minute, "minute");
    if (succeeded < 0 || failed < 0 || aborted < 0) {
      throw new IllegalArgumentException("a count is negative");
    }
  }

  /**
   * Returns how many jobs finished in the minute.
   *
   * @return the sum of the three outcomes
   */
  public long total() {
    return succeeded + failed + aborted;
  }
}
