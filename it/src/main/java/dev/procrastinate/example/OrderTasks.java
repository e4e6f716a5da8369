package dev.procrastinate.example;

import dev.procrastinate.JobContext;
import dev.procrastinate.Task;
import java.util.List;
import java.util.Objects;

/**
 * The tasks of an order's workflow: the card is charged, then every item is packed at once, then
 * the order ships once every parcel is packed, with what the packing returned.
 */
public final class OrderTasks {
  private OrderTasks() {}

  /**
   * Charges an order's card.
   *
   * @param orderId the order
   * @param cents the amount
   * @return the payment's reference
   */
  @Task(name = "example.orders.charge", queue = "orders")
  public static String charge(long orderId, long cents) {
    return "payment-" + orderId + "-" + cents;
  }

  /**
   * Packs one item of an order.
   *
   * @param orderId the order
   * @param item the item
   * @return the parcel's weight in grams
   */
  @Task(name = "example.orders.pack", queue = "orders")
  public static int pack(long orderId, String item) {
    return 250 * item.length();
  }

  /**
   * Ships an order, once every item is packed.
   *
   * @param context the running job, through which the parcels' weights are read
   * @param orderId the order
   * @return what was shipped
   */
  @Task(name = "example.orders.ship", queue = "orders")
  public static String ship(JobContext context, long orderId) {
    List<Integer> weights = context.resultsBefore(Integer.class);
    int grams = weights.stream().mapToInt(Objects::requireNonNull).sum();
    return "order " + orderId + " shipped: " + weights.size() + " parcels, " + grams + " g";
  }
}
