package dev.procrastinate.internal.worker;

import java.util.concurrent.TimeUnit;
import java.util.concurrent.locks.Condition;
import java.util.concurrent.locks.ReentrantLock;

/** A wake-up signal that is not lost when it comes before the wait. Thread-safe. Not API. */
final class Wakeup {
  private final ReentrantLock lock = new ReentrantLock();
  private final Condition signalled = lock.newCondition();
  private boolean pending;

  /** Wakes the waiter, or the next one to wait. */
  void signal() {
    lock.lock();
    try {
      pending = true;
      signalled.signalAll();
    } finally {
      lock.unlock();
    }
  }

  /**
   * Waits for a signal or the timeout, and consumes the signal.
   *
   * @param nanos the most to wait
   * @return whether a signal came
   * @throws InterruptedException if interrupted
   */
  boolean await(long nanos) throws InterruptedException {
    lock.lock();
    try {
      long remaining = nanos;
      while (!pending && remaining > 0) {
        remaining = signalled.awaitNanos(remaining);
      }
      boolean signal = pending;
      pending = false;
      return signal;
    } finally {
      lock.unlock();
    }
  }

  /**
   * Waits up to a timeout in milliseconds.
   *
   * @param millis the most to wait
   * @return whether a signal came
   * @throws InterruptedException if interrupted
   */
  boolean awaitMillis(long millis) throws InterruptedException {
    return await(TimeUnit.MILLISECONDS.toNanos(millis));
  }
}
