package dev.procrastinate.internal.sql;

import static org.assertj.core.api.Assertions.assertThat;

import dev.procrastinate.testing.Sql;
import dev.procrastinate.testing.TestDatabase;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.ResultSetMetaData;
import java.sql.SQLException;
import java.sql.Statement;
import java.time.OffsetDateTime;
import java.time.ZoneOffset;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.CyclicBarrier;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

/**
 * Pins {@code procrastinate_fetch_job_v2}: which job is runnable, in which order, how it is marked,
 * and how locks and concurrent fetchers are handled.
 */
class FetchFunctionTest {
  @RegisterExtension static final TestDatabase DB = TestDatabase.migrated();

  private static final String FETCH = "SELECT * FROM procrastinate_fetch_job_v2(?::varchar[], ?)";

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

  private static OffsetDateTime inOneHour() {
    return OffsetDateTime.now(ZoneOffset.UTC).plusHours(1);
  }

  private static OffsetDateTime oneHourAgo() {
    return OffsetDateTime.now(ZoneOffset.UTC).minusHours(1);
  }

  /** Defers one job through {@code procrastinate_defer_jobs_v1} and returns its id. */
  private long defer(String queue, int priority, String lock, OffsetDateTime scheduledAt)
      throws SQLException {
    try (Connection connection = DB.dataSource().getConnection()) {
      return defer(connection, queue, priority, lock, scheduledAt);
    }
  }

  private static long defer(
      Connection connection, String queue, int priority, String lock, OffsetDateTime scheduledAt)
      throws SQLException {
    try (PreparedStatement statement =
        connection.prepareStatement(
            "SELECT (procrastinate_defer_jobs_v1(ARRAY[ROW(?::varchar, 'tests.fetch', ?::int,"
                + " ?::text, NULL::text, '{\"n\": 1}'::jsonb, ?::timestamptz)"
                + "::procrastinate_job_to_defer_v1]))[1]")) {
      statement.setString(1, queue);
      statement.setInt(2, priority);
      statement.setString(3, lock);
      statement.setObject(4, scheduledAt);
      try (ResultSet result = statement.executeQuery()) {
        result.next();
        return result.getLong(1);
      }
    }
  }

  private long defer(int priority, String lock) throws SQLException {
    return defer("q", priority, lock, null);
  }

  /** Calls the fetch function and returns every column of its single row, by name. */
  private static Map<String, Object> fetchRow(Connection connection, String[] queues, Long workerId)
      throws SQLException {
    try (PreparedStatement statement = connection.prepareStatement(FETCH)) {
      if (queues == null) {
        statement.setNull(1, java.sql.Types.ARRAY);
      } else {
        statement.setArray(1, connection.createArrayOf("varchar", queues));
      }
      statement.setObject(2, workerId);
      try (ResultSet result = statement.executeQuery()) {
        ResultSetMetaData meta = result.getMetaData();
        assertThat(result.next()).as("the fetch function returns one row").isTrue();
        Map<String, Object> row = new LinkedHashMap<>();
        for (int i = 1; i <= meta.getColumnCount(); i++) {
          row.put(meta.getColumnName(i), result.getObject(i));
        }
        assertThat(result.next()).as("the fetch function returns only one row").isFalse();
        return row;
      }
    }
  }

  private Map<String, Object> fetchRow(String[] queues, Long workerId) throws SQLException {
    try (Connection connection = DB.dataSource().getConnection()) {
      return fetchRow(connection, queues, workerId);
    }
  }

  private static Long fetch(Connection connection, String[] queues, Long workerId)
      throws SQLException {
    Object id = fetchRow(connection, queues, workerId).get("id");
    return id == null ? null : ((Number) id).longValue();
  }

  private Long fetch(String... queues) throws SQLException {
    Object id = fetchRow(queues, null).get("id");
    return id == null ? null : ((Number) id).longValue();
  }

  private Long fetchAny() throws SQLException {
    return fetch((String[]) null);
  }

  private String status(long id) throws SQLException {
    return sql.value("SELECT status::text FROM procrastinate_jobs WHERE id = ?", id);
  }

  private long registerWorker() throws SQLException {
    return Long.parseLong(sql.value("SELECT worker_id FROM procrastinate_register_worker_v1()"));
  }

