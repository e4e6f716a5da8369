package dev.procrastinate.jpa;

import dev.procrastinate.model.JobStatus;
import jakarta.persistence.Column;
import jakarta.persistence.Convert;
import jakarta.persistence.Entity;
import jakarta.persistence.EntityListeners;
import jakarta.persistence.Id;
import jakarta.persistence.Table;
import java.time.OffsetDateTime;
import java.util.Objects;
import org.hibernate.annotations.ColumnTransformer;
import org.hibernate.annotations.Immutable;
import org.jspecify.annotations.Nullable;

/**
 * A job: one row of {@code procrastinate_jobs}, read-only. The Java form of Django Procrastinate's
 * {@code ProcrastinateJob} model; reference it from an application entity with {@link OnJobDelete}.
 *
 * <p>Not thread-safe, as every managed entity.
 */
@Entity
@Immutable
@Table(name = "procrastinate_jobs")
@EntityListeners(ReadOnlyEntityListener.class)
public class ProcrastinateJob {
  @Id
  @Column(name = "id", nullable = false, updatable = false)
  private long id;

  @Column(name = "queue_name", nullable = false, updatable = false)
  private String queueName = "";

  @Column(name = "task_name", nullable = false, updatable = false)
  private String taskName = "";

  @Column(name = "priority", nullable = false, updatable = false)
  private int priority;

  @Column(name = "lock", updatable = false)
  private @Nullable String lock;

  @Column(name = "queueing_lock", updatable = false)
  private @Nullable String queueingLock;

  @Column(name = "args", nullable = false, updatable = false, columnDefinition = "jsonb")
  private String args = "{}";

  @Column(
      name = "status",
      nullable = false,
      updatable = false,
      columnDefinition = "procrastinate_job_status")
  @ColumnTransformer(read = "status || ''")
  @Convert(converter = JobStatusConverter.class)
  private JobStatus status = JobStatus.TODO;

  @Column(name = "scheduled_at", updatable = false)
  private @Nullable OffsetDateTime scheduledAt;

  @Column(name = "attempts", nullable = false, updatable = false)
  private int attempts;

  @Column(name = "abort_requested", nullable = false, updatable = false)
  private boolean abortRequested;

  @Column(name = "worker_id", updatable = false)
  private @Nullable Long workerId;

  /** For the JPA provider only: jobs are made by deferring, never with {@code new}. */
  protected ProcrastinateJob() {}

  /**
   * Returns the job's id.
   *
   * @return the id
   */
  public long getId() {
    return id;
  }

  /**
   * Returns the queue the job waits in.
   *
   * @return the queue name
   */
  public String getQueueName() {
    return queueName;
  }

  /**
   * Returns the name of the job's task.
   *
   * @return the task name
   */
  public String getTaskName() {
    return taskName;
  }

  /**
   * Returns the job's priority: higher runs first.
   *
   * @return the priority
   */
  public int getPriority() {
    return priority;
  }

  /**
   * Returns the lock: jobs sharing it run one at a time.
   *
   * @return the lock, or null
   */
  public @Nullable String getLock() {
    return lock;
  }

  /**
   * Returns the queueing lock: at most one waiting job holds it.
   *
   * @return the queueing lock, or null
   */
  public @Nullable String getQueueingLock() {
    return queueingLock;
  }

  /**
   * Returns the task's arguments, a JSON object.
   *
   * @return the JSON text
   */
  public String getArgs() {
    return args;
  }

  /**
   * Returns the job's status.
   *
   * @return the status
   */
  public JobStatus getStatus() {
    return status;
  }

  /**
   * Returns when the job may run at the earliest.
   *
   * @return the time, or null to run as soon as possible
   */
  public @Nullable OffsetDateTime getScheduledAt() {
    return scheduledAt;
  }

  /**
   * Returns how many times the job was tried.
   *
   * @return the attempts
   */
  public int getAttempts() {
    return attempts;
  }

  /**
   * Returns whether an abort was requested.
   *
   * @return whether the job should stop
   */
  public boolean isAbortRequested() {
    return abortRequested;
  }

  /**
   * Returns the worker running the job.
   *
   * @return the worker's id, or null
   */
  public @Nullable Long getWorkerId() {
    return workerId;
  }

  /** Entities are equal when they are the same job. */
  @Override
  public boolean equals(@Nullable Object other) {
    return other instanceof ProcrastinateJob job && job.id == id;
  }

  @Override
  public int hashCode() {
    return Objects.hashCode(id);
  }

  @Override
  public String toString() {
    return "ProcrastinateJob[id=" + id + ", task=" + taskName + ", status=" + status + "]";
  }
}
