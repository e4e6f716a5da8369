package com.example;

import dev.procrastinate.Task;

public final class Slow {
  private Slow() {}

  @Task(name = "signal.slow")
  public static void slow(long millis) throws InterruptedException {
    System.out.println("SLOW STARTED");
    Thread.sleep(millis);
    System.out.println("SLOW DONE");
  }
}