  // ---------------------------------------------------------------------------------------------
  // what is fetched and in which order

  @Test
  void returnsOneRowWithEveryColumnNullWhenNothingIsRunnable() throws Exception {
    Map<String, Object> empty = fetchRow(null, null);
    assertThat(empty)
        .containsOnlyKeys(
            "id",
            "queue_name",
            "task_name",
            "priority",
            "lock",
            "queueing_lock",
            "args",
            "status",
            "scheduled_at",
            "attempts",
            "abort_requested",
            "worker_id");
    assertThat(empty.values()).containsOnlyNulls();

    // Jobs exist, but none is runnable: one is scheduled later, one is running, one is done.
    defer("q", 0, null, inOneHour());
    long running = defer(0, null);
    assertThat(fetchAny()).isEqualTo(running);
    long done = defer(0, null);
    assertThat(fetchAny()).isEqualTo(done);
    sql.finish(done, "succeeded");

    Map<String, Object> nothing = fetchRow(null, null);
    assertThat(nothing).hasSize(12);
    assertThat(nothing.values()).containsOnlyNulls();
    assertThat(sql.value("SELECT count(*) FROM procrastinate_jobs WHERE status = 'doing'"))
        .isEqualTo("1");
  }

  @Test
  void takesHigherPriorityFirstThenSmallerId() throws Exception {
    long a = defer(0, null);
    long b = defer(5, null);
    long c = defer(5, null);
    long d = defer(-3, null);
    long e = defer(0, null);

    List<Long> order = new ArrayList<>();
    for (int i = 0; i < 5; i++) {
      order.add(fetchAny());
    }
    assertThat(order).containsExactly(b, c, a, e, d);
    assertThat(fetchAny()).isNull();
  }

  @Test
  void takesOnlyJobsThatAreDue() throws Exception {
    long future = defer("q", 10, null, inOneHour());
    long past = defer("q", 0, null, oneHourAgo());
    long unscheduled = defer("q", 1, null, null);

    assertThat(fetchAny()).isEqualTo(unscheduled);
    assertThat(fetchAny()).isEqualTo(past);
    assertThat(fetchAny()).isNull();
    assertThat(status(future)).isEqualTo("todo");
  }

  @Test
  void aJobScheduledExactlyNowIsDue() throws Exception {
    try (Connection connection = DB.newConnection()) {
      connection.setAutoCommit(false);
      // now() is the transaction's start time, so scheduled_at = now() is exactly the limit.
      OffsetDateTime now;
      try (Statement statement = connection.createStatement();
          ResultSet result = statement.executeQuery("SELECT now()")) {
        result.next();
        now = result.getObject(1, OffsetDateTime.class);
      }
      long due = defer(connection, "q", 0, null, now);
      defer(connection, "q", 0, null, now.plusNanos(1000));
      assertThat(fetch(connection, null, null)).isEqualTo(due);
      assertThat(fetch(connection, null, null)).isNull();
      connection.rollback();
    }
  }

  @Test
  void filtersOnTheGivenQueuesAndTakesEveryQueueForNull() throws Exception {
    long a = defer("a", 0, null, null);
    long b = defer("b", 0, null, null);
    long c = defer("c", 0, null, null);
    long d = defer("d", 0, null, null);

    assertThat(fetch("b")).isEqualTo(b);
    assertThat(fetch("zzz")).isNull();
    assertThat(fetch(new String[0])).isNull();
    assertThat(fetch("c", "a")).isEqualTo(a);
    assertThat(fetch("c", "a")).isEqualTo(c);
    assertThat(fetch("c", "a")).isNull();
    assertThat(fetchAny()).isEqualTo(d);
    assertThat(fetchAny()).isNull();
  }

