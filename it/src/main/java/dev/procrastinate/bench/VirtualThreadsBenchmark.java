package dev.procrastinate.bench;

import dev.procrastinate.App;
import dev.procrastinate.NewJob;
import dev.procrastinate.Worker;
import dev.procrastinate.WorkerOptions;
import dev.procrastinate.spi.TaskDescriptor;
import dev.procrastinate.spi.TaskParameter;
import dev.procrastinate.spi.TaskRegistrar;
import java.sql.Connection;
import java.sql.Statement;
import java.util.List;
import java.util.Locale;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.stream.IntStream;

/**
 * Jobs that wait on I/O, on virtual threads and on platform threads: {@code jobs} jobs that each
 * sleep {@code millis} ms, burnt down by one worker of {@code concurrency} slots, first with {@link
 * WorkerOptions#virtualThreads()}, then without, each figure with the peak heap it took. Needs Java
 * 21 or later for the first measure (on Java 17 it says so and measures platform threads only). Run
 * with {@code -Xmx256m}.
 *
 * <p>Arguments: {@code [jobs] [millis] [concurrency]}, defaults 4000 200 2000. Each run prints
 * {@code virtual threads: N jobs in S s} and whether the tasks saw virtual threads, which the
 * build's smoke test reads.
 */
public final class VirtualThreadsBenchmark {
  private static final String TASK = "bench.wait";

  private VirtualThreadsBenchmark() {}

  /**
   * Runs the benchmark.
   *
   * @param args optional sizes
   * @throws Exception if the database fails
   */
  public static void main(String[] args) throws Exception {
    System.setProperty("org.slf4j.simpleLogger.defaultLogLevel", "warn");
    int jobs = args.length > 0 ? Integer.parseInt(args[0]) : 4_000;
    int millis = args.length > 1 ? Integer.parseInt(args[1]) : 200;
    int concurrency = args.length > 2 ? Integer.parseInt(args[2]) : 2_000;
    System.out.printf(
        Locale.ROOT,
        "virtual threads benchmark: %,d jobs of %d ms, concurrency %,d, Java %s, max heap %d MiB%n",
        jobs,
        millis,
        concurrency,
        Runtime.version(),
        Runtime.getRuntime().maxMemory() / (1024 * 1024));
    Set<Boolean> sawVirtual = ConcurrentHashMap.newKeySet();
    TaskDescriptor wait =
        TaskDescriptor.builder(TASK)
            .parameter(TaskParameter.required("millis", "int"))
            .source("VirtualThreadsBenchmark")
            .build(
                (context, arguments) -> {
                  sawVirtual.add(isVirtual(Thread.currentThread()));
                  Thread.sleep(arguments.getInt("millis"));
                  return null;
                });
    TaskRegistrar registrar = () -> List.of(wait);
    try (BenchDatabase db = BenchDatabase.create("virtual", 8);
        App app =
            App.builder().dataSource(db.dataSource()).taskRegistrars(List.of(registrar)).build()) {
      app.schemaManager().migrate();
      boolean available = Runtime.version().feature() >= WorkerOptions.VIRTUAL_THREADS_JAVA;
      for (boolean virtual : available ? new boolean[] {true, false} : new boolean[] {false}) {
        app.jobManager()
            .deferBatch(
                () ->
                    IntStream.range(0, jobs)
                        .mapToObj(i -> NewJob.builder(TASK).arg("millis", millis).build())
                        .iterator());
        sawVirtual.clear();
        PeakHeap.reset();
        long start = System.nanoTime();
        try (Worker worker =
            app.worker(
                WorkerOptions.builder()
                    .name(virtual ? "virtual" : "platform")
                    .concurrency(concurrency)
                    .fetchBatchSize(Math.min(concurrency, 500))
                    .virtualThreads(virtual)
                    .waitForJobs(false)
                    .installSignalHandlers(false)
                    .build())) {
          worker.run();
          if (worker.processedJobs() < jobs) {
            throw new IllegalStateException(
                "worker processed " + worker.processedJobs() + " of " + jobs);
          }
        }
        double seconds = (System.nanoTime() - start) / 1e9;
        System.out.printf(
            Locale.ROOT,
            "%s threads: %,d jobs in %.2f s (%.1fx the ideal %.2f s), peak heap %d MiB,"
                + " tasks saw virtual threads: %s%n",
            virtual ? "virtual" : "platform",
            jobs,
            seconds,
            seconds / ideal(jobs, millis, concurrency),
            ideal(jobs, millis, concurrency),
            PeakHeap.mebibytes(),
            sawVirtual);
        try (Connection connection = db.newConnection();
            Statement statement = connection.createStatement()) {
          statement.execute("DELETE FROM procrastinate_jobs");
          statement.execute("VACUUM ANALYZE procrastinate_jobs");
        }
      }
      if (!available) {
        System.out.println(
            "virtual threads: not measured, Java "
                + Runtime.version()
                + " has none (run this on Java 21 or later)");
      }
    }
  }

  /** How long the jobs take if every slot waits all the time. */
  private static double ideal(int jobs, int millis, int concurrency) {
    return Math.ceil((double) jobs / concurrency) * millis / 1000.0;
  }

  private static boolean isVirtual(Thread thread) {
    try {
      return (Boolean) Thread.class.getMethod("isVirtual").invoke(thread);
    } catch (ReflectiveOperationException e) {
      return false; // Java 17: no virtual threads
    }
  }
}
