package dev.procrastinate.internal.sql;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assumptions.assumeThat;

import dev.procrastinate.NewJob;
import dev.procrastinate.model.LimitTarget;
import dev.procrastinate.model.RateLimit;
import dev.procrastinate.testing.TestDatabase;
import java.sql.Connection;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.SQLWarning;
import java.sql.Statement;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

/**
 * The worker's fetch is never compiled by PostgreSQL's JIT (migration V9).
 *
 * <p>The fetch functions plan with {@code enable_seqscan} off, so a lookup with no index to use is
 * costed at 10^10, far past {@code jit_above_cost}: before V9, the update of a rate limit's next
 * start was compiled, with inlining and optimisation, at every fetch that started a rate-limited
 * job (70 to 250 ms each). Here the session makes every plan worth compiling ({@code
 * jit_above_cost} and its kin at 0), so that any statement of the fetch without the functions' own
 * {@code jit} setting would be, not only one that reads a table whole. Each statement a fetch runs
 * is logged by {@code auto_explain} as a notice, whose plan names a {@code JIT:} section when it
 * was compiled. The same fetch with the function's setting taken away (in a transaction rolled
 * back) is compiled: so the scenario is proven to strike on this server, and this test fails if the
 * setting goes.
 */
class CompiledPlansTest {
  @RegisterExtension static final TestDatabase DB = TestDatabase.migrated();

  private static final String FETCH_V4 =
      "procrastinate_java_fetch_jobs_v4(character varying[], bigint, integer, integer)";

  private static long workerId;

  @BeforeAll
  static void limitsAndJobs() throws SQLException {
    DB.app().jobManager().setRateLimit(LimitTarget.task("paced"), RateLimit.parse("1/1h"));
    DB.app().jobManager().setConcurrencyLimit(LimitTarget.queue("narrow"), 2);
    for (int i = 0; i < 5; i++) {
      DB.app().jobManager().defer(NewJob.builder("paced").queue("narrow").build());
    }
    try (Connection connection = DB.newConnection()) {
      workerId = new WorkerDao().register(connection);
    }
  }

  @Test
  void aFetchThatStartsARateLimitedJobIsNotCompiledAndWithoutItsSettingItWouldBe()
      throws SQLException {
    try (Connection connection = DB.newConnection()) {
      assumeThat(jitOn(connection)).as("a server that compiles with JIT").isTrue();
      connection.setAutoCommit(false);
      logPlansAsNotices(connection);
      try (Statement statement = connection.createStatement()) {
        statement.execute("ALTER FUNCTION " + FETCH_V4 + " RESET jit");
      }
      List<String> without = fetchOne(connection);
      connection.rollback();
      assertThat(without)
          .as("the plans of a fetch without the function's jit setting")
          .anySatisfy(plan -> assertThat(plan).contains("JIT:"));

      logPlansAsNotices(connection);
      List<String> with = fetchOne(connection);
      connection.rollback();
      assertThat(with).as("the statements a fetch ran").hasSizeGreaterThan(3);
      assertThat(with).noneSatisfy(plan -> assertThat(plan).contains("JIT:"));
    }
  }

  /** Takes one job of the rate-limited task; returns the plans of the statements the call ran. */
  private static List<String> fetchOne(Connection connection) throws SQLException {
    try (Statement statement = connection.createStatement()) {
      statement.execute(
          "UPDATE procrastinate_java_flow_controls SET next_start_at = NULL"
              + " WHERE name = 'paced'");
      statement.clearWarnings();
      int taken = 0;
      try (ResultSet rows =
          statement.executeQuery(
              "SELECT id FROM procrastinate_java_fetch_jobs_v4(NULL, " + workerId + ", 3, 3)")) {
        while (rows.next()) {
          taken++;
        }
      }
      assertThat(taken).as("one start allowed by the rate limit").isEqualTo(1);
      List<String> plans = new ArrayList<>();
      for (SQLWarning warning = statement.getWarnings();
          warning != null;
          warning = warning.getNextWarning()) {
        plans.add(warning.getMessage());
      }
      return plans;
    }
  }

  private static void logPlansAsNotices(Connection connection) throws SQLException {
    try (Statement statement = connection.createStatement()) {
      statement.execute("LOAD 'auto_explain'");
      statement.execute("SET LOCAL auto_explain.log_min_duration = 0");
      statement.execute("SET LOCAL auto_explain.log_nested_statements = on");
      statement.execute("SET LOCAL auto_explain.log_analyze = on");
      statement.execute("SET LOCAL auto_explain.log_timing = off");
      statement.execute("SET LOCAL auto_explain.log_level = notice");
      // Every plan is worth compiling, by the session's own settings.
      statement.execute("SET LOCAL jit_above_cost = 0");
      statement.execute("SET LOCAL jit_inline_above_cost = 0");
      statement.execute("SET LOCAL jit_optimize_above_cost = 0");
    }
  }

  private static boolean jitOn(Connection connection) throws SQLException {
    try (Statement statement = connection.createStatement();
        ResultSet row =
            statement.executeQuery(
                "SELECT pg_jit_available() AND current_setting('jit')::boolean")) {
      row.next();
      return row.getBoolean(1);
    }
  }
}
