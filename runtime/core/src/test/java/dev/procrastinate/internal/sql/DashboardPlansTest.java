package dev.procrastinate.internal.sql;

import static org.assertj.core.api.Assertions.assertThat;

import dev.procrastinate.JobFilter;
import dev.procrastinate.model.JobStatus;
import dev.procrastinate.testing.TestDatabase;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.Statement;
import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

/**
 * The dashboard's queries read through indexes, not by scanning the tables: {@code EXPLAIN} of each
 * one on a table of 200,000 jobs (most of them finished, as in production) with its events, after
 * {@code ANALYZE}, names the index it uses and has no sequential scan of jobs or events.
 */
class DashboardPlansTest {
  @RegisterExtension static final TestDatabase DB = TestDatabase.migrated();

  private static final int JOBS = 200_000;

  @BeforeAll
  static void fill() throws Exception {
    try (Connection c = DB.dataSource().getConnection();
        Statement s = c.createStatement()) {
      s.execute("ALTER TABLE procrastinate_jobs DISABLE TRIGGER USER");
      // The last 1,000 jobs wait; of the others, 1 % failed, 0.4 % cancelled, the rest succeeded.
      s.execute(
          """
          INSERT INTO procrastinate_jobs
                 (queue_name, task_name, lock, queueing_lock, args, status, attempts)
          SELECT (ARRAY['default', 'emails', 'reports', 'billing'])[1 + g % 4],
                 'app.task_' || (g % 7),
                 CASE WHEN g % 10 = 0 THEN 'account-' || (g % 997) END,
                 CASE WHEN g % 50 = 0 THEN 'unique-' || g END,
                 jsonb_build_object('n', g),
                 (CASE WHEN g > JOBS - 1000 THEN 'todo'
                       WHEN g % 100 = 7 THEN 'failed'
                       WHEN g % 250 = 3 THEN 'cancelled'
                       ELSE 'succeeded' END)::procrastinate_job_status,
                 1
            FROM generate_series(1, JOBS) AS g
          """
              .replace("JOBS", String.valueOf(JOBS)));
      s.execute(
          """
          INSERT INTO procrastinate_events (job_id, type, at)
          SELECT j.id, t.type::procrastinate_job_event_type,
                 now() - interval '24 hours' + j.id * interval '400 milliseconds' + t.delay
            FROM procrastinate_jobs AS j
           CROSS JOIN LATERAL (VALUES ('deferred', interval '0'), ('started', interval '1 s'),
                                      (j.status::text, interval '2 s')) AS t(type, delay)
           WHERE t.type = 'deferred' OR j.status NOT IN ('todo', 'cancelled')
          """);
      s.execute("ALTER TABLE procrastinate_jobs ENABLE TRIGGER USER");
      s.execute("ANALYZE procrastinate_jobs");
      s.execute("ANALYZE procrastinate_events");
    }
  }

  private static String explain(String sql, Object... parameters) throws Exception {
    try (Connection c = DB.dataSource().getConnection();
        PreparedStatement statement = c.prepareStatement("EXPLAIN " + sql)) {
      for (int i = 0; i < parameters.length; i++) {
        Object value = parameters[i];
        if (value instanceof Instant instant) {
          statement.setTimestamp(i + 1, java.sql.Timestamp.from(instant));
        } else {
          statement.setObject(i + 1, value);
        }
      }
      List<String> lines = new ArrayList<>();
      try (ResultSet rows = statement.executeQuery()) {
        while (rows.next()) {
          lines.add(rows.getString(1));
        }
      }
      return String.join("\n", lines);
    }
  }

  private static String explainList(JobFilter filter) throws Exception {
    JobFilterSql.Where where = JobFilterSql.where(JobSql.JOB_LIST_NEWEST_FIRST, filter);
    try (Connection c = DB.dataSource().getConnection()) {
      return String.join(
          "\n",
          Jdbc.query(
              c,
              "EXPLAIN " + where.sql(),
              p -> {
                p.setLong(Long.MAX_VALUE); // id <
                p.setLong(0); // id >
                where.bind(p); // the filter's conditions
                p.setInt(50); // LIMIT
              },
              row -> row.getString(1)));
    }
  }

