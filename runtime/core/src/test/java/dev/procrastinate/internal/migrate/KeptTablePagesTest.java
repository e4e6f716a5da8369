package dev.procrastinate.internal.migrate;

import static org.assertj.core.api.Assertions.assertThat;

import dev.procrastinate.testing.TestDatabase;
import java.sql.Connection;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.HashMap;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

/**
 * A session that planned its foreign-key lookups while the queue was drained keeps using indexes
 * once the queue has grown again (migration V4, {@code vacuum_truncate = off}).
 *
 * <p>The scenario of a long-lived worker: every job done and deleted, VACUUM of the emptied tables,
 * then a session (a pooled connection) that inserts and deletes a few jobs, so that the triggers of
 * the foreign keys plan their lookups on those empty tables and keep the plans. The queue then
 * grows to five thousand jobs and the same session deletes a thousand. With the tables' pages kept,
 * each cascade to the events is an index lookup; with the storage option reset to PostgreSQL's
 * default, the same steps make VACUUM truncate the tables to nothing and the plans read the whole
 * events table for every job, which the second case proves, so that this test fails if the option
 * stops reaching the tables.
 */
class KeptTablePagesTest {
  @RegisterExtension static final TestDatabase DB = TestDatabase.migrated();

  private static final int GROWN = 5_000;
  private static final int DELETED = 1_000;

  @Test
  void theMigrationKeepsThePagesOfTheJobTables() throws SQLException {
    try (Connection c = DB.newConnection();
        Statement statement = c.createStatement();
        ResultSet rows =
            statement.executeQuery(
                "SELECT relname, array_to_string(reloptions, ',') FROM pg_class"
                    + " WHERE relname IN ('procrastinate_jobs', 'procrastinate_events',"
                    + " 'procrastinate_java_job_headers')"
                    + " AND relnamespace = current_schema()::regnamespace ORDER BY relname")) {
      Map<String, String> options = new HashMap<>();
      while (rows.next()) {
        options.put(rows.getString(1), rows.getString(2));
      }
      assertThat(options)
          .containsOnlyKeys(
              "procrastinate_jobs", "procrastinate_events", "procrastinate_java_job_headers")
          .allSatisfy((table, option) -> assertThat(option).isEqualTo("vacuum_truncate=off"));
    }
  }

  @Test
  void aSessionThatPlannedOnADrainedQueueDeletesJobsWithIndexLookups() throws SQLException {
    Scans scans = deleteAfterDrain();

    assertThat(scans.eventIndexScans()).isGreaterThanOrEqualTo(DELETED);
    assertThat(scans.eventSequentialScans()).isZero();
  }

  @Test
  void withoutKeptPagesTheSameSessionReadsTheWholeEventsTableForEachJob() throws SQLException {
    try (Connection c = DB.newConnection();
        Statement statement = c.createStatement()) {
      statement.execute("ALTER TABLE procrastinate_jobs RESET (vacuum_truncate)");
      statement.execute("ALTER TABLE procrastinate_events RESET (vacuum_truncate)");
    }
    try {
      Scans scans = deleteAfterDrain();

      assertThat(scans.eventSequentialScans()).isGreaterThanOrEqualTo(DELETED);
    } finally {
      try (Connection c = DB.newConnection();
          Statement statement = c.createStatement()) {
        statement.execute("ALTER TABLE procrastinate_jobs SET (vacuum_truncate = off)");
        statement.execute("ALTER TABLE procrastinate_events SET (vacuum_truncate = off)");
      }
    }
  }

  /** What the second session's delete read of the events table, in its own transaction. */
  private record Scans(long eventSequentialScans, long eventIndexScans) {}

  private static Scans deleteAfterDrain() throws SQLException {
    try (Connection setup = DB.newConnection();
        Statement statement = setup.createStatement()) {
      statement.execute(insert(3_000));
      statement.execute("DELETE FROM procrastinate_jobs");
      statement.execute("VACUUM procrastinate_jobs");
      statement.execute("VACUUM procrastinate_events");
    }
    try (Connection worker = DB.newConnection();
        Statement session = worker.createStatement()) {
      // The session plans its lookups on the drained tables: custom plans first, then the cached
      // generic one.
      for (int i = 0; i < 10; i++) {
        session.execute(insert(1));
        session.execute("DELETE FROM procrastinate_jobs");
      }
      try (Connection producer = DB.newConnection();
          Statement statement = producer.createStatement()) {
        statement.execute(insert(GROWN));
      }
      worker.setAutoCommit(false);
      try {
        session.execute(
            "DELETE FROM procrastinate_jobs WHERE id IN"
                + " (SELECT id FROM procrastinate_jobs ORDER BY id LIMIT "
                + DELETED
                + ")");
        try (ResultSet row =
            session.executeQuery(
                "SELECT seq_scan, idx_scan FROM pg_stat_xact_user_tables"
                    + " WHERE relid = 'procrastinate_events'::regclass")) {
          row.next();
          return new Scans(row.getLong(1), row.getLong(2));
        }
      } finally {
        worker.rollback();
        worker.setAutoCommit(true);
        session.execute("DELETE FROM procrastinate_jobs");
      }
    }
  }

  private static String insert(int jobs) {
    return "INSERT INTO procrastinate_jobs (queue_name, task_name, args)"
        + " SELECT 'default', 'pages.task', '{}' FROM generate_series(1, "
        + jobs
        + ")";
  }
}
