package dev.procrastinate.internal.sql;

import static org.assertj.core.api.Assertions.assertThat;

import dev.procrastinate.testing.TestDatabase;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

/**
 * A worker's session that planned its lookups while the queue was drained keeps using indexes once
 * the queue has grown again (migration V4 and the outcome statements of {@link JobSql}).
 *
 * <p>The scenario of a long-lived worker: the queue drains, VACUUM ANALYZE records a nearly empty
 * table (or truncates it to nothing), then a session (a pooled connection) fetches or deletes a few
 * jobs, so that its statements and the triggers of the foreign keys plan their lookups on those
 * statistics and keep the plans. The queue then grows to thousands of jobs and the same session
 * fetches or deletes five hundred. Each case that passes through the runtime's statements is
 * checked against the same steps without the runtime's settings, which read the tables
 * sequentially: so the scenario is proven to strike, and this test fails if the settings stop
 * reaching the server.
 */
class DrainedQueuePlansTest {
  @RegisterExtension static final TestDatabase DB = TestDatabase.migrated();

  private static final int GROWN = 2_000;
  private static final int TAKEN = 500;

  /** The fetch function and the two it calls, each planning with sequential scans off. */
  private static final List<String> FETCH_FUNCTIONS =
      List.of(
          "procrastinate_java_fetch_jobs_v4(character varying[], bigint, integer, integer)",
          "procrastinate_java_choose_jobs_v1(character varying[], integer, integer,"
              + " character varying[], character varying[], bigint[])",
          "procrastinate_java_take_jobs_v1(bigint[], bigint[], bigint)");

  @Test
  void theMigrationKeepsThePagesOfTheJobTablesAndFetchesWithIndexes() throws SQLException {
    Map<String, String> options = new HashMap<>();
    for (List<String> row :
        rows(
            "SELECT relname, array_to_string(reloptions, ',') FROM pg_class"
                + " WHERE relname IN ('procrastinate_jobs', 'procrastinate_events',"
                + " 'procrastinate_java_job_headers')"
                + " AND relnamespace = current_schema()::regnamespace")) {
      options.put(row.get(0), row.get(1));
    }
    assertThat(options)
        .containsOnlyKeys(
            "procrastinate_jobs", "procrastinate_events", "procrastinate_java_job_headers")
        .allSatisfy((table, option) -> assertThat(option).isEqualTo("vacuum_truncate=off"));
    assertThat(
            rows(
                "SELECT proname || ' ' || array_to_string(proconfig, ',') FROM pg_proc"
                    + " WHERE proname LIKE 'procrastinate\\_java\\_%\\_jobs\\_v%'"
                    + " AND proconfig IS NOT NULL ORDER BY proname"))
        .extracting(row -> row.get(0))
        .hasSize(4)
        .allSatisfy(function -> assertThat(function).contains("enable_seqscan=off", "jit=off"));
    // V11: the choice keeps its generic plans instead of planning every statement at each fetch.
    assertThat(
            rows(
                "SELECT array_to_string(proconfig, ',') FROM pg_proc"
                    + " WHERE proname = 'procrastinate_java_choose_jobs_v1'"))
        .singleElement()
        .satisfies(row -> assertThat(row.get(0)).contains("plan_cache_mode=force_generic_plan"));
  }

  @Test
  void theCompleterDeletesWithIndexLookupsAfterTheStatisticsOfADrainedQueue() throws SQLException {
    drainAndAnalyse();
    Scans scans = growThenDelete(true);

    assertThat(scans.eventIndexScans()).isGreaterThanOrEqualTo(TAKEN);
    assertThat(scans.eventSequentialScans()).isZero();
  }

  @Test
  void aPlainDeleteReadsTheWholeEventsTableForEachJobAfterTheStatisticsOfADrainedQueue()
      throws SQLException {
    drainAndAnalyse();
    Scans scans = growThenDelete(false);

    assertThat(scans.eventSequentialScans()).isGreaterThanOrEqualTo(TAKEN);
  }

