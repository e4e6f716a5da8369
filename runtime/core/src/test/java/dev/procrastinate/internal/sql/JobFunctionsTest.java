package dev.procrastinate.internal.sql;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.procrastinate.testing.Notifications;
import dev.procrastinate.testing.Sql;
import dev.procrastinate.testing.TestDatabase;
import java.sql.Array;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.time.OffsetDateTime;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.atomic.AtomicInteger;
import org.assertj.core.api.ThrowableAssert.ThrowingCallable;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;
import org.junit.jupiter.params.provider.ValueSource;
import org.postgresql.util.PSQLException;

/**
 * Pins the job functions (finish, retry, cancel, batch defer), the event and notification triggers
 * and the check constraint of the schema against the Procrastinate 3.9 contract.
 *
 * <p>Several triggers can fire for one statement; PostgreSQL fires them in the order of their
 * names, which are part of the contract, so the order of events within one statement is fixed.
 */
class JobFunctionsTest {
  @RegisterExtension static final TestDatabase DB = TestDatabase.migrated();

  private static final OffsetDateTime RETRY_AT =
      OffsetDateTime.parse("2031-02-03T04:05:06.123456Z");
  private static final String RAISE = "P0001";
  private static final String CHECK_VIOLATION = "23514";
  private static final String UNIQUE_VIOLATION = "23505";

  private final AtomicInteger queues = new AtomicInteger();
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

  private String newQueue() {
    return "q" + queues.incrementAndGet();
  }

  /** Defers one job through {@code procrastinate_defer_jobs_v1} and returns its id. */
  private long defer(String queue, int priority, String lock, String queueingLock)
      throws SQLException {
    return Long.parseLong(
        sql.value(
            "SELECT (procrastinate_defer_jobs_v1(ARRAY[ROW(?::varchar, 'tests.job', ?::int,"
                + " ?::text, ?::text, '{}'::jsonb, NULL::timestamptz)"
                + "::procrastinate_job_to_defer_v1]))[1]",
            queue,
            priority,
            lock,
            queueingLock));
  }

  /** A new todo job alone in its queue. */
  private long todo() throws SQLException {
    return defer(newQueue(), 0, null, null);
  }

  /** Fetches the given todo job, which must be alone in its queue. */
  private void start(long id) throws SQLException {
    String queue = column(id, "queue_name");
    assertThat(
            sql.value(
                "SELECT id FROM procrastinate_fetch_job_v2(ARRAY[?]::varchar[], NULL)", queue))
        .isEqualTo(String.valueOf(id));
  }

  /** A new job that has been fetched. */
  private long doing() throws SQLException {
    long id = todo();
    start(id);
    return id;
  }

  private String column(long id, String column) throws SQLException {
    return sql.value("SELECT " + column + "::text FROM procrastinate_jobs WHERE id = ?", id);
  }

  private String status(long id) throws SQLException {
    return column(id, "status");
  }

  private boolean exists(long id) throws SQLException {
    return sql.value("SELECT count(*) FROM procrastinate_jobs WHERE id = ?", id).equals("1");
  }

  private OffsetDateTime timestamp(String query, Object... params) throws SQLException {
    try (Connection connection = DB.dataSource().getConnection();
        PreparedStatement statement = connection.prepareStatement(query)) {
      for (int i = 0; i < params.length; i++) {
        statement.setObject(i + 1, params[i]);
      }
      try (ResultSet result = statement.executeQuery()) {
        assertThat(result.next()).isTrue();
        OffsetDateTime value = result.getObject(1, OffsetDateTime.class);
        assertThat(result.next()).isFalse();
        return value;
      }
    }
  }

  private OffsetDateTime scheduledAt(long id) throws SQLException {
    return timestamp("SELECT scheduled_at FROM procrastinate_jobs WHERE id = ?", id);
  }

  private List<OffsetDateTime> scheduledEventTimes(long id) throws SQLException {
    List<OffsetDateTime> times = new ArrayList<>();
    try (Connection connection = DB.dataSource().getConnection();
        PreparedStatement statement =
            connection.prepareStatement(
                "SELECT at FROM procrastinate_events WHERE job_id = ? AND type = 'scheduled'"
                    + " ORDER BY id")) {
      statement.setLong(1, id);
      try (ResultSet result = statement.executeQuery()) {
        while (result.next()) {
          times.add(result.getObject(1, OffsetDateTime.class));
        }
      }
    }
    return times;
  }

  private long eventCount(long id) throws SQLException {
    return Long.parseLong(
        sql.value("SELECT count(*) FROM procrastinate_events WHERE job_id = ?", id));
  }

