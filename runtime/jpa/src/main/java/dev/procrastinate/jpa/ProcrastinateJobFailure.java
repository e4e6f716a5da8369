package dev.procrastinate.jpa;

import jakarta.persistence.Column;
import jakarta.persistence.Entity;
import jakarta.persistence.EntityListeners;
import jakarta.persistence.Id;
import jakarta.persistence.IdClass;
import jakarta.persistence.Table;
import java.io.Serializable;
import java.time.OffsetDateTime;
import java.util.Objects;
import org.hibernate.annotations.Immutable;
import org.jspecify.annotations.Nullable;

/**
 * Why one attempt of a job failed or was aborted, as a worker of procrastinate-java recorded it in
 * {@code procrastinate_java_job_failures} (see {@link dev.procrastinate.model.JobFailure}).
 * Read-only, like the other entities: workers write these rows with the attempt's outcome, and they
 * go with their job. A job run by a Python worker has none.
 */
@Entity
@Immutable
@Table(name = "procrastinate_java_job_failures")
@IdClass(ProcrastinateJobFailure.Key.class)
@EntityListeners(ReadOnlyEntityListener.class)
public class ProcrastinateJobFailure {
  @Id
  @Column(name = "job_id", nullable = false, updatable = false)
  private long jobId;

  @Id
  @Column(name = "attempt", nullable = false, updatable = false)
  private int attempt;

  @Column(name = "failed_at", nullable = false, updatable = false)
  private @Nullable OffsetDateTime failedAt;

  @Column(name = "status", nullable = false, updatable = false)
  private @Nullable String status;

  @Column(name = "worker_name", updatable = false)
  private @Nullable String workerName;

  @Column(name = "exception_class", nullable = false, updatable = false)
  private @Nullable String exceptionClass;

  @Column(name = "message", updatable = false)
  private @Nullable String message;

  @Column(name = "stack_trace", updatable = false)
  private @Nullable String stackTrace;

  @Column(name = "details", updatable = false, columnDefinition = "jsonb")
  private @Nullable String details;

  /** For the JPA provider only: failures are written by the workers. */
  protected ProcrastinateJobFailure() {}

  /**
   * Returns the job's id.
   *
   * @return the job's id
   */
  public long getJobId() {
    return jobId;
  }

  /**
   * Returns the attempt, from 1.
   *
   * @return the attempt
   */
  public int getAttempt() {
    return attempt;
  }

  /**
   * Returns when the attempt's outcome was written.
   *
   * @return the time
   */
  public @Nullable OffsetDateTime getFailedAt() {
    return failedAt;
  }

  /**
   * Returns how the attempt ended: {@code failed} (a retried attempt included) or {@code aborted}.
   *
   * @return the status
   */
  public @Nullable String getStatus() {
    return status;
  }

  /**
   * Returns the worker that ran the attempt.
   *
   * @return its name, or null
   */
  public @Nullable String getWorkerName() {
    return workerName;
  }

  /**
   * Returns the exception's class name.
   *
   * @return the class name
   */
  public @Nullable String getExceptionClass() {
    return exceptionClass;
  }

  /**
   * Returns the exception's message, at most 2,000 characters.
   *
   * @return the message, or null
   */
  public @Nullable String getMessage() {
    return message;
  }

  /**
   * Returns the stack trace with its causes, at most 16,000 characters.
   *
   * @return the stack trace, or null
   */
  public @Nullable String getStackTrace() {
    return stackTrace;
  }

  /**
   * Returns the details the task added, as a JSON object of strings.
   *
   * @return the JSON text, or null without details
   */
  public @Nullable String getDetails() {
    return details;
  }

  /** Entities are equal when they are the same attempt of the same job. */
  @Override
  public boolean equals(@Nullable Object other) {
    return other instanceof ProcrastinateJobFailure failure
        && failure.jobId == jobId
        && failure.attempt == attempt;
  }

  @Override
  public int hashCode() {
    return Objects.hash(jobId, attempt);
  }

  @Override
  public String toString() {
    return "ProcrastinateJobFailure[job="
        + jobId
        + ", attempt="
        + attempt
        + ", exception="
        + exceptionClass
        + "]";
  }

  /** The identifier of a failure: its job and attempt. */
  public static final class Key implements Serializable {
    private static final long serialVersionUID = 1L;

    private long jobId;
    private int attempt;

    /** For the JPA provider. */
    public Key() {}

    /**
     * Creates the key of an attempt.
     *
     * @param jobId the job's id
     * @param attempt the attempt, from 1
     */
    public Key(long jobId, int attempt) {
      this.jobId = jobId;
      this.attempt = attempt;
    }

    @Override
    public boolean equals(@Nullable Object other) {
      return other instanceof Key key && key.jobId == jobId && key.attempt == attempt;
    }

    @Override
    public int hashCode() {
      return Objects.hash(jobId, attempt);
    }
  }
}
