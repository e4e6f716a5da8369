package dev.procrastinate.test.shop;

import dev.procrastinate.Retry;
import dev.procrastinate.Task;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.atomic.AtomicInteger;

/** The shop's tasks; each records what it did, and on which thread, in {@link #RAN}. */
public final class ShopTasks {
  /** What ran: "task:argument@thread". */
  public static final List<String> RAN = new CopyOnWriteArrayList<>();

  /** The parcels {@link #ship} received, to check they went through JSON. */
  public static final List<Parcel> SHIPPED = new CopyOnWriteArrayList<>();

  private static final Map<String, AtomicInteger> ATTEMPTS = new ConcurrentHashMap<>();

  private ShopTasks() {}

  /** A parcel to ship. */
  public record Parcel(String address, int grams) {}

  /**
   * Places an order: sends its receipt through another job.
   *
   * @param orderId the order
   * @param email where the receipt goes
   */
  @Task(name = "shop.place_order", queue = "orders")
  public static void placeOrder(long orderId, String email) {
    RAN.add("placeOrder:" + orderId + "@" + Thread.currentThread().getName());
    SendReceiptDeferrer.defer(orderId, email);
  }

  /**
   * Sends a receipt.
   *
   * @param orderId the order
   * @param email where it goes
   */
  @Task(name = "shop.send_receipt", queue = "mail", priority = 5)
  public static void sendReceipt(long orderId, String email) {
    RAN.add("sendReceipt:" + orderId + "@" + Thread.currentThread().getName());
  }

  /**
   * Ships a parcel.
   *
   * @param parcel the parcel
   */
  @Task(name = "shop.ship", queue = "shipping", lock = "warehouse")
  public static void ship(Parcel parcel) {
    SHIPPED.add(parcel);
    RAN.add("ship:" + parcel.address() + "@" + Thread.currentThread().getName());
  }

  /**
   * Fails, always.
   *
   * @param why the message of the exception
   */
  @Task(name = "shop.explode")
  public static void explode(String why) {
    RAN.add("explode:" + why + "@" + Thread.currentThread().getName());
    throw new IllegalStateException(why);
  }

  /**
   * Fails on its first attempt per key, then succeeds; retried a minute later.
   *
   * @param key the key
   */
  @Task(name = "shop.flaky", retry = @Retry(maxAttempts = 3, fixedWait = 60))
  public static void flaky(String key) {
    int attempt = ATTEMPTS.computeIfAbsent(key, k -> new AtomicInteger()).incrementAndGet();
    RAN.add("flaky:" + key + "#" + attempt + "@" + Thread.currentThread().getName());
    if (attempt == 1) {
      throw new IllegalStateException("first attempt of " + key + " fails");
    }
  }

  /**
   * Reminds a customer.
   *
   * @param email whom
   */
  @Task(name = "shop.remind", queue = "mail")
  public static void remind(String email) {
    RAN.add("remind:" + email + "@" + Thread.currentThread().getName());
  }
}