  /** An id that no job has or will have: it is taken from the jobs' sequence. */
  private long missingId() throws SQLException {
    return Long.parseLong(sql.value("SELECT nextval('procrastinate_jobs_id_seq')"));
  }

  private void finish(long id, String end, boolean delete) throws SQLException {
    sql.execute(
        "SELECT procrastinate_finish_job_v1(?, ?::procrastinate_job_status, ?)", id, end, delete);
  }

  private String cancel(long id, boolean abort, boolean delete) throws SQLException {
    return sql.value("SELECT procrastinate_cancel_job_v1(?, ?, ?)", id, abort, delete);
  }

  private void retry(
      int version, long id, OffsetDateTime at, Integer priority, String queue, String lock)
      throws SQLException {
    sql.execute(
        "SELECT procrastinate_retry_job_v"
            + version
            + "(?, ?::timestamptz, ?::int, ?::varchar, ?::varchar)",
        id,
        at,
        priority,
        queue,
        lock);
  }

  private static void assertRaises(ThrowingCallable call, String sqlState, String message) {
    assertThatThrownBy(call)
        .isInstanceOfSatisfying(
            PSQLException.class,
            e -> {
              assertThat(e.getSQLState()).isEqualTo(sqlState);
              assertThat(e.getServerErrorMessage()).isNotNull();
              assertThat(e.getServerErrorMessage().getMessage()).isEqualTo(message);
            });
  }

  private static void assertViolates(ThrowingCallable call, String sqlState, String constraint) {
    assertThatThrownBy(call)
        .isInstanceOfSatisfying(
            PSQLException.class,
            e -> {
              assertThat(e.getSQLState()).isEqualTo(sqlState);
              assertThat(e.getServerErrorMessage()).isNotNull();
              assertThat(e.getServerErrorMessage().getConstraint()).isEqualTo(constraint);
            });
  }

  private static String notFoundOrNotTodoDoing(long id) {
    return "Job was not found or not in \"doing\" or \"todo\" status (job id: " + id + ")";
  }

  private static String invalidStatusToRetry(long id) {
    return "Job was not found or has an invalid status to retry (job id: " + id + ")";
  }

  private static String notFoundOrNotDoing(long id) {
    return "Job was not found or not in \"doing\" status (job id: " + id + ")";
  }

  /** Builds a job of the given final status through the functions. */
  private long jobIn(String wanted) throws SQLException {
    switch (wanted) {
      case "todo":
        return todo();
      case "doing":
        return doing();
      case "cancelled":
        {
          long id = todo();
          cancel(id, false, false);
          return id;
        }
      default:
        {
          long id = doing();
          finish(id, wanted, false);
          return id;
        }
    }
  }

  // ---------------------------------------------------------------------------------------------
  // procrastinate_finish_job_v1

  @ParameterizedTest
  @ValueSource(strings = {"succeeded", "failed", "aborted"})
  void finishingARunningJobSetsItsStatusCountsTheRunAndClearsTheAbortRequest(String end)
      throws Exception {
    long plain = doing();
    finish(plain, end, false);
    assertThat(status(plain)).isEqualTo(end);
    assertThat(column(plain, "attempts")).isEqualTo("1");
    assertThat(column(plain, "abort_requested")).isEqualTo("false");
    assertThat(sql.events(plain)).containsExactly("deferred", "started", end);

    long abortRequested = doing();
    assertThat(cancel(abortRequested, true, false)).isEqualTo(String.valueOf(abortRequested));
    assertThat(column(abortRequested, "abort_requested")).isEqualTo("true");
    finish(abortRequested, end, false);
    assertThat(status(abortRequested)).isEqualTo(end);
    assertThat(column(abortRequested, "attempts")).isEqualTo("1");
    assertThat(column(abortRequested, "abort_requested")).isEqualTo("false");
    assertThat(sql.events(abortRequested))
        .containsExactly("deferred", "started", "abort_requested", end);
  }

  @ParameterizedTest
  @CsvSource({"succeeded, cancelled", "failed, cancelled", "aborted, ''"})
  void finishingAWaitingJobKeepsItsAttemptsAndRecordsCancelledExceptForAborted(
      String end, String event) throws Exception {
    long id = doing();
    retry(2, id, null, null, null, null);
    assertThat(status(id)).isEqualTo("todo");
    assertThat(column(id, "attempts")).isEqualTo("1");

    finish(id, end, false);
    assertThat(status(id)).isEqualTo(end);
    assertThat(column(id, "attempts")).isEqualTo("1");
    assertThat(column(id, "abort_requested")).isEqualTo("false");
    List<String> expected = new ArrayList<>(List.of("deferred", "started", "deferred_for_retry"));
    if (!event.isEmpty()) {
      expected.add(event);
    }
    assertThat(sql.events(id)).containsExactlyElementsOf(expected);
  }