  @Test
  void theFetchReadsNoTableSequentiallyAfterTheStatisticsOfADrainedQueue() throws SQLException {
    drainAndAnalyse();
    // A sequential read of a few rows may remain (a statement with no index to use); a read of
    // the grown table, per job or even once, may not.
    assertThat(growThenFetch().jobRowsRead()).isLessThan(GROWN);

    for (String function : FETCH_FUNCTIONS) {
      execute("ALTER FUNCTION " + function + " RESET enable_seqscan");
    }
    try {
      drainAndAnalyse();
      assertThat(growThenFetch().jobSequentialScans())
          .as("the same fetch without the function's setting: the table read for each job")
          .isGreaterThanOrEqualTo(TAKEN);
    } finally {
      for (String function : FETCH_FUNCTIONS) {
        execute("ALTER FUNCTION " + function + " SET enable_seqscan = off");
      }
    }
  }

  @Test
  void aSessionThatPlannedOnATruncatedTableDeletesWithIndexLookups() throws SQLException {
    drainAndVacuumToNothing();
    Scans scans = growThenDelete(false);

    assertThat(scans.eventIndexScans()).isGreaterThanOrEqualTo(TAKEN);
    assertThat(scans.eventSequentialScans()).isZero();
  }

  @Test
  void withoutKeptPagesTheSameSessionReadsTheWholeEventsTableForEachJob() throws SQLException {
    execute("ALTER TABLE procrastinate_jobs RESET (vacuum_truncate)");
    execute("ALTER TABLE procrastinate_events RESET (vacuum_truncate)");
    try {
      drainAndVacuumToNothing();
      Scans scans = growThenDelete(false);

      assertThat(scans.eventSequentialScans()).isGreaterThanOrEqualTo(TAKEN);
    } finally {
      execute("ALTER TABLE procrastinate_jobs SET (vacuum_truncate = off)");
      execute("ALTER TABLE procrastinate_events SET (vacuum_truncate = off)");
    }
  }

  /** What a session's statement read of the job tables, in its own transaction. */
  private record Scans(
      long eventSequentialScans, long eventIndexScans, long jobSequentialScans, long jobRowsRead) {}

  /**
   * A small queue that drained, then VACUUM ANALYZE with two jobs left: the statistics of a table
   * of a few rows, on which every lookup is cheapest read sequentially, kept while the queue grows.
   */
  private static void drainAndAnalyse() throws SQLException {
    drain(100);
    execute(insert(2, "todo"));
    execute("VACUUM ANALYZE procrastinate_jobs");
    execute("VACUUM ANALYZE procrastinate_events");
  }

  /** A queue that drained completely, then VACUUM: what it may truncate, it does. */
  private static void drainAndVacuumToNothing() throws SQLException {
    drain(3_000);
    execute("VACUUM procrastinate_jobs");
    execute("VACUUM procrastinate_events");
  }

  /**
   * Starts from new, empty files (the cost of each plan depends on the size of the files, which the
   * earlier tests left behind), then adds and deletes a burst, quickly (with indexes, whatever the
   * plans).
   */
  private static void drain(int burst) throws SQLException {
    try (Connection connection = DB.newConnection()) {
      execute(connection, "TRUNCATE procrastinate_jobs CASCADE");
      execute(connection, "SET enable_seqscan = off");
      execute(connection, insert(burst, "todo"));
      execute(connection, "DELETE FROM procrastinate_jobs");
    }
  }

  /**
   * A session deletes jobs one at a time on the drained tables (planning and keeping its lookups),
   * the queue grows by {@value #GROWN} running jobs, and the session deletes {@value #TAKEN} of
   * them at once: with the completer's statement, or with a plain delete.
   */
  private static Scans growThenDelete(boolean completer) throws SQLException {
    try (Connection worker = DB.newConnection()) {
      for (int i = 0; i < 10; i++) {
        execute(worker, insert(1, "doing"));
        delete(worker, completer, ids(worker, 1));
      }
      execute(insert(GROWN, "doing"));
      worker.setAutoCommit(false);
      try {
        delete(worker, completer, ids(worker, TAKEN));
        return scans(worker);
      } finally {
        worker.rollback();
        worker.setAutoCommit(true);
        execute(worker, "DELETE FROM procrastinate_jobs");
      }
    }
  }

