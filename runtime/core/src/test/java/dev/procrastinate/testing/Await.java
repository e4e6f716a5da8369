package dev.procrastinate.testing;

import java.time.Duration;
import java.util.function.BooleanSupplier;

/** Waits for a condition in tests that watch a worker from outside. */
public final class Await {
  private Await() {}

  /**
   * Polls a condition every 10 ms until it holds.
   *
   * @param timeout how long to wait at the most
   * @param condition the condition
   * @param what what is awaited, for the failure message
   * @throws InterruptedException if interrupted
   * @throws AssertionError if the condition does not hold in time
   */
  public static void until(Duration timeout, BooleanSupplier condition, String what)
      throws InterruptedException {
    long deadline = System.nanoTime() + timeout.toNanos();
    while (!condition.getAsBoolean()) {
      if (System.nanoTime() - deadline > 0) {
        throw new AssertionError("timed out after " + timeout + " waiting for " + what);
      }
      Thread.sleep(10);
    }
  }
}
