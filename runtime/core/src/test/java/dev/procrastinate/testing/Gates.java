package dev.procrastinate.testing;

import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CountDownLatch;

/**
 * Named gates for tasks under test: a task counts down {@link #reached(String)} when it gets to a
 * gate, then waits until the test opens it with {@link #gate(String)}{@code .countDown()}. Thread
 * safe.
 */
public final class Gates {
  private final Map<String, CountDownLatch> gates = new ConcurrentHashMap<>();
  private final Map<String, CountDownLatch> reached = new ConcurrentHashMap<>();

  /**
   * Returns the gate of a name, which a test opens by counting it down.
   *
   * @param name the gate's name
   * @return its latch, of count 1
   */
  public CountDownLatch gate(String name) {
    return gates.computeIfAbsent(name, k -> new CountDownLatch(1));
  }

  /**
   * Returns the latch a task counts down when it gets to a gate.
   *
   * @param name the gate's name
   * @return its latch, of count 1
   */
  public CountDownLatch reached(String name) {
    return reached.computeIfAbsent(name, k -> new CountDownLatch(1));
  }

  /** Opens every gate, so that no task waits past its test. */
  public void openAll() {
    gates.values().forEach(CountDownLatch::countDown);
  }
}
