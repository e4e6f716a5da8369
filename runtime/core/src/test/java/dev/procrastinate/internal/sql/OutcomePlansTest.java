package dev.procrastinate.internal.sql;

import static org.assertj.core.api.Assertions.assertThat;

import dev.procrastinate.testing.Sql;
import dev.procrastinate.testing.TestDatabase;
import java.sql.Connection;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.Map;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

/**
 * The statements that reach running jobs by id read them by key, whatever the partial indexes of
 * running jobs hold: after 20,000 jobs passed through {@code doing} (each leaving an entry in those
 * indexes until VACUUM) and statistics taken while none ran, a read of such an index looks free to
 * the planner. Each statement is explained with its parameters written in, as a custom plan sees
 * them.
 */
class OutcomePlansTest {
  @RegisterExtension static final TestDatabase DB = TestDatabase.migrated();

  private static final String IDS = "'{20001,20002,20003}'";

  @BeforeAll
  static void runManyJobsThenAnalyseWhileNoneRuns() throws SQLException {
    Sql sql = new Sql(DB.dataSource());
    sql.execute(
        "INSERT INTO procrastinate_jobs (id, queue_name, task_name, args)"
            + " OVERRIDING SYSTEM VALUE"
            + " SELECT i, 'q', 't', '{}' FROM generate_series(1, 20010) AS i");
    sql.execute("INSERT INTO procrastinate_workers (id) OVERRIDING SYSTEM VALUE VALUES (1)");
    sql.execute("UPDATE procrastinate_jobs SET status = 'doing', worker_id = 1 WHERE id <= 20000");
    sql.execute("UPDATE procrastinate_jobs SET status = 'succeeded' WHERE id <= 20000");
    sql.execute("ANALYZE procrastinate_jobs");
    sql.execute(
        "UPDATE procrastinate_jobs SET status = 'doing', worker_id = 1 WHERE id IN (20001, 20002,"
            + " 20003)");
  }

  private static String plan(String statement, String... values) throws SQLException {
    StringBuilder written = new StringBuilder();
    int next = 0;
    for (char c : statement.toCharArray()) {
      if (c == '?') {
        written.append(values[next++]);
      } else {
        written.append(c);
      }
    }
    assertThat(next).as("every parameter has a value").isEqualTo(values.length);
    StringBuilder plan = new StringBuilder();
    try (Connection connection = DB.newConnection();
        Statement explain = connection.createStatement();
        ResultSet rows = explain.executeQuery("EXPLAIN " + written)) {
      while (rows.next()) {
        plan.append(rows.getString(1)).append('\n');
      }
    }
    return plan.toString();
  }

  @Test
  void everyStatementOnRunningJobsReadsThemByKey() throws SQLException {
    Map<String, String> plans =
        Map.of(
            "finish",
            plan(
                JobSql.JOB_FINISH_RUNNING,
                IDS,
                "'{succeeded,succeeded,failed}'",
                "'{0,0,0}'",
                "false",
                IDS,
                "1"),
            "delete",
            plan(JobSql.JOB_DELETE_RUNNING, IDS, "'{0,0,0}'", "false", IDS, "1"),
            "results",
            plan(JobSql.RESULT_RECORD, "1", IDS, "'{0,0,0}'", "'{1,2,3}'"),
            "release",
            plan(JobSql.JOB_RELEASE_UNSTARTED, IDS, "1"),
            "abort requests",
            plan(JobSql.JOB_LIST_ABORT_REQUESTED, IDS),
            "adopt",
            plan(JobSql.JOB_ADOPT, "1", IDS));
    assertThat(plans)
        .allSatisfy(
            (statement, plan) ->
                assertThat(plan)
                    .as(statement)
                    .contains("procrastinate_jobs_pkey")
                    .doesNotContain("procrastinate_java_jobs_doing_queue_idx_v1")
                    .doesNotContain("idx_procrastinate_jobs_worker_not_null"));
  }

  @Test
  void comparingTheStatusAsAnEnumReadsTheWholeIndexOfRunningJobs() throws SQLException {
    // What the statements avoid: the same finish with the enum comparison.
    String enumComparison =
        JobSql.JOB_FINISH_RUNNING.replace("jobs.status::text = 'doing'", "jobs.status = 'doing'");
    assertThat(enumComparison).isNotEqualTo(JobSql.JOB_FINISH_RUNNING);
    assertThat(
            plan(
                enumComparison,
                IDS,
                "'{succeeded,succeeded,failed}'",
                "'{0,0,0}'",
                "false",
                IDS,
                "1"))
        .containsAnyOf(
            "procrastinate_java_jobs_doing_queue_idx_v1", "idx_procrastinate_jobs_worker_not_null");
  }
}
