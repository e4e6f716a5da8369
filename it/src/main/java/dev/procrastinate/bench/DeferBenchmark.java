package dev.procrastinate.bench;

import dev.procrastinate.App;
import dev.procrastinate.JobManager;
import dev.procrastinate.NewJob;
import java.sql.Connection;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.Iterator;
import java.util.Locale;
import java.util.NoSuchElementException;

/**
 * Measures deferring: one job per call, batches of 100,000 through {@link
 * JobManager#deferBatch(Iterable)}, the same batch as one server-side SQL call (the floor set by
 * PostgreSQL and the schema's triggers), and a streamed batch of 1,000,000 jobs, which must fit in
 * the heap the JVM was started with (run with {@code -Xmx256m}).
 *
 * <p>Arguments: {@code [batchSize] [oneByOneCount] [streamedCount]}, defaults 100000 10000 1000000.
 */
public final class DeferBenchmark {
  private DeferBenchmark() {}

  /**
   * Runs the benchmark and prints its figures.
   *
   * @param args optional sizes
   * @throws Exception if the database fails
   */
  public static void main(String[] args) throws Exception {
    int batchSize = args.length > 0 ? Integer.parseInt(args[0]) : 100_000;
    int oneByOne = args.length > 1 ? Integer.parseInt(args[1]) : 10_000;
    int streamed = args.length > 2 ? Integer.parseInt(args[2]) : 1_000_000;
    System.out.printf(
        Locale.ROOT,
        "defer benchmark: max heap %d MiB, %d cores%n",
        Runtime.getRuntime().maxMemory() / (1024 * 1024),
        Runtime.getRuntime().availableProcessors());
    try (BenchDatabase db = BenchDatabase.create("defer", 4);
        App app = App.builder().dataSource(db.dataSource()).build()) {
      app.schemaManager().migrate();
      JobManager jobs = app.jobManager();

      // Warm up the JIT, the pool and the server's plan cache.
      for (int i = 0; i < 2_000; i++) {
        jobs.defer(job(i));
      }
      jobs.deferBatch(() -> jobs(20_000));
      truncate(db);

      long start = System.nanoTime();
      for (int i = 0; i < oneByOne; i++) {
        jobs.defer(job(i));
      }
      report("one job per call", oneByOne, System.nanoTime() - start);
      truncate(db);

      double best = 0;
      for (int round = 1; round <= 3; round++) {
        start = System.nanoTime();
        long[] ids = jobs.deferBatch(() -> jobs(batchSize));
        long elapsed = System.nanoTime() - start;
        if (ids.length != batchSize) {
          throw new IllegalStateException("expected " + batchSize + " ids, got " + ids.length);
        }
        best = Math.max(best, report("deferBatch round " + round, batchSize, elapsed));
        truncate(db);
      }

      double floor = 0;
      for (int round = 1; round <= 2; round++) {
        floor = Math.max(floor, serverSideBatch(db, batchSize, round));
        truncate(db);
      }

      PeakHeap.reset();
      start = System.nanoTime();
      long[] ids = jobs.deferBatch(() -> jobs(streamed));
      long elapsed = System.nanoTime() - start;
      report("deferBatch streamed", ids.length, elapsed);
      System.out.printf(
          Locale.ROOT, "  peak heap during streamed batch: %d MiB%n", PeakHeap.mebibytes());
      System.out.printf(
          Locale.ROOT,
          "summary: deferBatch %.0f jobs/s (best of 3), PostgreSQL alone %.0f jobs/s, %.0f%% of"
              + " the floor%n",
          best,
          floor,
          100 * best / floor);
    }
  }

  private static NewJob job(int n) {
    return NewJob.builder("bench.noop").arg("n", n).arg("label", "job").build();
  }

  private static Iterator<NewJob> jobs(int count) {
    return new Iterator<>() {
      private int next;

      @Override
      public boolean hasNext() {
        return next < count;
      }

      @Override
      public NewJob next() {
        if (next >= count) {
          throw new NoSuchElementException();
        }
        return job(next++);
      }
    };
  }

  private static double serverSideBatch(BenchDatabase db, int size, int round) throws SQLException {
    try (Connection connection = db.newConnection();
        Statement statement = connection.createStatement()) {
      long start = System.nanoTime();
      try (ResultSet result =
          statement.executeQuery(
              "SELECT count(*) FROM unnest(procrastinate_defer_jobs_v1(ARRAY("
                  + " SELECT ROW('default', 'bench.noop', 0, NULL, NULL,"
                  + " jsonb_build_object('n', g, 'label', 'job'), NULL)"
                  + "::procrastinate_job_to_defer_v1 FROM generate_series(1, "
                  + size
                  + ") AS g)))")) {
        result.next();
      }
      return report(
          "one SQL call, no client (round " + round + ")", size, System.nanoTime() - start);
    }
  }

  private static void truncate(BenchDatabase db) throws SQLException {
    try (Connection connection = db.newConnection();
        Statement statement = connection.createStatement()) {
      statement.execute("TRUNCATE procrastinate_jobs CASCADE");
      statement.execute("VACUUM ANALYZE procrastinate_jobs");
    }
  }

  private static double report(String what, long jobs, long nanos) {
    double seconds = nanos / 1e9;
    double rate = jobs / seconds;
    System.out.printf(
        Locale.ROOT, "  %-40s %,10d jobs in %7.2f s = %,9.0f jobs/s%n", what, jobs, seconds, rate);
    return rate;
  }
}
