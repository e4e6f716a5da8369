package com.example.shop;

import dev.procrastinate.jpa.OnDelete;
import dev.procrastinate.jpa.OnJobDelete;
import dev.procrastinate.jpa.ProcrastinateJob;
import jakarta.persistence.Column;
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

/** A receipt that lives as long as the job that ships its order. */
@Entity
@Table(name = "receipts")
public class Receipt {
  @Id
  @GeneratedValue(strategy = GenerationType.IDENTITY)
  private Long id;

  @Column(name = "order_reference")
  private String orderReference;

  @ManyToOne(fetch = FetchType.LAZY, optional = false)
  @JoinColumn(
      name = "procrastinate_job_id",
      nullable = false,
      foreignKey = @ForeignKey(ConstraintMode.NO_CONSTRAINT))
  @OnJobDelete(OnDelete.CASCADE)
  private ProcrastinateJob job;

  protected Receipt() {}

  public Receipt(String orderReference, ProcrastinateJob job) {
    this.orderReference = orderReference;
    this.job = job;
  }
}
