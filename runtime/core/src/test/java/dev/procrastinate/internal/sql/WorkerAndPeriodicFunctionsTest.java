package dev.procrastinate.internal.sql;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.procrastinate.testing.Sql;
import dev.procrastinate.testing.TestDatabase;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.postgresql.util.PSQLException;

/**
 * Pins the worker registry functions (register, heartbeat, prune, unregister) and the periodic
 * defer function with its claim table and delete trigger.
 */
class WorkerAndPeriodicFunctionsTest {
  @RegisterExtension static final TestDatabase DB = TestDatabase.migrated();

  private static final String TASK = "tests.periodic";

  private Sql sql;

  @BeforeEach
  void setUp() throws Exception {
    sql = new Sql(DB.dataSource());
    sql.execute("DELETE FROM procrastinate_periodic_defers");
    sql.execute("DELETE FROM procrastinate_jobs");
    sql.execute("DELETE FROM procrastinate_workers");
  }

  // ---------------------------------------------------------------------------------------------
  // support

  private static List<String> column(Connection connection, String query, Object... params)
      throws SQLException {
    try (PreparedStatement statement = connection.prepareStatement(query)) {
      for (int i = 0; i < params.length; i++) {
        statement.setObject(i + 1, params[i]);
      }
      List<String> values = new ArrayList<>();
      try (ResultSet result = statement.executeQuery()) {
        while (result.next()) {
          values.add(result.getString(1));
        }
      }
      return values;
    }
  }

  private static void execute(Connection connection, String statement, Object... params)
      throws SQLException {
    try (PreparedStatement prepared = connection.prepareStatement(statement)) {
      for (int i = 0; i < params.length; i++) {
        prepared.setObject(i + 1, params[i]);
      }
      prepared.execute();
    }
  }

  private static String value(Connection connection, String query, Object... params)
      throws SQLException {
    List<String> values = column(connection, query, params);
    assertThat(values).as(query).hasSize(1);
    return values.get(0);
  }

  private long register() throws SQLException {
    List<String> ids = sql.column("SELECT * FROM procrastinate_register_worker_v1()");
    assertThat(ids).hasSize(1);
    return Long.parseLong(ids.get(0));
  }

  private void heartbeatAgo(long worker, String interval) throws SQLException {
    sql.execute(
        "UPDATE procrastinate_workers SET last_heartbeat = now() - ?::interval WHERE id = ?",
        interval,
        worker);
  }

  private List<String> workers() throws SQLException {
    return sql.column("SELECT id FROM procrastinate_workers ORDER BY id");
  }

  private long deferIn(String queue) throws SQLException {
    return Long.parseLong(
        sql.value(
            "SELECT (procrastinate_defer_jobs_v1(ARRAY[ROW(?::varchar, 'tests.work', 0,"
                + " NULL::text, NULL::text, '{}'::jsonb, NULL::timestamptz)"
                + "::procrastinate_job_to_defer_v1]))[1]",
            queue));
  }

  /** A job fetched by the given worker, alone in its queue. */
  private long runningJobOf(long worker, String queue) throws SQLException {
    long id = deferIn(queue);
    assertThat(
            sql.value(
                "SELECT id FROM procrastinate_fetch_job_v2(ARRAY[?]::varchar[], ?)", queue, worker))
        .isEqualTo(String.valueOf(id));
    return id;
  }

  private String workerOf(long job) throws SQLException {
    return sql.value("SELECT worker_id FROM procrastinate_jobs WHERE id = ?", job);
  }

  private String status(long job) throws SQLException {
    return sql.value("SELECT status::text FROM procrastinate_jobs WHERE id = ?", job);
  }

  private Long deferPeriodic(
      String queue,
      String lock,
      String queueingLock,
      String task,
      int priority,
      String periodicId,
      long timestamp,
      String args)
      throws SQLException {
    String id =
        sql.value(
            "SELECT procrastinate_defer_periodic_job_v2(?::varchar, ?::varchar, ?::varchar,"
                + " ?::varchar, ?::int, ?::varchar, ?::bigint, ?::jsonb)",
            queue,
            lock,
            queueingLock,
            task,
            priority,
            periodicId,
            timestamp,
            args);
    return id == null ? null : Long.valueOf(id);
  }