  private static String explainWhere(String statement, JobFilter filter) throws Exception {
    JobFilterSql.Where where = JobFilterSql.where(statement, filter);
    try (Connection c = DB.dataSource().getConnection()) {
      return String.join(
          "\n", Jdbc.query(c, "EXPLAIN " + where.sql(), where::bind, row -> row.getString(1)));
    }
  }

  private static void assertNoTableScan(String plan) {
    assertThat(plan)
        .doesNotContain("Seq Scan on procrastinate_jobs")
        .doesNotContain("Seq Scan on procrastinate_events");
  }

  @Test
  void countsPerQueueUseTheFinishedJobsIndex() throws Exception {
    String plan = explain(JobSql.JOB_COUNT_BY_QUEUE_CAPPED, 10_000);
    assertThat(plan).contains("procrastinate_java_jobs_finished_queue_idx_v1");
    assertNoTableScan(plan);
  }

  @Test
  void countsPerTaskUseTheTaskIndex() throws Exception {
    String plan = explain(JobSql.JOB_COUNT_BY_TASK_CAPPED, 10_000);
    assertThat(plan).contains("procrastinate_java_jobs_task_idx_v2");
    assertNoTableScan(plan);
  }

  @Test
  void finishedPerMinuteUsesTheEventsIndex() throws Exception {
    String plan =
        explain(JobSql.EVENT_COUNT_FINISHED_PER_MINUTE, Instant.now().minus(1, ChronoUnit.HOURS));
    assertThat(plan).contains("procrastinate_java_events_type_at_idx_v1");
    assertNoTableScan(plan);
  }

  @Test
  void theListUsesAnIndexForEveryFilter() throws Exception {
    JobFilter all = JobFilter.all();
    assertNoTableScan(explainList(all));
    // A rare status (none aborted) is found through the index; a common one (1 % failed) may be
    // found as fast by walking the ids down, as the planner judges.
    assertThat(explainList(all.status(JobStatus.ABORTED)))
        .contains("procrastinate_java_jobs_finished_queue_idx_v1");
    assertThat(explainList(all.task("app.no_such_task")))
        .contains("procrastinate_java_jobs_task_idx_v2");
    assertThat(explainList(all.lock("account-5"))).contains("procrastinate_java_jobs_lock_idx_v1");
    assertThat(explainList(all.queueingLock("unique-100")))
        .contains("procrastinate_java_jobs_queueing_lock_idx_v1");
    assertThat(explainList(all.queue("no-such-queue")))
        .contains("procrastinate_jobs_queue_name_idx_v1");
    Instant from = Instant.now().minus(20, ChronoUnit.HOURS);
    assertThat(explainList(all.deferredBetween(from, from.plus(1, ChronoUnit.HOURS))))
        .contains("procrastinate_java_events_type_at_idx_v1");
    for (JobFilter filter :
        List.of(
            all.status(JobStatus.FAILED),
            all.status(JobStatus.TODO),
            all.status(JobStatus.DOING),
            all.id(42),
            all.workerId(1).status(JobStatus.DOING),
            all.queue("emails").status(JobStatus.FAILED),
            all.task("app.task_3").status(JobStatus.SUCCEEDED))) {
      assertNoTableScan(explainList(filter));
    }
  }

  @Test
  void theOtherPagesReadThroughIndexes() throws Exception {
    assertNoTableScan(explain(JobSql.QUEUE_BACKLOG));
    assertNoTableScan(explain(JobSql.JOB_COUNT_RUNNING_BY_WORKER));
    assertNoTableScan(explain(JobSql.EVENT_LIST_OF_JOB, 42L));
    assertNoTableScan(
        explainWhere(
            JobSql.JOB_COUNT_BY_LOCK, JobFilter.all().statusIn(JobStatus.TODO, JobStatus.DOING)));
    assertNoTableScan(
        explainWhere(JobSql.JOB_COUNT_BY_STATUS, JobFilter.all().status(JobStatus.FAILED)));
  }
}
