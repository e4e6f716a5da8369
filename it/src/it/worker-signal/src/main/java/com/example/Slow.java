package com.example;

import dev.procrastinate.Task;
import java.nio.file.Files;
import java.nio.file.Path;

/** A task that runs until its test lets it end, so that a signal surely comes while it runs. */
public final class Slow {
  private Slow() {}

  /**
   * Waits until the file {@code gate} exists, for at most five minutes.
   *
   * @param gate the file the test creates once it has sent its signal
   * @throws InterruptedException if interrupted
   */
  @Task(name = "signal.slow")
  public static void slow(String gate) throws InterruptedException {
    System.out.println("SLOW STARTED");
    long deadline = System.nanoTime() + 300_000_000_000L;
    while (!Files.exists(Path.of(gate)) && System.nanoTime() < deadline) {
      Thread.sleep(20);
    }
    System.out.println("SLOW DONE");
  }
}