  @Test
  void finishingWithDeleteRemovesRunningAndWaitingJobsWithTheirEvents() throws Exception {
    long running = doing();
    long waiting = todo();
    long kept = doing();
    assertThat(eventCount(running)).isEqualTo(2);

    finish(running, "succeeded", true);
    finish(waiting, "failed", true);
    assertThat(exists(running)).isFalse();
    assertThat(exists(waiting)).isFalse();
    assertThat(eventCount(running)).isZero();
    assertThat(eventCount(waiting)).isZero();
    assertThat(status(kept)).isEqualTo("doing");
    assertThat(sql.events(kept)).containsExactly("deferred", "started");

    long done = jobIn("succeeded");
    assertRaises(() -> finish(done, "succeeded", true), RAISE, notFoundOrNotTodoDoing(done));
    assertThat(status(done)).isEqualTo("succeeded");
  }

  @ParameterizedTest
  @ValueSource(strings = {"todo", "doing", "cancelled", "aborting"})
  void finishingRejectsAnyOtherEndStatus(String end) throws Exception {
    long id = doing();
    String message =
        "End status should be either \"succeeded\", \"failed\" or \"aborted\" (job id: " + id + ")";
    assertRaises(() -> finish(id, end, false), RAISE, message);
    assertRaises(() -> finish(id, end, true), RAISE, message);
    assertThat(status(id)).isEqualTo("doing");
    assertThat(column(id, "attempts")).isEqualTo("0");
    assertThat(sql.events(id)).containsExactly("deferred", "started");
  }

  @Test
  void finishingRaisesForAMissingJobOrAJobThatIsNeitherTodoNorDoing() throws Exception {
    long missing = missingId();
    assertRaises(() -> finish(missing, "succeeded", false), RAISE, notFoundOrNotTodoDoing(missing));
    assertRaises(() -> finish(missing, "failed", true), RAISE, notFoundOrNotTodoDoing(missing));

    for (String done : List.of("succeeded", "failed", "cancelled", "aborted")) {
      long id = jobIn(done);
      List<String> events = sql.events(id);
      String attempts = column(id, "attempts");
      assertRaises(() -> finish(id, "succeeded", false), RAISE, notFoundOrNotTodoDoing(id));
      assertRaises(() -> finish(id, "aborted", true), RAISE, notFoundOrNotTodoDoing(id));
      assertThat(status(id)).isEqualTo(done);
      assertThat(column(id, "attempts")).isEqualTo(attempts);
      assertThat(sql.events(id)).isEqualTo(events);
    }
  }

  // ---------------------------------------------------------------------------------------------
  // procrastinate_retry_job_v2 and v1

  @ParameterizedTest
  @ValueSource(ints = {1, 2})
  void retryingARunningJobPutsItBackInTodoForLater(int version) throws Exception {
    String queue = newQueue();
    long id = defer(queue, 3, "L" + version, null);
    start(id);

    retry(version, id, RETRY_AT, null, null, null);
    assertThat(status(id)).isEqualTo("todo");
    assertThat(column(id, "attempts")).isEqualTo("1");
    assertThat(scheduledAt(id)).isEqualTo(RETRY_AT);
    assertThat(column(id, "priority")).isEqualTo("3");
    assertThat(column(id, "queue_name")).isEqualTo(queue);
    assertThat(column(id, "lock")).isEqualTo("L" + version);
    assertThat(column(id, "abort_requested")).isEqualTo("false");
    assertThat(sql.events(id))
        .containsExactly("deferred", "started", "scheduled", "deferred_for_retry");
    assertThat(scheduledEventTimes(id)).containsExactly(RETRY_AT);
  }