  @Test
  void marksTheJobDoingForTheWorkerAndRecordsStarted() throws Exception {
    long worker = registerWorker();
    long id;
    try (Connection connection = DB.dataSource().getConnection();
        PreparedStatement statement =
            connection.prepareStatement(
                "SELECT (procrastinate_defer_jobs_v1(ARRAY[ROW('mail', 'tests.marked', 4,"
                    + " 'lk', 'qlk', '{\"to\": \"x\"}'::jsonb, NULL::timestamptz)"
                    + "::procrastinate_job_to_defer_v1]))[1]");
        ResultSet result = statement.executeQuery()) {
      result.next();
      id = result.getLong(1);
    }

    Map<String, Object> row = fetchRow(new String[] {"mail"}, worker);
    assertThat(((Number) row.get("id")).longValue()).isEqualTo(id);
    assertThat(row.get("status")).hasToString("doing");
    assertThat(((Number) row.get("worker_id")).longValue()).isEqualTo(worker);
    assertThat(row.get("queue_name")).isEqualTo("mail");
    assertThat(row.get("task_name")).isEqualTo("tests.marked");
    assertThat(row.get("priority")).isEqualTo(4);
    assertThat(row.get("lock")).isEqualTo("lk");
    assertThat(row.get("queueing_lock")).isEqualTo("qlk");
    assertThat(row.get("args")).hasToString("{\"to\": \"x\"}");
    assertThat(row.get("scheduled_at")).isNull();
    assertThat(row.get("attempts")).isEqualTo(0);
    assertThat(row.get("abort_requested")).isEqualTo(false);

    assertThat(status(id)).isEqualTo("doing");
    assertThat(sql.value("SELECT worker_id FROM procrastinate_jobs WHERE id = ?", id))
        .isEqualTo(String.valueOf(worker));
    assertThat(sql.value("SELECT attempts FROM procrastinate_jobs WHERE id = ?", id))
        .isEqualTo("0");
    assertThat(sql.events(id)).containsExactly("deferred", "started");

    // A NULL worker id is stored as such.
    long anonymous = defer(0, null);
    Map<String, Object> second = fetchRow(null, null);
    assertThat(((Number) second.get("id")).longValue()).isEqualTo(anonymous);
    assertThat(second.get("worker_id")).isNull();
    assertThat(sql.value("SELECT worker_id FROM procrastinate_jobs WHERE id = ?", anonymous))
        .isNull();
  }

  // ---------------------------------------------------------------------------------------------
  // locks

  @Test
  void aRunningJobBlocksEveryOtherJobOfItsLockEvenWithHigherPriority() throws Exception {
    long running = defer(0, "L");
    assertThat(fetchAny()).isEqualTo(running);
    long urgent = defer(10, "L");
    long other = defer(0, "M");

    // The blocked high-priority job does not stop a runnable lower-priority one.
    assertThat(fetchAny()).isEqualTo(other);
    assertThat(fetchAny()).isNull();
    assertThat(status(urgent)).isEqualTo("todo");

    sql.finish(running, "failed");
    assertThat(fetchAny()).isEqualTo(urgent);
  }

  @Test
  void anEarlierWaitingJobOfTheLockBlocksEvenInAnotherQueue() throws Exception {
    long first = defer("elsewhere", 0, "L", null);
    long second = defer("q", 0, "L", null);
    long free = defer("q", -1, null, null);

    assertThat(fetch("q")).isEqualTo(free);
    assertThat(fetch("q")).isNull();
    assertThat(status(second)).isEqualTo("todo");

    assertThat(fetch("elsewhere")).isEqualTo(first);
    assertThat(fetch("q")).isNull();
    sql.finish(first, "succeeded");
    assertThat(fetch("q")).isEqualTo(second);
  }

  @Test
  void anEarlierWaitingJobOfTheLockBlocksEvenWhenScheduledLater() throws Exception {
    long scheduled = defer("q", 0, "L", inOneHour());
    long blocked = defer(0, "L");
    assertThat(fetchAny()).isNull();

    // Moving the earlier job out of todo frees the lock.
    assertThat(sql.value("SELECT procrastinate_cancel_job_v1(?, false, false)", scheduled))
        .isEqualTo(String.valueOf(scheduled));
    assertThat(fetchAny()).isEqualTo(blocked);
  }

  @Test
  void aHigherPriorityLaterJobOfTheLockBlocksEvenWhenScheduledLater() throws Exception {
    long earlier = defer(0, "L");
    long urgentLater = defer("q", 5, "L", inOneHour());
    assertThat(fetchAny()).isNull();

    sql.execute(
        "UPDATE procrastinate_jobs SET scheduled_at = now() - interval '1 second' WHERE id = ?",
        urgentLater);
    assertThat(fetchAny()).isEqualTo(urgentLater);
    assertThat(fetchAny()).isNull();
    sql.finish(urgentLater, "succeeded");
    assertThat(fetchAny()).isEqualTo(earlier);
  }

