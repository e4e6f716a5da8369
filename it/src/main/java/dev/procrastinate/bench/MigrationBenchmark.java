package dev.procrastinate.bench;

import dev.procrastinate.App;
import dev.procrastinate.SchemaManager.MigrationResult;
import dev.procrastinate.operations.Operations;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.TreeMap;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;

/**
 * Measures what adopting a busy Python-made database costs the Python side: a schema made by
 * upstream Procrastinate (this runtime's V1, applied by hand as {@code procrastinate schema
 * --apply} does) holding {@code jobs} finished jobs with their three events each, producers
 * deferring {@code rate} jobs a second through {@code procrastinate_defer_jobs_v1} and a
 * Python-like worker fetching and finishing them through {@code procrastinate_fetch_job_v2} and
 * {@code procrastinate_finish_job_v1}, while the runtime migrates the schema. It prints the
 * migration's time and the longest and 99th-percentile time of each kind of statement during it.
 *
 * <p>Arguments, {@code key=value}: {@code jobs} (default 1000000), {@code rate} (default 40). The
 * target: no defer, fetch or finish waits a second.
 */
public final class MigrationBenchmark {
  private MigrationBenchmark() {}

  private static final int PRODUCERS = 4;

  /**
   * Runs the benchmark and prints its figures.
   *
   * @param args optional {@code key=value} settings
   * @throws Exception if the database fails
   */
  public static void main(String[] args) throws Exception {
    BenchSettings settings = new BenchSettings(args);
    int jobs = settings.number("jobs", 1_000_000);
    int rate = settings.number("rate", 40);
    try (BenchDatabase db = BenchDatabase.create("migration", 4)) {
      long start = System.nanoTime();
      fill(db, jobs);
      System.out.printf(
          Locale.ROOT,
          "migration benchmark: %,d finished jobs (%,d events) written in %.1f s%n",
          jobs,
          3L * jobs,
          (System.nanoTime() - start) / 1e9);

      AtomicBoolean stop = new AtomicBoolean();
      ExecutorService pool = Executors.newFixedThreadPool(PRODUCERS + 1);
      List<Future<Timings>> load = new ArrayList<>();
      for (int i = 0; i < PRODUCERS; i++) {
        load.add(pool.submit(() -> produce(db, rate / (double) PRODUCERS, stop)));
      }
      load.add(pool.submit(() -> work(db, stop)));
      Thread.sleep(2_000);
      long migrationStart = System.nanoTime();
      MigrationResult result;
      try (App app = App.builder().dataSource(db.dataSource()).build()) {
        result = app.schemaManager().migrate();
      }
      double migrationSeconds = (System.nanoTime() - migrationStart) / 1e9;
      Thread.sleep(1_000);
      stop.set(true);
      Timings all = new Timings();
      for (Future<Timings> timings : load) {
        all.addAll(timings.get(60, TimeUnit.SECONDS));
      }
      pool.shutdown();
      System.out.printf(
          Locale.ROOT,
          "  %-28s %8.2f s (%s, applied %s)%n",
          "migration",
          migrationSeconds,
          result.outcome(),
          result.appliedVersions());
      for (String kind : List.of("defer", "fetch", "finish")) {
        List<Long> times = all.of(kind);
        Collections.sort(times);
        System.out.printf(
            Locale.ROOT,
            "  %-28s %8d statements, p99 %7.1f ms, max %7.1f ms%n",
            kind,
            times.size(),
            percentile(times, 0.99) / 1e6,
            times.isEmpty() ? 0.0 : times.get(times.size() - 1) / 1e6);
      }
    }
  }

  private static double percentile(List<Long> sorted, double p) {
    if (sorted.isEmpty()) {
      return 0;
    }
    return sorted.get(Math.min(sorted.size() - 1, (int) Math.ceil(p * sorted.size()) - 1));
  }