  @ParameterizedTest
  @ValueSource(ints = {1, 2})
  void retryReplacesOnlyThePriorityQueueAndLockThatAreGiven(int version) throws Exception {
    String queueA = newQueue();
    long a = defer(queueA, 3, "LA" + version, null);
    start(a);
    retry(version, a, RETRY_AT, -7, null, null);
    assertThat(column(a, "priority")).isEqualTo("-7");
    assertThat(column(a, "queue_name")).isEqualTo(queueA);
    assertThat(column(a, "lock")).isEqualTo("LA" + version);

    long b = defer(newQueue(), 3, null, null);
    start(b);
    retry(version, b, RETRY_AT, null, "moved", "NEW" + version);
    assertThat(column(b, "priority")).isEqualTo("3");
    assertThat(column(b, "queue_name")).isEqualTo("moved");
    assertThat(column(b, "lock")).isEqualTo("NEW" + version);

    long c = defer(newQueue(), 3, "LC" + version, null);
    start(c);
    retry(version, c, RETRY_AT, 0, "elsewhere", "OTHER" + version);
    assertThat(column(c, "priority")).isEqualTo("0");
    assertThat(column(c, "queue_name")).isEqualTo("elsewhere");
    assertThat(column(c, "lock")).isEqualTo("OTHER" + version);
    assertThat(column(c, "attempts")).isEqualTo("1");
  }

  @Test
  void retryingWithoutADateMakesTheJobDueAtOnceWithoutAScheduledEvent() throws Exception {
    long id = doing();
    retry(2, id, null, null, null, null);
    assertThat(status(id)).isEqualTo("todo");
    assertThat(scheduledAt(id)).isNull();
    assertThat(sql.events(id)).containsExactly("deferred", "started", "deferred_for_retry");

    start(id);
    assertThat(column(id, "attempts")).isEqualTo("1");
    finish(id, "succeeded", false);
    assertThat(column(id, "attempts")).isEqualTo("2");
    assertThat(sql.events(id))
        .containsExactly("deferred", "started", "deferred_for_retry", "started", "succeeded");
  }

  @ParameterizedTest
  @ValueSource(ints = {1, 2})
  void retryingARunningJobWhoseAbortWasRequestedFailsItAndKeepsTheFlag(int version)
      throws Exception {
    String queue = newQueue();
    long id = defer(queue, 3, "L" + version, null);
    start(id);
    cancel(id, true, false);

    retry(version, id, RETRY_AT, 9, "other", "M" + version);
    assertThat(status(id)).isEqualTo("failed");
    assertThat(column(id, "abort_requested")).isEqualTo("true");
    assertThat(column(id, "attempts")).isEqualTo("0");
    assertThat(scheduledAt(id)).isNull();
    assertThat(column(id, "priority")).isEqualTo("3");
    assertThat(column(id, "queue_name")).isEqualTo(queue);
    assertThat(column(id, "lock")).isEqualTo("L" + version);
    assertThat(sql.events(id)).containsExactly("deferred", "started", "abort_requested", "failed");
  }

  @Test
  void retryingAFailedJobPutsItBackInTodoWithARetriedEvent() throws Exception {
    long id = doing();
    finish(id, "failed", false);
    assertThat(column(id, "attempts")).isEqualTo("1");

    retry(2, id, RETRY_AT, 4, null, null);
    assertThat(status(id)).isEqualTo("todo");
    assertThat(column(id, "attempts")).isEqualTo("2");
    assertThat(scheduledAt(id)).isEqualTo(RETRY_AT);
    assertThat(column(id, "priority")).isEqualTo("4");
    assertThat(sql.events(id))
        .containsExactly("deferred", "started", "failed", "scheduled", "retried");
    assertThat(scheduledEventTimes(id)).containsExactly(RETRY_AT);
  }

  @Test
  void retryingAJobThatFailedBecauseOfAnAbortRequestHitsTheCheckConstraint() throws Exception {
    long id = doing();
    cancel(id, true, false);
    retry(2, id, RETRY_AT, null, null, null);
    assertThat(status(id)).isEqualTo("failed");

    assertViolates(
        () -> retry(2, id, RETRY_AT, null, null, null),
        CHECK_VIOLATION,
        "check_not_todo_abort_requested");
    assertThat(status(id)).isEqualTo("failed");
    assertThat(column(id, "attempts")).isEqualTo("0");
    assertThat(sql.events(id)).containsExactly("deferred", "started", "abort_requested", "failed");
  }

  @ParameterizedTest
  @ValueSource(strings = {"todo", "succeeded", "cancelled", "aborted", "missing"})
  void retryV2RaisesForAnyOtherStatus(String state) throws Exception {
    long id = state.equals("missing") ? missingId() : jobIn(state);
    List<String> events = sql.events(id);
    assertRaises(() -> retry(2, id, RETRY_AT, 1, "x", "y"), RAISE, invalidStatusToRetry(id));
    if (!state.equals("missing")) {
      assertThat(status(id)).isEqualTo(state);
      assertThat(scheduledAt(id)).isNull();
      assertThat(sql.events(id)).isEqualTo(events);
    }
  }

