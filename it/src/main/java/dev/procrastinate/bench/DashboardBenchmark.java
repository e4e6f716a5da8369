package dev.procrastinate.bench;

import dev.procrastinate.App;
import dev.procrastinate.dashboard.Dashboard;
import dev.procrastinate.dashboard.DashboardRequest;
import dev.procrastinate.dashboard.DashboardResponse;
import java.sql.Connection;
import java.sql.SQLException;
import java.sql.Statement;
import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Locale;

/**
 * Measures the server time of every dashboard page on a large table: 1,000,000 jobs by default,
 * deferred over the last 24 hours, most of them finished (1 % failed, 0.4 % cancelled, 5,000
 * waiting), with their events. Each page is rendered by the dashboard's handler, as a server would,
 * several times after a warm-up; the median and the slowest time are printed, against the 200 ms
 * budget.
 *
 * <p>Arguments: {@code [jobs] [rounds]}, defaults 1000000 and 7.
 */
public final class DashboardBenchmark {
  /** The budget of server time per page. */
  static final long BUDGET_MILLIS = 200;

  private DashboardBenchmark() {}

  /**
   * Runs the benchmark and prints each page's time.
   *
   * @param args optional sizes
   * @throws Exception if the database fails
   */
  public static void main(String[] args) throws Exception {
    int jobs = args.length > 0 ? Integer.parseInt(args[0]) : 1_000_000;
    int rounds = args.length > 1 ? Integer.parseInt(args[1]) : 7;
    System.out.printf(
        Locale.ROOT,
        "dashboard benchmark: %,d jobs, %d rounds per page, %d cores%n",
        jobs,
        rounds,
        Runtime.getRuntime().availableProcessors());
    try (BenchDatabase db = BenchDatabase.create("dashboard", 4);
        App app = App.builder().dataSource(db.dataSource()).build()) {
      app.schemaManager().migrate();
      long start = System.nanoTime();
      fill(db, jobs);
      System.out.printf(Locale.ROOT, "  filled in %.1f s%n", (System.nanoTime() - start) / 1e9);

      Dashboard dashboard = Dashboard.builder(app).build();
      Instant hourAgo = Instant.now().minus(3, ChronoUnit.HOURS).truncatedTo(ChronoUnit.MINUTES);
      String[][] pages = {
        {"overview", "/", ""},
        {"jobs", "/jobs", ""},
        {"jobs, failed", "/jobs", "status=failed"},
        {"jobs, queue and status", "/jobs", "queue=emails&status=succeeded"},
        {"jobs, task", "/jobs", "task=app.reports.nightly"},
        {"jobs, unknown task", "/jobs", "task=app.nowhere"},
        {"jobs, lock", "/jobs", "lock=account-42"},
        {"jobs, queueing lock", "/jobs", "queueing_lock=unique-500"},
        {"jobs, one hour", "/jobs", "from=" + hourAgo + "&to=" + hourAgo.plus(1, ChronoUnit.HOURS)},
        {"jobs, older page", "/jobs", "before=" + (jobs / 2)},
        {"job", "/jobs/" + (jobs / 2), ""},
        {"bulk retry confirmation", "/jobs/bulk/retry", "queue=billing"},
        {"tasks", "/tasks", ""},
        {"locks", "/locks", ""},
        {"periodic", "/periodic", ""},
        {"workers", "/workers", ""}
      };
      for (String[] page : pages) {
        for (int i = 0; i < 2; i++) {
          check(page, dashboard.handle(DashboardRequest.get(page[1], page[2])));
        }
      }
      long slowest = 0;
      String slowestPage = "";
      for (String[] page : pages) {
        long[] times = new long[rounds];
        for (int i = 0; i < rounds; i++) {
          long begin = System.nanoTime();
          DashboardResponse response = dashboard.handle(DashboardRequest.get(page[1], page[2]));
          times[i] = System.nanoTime() - begin;
          check(page, response);
        }
        Arrays.sort(times);
        long median = times[rounds / 2];
        System.out.printf(
            Locale.ROOT,
            "  %-26s median %6.1f ms, max %6.1f ms%s%n",
            page[0],
            median / 1e6,
            times[rounds - 1] / 1e6,
            median / 1_000_000 > BUDGET_MILLIS ? "  OVER BUDGET" : "");
        if (median > slowest) {
          slowest = median;
          slowestPage = page[0];
        }
      }
      System.out.printf(
          Locale.ROOT,
          "summary: slowest page '%s', median %.1f ms, budget %d ms%n",
          slowestPage,
          slowest / 1e6,
          BUDGET_MILLIS);
    }
  }

  private static void check(String[] page, DashboardResponse response) {
    if (response.status() != 200) {
      throw new IllegalStateException(
          page[0] + " answered " + response.status() + ": " + response.bodyText());
    }
  }

  /** Writes the jobs and their events directly, as a long-lived queue would have them. */
  private static void fill(BenchDatabase db, int jobs) throws SQLException {
    List<String> statements = new ArrayList<>();
    statements.add("ALTER TABLE procrastinate_jobs DISABLE TRIGGER USER");
    statements.add(
        """
        INSERT INTO procrastinate_jobs
               (queue_name, task_name, lock, queueing_lock, args, status, scheduled_at, attempts)
        SELECT (ARRAY['default', 'emails', 'reports', 'billing'])[1 + g % 4],
               (ARRAY['app.mail.send_welcome', 'app.reports.nightly', 'app.billing.charge',
                      'app.mail.digest', 'app.images.resize'])[1 + g % 5],
               CASE WHEN g % 10 = 0 THEN 'account-' || (g % 5000) END,
               CASE WHEN g % 100 = 0 THEN 'unique-' || g END,
               jsonb_build_object('user_id', g, 'template', 'welcome'),
               (CASE WHEN g > JOBS - 5000 THEN 'todo'
                     WHEN g % 100 = 7 THEN 'failed'
                     WHEN g % 250 = 3 THEN 'cancelled'
                     ELSE 'succeeded' END)::procrastinate_job_status,
               CASE WHEN g > JOBS - 2000 THEN now() + interval '1 hour' END,
               CASE WHEN g > JOBS - 5000 THEN 0 ELSE 1 END
          FROM generate_series(1, JOBS) AS g
        """
            .replace("JOBS", String.valueOf(jobs)));
    statements.add(
        """
        INSERT INTO procrastinate_events (job_id, type, at)
        SELECT j.id, t.type::procrastinate_job_event_type,
               now() - interval '24 hours' + j.id * (interval '24 hours' / JOBS) + t.delay
          FROM procrastinate_jobs AS j
         CROSS JOIN LATERAL (VALUES ('deferred', interval '0'), ('started', interval '1 s'),
                                    (j.status::text, interval '2 s')) AS t(type, delay)
         WHERE t.type = 'deferred' OR j.status NOT IN ('todo', 'cancelled')
            OR t.type = 'cancelled'
        """
            .replace("JOBS", String.valueOf(jobs)));
    statements.add("ALTER TABLE procrastinate_jobs ENABLE TRIGGER USER");
    statements.add("VACUUM ANALYZE procrastinate_jobs");
    statements.add("VACUUM ANALYZE procrastinate_events");
    try (Connection connection = db.newConnection();
        Statement statement = connection.createStatement()) {
      for (String sql : statements) {
        statement.execute(sql);
      }
    }
  }
}