  @Test
  void aHigherPriorityLaterJobOfTheLockGoesFirst() throws Exception {
    long low = defer(0, "L");
    long high = defer(5, "L");
    long sameA = defer(1, "M");
    long sameB = defer(1, "M");

    assertThat(fetchAny()).isEqualTo(high);
    assertThat(fetchAny()).isEqualTo(sameA);
    assertThat(fetchAny()).isNull();

    sql.finish(high, "succeeded");
    assertThat(fetchAny()).isEqualTo(low);
    sql.finish(sameA, "aborted");
    assertThat(fetchAny()).isEqualTo(sameB);
    assertThat(fetchAny()).isNull();
  }

  @Test
  void finishedJobsOfTheLockDoNotBlock() throws Exception {
    for (String end : List.of("succeeded", "failed", "aborted")) {
      long job = defer(0, "L");
      assertThat(fetchAny()).isEqualTo(job);
      sql.finish(job, end);
    }
    long cancelled = defer(0, "L");
    sql.value("SELECT procrastinate_cancel_job_v1(?, false, false)", cancelled);

    long next = defer(0, "L");
    assertThat(fetchAny()).isEqualTo(next);
  }

  @Test
  void jobsWithoutLockNeverBlock() throws Exception {
    long running = defer(0, null);
    assertThat(fetchAny()).isEqualTo(running);
    defer("q", 9, null, inOneHour());
    long waiting = defer(0, null);
    long locked = defer(-1, "L");

    assertThat(fetchAny()).isEqualTo(waiting);
    assertThat(fetchAny()).isEqualTo(locked);
    assertThat(fetchAny()).isNull();
  }

  // ---------------------------------------------------------------------------------------------
  // concurrent fetchers

  @Test
  void aJobLockedByAnotherTransactionIsSkippedWithoutWaiting() throws Exception {
    long first = defer(5, "L");
    long sameLock = defer(5, "L");
    long free = defer(0, null);
    long last = defer(-1, null);

    try (Connection holder = DB.newConnection();
        Connection other = DB.newConnection()) {
      try (Statement statement = other.createStatement()) {
        statement.execute("SET statement_timeout = '10s'");
      }
      holder.setAutoCommit(false);
      assertThat(fetch(holder, null, null)).isEqualTo(first);

      // The first job is still todo for the other connection, but its row is locked: it is
      // skipped, and as the earlier waiting job of its lock it still blocks the second one.
      assertThat(fetch(other, null, null)).isEqualTo(free);
      assertThat(fetch(other, null, null)).isEqualTo(last);
      assertThat(fetch(other, null, null)).isNull();

      holder.commit();
      assertThat(fetch(other, null, null)).isNull();
      assertThat(status(first)).isEqualTo("doing");
      assertThat(status(sameLock)).isEqualTo("todo");
    }
  }