  @ParameterizedTest
  @ValueSource(strings = {"todo", "failed", "succeeded", "cancelled", "aborted", "missing"})
  void retryV1AcceptsOnlyRunningJobs(String state) throws Exception {
    long id = state.equals("missing") ? missingId() : jobIn(state);
    List<String> events = sql.events(id);
    assertRaises(() -> retry(1, id, RETRY_AT, null, null, null), RAISE, notFoundOrNotDoing(id));
    if (!state.equals("missing")) {
      assertThat(status(id)).isEqualTo(state);
      assertThat(sql.events(id)).isEqualTo(events);
    }
  }

  // ---------------------------------------------------------------------------------------------
  // procrastinate_cancel_job_v1

  @ParameterizedTest
  @CsvSource({
    "false, false, cancelled, false, 'deferred,cancelled'",
    "true,  false, cancelled, true,  'deferred,abort_requested,cancelled'",
    "false, true,  ,          ,      ''",
    "true,  true,  ,          ,      ''",
  })
  void cancellingAWaitingJob(
      boolean abort, boolean delete, String status, String abortFlag, String events)
      throws Exception {
    long id = todo();
    assertThat(cancel(id, abort, delete)).isEqualTo(String.valueOf(id));
    if (status == null) {
      assertThat(exists(id)).isFalse();
      assertThat(eventCount(id)).isZero();
    } else {
      assertThat(status(id)).isEqualTo(status);
      assertThat(column(id, "abort_requested")).isEqualTo(abortFlag);
      assertThat(sql.events(id)).containsExactly(events.split(","));
    }
  }

  @ParameterizedTest
  @CsvSource({
    "false, false, false, false, 'deferred,started'",
    "false, true,  false, false, 'deferred,started'",
    "true,  false, true,  true,  'deferred,started,abort_requested'",
    "true,  true,  true,  true,  'deferred,started,abort_requested'",
  })
  void cancellingARunningJob(
      boolean abort, boolean delete, boolean returnsId, String abortFlag, String events)
      throws Exception {
    long id = doing();
    assertThat(cancel(id, abort, delete)).isEqualTo(returnsId ? String.valueOf(id) : null);
    assertThat(status(id)).isEqualTo("doing");
    assertThat(column(id, "abort_requested")).isEqualTo(abortFlag);
    assertThat(sql.events(id)).containsExactly(events.split(","));
  }

  @ParameterizedTest
  @ValueSource(strings = {"succeeded", "failed", "cancelled", "aborted", "missing"})
  void cancellingAFinishedOrMissingJobDoesNothingAndReturnsNull(String state) throws Exception {
    long id = state.equals("missing") ? missingId() : jobIn(state);
    List<String> events = sql.events(id);
    for (boolean abort : new boolean[] {false, true}) {
      for (boolean delete : new boolean[] {false, true}) {
        assertThat(cancel(id, abort, delete)).as("abort=%s delete=%s", abort, delete).isNull();
      }
    }
    if (!state.equals("missing")) {
      assertThat(status(id)).isEqualTo(state);
      assertThat(column(id, "abort_requested")).isEqualTo("false");
      assertThat(sql.events(id)).isEqualTo(events);
    }
  }

  // ---------------------------------------------------------------------------------------------
  // procrastinate_defer_jobs_v1

  private static final String BATCH_ELEMENT =
      "ROW(?::varchar, ?::varchar, ?::int, ?::text, ?::text, ?::jsonb, ?::timestamptz)"
          + "::procrastinate_job_to_defer_v1";

  /** Calls the batch defer function with one array element per row of seven values. */
  private static List<Long> deferBatch(Connection connection, Object[]... jobs)
      throws SQLException {
    List<String> elements = new ArrayList<>();
    for (int i = 0; i < jobs.length; i++) {
      elements.add(BATCH_ELEMENT);
    }
    String query = "SELECT procrastinate_defer_jobs_v1(ARRAY[" + String.join(", ", elements) + "])";
    try (PreparedStatement statement = connection.prepareStatement(query)) {
      int index = 1;
      for (Object[] job : jobs) {
        assertThat(job).hasSize(7);
        for (Object value : job) {
          statement.setObject(index++, value);
        }
      }
      try (ResultSet result = statement.executeQuery()) {
        assertThat(result.next()).isTrue();
        Array array = result.getArray(1);
        List<Long> ids = new ArrayList<>();
        for (Object id : (Object[]) array.getArray()) {
          ids.add(((Number) id).longValue());
        }
        return ids;
      }
    }
  }

