package com.example.shop;

import static org.assertj.core.api.Assertions.assertThat;

import dev.procrastinate.App;
import org.junit.jupiter.api.Test;
import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.boot.test.context.SpringBootTest;
import dev.procrastinate.test.ProcrastinateTest;

/** With inline = true, a defer runs its task at once, on the task's bean. */
@SpringBootTest
@ProcrastinateTest(inline = true)
class InlineShippingTest {
  @Autowired OrderRepository orders;
  @Autowired App app;

  @Test
  void aDeferShipsTheOrderAtOnce() {
    Order order = orders.save(new Order("I-1"));

    ShipOrderDeferrer.defer(order.getId());

    assertThat(app.isInline()).isTrue();
    assertThat(orders.findById(order.getId()).orElseThrow().isShipped()).isTrue();
  }
}