  @Test
  void concurrentFetchersRunEveryJobOnceAndOneJobPerLockAtATime() throws Exception {
    int jobCount = 200;
    int lockCount = 10;
    int threads = 4;

    // Every job is deferred before the fetchers start. A job that arrives during a fetch can make
    // two concurrent fetches pick two jobs of one lock, one of which is then rejected by the
    // unique index on running locks (upstream issue #1242); that race is not exercised here.
    Map<Long, String> lockOf = new LinkedHashMap<>();
    Map<Long, Integer> priorityOf = new LinkedHashMap<>();
    for (int i = 0; i < jobCount; i++) {
      String lock = "lock-" + (i % lockCount);
      int priority = (i / lockCount) % 3;
      long id = defer(priority, lock);
      lockOf.put(id, lock);
      priorityOf.put(id, priority);
    }
    List<Long> workers = new ArrayList<>();
    for (int i = 0; i < threads; i++) {
      workers.add(registerWorker());
    }

    Map<Long, Long> fetchedBy = new ConcurrentHashMap<>();
    List<Long> fetchedTwice = new CopyOnWriteArrayList<>();
    AtomicInteger finished = new AtomicInteger();
    CyclicBarrier start = new CyclicBarrier(threads);
    long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(120);

    ExecutorService pool = Executors.newFixedThreadPool(threads);
    try {
      List<Future<Integer>> results = new ArrayList<>();
      for (long worker : workers) {
        results.add(
            pool.submit(
                () -> {
                  int done = 0;
                  try (Connection connection = DB.newConnection();
                      PreparedStatement finish =
                          connection.prepareStatement(
                              "SELECT procrastinate_finish_job_v1(?, 'succeeded', false)")) {
                    start.await();
                    while (finished.get() < jobCount && System.nanoTime() < deadline) {
                      Long id = fetch(connection, null, worker);
                      if (id == null) {
                        Thread.sleep(1);
                        continue;
                      }
                      if (fetchedBy.putIfAbsent(id, worker) != null) {
                        fetchedTwice.add(id);
                      }
                      finish.setLong(1, id);
                      finish.execute();
                      finished.incrementAndGet();
                      done++;
                    }
                  }
                  return done;
                }));
      }
      int total = 0;
      for (Future<Integer> result : results) {
        total += result.get(180, TimeUnit.SECONDS);
      }
      assertThat(total).isEqualTo(jobCount);
    } finally {
      pool.shutdownNow();
    }

    assertThat(fetchedTwice).isEmpty();
    assertThat(fetchedBy).hasSize(jobCount).containsOnlyKeys(lockOf.keySet());
    assertThat(
            sql.value(
                "SELECT count(*) FROM procrastinate_jobs WHERE status = 'succeeded'"
                    + " AND attempts = 1"))
        .isEqualTo(String.valueOf(jobCount));
    for (Map.Entry<Long, Long> entry : fetchedBy.entrySet()) {
      assertThat(sql.value("SELECT worker_id FROM procrastinate_jobs WHERE id = ?", entry.getKey()))
          .isEqualTo(String.valueOf(entry.getValue()));
    }
    assertThat(
            sql.column(
                "SELECT job_id || ':' || string_agg(type::text, ',' ORDER BY id)"
                    + " FROM procrastinate_events GROUP BY job_id"
                    + " HAVING string_agg(type::text, ',' ORDER BY id)"
                    + " <> 'deferred,started,succeeded'"))
        .isEmpty();
    assertThat(sql.value("SELECT count(DISTINCT job_id) FROM procrastinate_events"))
        .isEqualTo(String.valueOf(jobCount));

    // Per lock, in the order events were written, each start is followed by the end of the same
    // job before the next start: no two jobs of a lock were ever running together. The jobs of a
    // lock ran in priority DESC, id ASC order.
    Comparator<Long> fetchOrder =
        Comparator.comparing((Long id) -> -priorityOf.get(id))
            .thenComparing(Comparator.naturalOrder());
    for (int l = 0; l < lockCount; l++) {
      String lock = "lock-" + l;
      List<String> timeline =
          sql.column(
              "SELECT e.type::text || ':' || e.job_id FROM procrastinate_events e"
                  + " JOIN procrastinate_jobs j ON j.id = e.job_id"
                  + " WHERE j.lock = ? AND e.type IN ('started', 'succeeded') ORDER BY e.id",
              lock);
      assertThat(timeline.size()).as("timeline of %s: %s", lock, timeline).isEven();
      List<Long> ran = new ArrayList<>();
      for (int i = 0; i < timeline.size(); i += 2) {
        String started = timeline.get(i);
        assertThat(started).as("timeline of %s: %s", lock, timeline).startsWith("started:");
        long id = Long.parseLong(started.substring("started:".length()));
        assertThat(timeline.get(i + 1))
            .as("timeline of %s: %s", lock, timeline)
            .isEqualTo("succeeded:" + id);
        ran.add(id);
      }
      List<Long> expected =
          lockOf.entrySet().stream()
              .filter(entry -> entry.getValue().equals(lock))
              .map(Map.Entry::getKey)
              .sorted(fetchOrder)
              .toList();
      assertThat(ran)
          .as("jobs of %s in the order they ran", lock)
          .containsExactlyElementsOf(expected);
    }
  }
}