  private List<Long> deferBatch(Object[]... jobs) throws SQLException {
    try (Connection connection = DB.dataSource().getConnection()) {
      return deferBatch(connection, jobs);
    }
  }

  private static Object[] job(String queue, String task, String queueingLock) {
    return new Object[] {queue, task, 0, null, queueingLock, "{}", null};
  }

  private long jobCount() throws SQLException {
    return Long.parseLong(sql.value("SELECT count(*) FROM procrastinate_jobs"));
  }

  @Test
  void batchDeferInsertsTodoJobsAndReturnsTheirIdsInInputOrder() throws Exception {
    OffsetDateTime at = OffsetDateTime.parse("2032-05-06T07:08:09.654321Z");
    List<Long> ids =
        deferBatch(
            new Object[] {"b1", "t.first", 5, "lk", "qlk", "{\"n\": 1}", null},
            new Object[] {"b2", "t.second", -2, null, null, "{}", at},
            new Object[] {"b1", "t.third", 0, null, null, "{\"n\": [3]}", null});

    assertThat(ids).hasSize(3);
    assertThat(ids.get(0)).isLessThan(ids.get(1));
    assertThat(ids.get(1)).isLessThan(ids.get(2));
    assertThat(column(ids.get(0), "task_name")).isEqualTo("t.first");
    assertThat(column(ids.get(1), "task_name")).isEqualTo("t.second");
    assertThat(column(ids.get(2), "task_name")).isEqualTo("t.third");

    long first = ids.get(0);
    assertThat(column(first, "queue_name")).isEqualTo("b1");
    assertThat(column(first, "priority")).isEqualTo("5");
    assertThat(column(first, "lock")).isEqualTo("lk");
    assertThat(column(first, "queueing_lock")).isEqualTo("qlk");
    assertThat(column(first, "args")).isEqualTo("{\"n\": 1}");
    assertThat(scheduledAt(first)).isNull();
    assertThat(column(ids.get(2), "args")).isEqualTo("{\"n\": [3]}");
    assertThat(column(ids.get(1), "priority")).isEqualTo("-2");
    assertThat(scheduledAt(ids.get(1))).isEqualTo(at);

    for (long id : ids) {
      assertThat(status(id)).isEqualTo("todo");
      assertThat(column(id, "attempts")).isEqualTo("0");
      assertThat(column(id, "abort_requested")).isEqualTo("false");
      assertThat(column(id, "worker_id")).isNull();
    }
    assertThat(sql.events(ids.get(0))).containsExactly("deferred");
    assertThat(sql.events(ids.get(1))).containsExactly("scheduled", "deferred");
    assertThat(scheduledEventTimes(ids.get(1))).containsExactly(at);
    assertThat(sql.events(ids.get(2))).containsExactly("deferred");
  }

  @Test
  void aQueueingLockClashAbortsTheWholeBatch() throws Exception {
    long holder = defer(newQueue(), 0, null, "QL");
    long before = jobCount();

    assertViolates(
        () -> deferBatch(job("a", "t.fresh", null), job("a", "t.clash", "QL")),
        UNIQUE_VIOLATION,
        "procrastinate_jobs_queueing_lock_idx_v1");
    assertViolates(
        () -> deferBatch(job("a", "t.x", "QX"), job("a", "t.x", "QX")),
        UNIQUE_VIOLATION,
        "procrastinate_jobs_queueing_lock_idx_v1");
    assertThat(jobCount()).isEqualTo(before);
    assertThat(sql.value("SELECT count(*) FROM procrastinate_events")).isEqualTo("1");

    // Only waiting jobs hold the queueing lock: once the holder runs, one more may wait.
    start(holder);
    long waiting = deferBatch(job("a", "t.again", "QL")).get(0);
    assertThat(status(waiting)).isEqualTo("todo");
    assertViolates(
        () -> deferBatch(job("a", "t.again", "QL")),
        UNIQUE_VIOLATION,
        "procrastinate_jobs_queueing_lock_idx_v1");
  }

  @Test
  void queueNamesAreLimitedToFortyBytes() throws Exception {
    String forty = "x".repeat(40);
    String fortyBytesOfTwentyChars = "é".repeat(20);
    List<Long> ids =
        deferBatch(job(forty, "t.long", null), job(fortyBytesOfTwentyChars, "t.long", null));
    assertThat(column(ids.get(0), "queue_name")).isEqualTo(forty);
    assertThat(column(ids.get(1), "queue_name")).isEqualTo(fortyBytesOfTwentyChars);
    long before = jobCount();

    for (String tooLong : List.of("x".repeat(41), "é".repeat(20) + "x", "é".repeat(21))) {
      assertRaises(
          () -> deferBatch(job("ok", "t.long", null), job(tooLong, "t.long", null)),
          "22023",
          "channel name too long");
    }
    assertThat(jobCount()).isEqualTo(before);
  }