  /**
   * A session fetches jobs one at a time on the drained tables, the queue grows by {@value #GROWN}
   * waiting jobs, and the session fetches {@value #TAKEN} of them in one call.
   */
  private static Scans growThenFetch() throws SQLException {
    String fetch = "SELECT count(*) FROM procrastinate_java_fetch_jobs_v4(NULL, NULL, ?, ?)";
    try (Connection worker = DB.newConnection();
        PreparedStatement statement = worker.prepareStatement(fetch)) {
      for (int i = 0; i < 10; i++) {
        execute(worker, insert(1, "todo"));
        statement.setInt(1, 1);
        statement.setInt(2, 1);
        statement.executeQuery().close();
      }
      execute(insert(GROWN, "todo"));
      worker.setAutoCommit(false);
      try {
        statement.setInt(1, TAKEN);
        statement.setInt(2, TAKEN);
        try (ResultSet fetched = statement.executeQuery()) {
          fetched.next();
          assertThat(fetched.getInt(1)).isEqualTo(TAKEN);
        }
        return scans(worker);
      } finally {
        worker.rollback();
        worker.setAutoCommit(true);
        execute(worker, "DELETE FROM procrastinate_jobs");
      }
    }
  }

  private static void delete(Connection connection, boolean completer, Long[] ids)
      throws SQLException {
    if (!completer) {
      try (PreparedStatement statement =
          connection.prepareStatement("DELETE FROM procrastinate_jobs WHERE id = ANY (?)")) {
        statement.setArray(1, connection.createArrayOf("int8", ids));
        statement.executeUpdate();
      }
      return;
    }
    Integer[] attempts = new Integer[ids.length];
    Arrays.fill(attempts, 0);
    try (PreparedStatement statement = connection.prepareStatement(JobSql.JOB_DELETE_RUNNING)) {
      statement.setArray(1, connection.createArrayOf("int8", ids));
      statement.setArray(2, connection.createArrayOf("int4", attempts));
      statement.setBoolean(3, false);
      statement.setArray(4, connection.createArrayOf("int8", ids));
      statement.setLong(5, 0);
      int deleted = 0;
      try (ResultSet result = statement.executeQuery()) {
        while (result.next()) {
          deleted++;
        }
      }
      assertThat(deleted).isEqualTo(ids.length);
    }
  }

  private static Long[] ids(Connection connection, int count) throws SQLException {
    List<Long> ids = new ArrayList<>();
    try (Statement statement = connection.createStatement();
        ResultSet result =
            statement.executeQuery(
                "SELECT id FROM procrastinate_jobs WHERE status = 'doing' ORDER BY id LIMIT "
                    + count)) {
      while (result.next()) {
        ids.add(result.getLong(1));
      }
    }
    return ids.toArray(Long[]::new);
  }

  private static Scans scans(Connection connection) throws SQLException {
    Map<String, long[]> byTable = new HashMap<>();
    try (Statement statement = connection.createStatement();
        ResultSet row =
            statement.executeQuery(
                "SELECT relname, seq_scan, coalesce(idx_scan, 0), seq_tup_read"
                    + " FROM pg_stat_xact_user_tables"
                    + " WHERE relname IN ('procrastinate_events', 'procrastinate_jobs')")) {
      while (row.next()) {
        byTable.put(row.getString(1), new long[] {row.getLong(2), row.getLong(3), row.getLong(4)});
      }
    }
    long[] events = byTable.getOrDefault("procrastinate_events", new long[3]);
    long[] jobs = byTable.getOrDefault("procrastinate_jobs", new long[3]);
    return new Scans(events[0], events[1], jobs[0], jobs[2]);
  }

  /** Inserts waiting jobs, then marks every waiting job running if asked: each has its events. */
  private static String insert(int jobs, String status) {
    String insert =
        "INSERT INTO procrastinate_jobs (queue_name, task_name, args)"
            + " SELECT 'default', 'plans.task', '{}' FROM generate_series(1, "
            + jobs
            + ")";
    return status.equals("todo")
        ? insert
        : insert + "; UPDATE procrastinate_jobs SET status = 'doing' WHERE status = 'todo'";
  }

  private static void execute(String sql) throws SQLException {
    try (Connection connection = DB.newConnection()) {
      execute(connection, sql);
    }
  }

  private static void execute(Connection connection, String sql) throws SQLException {
    try (Statement statement = connection.createStatement()) {
      statement.execute(sql);
    }
  }

  private static List<List<String>> rows(String sql) throws SQLException {
    List<List<String>> rows = new ArrayList<>();
    try (Connection connection = DB.newConnection();
        Statement statement = connection.createStatement();
        ResultSet result = statement.executeQuery(sql)) {
      int columns = result.getMetaData().getColumnCount();
      while (result.next()) {
        List<String> row = new ArrayList<>();
        for (int i = 1; i <= columns; i++) {
          row.add(result.getString(i));
        }
        rows.add(row);
      }
    }
    return rows;
  }
}
