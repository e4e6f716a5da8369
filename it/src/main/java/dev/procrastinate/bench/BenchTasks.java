package dev.procrastinate.bench;

import dev.procrastinate.Task;

/**
 * The tasks the benchmarks run through a worker process of their own, the command-line worker
 * started with this module's classes on its {@code --class-path}.
 */
public final class BenchTasks {
  private BenchTasks() {}

  /**
   * Does nothing and returns nothing, so that a job costs the worker's path alone: no result row.
   *
   * @param n the job's number, unused
   */
  @Task(name = "bench.empty", queue = "bench")
  public static void noop(int n) {}
}
