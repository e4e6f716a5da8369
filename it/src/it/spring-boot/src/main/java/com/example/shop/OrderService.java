package com.example.shop;

import dev.procrastinate.jpa.ProcrastinateJob;
import jakarta.persistence.EntityManager;
import org.springframework.stereotype.Service;
import org.springframework.transaction.annotation.Transactional;

/** Places orders: the order and its shipping job commit, or roll back, together. */
@Service
public class OrderService {
  private final OrderRepository orders;
  private final ReceiptRepository receipts;
  private final EntityManager entityManager;
  private volatile long lastJobId;

  public OrderService(
      OrderRepository orders, ReceiptRepository receipts, EntityManager entityManager) {
    this.orders = orders;
    this.receipts = receipts;
    this.entityManager = entityManager;
  }

  @Transactional
  public long placeOrder(String reference) {
    Order order = orders.save(new Order(reference));
    long jobId = ShipOrderDeferrer.defer(order.getId());
    lastJobId = jobId;
    ProcrastinateJob job = entityManager.getReference(ProcrastinateJob.class, jobId);
    order.setJob(job);
    receipts.save(new Receipt(reference, job));
    return order.getId();
  }

  /** The id of the job deferred by the last order placed, committed or not. */
  public long lastJobId() {
    return lastJobId;
  }

  @Transactional
  public long placeOrderThenFail(String reference) {
    placeOrder(reference);
    throw new IllegalStateException("payment refused for " + reference);
  }
}
