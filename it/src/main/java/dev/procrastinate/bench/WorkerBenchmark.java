package dev.procrastinate.bench;

import dev.procrastinate.App;
import dev.procrastinate.NewJob;
import dev.procrastinate.Worker;
import dev.procrastinate.WorkerOptions;
import dev.procrastinate.spi.TaskDescriptor;
import dev.procrastinate.spi.TaskParameter;
import dev.procrastinate.spi.TaskRegistrar;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Locale;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import java.util.stream.IntStream;

/**
 * Measures the worker: burn-down of queued no-op jobs at several concurrencies, the same burn-down
 * through upstream's one-job-per-call {@code procrastinate_fetch_job_v2} and {@code
 * procrastinate_finish_job_v1} as the baseline, and the defer-to-start latency of an idle worker.
 * The table holds 100,000 finished jobs throughout, as a production table would. Run with {@code
 * -Xmx256m}.
 *
 * <p>Arguments: {@code [jobs] [latencySamples]}, defaults 100000 1000.
 */
public final class WorkerBenchmark {
  private static final String TASK = "bench.noop";

  private WorkerBenchmark() {}

  /**
   * Runs the benchmark and prints its figures.
   *
   * @param args optional sizes
   * @throws Exception if the database fails
   */
  public static void main(String[] args) throws Exception {
    System.setProperty("org.slf4j.simpleLogger.defaultLogLevel", "warn");
    int jobs = args.length > 0 ? Integer.parseInt(args[0]) : 100_000;
    int samples = args.length > 1 ? Integer.parseInt(args[1]) : 1_000;
    System.out.printf(
        Locale.ROOT,
        "worker benchmark: %,d no-op jobs, max heap %d MiB, %d cores%n",
        jobs,
        Runtime.getRuntime().maxMemory() / (1024 * 1024),
        Runtime.getRuntime().availableProcessors());
    long[] latencies = new long[samples];
    CountDownLatch[] started = {new CountDownLatch(0)};
    TaskDescriptor noop =
        TaskDescriptor.builder(TASK)
            .parameter(TaskParameter.required("n", "int"))
            .parameter(TaskParameter.optional("sent", "long"))
            .source("WorkerBenchmark")
            .build(
                (context, arguments) -> {
                  if (arguments.has("sent")) {
                    long sent = arguments.getLong("sent");
                    latencies[arguments.getInt("n")] = System.nanoTime() - sent;
                    started[0].countDown();
                  }
                  return null;
                });
    TaskRegistrar registrar = () -> List.of(noop);
    try (BenchDatabase db = BenchDatabase.create("worker", 60);
        App app =
            App.builder().dataSource(db.dataSource()).taskRegistrars(List.of(registrar)).build()) {
      app.schemaManager().migrate();
      fillFinished(db, app, 100_000);

      double best = 0;
      for (int concurrency : new int[] {1, 10, 50}) {
        deferQueued(db, app, jobs);
        long start = System.nanoTime();
        try (Worker worker =
            app.worker(
                WorkerOptions.builder()
                    .concurrency(concurrency)
                    .waitForJobs(false)
                    .installSignalHandlers(false)
                    .build())) {
          worker.run();
          if (worker.processedJobs() != jobs) {
            throw new IllegalStateException(
                "worker processed " + worker.processedJobs() + " of " + jobs);
          }
        }
        best =
            Math.max(
                best,
                report("burn-down, concurrency " + concurrency, jobs, System.nanoTime() - start));
        checkAllSucceeded(db, jobs);
        deleteSucceededAfterFill(db);
      }

      deferQueued(db, app, jobs);
      double baseline = baseline(db, jobs, 4);
      checkAllSucceeded(db, jobs);
      deleteSucceededAfterFill(db);

      latency(app, latencies, started);

      System.out.printf(
          Locale.ROOT,
          "summary: burn-down %.0f jobs/s (best), upstream one-job-per-call %.0f jobs/s, %.1fx%n",
          best,
          baseline,
          best / baseline);
      explainFetch(db);
    }
  }

  private static final String FILL_MARK = "bench.fill";

  private static void fillFinished(BenchDatabase db, App app, int count) throws SQLException {
    app.jobManager()
        .deferBatch(
            () ->
                IntStream.range(0, count)
                    .mapToObj(i -> NewJob.builder(FILL_MARK).arg("n", i).build())
                    .iterator());
    try (Connection connection = db.newConnection();
        Statement statement = connection.createStatement()) {
      statement.execute(
          "UPDATE procrastinate_jobs SET status = 'succeeded', attempts = 1"
              + " WHERE task_name = '"
              + FILL_MARK
              + "'");
      statement.execute("VACUUM ANALYZE procrastinate_jobs");
    }
  }

  private static void deferQueued(BenchDatabase db, App app, int count) throws SQLException {
    app.jobManager()
        .deferBatch(
            () ->
                IntStream.range(0, count)
                    .mapToObj(i -> NewJob.builder(TASK).arg("n", i).build())
                    .iterator());
    // Fresh statistics for every contender, as autovacuum gives a table after a burst.
    try (Connection connection = db.newConnection();
        Statement statement = connection.createStatement()) {
      statement.execute("ANALYZE procrastinate_jobs");
    }
  }

