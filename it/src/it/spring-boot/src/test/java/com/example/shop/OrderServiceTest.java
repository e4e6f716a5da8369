package com.example.shop;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.procrastinate.test.JobMatch;
import dev.procrastinate.test.ProcrastinateTest;
import dev.procrastinate.test.TestJobs;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.boot.test.context.SpringBootTest;

/**
 * The service's defers, asserted on and run as a test of the application does: the context's app
 * writes to a database of the test run's own, its in-app worker stays off, and runDue runs the
 * task on its bean.
 */
@SpringBootTest
@ProcrastinateTest
class OrderServiceTest {
  @Autowired OrderService orderService;
  @Autowired OrderRepository orders;

  @Test
  void placingAnOrderDefersItsShippingWhichShipsItOnTheBean(TestJobs jobs) {
    long orderId = orderService.placeOrder("T-1");

    jobs.assertDeferred(JobMatch.task(ShipOrderDeferrer.class).args(Map.of("orderId", orderId)));
    assertThat(jobs.runDue().succeeded()).isEqualTo(1);
    assertThat(orders.findById(orderId).orElseThrow().isShipped()).isTrue();
  }

  @Test
  void aRolledBackOrderDefersNothing(TestJobs jobs) {
    assertThatThrownBy(() -> orderService.placeOrderThenFail("T-2"))
        .hasMessageContaining("payment refused");

    jobs.assertNothingDeferred();
  }

  @Test
  void eachTestStartsWithNoJob(TestJobs jobs) {
    jobs.assertNothingDeferred();
  }
}
