package dev.procrastinate.test;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.procrastinate.App;
import dev.procrastinate.DatabaseUnavailableException;
import dev.procrastinate.test.shop.ExplodeDeferrer;
import dev.procrastinate.test.shop.PlaceOrderDeferrer;
import dev.procrastinate.test.shop.ShipDeferrer;
import dev.procrastinate.test.shop.ShopTasks;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/** The inline mode: no database; a defer runs its task at once, in the caller's thread. */
@ProcrastinateTest(inline = true)
class InlineModeTest {
  @BeforeEach
  void clearRecords() {
    ShopTasks.RAN.clear();
    ShopTasks.SHIPPED.clear();
  }

  @Test
  void deferRunsTheTaskAtOnceInTheCallersThreadWithTheJobsItDefers() {
    String thread = Thread.currentThread().getName();

    long first = PlaceOrderDeferrer.defer(3, "ada@example.com");

    assertThat(ShopTasks.RAN).containsExactly("placeOrder:3@" + thread, "sendReceipt:3@" + thread);
    assertThat(PlaceOrderDeferrer.defer(4, "bob@example.com")).isGreaterThan(first);
  }

  @Test
  void argumentsGoThroughJson() {
    ShopTasks.Parcel parcel = new ShopTasks.Parcel("2 High Street", 800);

    ShipDeferrer.defer(parcel);

    assertThat(ShopTasks.SHIPPED).singleElement().isEqualTo(parcel).isNotSameAs(parcel);
  }

  @Test
  void aFailingTaskThrowsToTheCaller() {
    assertThatThrownBy(() -> ExplodeDeferrer.defer("no stock"))
        .isInstanceOf(IllegalStateException.class)
        .hasMessage("no stock");
    assertThat(ExplodeDeferrer.deferAsync("later"))
        .failsWithin(java.time.Duration.ofSeconds(1))
        .withThrowableThat()
        .havingCause()
        .withMessage("later");
  }

  @Test
  void theAppHasNoDatabaseAndSaysSo(App app) {
    assertThat(App.getDefault()).isSameAs(app);
    assertThatThrownBy(() -> app.jobManager().listJobs(dev.procrastinate.JobFilter.all()))
        .isInstanceOf(DatabaseUnavailableException.class)
        .hasMessageContaining("runs jobs inline");
  }
}
