package dev.procrastinate.jpa;

import dev.procrastinate.model.JobEventType;
import jakarta.persistence.Column;
import jakarta.persistence.ConstraintMode;
import jakarta.persistence.Convert;
import jakarta.persistence.Entity;
import jakarta.persistence.EntityListeners;
import jakarta.persistence.FetchType;
import jakarta.persistence.ForeignKey;
import jakarta.persistence.Id;
import jakarta.persistence.JoinColumn;
import jakarta.persistence.ManyToOne;
import jakarta.persistence.Table;
import java.time.OffsetDateTime;
import java.util.Objects;
import org.hibernate.annotations.ColumnTransformer;
import org.hibernate.annotations.Immutable;
import org.jspecify.annotations.Nullable;

/**
 * An event in a job's life: one row of {@code procrastinate_events}, read-only. The Java form of
 * Django Procrastinate's {@code ProcrastinateEvent} model.
 *
 * <p>Not thread-safe, as every managed entity.
 */
@Entity
@Immutable
@Table(name = "procrastinate_events")
@EntityListeners(ReadOnlyEntityListener.class)
public class ProcrastinateEvent {
  @Id
  @Column(name = "id", nullable = false, updatable = false)
  private long id;

  @Column(name = "job_id", nullable = false, insertable = false, updatable = false)
  private long jobId;

  @ManyToOne(fetch = FetchType.LAZY, optional = false)
  @JoinColumn(
      name = "job_id",
      insertable = false,
      updatable = false,
      foreignKey = @ForeignKey(ConstraintMode.NO_CONSTRAINT))
  private @Nullable ProcrastinateJob job;

  @Column(name = "type", updatable = false, columnDefinition = "procrastinate_job_event_type")
  @ColumnTransformer(read = "type || ''")
  @Convert(converter = JobEventTypeConverter.class)
  private @Nullable JobEventType type;

  @Column(name = "at", updatable = false)
  private @Nullable OffsetDateTime at;

  /** For the JPA provider only: events are written by the Procrastinate functions. */
  protected ProcrastinateEvent() {}

  /**
   * Returns the event's id.
   *
   * @return the id
   */
  public long getId() {
    return id;
  }

  /**
   * Returns the id of the job the event belongs to.
   *
   * @return the job's id
   */
  public long getJobId() {
    return jobId;
  }

  /**
   * Returns the job the event belongs to, loaded lazily.
   *
   * @return the job
   * @throws IllegalStateException if the provider did not load the relation
   */
  public ProcrastinateJob getJob() {
    if (job == null) {
      throw new IllegalStateException("the job of event " + id + " is not loaded");
    }
    return job;
  }

  /**
   * Returns what happened.
   *
   * @return the type, or null for a row written without one
   */
  public @Nullable JobEventType getType() {
    return type;
  }

  /**
   * Returns when it happened.
   *
   * @return the time, or null
   */
  public @Nullable OffsetDateTime getAt() {
    return at;
  }

  /** Entities are equal when they are the same event. */
  @Override
  public boolean equals(@Nullable Object other) {
    return other instanceof ProcrastinateEvent event && event.id == id;
  }

  @Override
  public int hashCode() {
    return Objects.hashCode(id);
  }

  @Override
  public String toString() {
    return "ProcrastinateEvent[id=" + id + ", job=" + jobId + ", type=" + type + "]";
  }
}