  // ---------------------------------------------------------------------------------------------
  // triggers and constraint

  @ParameterizedTest(name = "{0} -> {1}: [{2}]")
  @CsvSource({
    "todo,      doing,     started",
    "doing,     todo,      deferred_for_retry",
    "doing,     failed,    failed",
    "doing,     succeeded, succeeded",
    "todo,      cancelled, cancelled",
    "todo,      failed,    cancelled",
    "todo,      succeeded, cancelled",
    "doing,     aborted,   aborted",
    "failed,    todo,      retried",
    "todo,      aborted,   ''",
    "todo,      todo,      ''",
    "doing,     doing,     ''",
    "doing,     cancelled, ''",
    "doing,     aborting,  ''",
    "succeeded, todo,      ''",
    "cancelled, todo,      ''",
    "aborted,   todo,      ''",
    "failed,    succeeded, ''",
  })
  void statusChangesRecordTheEventOfTheirTransition(String from, String to, String event)
      throws Exception {
    long id = todo();
    if (!from.equals("todo")) {
      sql.execute(
          "UPDATE procrastinate_jobs SET status = ?::procrastinate_job_status WHERE id = ?",
          from,
          id);
    }
    sql.execute("DELETE FROM procrastinate_events WHERE job_id = ?", id);

    sql.execute(
        "UPDATE procrastinate_jobs SET status = ?::procrastinate_job_status WHERE id = ?", to, id);
    if (event.isEmpty()) {
      assertThat(sql.events(id)).isEmpty();
    } else {
      assertThat(sql.events(id)).containsExactly(event);
    }
  }

  @Test
  void insertingRecordsDeferredOnlyForTodoRows() throws Exception {
    for (String state : List.of("doing", "succeeded", "failed", "cancelled", "aborted")) {
      long id =
          Long.parseLong(
              sql.value(
                  "INSERT INTO procrastinate_jobs (queue_name, task_name, status, scheduled_at)"
                      + " VALUES ('direct', 't.direct', ?::procrastinate_job_status, now())"
                      + " RETURNING id",
                  state));
      assertThat(sql.events(id)).as(state).isEmpty();
    }
    long todo =
        Long.parseLong(
            sql.value(
                "INSERT INTO procrastinate_jobs (queue_name, task_name)"
                    + " VALUES ('direct', 't.direct') RETURNING id"));
    assertThat(sql.events(todo)).containsExactly("deferred");
  }

  @Test
  void everyWriteOfAWaitingScheduledJobRecordsAScheduledEventAtItsTime() throws Exception {
    OffsetDateTime first = OffsetDateTime.parse("2033-01-01T00:00:00.000001Z");
    OffsetDateTime second = OffsetDateTime.parse("2034-01-01T12:30:00Z");
    long id = deferBatch(new Object[] {newQueue(), "t.sched", 0, null, null, "{}", first}).get(0);
    assertThat(sql.events(id)).containsExactly("scheduled", "deferred");

    sql.execute("UPDATE procrastinate_jobs SET scheduled_at = ? WHERE id = ?", second, id);
    sql.execute("UPDATE procrastinate_jobs SET priority = 8 WHERE id = ?", id);
    assertThat(sql.events(id)).containsExactly("scheduled", "deferred", "scheduled", "scheduled");
    assertThat(scheduledEventTimes(id)).containsExactly(first, second, second);

    // Not for an unscheduled waiting job, nor for a scheduled job that is not waiting.
    long unscheduled = todo();
    sql.execute("UPDATE procrastinate_jobs SET priority = 8 WHERE id = ?", unscheduled);
    assertThat(sql.events(unscheduled)).containsExactly("deferred");
    long running = doing();
    sql.execute("UPDATE procrastinate_jobs SET scheduled_at = ? WHERE id = ?", first, running);
    assertThat(sql.events(running)).containsExactly("deferred", "started");
  }

  @Test
  void settingAbortRequestedRecordsAnEventAndClearingItDoesNot() throws Exception {
    long running = doing();
    sql.execute("UPDATE procrastinate_jobs SET abort_requested = true WHERE id = ?", running);
    sql.execute("UPDATE procrastinate_jobs SET abort_requested = false WHERE id = ?", running);
    assertThat(sql.events(running)).containsExactly("deferred", "started", "abort_requested");

    long done = jobIn("succeeded");
    sql.execute("UPDATE procrastinate_jobs SET abort_requested = true WHERE id = ?", done);
    assertThat(sql.events(done))
        .containsExactly("deferred", "started", "succeeded", "abort_requested");
  }