  private Long deferTick(String periodicId, long timestamp) throws SQLException {
    return deferPeriodic(
        "periodic",
        null,
        null,
        TASK,
        0,
        periodicId,
        timestamp,
        "{\"timestamp\": " + timestamp + "}");
  }

  /** The claim rows, as "task|periodic_id|defer_timestamp|job_id", in id order. */
  private List<String> claims() throws SQLException {
    return sql.column(
        "SELECT task_name || '|' || periodic_id || '|' || defer_timestamp || '|'"
            + " || coalesce(job_id::text, 'null') FROM procrastinate_periodic_defers ORDER BY id");
  }

  private long jobCount() throws SQLException {
    return Long.parseLong(sql.value("SELECT count(*) FROM procrastinate_jobs"));
  }

  // ---------------------------------------------------------------------------------------------
  // workers

  @Test
  void registeringAWorkerReturnsANewIdWithAHeartbeatOfNow() throws Exception {
    try (Connection connection = DB.newConnection()) {
      connection.setAutoCommit(false);
      List<String> first =
          column(connection, "SELECT worker_id FROM procrastinate_register_worker_v1()");
      List<String> second =
          column(connection, "SELECT worker_id FROM procrastinate_register_worker_v1()");
      assertThat(first).hasSize(1);
      assertThat(second).hasSize(1);
      assertThat(Long.parseLong(second.get(0))).isGreaterThan(Long.parseLong(first.get(0)));
      assertThat(
              column(
                  connection,
                  "SELECT id || ':' || (last_heartbeat = now()) FROM procrastinate_workers"
                      + " ORDER BY id"))
          .containsExactly(first.get(0) + ":true", second.get(0) + ":true");
      connection.commit();
    }
    assertThat(workers()).hasSize(2);
  }

  @Test
  void updatingTheHeartbeatSetsItToNowForThatWorkerOnly() throws Exception {
    long worker = register();
    long other = register();
    heartbeatAgo(worker, "1 hour");
    heartbeatAgo(other, "1 hour");

    try (Connection connection = DB.newConnection()) {
      connection.setAutoCommit(false);
      column(connection, "SELECT procrastinate_update_heartbeat_v1(?)", worker);
      assertThat(
              value(
                  connection,
                  "SELECT last_heartbeat = now() FROM procrastinate_workers WHERE id = ?",
                  worker))
          .isEqualTo("t");
      assertThat(
              value(
                  connection,
                  "SELECT last_heartbeat < now() - interval '59 minutes'"
                      + " FROM procrastinate_workers WHERE id = ?",
                  other))
          .isEqualTo("t");
      // An unknown worker is silently ignored.
      column(connection, "SELECT procrastinate_update_heartbeat_v1(?)", other + 1000);
      connection.commit();
    }
    assertThat(workers()).containsExactly(String.valueOf(worker), String.valueOf(other));
  }

  @Test
  void pruningDeletesOnlyWorkersWithAnOlderHeartbeatAndReturnsTheirIds() throws Exception {
    long stale = register();
    long recent = register();
    long fresh = register();
    long ancient = register();
    heartbeatAgo(stale, "2 minutes");
    heartbeatAgo(recent, "10 seconds");
    heartbeatAgo(ancient, "3 days");
    long staleJob = runningJobOf(stale, "p1");
    long freshJob = runningJobOf(fresh, "p2");

    assertThat(sql.column("SELECT worker_id FROM procrastinate_prune_stalled_workers_v1(60)"))
        .containsExactlyInAnyOrder(String.valueOf(stale), String.valueOf(ancient));
    assertThat(workers()).containsExactly(String.valueOf(recent), String.valueOf(fresh));
    assertThat(workerOf(staleJob)).isNull();
    assertThat(status(staleJob)).isEqualTo("doing");
    assertThat(workerOf(freshJob)).isEqualTo(String.valueOf(fresh));

    assertThat(sql.column("SELECT worker_id FROM procrastinate_prune_stalled_workers_v1(60)"))
        .isEmpty();
    assertThat(sql.column("SELECT worker_id FROM procrastinate_prune_stalled_workers_v1(9.5)"))
        .containsExactly(String.valueOf(recent));
    assertThat(workers()).containsExactly(String.valueOf(fresh));
  }