  /** Writes the upstream schema and its history of finished jobs, server side. */
  private static void fill(BenchDatabase db, int jobs) throws SQLException {
    try (Connection c = db.newConnection();
        Statement statement = c.createStatement()) {
      statement.execute(Operations.migrationScripts().get(0).sql());
      statement.execute(
          "INSERT INTO procrastinate_jobs (queue_name, task_name, lock, queueing_lock, args,"
              + " status, attempts)"
              + " SELECT 'queue_' || (i % 4), 'python.task_' || (i % 50), CASE WHEN i % 3 = 0"
              + " THEN 'lock_' || (i % 1000) END, CASE WHEN i % 5 = 0 THEN 'ql_' || i END,"
              + " jsonb_build_object('i', i), CASE WHEN i % 20 = 0 THEN 'failed' ELSE"
              + " 'succeeded' END::procrastinate_job_status, 1 FROM generate_series(1, "
              + jobs
              + ") AS i");
      statement.execute(
          "INSERT INTO procrastinate_events (job_id, type, at)"
              + " SELECT id, t.type::procrastinate_job_event_type,"
              + " now() - interval '1 day' + t.shift FROM procrastinate_jobs,"
              + " (VALUES ('deferred', interval '0'), ('started', interval '1 second'),"
              + " ('succeeded', interval '2 seconds')) AS t (type, shift)");
      statement.execute("VACUUM ANALYZE procrastinate_jobs");
      statement.execute("VACUUM ANALYZE procrastinate_events");
    }
  }

  /** Statement times by kind. */
  private static final class Timings {
    private final Map<String, List<Long>> byKind = new TreeMap<>();

    void add(String kind, long nanos) {
      byKind.computeIfAbsent(kind, k -> new ArrayList<>()).add(nanos);
    }

    void addAll(Timings other) {
      other.byKind.forEach(
          (kind, times) -> byKind.computeIfAbsent(kind, k -> new ArrayList<>()).addAll(times));
    }

    List<Long> of(String kind) {
      return new ArrayList<>(byKind.getOrDefault(kind, List.of()));
    }
  }

  /** Defers one job at a time at a steady rate, as a producer of the Python side does. */
  private static Timings produce(BenchDatabase db, double perSecond, AtomicBoolean stop)
      throws Exception {
    Timings timings = new Timings();
    long period = (long) (1e9 / perSecond);
    try (Connection c = db.newConnection();
        Statement statement = c.createStatement()) {
      long next = System.nanoTime();
      while (!stop.get()) {
        long t0 = System.nanoTime();
        statement.execute(
            "SELECT procrastinate_defer_jobs_v1(ARRAY[ROW('queue_0', 'python.task', 0, NULL,"
                + " NULL, '{}', NULL)::procrastinate_job_to_defer_v1])");
        timings.add("defer", System.nanoTime() - t0);
        next += period;
        long sleep = next - System.nanoTime();
        if (sleep > 0) {
          TimeUnit.NANOSECONDS.sleep(sleep);
        }
      }
    }
    return timings;
  }

  /** Fetches and finishes jobs one by one, as a Python worker does, polling when none waits. */
  private static Timings work(BenchDatabase db, AtomicBoolean stop) throws Exception {
    Timings timings = new Timings();
    try (Connection c = db.newConnection();
        Statement statement = c.createStatement();
        PreparedStatement finish =
            c.prepareStatement("SELECT procrastinate_finish_job_v1(?, 'succeeded', false)")) {
      while (!stop.get()) {
        long t0 = System.nanoTime();
        long id = 0;
        boolean found = false;
        try (ResultSet rows =
            statement.executeQuery("SELECT id FROM procrastinate_fetch_job_v2(NULL, NULL)")) {
          if (rows.next()) {
            id = rows.getLong(1);
            found = !rows.wasNull();
          }
        }
        timings.add("fetch", System.nanoTime() - t0);
        if (!found) {
          Thread.sleep(10);
          continue;
        }
        long t1 = System.nanoTime();
        finish.setLong(1, id);
        finish.execute();
        timings.add("finish", System.nanoTime() - t1);
      }
    }
    return timings;
  }
}
