package dev.procrastinate.model;

import java.util.Locale;

/**
 * The values of the {@code procrastinate_job_status} enum, in database order.
 *
 * <p>{@link #ABORTING} is a legacy value kept for compatibility; no transition produces it since
 * Procrastinate 3.0.
 */
public enum JobStatus {
  /** Waiting to run. */
  TODO,
  /** Running on a worker. */
  DOING,
  /** Ran and returned normally. */
  SUCCEEDED,
  /** Ran and failed, with no retry left. */
  FAILED,
  /** Cancelled before it ran. */
  CANCELLED,
  /** Legacy; unused since Procrastinate 3.0. */
  ABORTING,
  /** Stopped while running, on request. */
  ABORTED;

  /**
   * Returns the value as stored in PostgreSQL, e.g. {@code todo}.
   *
   * @return the database value
   */
  public String dbValue() {
    return name().toLowerCase(Locale.ROOT);
  }

  /**
   * Returns the status of a database value.
   *
   * @param value a value of {@code procrastinate_job_status}, e.g. {@code succeeded}
   * @return the status
   * @throws IllegalArgumentException if the value is not a status, listing the valid ones
   */
  public static JobStatus fromDb(String value) {
    for (JobStatus status : values()) {
      if (status.dbValue().equals(value)) {
        return status;
      }
    }
    throw new IllegalArgumentException(
        "'"
            + value
            + "' is not a job status; expected one of todo, doing, succeeded, failed, cancelled,"
            + " aborting, aborted");
  }
}
