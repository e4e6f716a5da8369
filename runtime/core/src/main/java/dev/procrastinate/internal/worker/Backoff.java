package dev.procrastinate.internal.worker;

/** Exponential backoff from 100 ms up to 10 s. Not API. */
final class Backoff {
  private Backoff() {}

  /**
   * Returns the wait after a number of consecutive failures.
   *
   * @param failures at least 1
   * @return milliseconds to wait
   */
  static long delayMillis(int failures) {
    int exponent = Math.min(Math.max(failures, 1) - 1, 7);
    return Math.min(100L << exponent, 10_000L);
  }
}
