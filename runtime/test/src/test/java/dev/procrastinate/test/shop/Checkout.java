package dev.procrastinate.test.shop;

import java.time.Duration;

/** The code under test: it defers jobs through the generated deferrers and the default app. */
public final class Checkout {
  private Checkout() {}

  /**
   * Checks an order out: places it now, ships it, and reminds the customer in a day.
   *
   * @param orderId the order
   * @param email the customer
   * @param address where to ship
   */
  public static void checkout(long orderId, String email, String address) {
    PlaceOrderDeferrer.defer(orderId, email);
    ShipDeferrer.configure()
        .queueingLock("order-" + orderId)
        .defer(new ShopTasks.Parcel(address, 1200));
    RemindDeferrer.configure().scheduleIn(Duration.ofDays(1)).defer(email);
  }
}