  @Test
  void aWaitingJobCannotHaveItsAbortRequested() throws Exception {
    long id = todo();
    assertViolates(
        () -> sql.execute("UPDATE procrastinate_jobs SET abort_requested = true WHERE id = ?", id),
        CHECK_VIOLATION,
        "check_not_todo_abort_requested");
    assertViolates(
        () ->
            sql.execute(
                "INSERT INTO procrastinate_jobs (queue_name, task_name, abort_requested)"
                    + " VALUES ('direct', 't.direct', true)"),
        CHECK_VIOLATION,
        "check_not_todo_abort_requested");
    assertThat(column(id, "abort_requested")).isEqualTo("false");
    assertThat(jobCount()).isEqualTo(1);

    // Any other status may carry the flag.
    sql.execute(
        "INSERT INTO procrastinate_jobs (queue_name, task_name, status, abort_requested)"
            + " VALUES ('direct', 't.direct', 'doing', true)");
    assertThat(jobCount()).isEqualTo(2);
  }

  private static List<String> notificationsUntil(Connection listener, String sentinel)
      throws Exception {
    return Notifications.until(listener, sentinel).stream()
        .map(n -> n.getName() + " " + n.getParameter())
        .toList();
  }

  @Test
  void abortRequestsOfRunningJobsAreNotifiedOnTheQueueAndAnyQueueChannels() throws Exception {
    String queue = newQueue();
    long running = defer(queue, 0, null, null);
    start(running);
    long waiting = defer(queue, 0, null, null);

    try (Connection listener = DB.newConnection();
        Statement listen = listener.createStatement();
        Connection writer = DB.newConnection();
        Statement write = writer.createStatement()) {
      listen.execute("LISTEN \"procrastinate_queue_v1#" + queue + "\"");
      listen.execute("LISTEN procrastinate_any_queue_v1");

      // A waiting job is cancelled at once: nobody needs to be told.
      write.execute("SELECT procrastinate_cancel_job_v1(" + waiting + ", true, false)");
      write.execute("SELECT procrastinate_cancel_job_v1(" + running + ", true, false)");
      // Already requested: no second notification.
      write.execute("UPDATE procrastinate_jobs SET abort_requested = true WHERE id = " + running);
      // Not running any more: no notification.
      write.execute("SELECT procrastinate_finish_job_v1(" + running + ", 'aborted', false)");
      write.execute("UPDATE procrastinate_jobs SET abort_requested = true WHERE id = " + running);
      write.execute("SELECT pg_notify('procrastinate_any_queue_v1', 'end')");

      String payload = "{\"type\" : \"abort_job_requested\", \"job_id\" : " + running + "}";
      assertThat(notificationsUntil(listener, "end"))
          .containsExactly(
              "procrastinate_queue_v1#" + queue + " " + payload,
              "procrastinate_any_queue_v1 " + payload);
    }
    assertThat(status(waiting)).isEqualTo("cancelled");
  }

  @Test
  void onlyInsertedWaitingJobsAreNotified() throws Exception {
    String queue = newQueue();
    try (Connection listener = DB.newConnection();
        Statement listen = listener.createStatement()) {
      listen.execute("LISTEN \"procrastinate_queue_v1#" + queue + "\"");
      listen.execute("LISTEN procrastinate_any_queue_v1");

      long todo = defer(queue, 0, null, null);
      sql.execute(
          "INSERT INTO procrastinate_jobs (queue_name, task_name, status)"
              + " VALUES (?, 't.direct', 'doing')",
          queue);
      // A job of another queue is announced on the any-queue channel only.
      long other = doing();
      // Status changes announce nothing.
      retry(2, other, null, null, null, null);
      sql.execute("SELECT pg_notify('procrastinate_any_queue_v1', 'end')");

      String payload = "{\"type\" : \"job_inserted\", \"job_id\" : " + todo + "}";
      String otherPayload = "{\"type\" : \"job_inserted\", \"job_id\" : " + other + "}";
      assertThat(notificationsUntil(listener, "end"))
          .containsExactly(
              "procrastinate_queue_v1#" + queue + " " + payload,
              "procrastinate_any_queue_v1 " + payload,
              "procrastinate_any_queue_v1 " + otherPayload);
    }
  }
}