  @Test
  void pruningKeepsAWorkerWhoseHeartbeatIsExactlyTheLimitOld() throws Exception {
    long worker = register();
    try (Connection connection = DB.newConnection()) {
      connection.setAutoCommit(false);
      // now() is fixed within the transaction, so the limit can be hit exactly.
      execute(
          connection,
          "UPDATE procrastinate_workers SET last_heartbeat = now() - interval '30 seconds'"
              + " WHERE id = ?",
          worker);
      assertThat(
              column(
                  connection, "SELECT worker_id FROM procrastinate_prune_stalled_workers_v1(30)"))
          .isEmpty();
      assertThat(
              column(
                  connection,
                  "SELECT worker_id FROM procrastinate_prune_stalled_workers_v1(29.999999)"))
          .containsExactly(String.valueOf(worker));
      connection.rollback();
    }
  }

  @Test
  void unregisteringAWorkerDeletesItAndDetachesItsJobs() throws Exception {
    long worker = register();
    long other = register();
    long running = runningJobOf(worker, "u1");
    long finished = runningJobOf(worker, "u2");
    sql.finish(finished, "succeeded");
    long othersJob = runningJobOf(other, "u3");

    sql.execute("SELECT procrastinate_unregister_worker_v1(?)", worker);
    assertThat(workers()).containsExactly(String.valueOf(other));
    assertThat(workerOf(running)).isNull();
    assertThat(workerOf(finished)).isNull();
    assertThat(status(running)).isEqualTo("doing");
    assertThat(status(finished)).isEqualTo("succeeded");
    assertThat(workerOf(othersJob)).isEqualTo(String.valueOf(other));

    // Unknown ids are ignored.
    sql.execute("SELECT procrastinate_unregister_worker_v1(?)", worker);
    assertThat(workers()).containsExactly(String.valueOf(other));
  }

  // ---------------------------------------------------------------------------------------------
  // procrastinate_defer_periodic_job_v2

  @Test
  void theFirstCallForATickDefersOneJobWithTheGivenArguments() throws Exception {
    String args = "{\"extra\": [1, \"two\"], \"timestamp\": 1700000000}";
    Long id = deferPeriodic("cron", "plock", "pqlock", TASK, 3, "daily", 1_700_000_000L, args);

    assertThat(id).isNotNull();
    assertThat(
            sql.value(
                "SELECT concat_ws('|', queue_name, task_name, priority, lock, queueing_lock,"
                    + " args::text, status, attempts, coalesce(scheduled_at::text, 'null'))"
                    + " FROM procrastinate_jobs WHERE id = ?",
                id))
        .isEqualTo("cron|" + TASK + "|3|plock|pqlock|" + args + "|todo|0|null");
    assertThat(jobCount()).isEqualTo(1);
    assertThat(sql.events(id)).containsExactly("deferred");
    assertThat(claims()).containsExactly(TASK + "|daily|1700000000|" + id);
  }

  @Test
  void theSameTickIsDeferredOnlyOnce() throws Exception {
    Long id = deferTick("", 100);
    assertThat(id).isNotNull();

    assertThat(deferTick("", 100)).isNull();
    assertThat(deferPeriodic("other-queue", "l", "ql", TASK, 9, "", 100, "{\"timestamp\": 100}"))
        .isNull();
    assertThat(jobCount()).isEqualTo(1);
    assertThat(claims()).containsExactly(TASK + "||100|" + id);
  }

