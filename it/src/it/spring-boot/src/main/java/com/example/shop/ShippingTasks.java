package com.example.shop;

import dev.procrastinate.Task;
import java.util.concurrent.CountDownLatch;
import org.springframework.stereotype.Component;
import org.springframework.transaction.annotation.Transactional;

/** A bean whose task runs on the bean itself, with its injected repository. */
@Component
public class ShippingTasks {
  private final OrderRepository orders;
  private final CountDownLatch shipped = new CountDownLatch(1);

  public ShippingTasks(OrderRepository orders) {
    this.orders = orders;
  }

  @Task(name = "shop.ship_order")
  @Transactional
  public void shipOrder(long orderId) {
    Order order = orders.findById(orderId).orElseThrow();
    order.markShipped();
    shipped.countDown();
  }

  CountDownLatch shipped() {
    return shipped;
  }
}
