package dev.procrastinate.bench;

import dev.procrastinate.App;
import dev.procrastinate.operations.CheckFinding;
import dev.procrastinate.operations.CheckReport;
import dev.procrastinate.operations.Operations;
import java.sql.Connection;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.Locale;

/**
 * Measures the deploy check ({@code procrastinate check}) over a large backlog: {@code count}
 * waiting jobs of the example application's tasks, nine in ten {@code myapp.tasks.send_welcome}
 * (two scalars), one in ten {@code catalog.values} (an enum, a BigDecimal, a BigInteger, a UUID),
 * with one job in 100,000 whose {@code user_id} is text and 100 jobs of a renamed task. Every
 * waiting job's arguments are decoded; the heap the JVM was started with ({@code -Xmx256m}) bounds
 * what the streaming may keep.
 *
 * <p>Arguments: {@code [count]}, a multiple of 10, default 1000000. The target: 1,000,000 jobs
 * within a minute.
 */
public final class CheckBenchmark {
  private CheckBenchmark() {}

  /**
   * Runs the benchmark and prints its figures.
   *
   * @param args optional size
   * @throws Exception if the database fails
   */
  public static void main(String[] args) throws Exception {
    int count = args.length > 0 ? Integer.parseInt(args[0]) : 1_000_000;
    System.out.printf(
        Locale.ROOT,
        "check benchmark: max heap %d MiB, %d cores%n",
        Runtime.getRuntime().maxMemory() / (1024 * 1024),
        Runtime.getRuntime().availableProcessors());
    try (BenchDatabase db = BenchDatabase.create("check", 4);
        App app = App.builder().dataSource(db.dataSource()).build()) {
      app.schemaManager().migrate();
      long start = System.nanoTime();
      fill(db, count);
      System.out.printf(
          Locale.ROOT,
          "  %-40s %,10d jobs in %7.2f s%n",
          "backlog written (server side)",
          count + 100,
          (System.nanoTime() - start) / 1e9);

      // Warm up the JIT on a first pass, then measure.
      new Operations(app).check();
      PeakHeap.reset();
      start = System.nanoTime();
      CheckReport report = new Operations(app).check();
      double seconds = (System.nanoTime() - start) / 1e9;

      for (CheckFinding finding : report.findings()) {
        System.out.printf(
            Locale.ROOT,
            "  finding: %s %s %s, %,d jobs%n",
            finding.severity(),
            finding.kind(),
            finding.task(),
            finding.jobs());
      }
      int bad = count / badEvery(count);
      if (report.decodedJobs() != count
          || report.errors().size() != 2
          || report.errors().stream().noneMatch(f -> f.jobs() == 100)
          || report.errors().stream().noneMatch(f -> f.jobs() == bad)) {
        throw new IllegalStateException("unexpected report: " + report);
      }
      System.out.printf(
          Locale.ROOT,
          "  %-40s %,10d jobs in %7.2f s = %,9.0f jobs/s%n",
          "check, every waiting job decoded",
          report.waitingJobs(),
          seconds,
          report.waitingJobs() / seconds);
      System.out.printf(
          Locale.ROOT, "  peak heap during the check: %d MiB%n", PeakHeap.mebibytes());
      System.out.printf(
          Locale.ROOT,
          "summary: check of %,d waiting jobs in %.1f s (target: 1,000,000 within 60 s)%n",
          report.waitingJobs(),
          seconds);
    }
  }

  /** One job in 100,000 (in {@code count}, for a smaller run) has a bad {@code user_id}. */
  private static int badEvery(int count) {
    return Math.min(100_000, count);
  }

  /** Writes the backlog in one server-side statement per kind of job. */
  private static void fill(BenchDatabase db, int count) throws SQLException {
    try (Connection connection = db.newConnection();
        Statement statement = connection.createStatement()) {
      statement.execute(
          "INSERT INTO procrastinate_jobs (queue_name, task_name, args)"
              + " SELECT 'emails', 'myapp.tasks.send_welcome',"
              + " CASE WHEN g % "
              + badEvery(count)
              + " = 0"
              + " THEN jsonb_build_object('user_id', 'user-' || g, 'template', 'welcome')"
              + " ELSE jsonb_build_object('user_id', g, 'template', 'welcome') END"
              + " FROM generate_series(1, "
              + count
              + ") g WHERE g % 10 <> 1");
      statement.execute(
          "INSERT INTO procrastinate_jobs (queue_name, task_name, args)"
              + " SELECT 'default', 'catalog.values', jsonb_build_object('text', 'item ' || g,"
              + " 'shipping', 'GROUND', 'price', 12.5, 'big', 123456789012345678901234567890,"
              + " 'key', md5(g::text)::uuid)"
              + " FROM generate_series(1, "
              + count
              + ") g WHERE g % 10 = 1");
      statement.execute(
          "INSERT INTO procrastinate_jobs (queue_name, task_name, args)"
              + " SELECT 'emails', 'myapp.tasks.send_welcome_v0', '{}'::jsonb"
              + " FROM generate_series(1, 100)");
      statement.execute("VACUUM ANALYZE procrastinate_jobs");
    }
  }
}