  @Test
  void periodicIdsAndTasksAreClaimedIndependently() throws Exception {
    Long plain = deferTick("", 100);
    Long morning = deferTick("morning", 100);
    Long otherTask =
        deferPeriodic("periodic", null, null, "tests.other", 0, "", 100, "{\"timestamp\": 100}");

    assertThat(List.of(plain, morning, otherTask)).doesNotContainNull().doesNotHaveDuplicates();
    assertThat(jobCount()).isEqualTo(3);
    assertThat(claims())
        .containsExactly(
            TASK + "||100|" + plain,
            TASK + "|morning|100|" + morning,
            "tests.other||100|" + otherTask);
    assertThat(deferTick("morning", 100)).isNull();
  }

  @Test
  void aNewTickForgetsOlderTicksOfTheSameTaskAndPeriodicId() throws Exception {
    Long first = deferTick("a", 100);
    Long keptOtherId = deferTick("b", 100);
    Long keptOtherTask =
        deferPeriodic("periodic", null, null, "tests.other", 0, "a", 100, "{\"timestamp\": 100}");
    Long second = deferTick("a", 160);
    Long third = deferTick("a", 220);

    assertThat(claims())
        .containsExactly(
            TASK + "|b|100|" + keptOtherId,
            "tests.other|a|100|" + keptOtherTask,
            TASK + "|a|220|" + third);
    // The jobs themselves stay.
    for (Long job : List.of(first, second, third)) {
      assertThat(status(job)).isEqualTo("todo");
    }
  }

  @Test
  void deletingTheJobOfAClaimClearsItsJobIdAndKeepsTheClaim() throws Exception {
    Long viaFinish = deferTick("a", 100);
    Long viaDelete = deferTick("b", 100);
    assertThat(
            sql.value(
                "SELECT id FROM procrastinate_fetch_job_v2(ARRAY['periodic']::varchar[], NULL)"))
        .isEqualTo(String.valueOf(viaFinish));

    sql.execute("SELECT procrastinate_finish_job_v1(?, 'succeeded', true)", viaFinish);
    sql.execute("DELETE FROM procrastinate_jobs WHERE id = ?", viaDelete);

    assertThat(jobCount()).isZero();
    assertThat(claims()).containsExactly(TASK + "|a|100|null", TASK + "|b|100|null");
    // The tick is still claimed.
    assertThat(deferTick("a", 100)).isNull();
    assertThat(jobCount()).isZero();
  }

  @Test
  void aQueueingLockClashRaisesAndLeavesNoClaim() throws Exception {
    Long older = deferPeriodic("periodic", null, "pql", TASK, 0, "", 100, "{}");
    long jobsBefore = jobCount();

    assertThatThrownBy(() -> deferPeriodic("periodic", null, "pql", TASK, 0, "", 160, "{}"))
        .isInstanceOfSatisfying(
            PSQLException.class,
            e -> {
              assertThat(e.getSQLState()).isEqualTo("23505");
              assertThat(e.getServerErrorMessage()).isNotNull();
              assertThat(e.getServerErrorMessage().getConstraint())
                  .isEqualTo("procrastinate_jobs_queueing_lock_idx_v1");
            });
    assertThat(jobCount()).isEqualTo(jobsBefore);
    // Neither the new claim nor the removal of the older one survived.
    assertThat(claims()).containsExactly(TASK + "||100|" + older);

    // Once the waiting job runs, the same tick can be deferred.
    assertThat(
            sql.value(
                "SELECT id FROM procrastinate_fetch_job_v2(ARRAY['periodic']::varchar[], NULL)"))
        .isEqualTo(String.valueOf(older));
    Long retried = deferPeriodic("periodic", null, "pql", TASK, 0, "", 160, "{}");
    assertThat(retried).isNotNull();
    assertThat(claims()).containsExactly(TASK + "||160|" + retried);
  }
}
