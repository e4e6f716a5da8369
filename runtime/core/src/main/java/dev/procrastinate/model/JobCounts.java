package dev.procrastinate.model;

import java.util.Collections;
import java.util.EnumMap;
import java.util.Map;
import java.util.Objects;

/**
 * How many jobs share one queue, task or lock, in total and per status: a row of upstream's {@code
 * list_queues}, {@code list_tasks} or {@code list_locks}.
 *
 * @param name the queue, task or lock
 * @param total how many jobs
 * @param byStatus how many jobs per status, with every status present (zero where there is none)
 */
public record JobCounts(String name, long total, Map<JobStatus, Long> byStatus) {

  /**
   * Checks the components and fills in missing statuses with zero.
   *
   * @throws IllegalArgumentException if a count is negative
   */
  public JobCounts {
    Objects.requireNonNull(name, "name");
    Objects.requireNonNull(byStatus, "byStatus");
    Map<JobStatus, Long> counts = new EnumMap<>(JobStatus.class);
    for (JobStatus status : JobStatus.values()) {
      long count = byStatus.getOrDefault(status, 0L);
      if (count < 0) {
        throw new IllegalArgumentException("count of " + status + " is negative: " + count);
      }
      counts.put(status, count);
    }
    byStatus = Collections.unmodifiableMap(counts);
    if (total < 0) {
      throw new IllegalArgumentException("total is negative: " + total);
    }
  }

  /**
   * Returns how many jobs have a status.
   *
   * @param status the status
   * @return the count, zero if none
   */
  public long count(JobStatus status) {
    return byStatus.get(status);
  }
}
