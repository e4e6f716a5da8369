package dev.procrastinate.model;

import java.util.Locale;

/**
 * The values of the {@code procrastinate_job_event_type} enum, in database order. The triggers of
 * {@code procrastinate_jobs} write one event per status change.
 */
public enum JobEventType {
  /** The job was inserted as {@code todo}. */
  DEFERRED,
  /** A worker took the job: {@code todo} to {@code doing}. */
  STARTED,
  /** The job failed and will run again: {@code doing} to {@code todo}. */
  DEFERRED_FOR_RETRY,
  /** The job failed with no retry left: {@code doing} to {@code failed}. */
  FAILED,
  /** The job returned normally: {@code doing} to {@code succeeded}. */
  SUCCEEDED,
  /** The job was cancelled, or ended, before it ran. */
  CANCELLED,
  /** An abort of the job was requested. */
  ABORT_REQUESTED,
  /** The job stopped on an abort request: {@code doing} to {@code aborted}. */
  ABORTED,
  /** The job is due at a later time; the event's {@code at} is that time. */
  SCHEDULED,
  /** A failed job was put back to {@code todo} by hand (Procrastinate 3.4 and later). */
  RETRIED;

  /**
   * Returns the value as stored in PostgreSQL, e.g. {@code deferred_for_retry}.
   *
   * @return the database value
   */
  public String dbValue() {
    return name().toLowerCase(Locale.ROOT);
  }

  /**
   * Returns the event type of a database value.
   *
   * @param value a value of {@code procrastinate_job_event_type}, e.g. {@code started}
   * @return the event type
   * @throws IllegalArgumentException if the value is not an event type, listing the valid ones
   */
  public static JobEventType fromDb(String value) {
    for (JobEventType type : values()) {
      if (type.dbValue().equals(value)) {
        return type;
      }
    }
    throw new IllegalArgumentException(
        "'"
            + value
            + "' is not a job event type; expected one of deferred, started,"
            + " deferred_for_retry, failed, succeeded, cancelled, abort_requested, aborted,"
            + " scheduled, retried");
  }
}
