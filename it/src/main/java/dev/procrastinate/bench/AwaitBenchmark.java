package dev.procrastinate.bench;

import dev.procrastinate.App;
import dev.procrastinate.NewJob;
import dev.procrastinate.Worker;
import dev.procrastinate.WorkerOptions;
import dev.procrastinate.model.ProcrastinateJob;
import dev.procrastinate.spi.TaskDescriptor;
import dev.procrastinate.spi.TaskParameter;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.TimeUnit;

/**
 * How soon {@code JobManager.await} wakes after a job ends: the time from the end of the task's run
 * (its last statement, on the worker's thread) to the waiter's return, which holds the outcome's
 * write and commit, its notification, and the waiter's read of the job. {@code jobs} jobs one after
 * the other, each awaited alone; then {@code jobs} jobs at once, each with its own waiter, all
 * sharing the app's one listening connection. The worker polls once an hour: only the notification
 * can wake it and the waiters in time.
 *
 * <p>Arguments: {@code [jobs]}, default 300. The target: a waiter wakes within 10 ms of the
 * outcome.
 */
public final class AwaitBenchmark {
  private static final String TASK = "bench.awaited";

  private AwaitBenchmark() {}

  /**
   * Runs the benchmark.
   *
   * @param args optional size
   * @throws Exception if the database fails
   */
  public static void main(String[] args) throws Exception {
    System.setProperty("org.slf4j.simpleLogger.defaultLogLevel", "warn");
    int jobs = args.length > 0 ? Integer.parseInt(args[0]) : 300;
    Map<Long, Long> ended = new ConcurrentHashMap<>();
    TaskDescriptor task =
        TaskDescriptor.builder(TASK)
            .parameter(TaskParameter.required("n", "int"))
            .source("AwaitBenchmark")
            .build(
                (context, arguments) -> {
                  ended.put(context.job().id(), System.nanoTime());
                  return arguments.getInt("n");
                });
    try (BenchDatabase db = BenchDatabase.create("await", 8);
        App app =
            App.builder()
                .dataSource(db.dataSource())
                .taskRegistrars(List.of(() -> List.of(task)))
                .build()) {
      app.schemaManager().migrate();
      try (Worker worker =
          app.worker(
              WorkerOptions.builder()
                  .installSignalHandlers(false)
                  .concurrency(4)
                  .fetchJobPollingInterval(Duration.ofHours(1))
                  .build())) {
        worker.start();
        // Warm-up: the JIT, the pool, the listening connection.
        sequential(app, ended, 50);
        report("one waiter at a time", sequential(app, ended, jobs));
        report(jobs + " waiters at once", together(app, ended, jobs));
      }
    }
  }

  private static List<Long> sequential(App app, Map<Long, Long> ended, int jobs) throws Exception {
    List<Long> latencies = new ArrayList<>();
    for (int i = 0; i < jobs; i++) {
      long id = app.jobManager().defer(NewJob.builder(TASK).arg("n", i).build());
      Optional<ProcrastinateJob> job = app.jobManager().await(id, Duration.ofSeconds(30));
      long woke = System.nanoTime();
      if (job.isEmpty() || app.jobManager().result(id, Integer.class).orElse(-1) != i) {
        throw new IllegalStateException("job " + id + " ended without its result");
      }
      latencies.add(woke - ended.get(id));
    }
    return latencies;
  }

  private static List<Long> together(App app, Map<Long, Long> ended, int jobs) throws Exception {
    Map<Long, Long> woke = new ConcurrentHashMap<>();
    List<CompletableFuture<?>> waits = new ArrayList<>();
    for (int i = 0; i < jobs; i++) {
      long id = app.jobManager().defer(NewJob.builder(TASK).arg("n", i).build());
      waits.add(app.jobManager().awaitAsync(id).thenAccept(job -> woke.put(id, System.nanoTime())));
    }
    CompletableFuture.allOf(waits.toArray(CompletableFuture[]::new)).get(60, TimeUnit.SECONDS);
    List<Long> latencies = new ArrayList<>();
    woke.forEach((id, at) -> latencies.add(at - ended.get(id)));
    return latencies;
  }

  private static void report(String what, List<Long> latencies) {
    Collections.sort(latencies);
    System.out.printf(
        Locale.ROOT,
        "  await, %-28s %,5d jobs: task end to waiter's return p50 %5.2f ms, p90 %5.2f ms,"
            + " p99 %5.2f ms, max %6.2f ms%n",
        what,
        latencies.size(),
        latencies.get(latencies.size() / 2) / 1e6,
        latencies.get(latencies.size() * 9 / 10) / 1e6,
        latencies.get(latencies.size() * 99 / 100) / 1e6,
        latencies.get(latencies.size() - 1) / 1e6);
  }
}