  private static void checkAllSucceeded(BenchDatabase db, int count) throws SQLException {
    try (Connection connection = db.newConnection();
        PreparedStatement statement =
            connection.prepareStatement(
                "SELECT count(*) FILTER (WHERE status = 'succeeded' AND attempts = 1),"
                    + " count(*) FROM procrastinate_jobs WHERE task_name = ?")) {
      statement.setString(1, TASK);
      try (ResultSet result = statement.executeQuery()) {
        result.next();
        if (result.getLong(1) != count || result.getLong(2) != count) {
          throw new IllegalStateException(
              "expected "
                  + count
                  + " jobs succeeded once, found "
                  + result.getLong(1)
                  + " of "
                  + result.getLong(2));
        }
      }
    }
  }

  private static void deleteSucceededAfterFill(BenchDatabase db) throws SQLException {
    try (Connection connection = db.newConnection();
        Statement statement = connection.createStatement()) {
      statement.execute("DELETE FROM procrastinate_jobs WHERE task_name = '" + TASK + "'");
      statement.execute("VACUUM ANALYZE procrastinate_jobs");
      statement.execute("VACUUM ANALYZE procrastinate_events");
    }
  }

  /** Upstream's way: each client fetches one job, then finishes it, one call each. */
  private static double baseline(BenchDatabase db, int count, int clients) throws Exception {
    ExecutorService pool = Executors.newFixedThreadPool(clients);
    long start = System.nanoTime();
    try {
      List<Future<Integer>> done = new ArrayList<>();
      for (int c = 0; c < clients; c++) {
        done.add(
            pool.submit(
                () -> {
                  int n = 0;
                  try (Connection connection = db.newConnection();
                      PreparedStatement fetch =
                          connection.prepareStatement(
                              "SELECT id FROM procrastinate_fetch_job_v2(NULL, NULL)");
                      PreparedStatement finish =
                          connection.prepareStatement(
                              "SELECT procrastinate_finish_job_v1(?, 'succeeded', false)")) {
                    while (true) {
                      long id;
                      try (ResultSet result = fetch.executeQuery()) {
                        result.next();
                        id = result.getLong(1);
                        if (result.wasNull()) {
                          return n;
                        }
                      }
                      finish.setLong(1, id);
                      finish.execute();
                      n++;
                    }
                  }
                }));
      }
      int total = 0;
      for (Future<Integer> future : done) {
        total += future.get();
      }
      if (total != count) {
        throw new IllegalStateException("baseline ran " + total + " of " + count);
      }
    } finally {
      pool.shutdown();
    }
    return report(
        "baseline fetch_job_v2 + finish_job_v1, " + clients + " clients",
        count,
        System.nanoTime() - start);
  }

  private static void latency(App app, long[] latencies, CountDownLatch[] started)
      throws Exception {
    try (Worker worker =
        app.worker(WorkerOptions.builder().concurrency(10).installSignalHandlers(false).build())) {
      worker.start();
      Thread.sleep(500);
      for (int i = 0; i < latencies.length; i++) {
        started[0] = new CountDownLatch(1);
        app.jobManager()
            .defer(NewJob.builder(TASK).arg("n", i).arg("sent", System.nanoTime()).build());
        if (!started[0].await(10, TimeUnit.SECONDS)) {
          throw new IllegalStateException("job " + i + " did not start within 10 s");
        }
        Thread.sleep(2);
      }
    }
    long[] sorted = latencies.clone();
    Arrays.sort(sorted);
    System.out.printf(
        Locale.ROOT,
        "  defer->start latency over %d jobs: p50 %.2f ms, p95 %.2f ms, p99 %.2f ms, max %.2f ms%n",
        sorted.length,
        percentile(sorted, 50),
        percentile(sorted, 95),
        percentile(sorted, 99),
        sorted[sorted.length - 1] / 1e6);
  }

  private static double percentile(long[] sorted, int p) {
    int index = (int) Math.ceil(p / 100.0 * sorted.length) - 1;
    return sorted[Math.max(0, Math.min(index, sorted.length - 1))] / 1e6;
  }

  private static void explainFetch(BenchDatabase db) throws SQLException {
    try (Connection connection = db.newConnection();
        Statement statement = connection.createStatement()) {
      connection.setAutoCommit(false);
      statement.execute(
          "INSERT INTO procrastinate_jobs (queue_name, task_name, args)"
              + " SELECT 'default', '"
              + TASK
              + "', jsonb_build_object('n', g) FROM generate_series(1, 1000) g");
      System.out.println("  fetch of 500 jobs with 100,000 finished rows in the table:");
      try (ResultSet result =
          statement.executeQuery(
              "EXPLAIN (ANALYZE, BUFFERS, SUMMARY) SELECT count(*)"
                  + " FROM procrastinate_java_fetch_jobs_v1(NULL, NULL, 500)")) {
        while (result.next()) {
          System.out.println("    " + result.getString(1));
        }
      }
      try (ResultSet result =
          statement.executeQuery(
              "EXPLAIN (ANALYZE, BUFFERS) SELECT jobs.id FROM procrastinate_jobs AS jobs"
                  + " WHERE jobs.status = 'todo' AND (jobs.scheduled_at IS NULL"
                  + " OR jobs.scheduled_at <= now()) ORDER BY jobs.priority DESC, jobs.id ASC"
                  + " LIMIT 500 FOR UPDATE OF jobs SKIP LOCKED")) {
        System.out.println("  plan of the candidate scan inside it:");
        while (result.next()) {
          System.out.println("    " + result.getString(1));
        }
      }
      connection.rollback();
    }
  }

  private static double report(String what, long jobs, long nanos) {
    double seconds = nanos / 1e9;
    double rate = jobs / seconds;
    System.out.printf(
        Locale.ROOT, "  %-48s %,10d jobs in %7.2f s = %,9.0f jobs/s%n", what, jobs, seconds, rate);
    return rate;
  }
}
