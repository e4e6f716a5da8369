package com.example.shop;

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

/** An order; the job that ships it is referenced, and cleared when the job is deleted. */
@Entity
@Table(name = "orders")
public class Order {
  @Id
  @GeneratedValue(strategy = GenerationType.IDENTITY)
  private Long id;

  private String reference;

  private boolean shipped;

  @ManyToOne(fetch = FetchType.LAZY)
  @JoinColumn(
      name = "procrastinate_job_id",
      foreignKey = @ForeignKey(ConstraintMode.NO_CONSTRAINT))
  @OnJobDelete(OnDelete.SET_NULL)
  private ProcrastinateJob job;

  protected Order() {}

  public Order(String reference) {
    this.reference = reference;
  }

  public Long getId() {
    return id;
  }

  public String getReference() {
    return reference;
  }

  public boolean isShipped() {
    return shipped;
  }

  public void markShipped() {
    this.shipped = true;
  }

  public void setJob(ProcrastinateJob job) {
    this.job = job;
  }
}
