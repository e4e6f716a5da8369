package com.example;

import dev.procrastinate.Task;

/** A task that runs long enough to be interrupted by a signal. */
public final class Slow {
  private Slow() {}

  /**
   * Sleeps.
   *
   * @param millis how long
   * @throws InterruptedException if interrupted
   */
  @Task(name = "signal.slow")
  public static void slow(long millis) throws InterruptedException {
    System.out.println("SLOW STARTED");
    Thread.sleep(millis);
    System.out.println("SLOW DONE");
  }
}
