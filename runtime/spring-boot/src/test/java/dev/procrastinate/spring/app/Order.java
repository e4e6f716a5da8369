package dev.procrastinate.spring.app;

import dev.procrastinate.jpa.OnDelete;
import dev.procrastinate.jpa.OnJobDelete;
import dev.procrastinate.jpa.ProcrastinateJob;
import jakarta.persistence.ConstraintMode;
import jakarta.persistence.Entity;
import jakarta.persistence.FetchType;
import jakarta.persistence.ForeignKey;
import jakarta.persistence.GeneratedValue;
import jakarta.persistence.GenerationType;
import jakarta.persistence.Id;
import jakarta.persistence.JoinColumn;
import jakarta.persistence.ManyToOne;
import jakarta.persistence.Table;
import org.jspecify.annotations.Nullable;

/** An application entity that references the job working on it. */
@Entity
@Table(name = "orders")
public class Order {
  @Id
  @GeneratedValue(strategy = GenerationType.IDENTITY)
  private @Nullable Long id;

  private String reference = "";

  @ManyToOne(fetch = FetchType.LAZY)
  @JoinColumn(name = "procrastinate_job_id", foreignKey = @ForeignKey(ConstraintMode.NO_CONSTRAINT))
  @OnJobDelete(OnDelete.SET_NULL)
  private @Nullable ProcrastinateJob job;

  /** For JPA. */
  protected Order() {}

  /**
   * Creates an order.
   *
   * @param reference its reference
   * @param job the job working on it
   */
  public Order(String reference, @Nullable ProcrastinateJob job) {
    this.reference = reference;
    this.job = job;
  }

  /**
   * Returns the id.
   *
   * @return the id, null before persisting
   */
  public @Nullable Long getId() {
    return id;
  }

  /**
   * Returns the reference.
   *
   * @return the reference
   */
  public String getReference() {
    return reference;
  }

  /**
   * Returns the job.
   *
   * @return the job, or null once deleted
   */
  public @Nullable ProcrastinateJob getJob() {
    return job;
  }
}
