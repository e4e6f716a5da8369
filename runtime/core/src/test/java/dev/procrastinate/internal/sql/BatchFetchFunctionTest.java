package dev.procrastinate.internal.sql;

import static org.assertj.core.api.Assertions.assertThat;

import dev.procrastinate.testing.Await;
import dev.procrastinate.testing.Sql;
import dev.procrastinate.testing.TestDatabase;
import java.sql.Array;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.time.Duration;
import java.time.OffsetDateTime;
import java.time.ZoneOffset;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.Map;
import java.util.concurrent.Callable;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.extension.RegisterExtension;

/**
 * Pins {@code procrastinate_java_fetch_jobs_v3}, the batch fetch of Java workers: upstream's rules
 * job after job, and its behaviour beside concurrent fetchers, Python workers' {@code
 * procrastinate_fetch_job_v2} among them. The races are forced, not hoped for: a trigger made for
 * the test holds the batch fetch between choosing its jobs and marking them, on an advisory lock
 * the test releases once the other fetcher has acted.
 */
@Timeout(value = 2, unit = TimeUnit.MINUTES)
class BatchFetchFunctionTest {
  @RegisterExtension static final TestDatabase DB = TestDatabase.migrated();

  private static final String BATCH_FETCH =
      "SELECT id FROM procrastinate_java_fetch_jobs_v3(?::varchar[], ?, ?, ?)";
  private static final String UPSTREAM_FETCH =
      "SELECT id FROM procrastinate_fetch_job_v2(?::varchar[], ?)";
  private static final long PAUSE_KEY = 4_242;

  private Sql sql;
  private final ExecutorService threads = Executors.newCachedThreadPool();

  @BeforeEach
  void setUp() throws Exception {
    sql = new Sql(DB.dataSource());
    sql.execute("DROP TRIGGER IF EXISTS test_pause_batch_fetch ON procrastinate_jobs");
    sql.execute("DELETE FROM procrastinate_periodic_defers");
    sql.execute("DELETE FROM procrastinate_jobs");
    sql.execute("DELETE FROM procrastinate_workers");
  }

  @AfterEach
  void tearDown() throws Exception {
    threads.shutdownNow();
    sql.execute("DROP TRIGGER IF EXISTS test_pause_batch_fetch ON procrastinate_jobs");
  }

  // ------------------------------------------------------------------------------------- rules

  @Test
  void takesByPriorityThenIdAndOnlyDueJobsOfTheQueues() throws Exception {
    long worker = registerWorker();
    long low = defer("a", 0, null, null);
    long high = defer("a", 5, null, null);
    defer("a", 9, null, OffsetDateTime.now(ZoneOffset.UTC).plusHours(1));
    defer("other", 9, null, null);
    long dueEarlier = defer("a", 0, null, OffsetDateTime.now(ZoneOffset.UTC).minusHours(1));

    assertThat(batchFetch(new String[] {"a"}, worker, 2)).containsExactlyInAnyOrder(high, low);
    assertThat(batchFetch(new String[] {"a"}, worker, 10)).containsExactly(dueEarlier);
    assertThat(batchFetch(new String[] {"a"}, worker, 10)).isEmpty();
    assertThat(sql.column("SELECT worker_id FROM procrastinate_jobs WHERE id = ?", high))
        .containsExactly(Long.toString(worker));
  }

  @Test
  void takesOneJobPerLockAndNoneWhoseLockIsRunningOrHasAJobAhead() throws Exception {
    long worker = registerWorker();
    long first = defer("a", 0, "L", null);
    defer("a", 0, "L", null);
    long running = defer("a", 0, "R", null);
    sql.execute("UPDATE procrastinate_jobs SET status = 'doing' WHERE id = ?", running);
    defer("a", 0, "R", null);
    // A higher-priority job of lock S scheduled later still blocks the earlier one.
    defer("a", 0, "S", null);
    defer("a", 3, "S", OffsetDateTime.now(ZoneOffset.UTC).plusHours(1));
    long free = defer("a", 0, null, null);

    assertThat(batchFetch(null, worker, 10)).containsExactlyInAnyOrder(first, free);
  }

  /**
   * Jobs with a lock beyond the lock limit are skipped, not blocked: the walk goes on for jobs
   * without a lock, and the skipped ones are taken by a later call.
   */
  @Test
  void aLockLimitSkipsJobsWithALockAndTakesTheFreeOnesBehindThem() throws Exception {
    long worker = registerWorker();
    long lockedA = defer("a", 5, "la", null);
    long lockedB = defer("a", 4, "lb", null);
    long free = defer("a", 0, null, null);
    try (Connection connection = DB.dataSource().getConnection()) {
      assertThat(batchFetch(connection, null, worker, 10, 1))
          .containsExactlyInAnyOrder(lockedA, free);
      assertThat(batchFetch(connection, null, worker, 10, 0)).isEmpty();
      assertThat(batchFetch(connection, null, worker, 10, 1)).containsExactly(lockedB);
    }
  }

  /** The function of version 2, for workers of an earlier release, has no lock limit. */
  @Test
  void theSecondVersionStillTakesEveryRunnableJob() throws Exception {
    long worker = registerWorker();
    long lockedA = defer("a", 5, "la", null);
    long lockedB = defer("a", 4, "lb", null);
    long free = defer("a", 0, null, null);
    assertThat(
            sql.column(
                "SELECT id::text FROM procrastinate_java_fetch_jobs_v2(NULL, ?, 10) ORDER BY id",
                worker))
        .containsExactly(String.valueOf(lockedA), String.valueOf(lockedB), String.valueOf(free));
  }

  @Test
  void aLimitBelowOneTakesNothing() throws Exception {
    long worker = registerWorker();
    defer("a", 0, null, null);
    assertThat(batchFetch(null, worker, 0)).isEmpty();
    assertThat(sql.value("SELECT count(*) FROM procrastinate_jobs WHERE status = 'todo'"))
        .isEqualTo("1");
  }

  /**
   * Right after a burst of defers the table's statistics still say there is hardly a waiting job;
   * the fetch must still reach its chosen rows by key, once, not rescan the waiting jobs per row
   * taken (which made a 500-job fetch over 20,000 new jobs take seconds). The rows read are counted
   * in the transaction's own statistics, which are exact.
   */
  @Test
  void aFetchReadsRowsInProportionToItsBatchEvenWithStaleStatistics() throws Exception {
    long worker = registerWorker();
    sql.execute("ANALYZE procrastinate_jobs"); // statistics of an empty queue
    try (Connection connection = DB.newConnection();
        Statement statement = connection.createStatement()) {
      connection.setAutoCommit(false);
      // In the same transaction: no analyze can see them, whatever autovacuum does.
      statement.execute(
          "INSERT INTO procrastinate_jobs (queue_name, task_name, args)"
              + " SELECT 'a', 'tests.batch', '{}' FROM generate_series(1, 5000)");
      String read =
          "SELECT coalesce(sum(idx_tup_fetch + seq_tup_read), 0) FROM pg_stat_xact_user_tables"
              + " WHERE relname = 'procrastinate_jobs'";
      long before = longValue(statement, read);
      assertThat(batchFetch(connection, null, worker, 500)).hasSize(500);
      long rows = longValue(statement, read) - before;
      assertThat(rows).as("rows of procrastinate_jobs read to take 500 jobs").isLessThan(10_000);
      connection.rollback();
    }
  }

  /**
   * Behind the backlog of a few locks whose first jobs run, every later job of those locks is
   * blocked. A fetch learns it without reading the backlog, and still takes the first job of a lock
   * queued behind it and a job without a lock: the rows it reads do not grow with the backlog
   * (reading all of it, a fetch took 15 ms of PostgreSQL's CPU behind 8,000 jobs of 12 locks).
   */
  @Test
  void aFetchBehindTheBacklogOfRunningLocksDoesNotReadTheBacklog() throws Exception {
    long worker = registerWorker();
    List<Object[]> backlog = new ArrayList<>();
    for (int i = 0; i < 6_000; i++) {
      backlog.add(new Object[] {"busy-" + (i % 3), 0});
    }
    deferMany(backlog);
    sql.execute(
        "UPDATE procrastinate_jobs SET status = 'doing', worker_id = ?"
            + " WHERE id IN (SELECT min(id) FROM procrastinate_jobs GROUP BY lock)",
        worker);
    long otherLock = defer("a", 0, "other", null);
    long free = defer("a", 0, null, null);
    try (Connection connection = DB.newConnection();
        Statement statement = connection.createStatement()) {
      connection.setAutoCommit(false);
      String read =
          "SELECT coalesce(sum(idx_tup_fetch + seq_tup_read), 0) FROM pg_stat_xact_user_tables"
              + " WHERE relname = 'procrastinate_jobs'";
      long before = longValue(statement, read);
      assertThat(batchFetch(connection, null, worker, 10, 10))
          .containsExactlyInAnyOrder(otherLock, free);
      long rows = longValue(statement, read) - before;
      assertThat(rows)
          .as("rows of procrastinate_jobs read behind 6,000 blocked jobs")
          .isLessThan(1_000);
      connection.rollback();
    }
  }

  /**
   * With more locks than the first chunk of jobs with a lock shows, the first jobs of the locks
   * behind it are found too, the best first, and the lock limit holds.
   */
  @Test
  void theFirstJobsOfLocksBehindTheFirstChunkAreTakenBestFirst() throws Exception {
    long worker = registerWorker();
    List<Object[]> backlog = new ArrayList<>();
    for (int i = 0; i < 300; i++) {
      backlog.add(new Object[] {"busy", 0});
    }
    deferMany(backlog);
    sql.execute(
        "UPDATE procrastinate_jobs SET status = 'doing', worker_id = ?"
            + " WHERE id = (SELECT min(id) FROM procrastinate_jobs)",
        worker);
    long low = defer("a", 0, "low", null);
    long high = defer("a", 2, "high", null);
    defer("a", 0, "high", null);
    long middle = defer("a", 1, "middle", null);
    defer("b", 9, "other-queue", null);
    try (Connection connection = DB.newConnection()) {
      connection.setAutoCommit(false);
      assertThat(batchFetch(connection, new String[] {"a"}, worker, 10, 2))
          .containsExactlyInAnyOrder(high, middle);
      assertThat(batchFetch(connection, new String[] {"a"}, worker, 10, 2)).containsExactly(low);
      connection.rollback();
    }
  }

  /**
   * The foreign key checks of {@code procrastinate_events} look a job up by id once per event, with
   * a plan made once per connection, often while the table is small or empty. With the statistics
   * of an empty table the planner once chose the dashboard's index on (task, status, id) for it,
   * whose every entry a lookup by id reads.
   */
  @Test
  void aLookupByIdUsesThePrimaryKeyEvenWithTheStatisticsOfAnEmptyTable() throws Exception {
    // The statistics of a queue that was emptied: pages, but no row.
    sql.execute(
        "INSERT INTO procrastinate_jobs (queue_name, task_name, args)"
            + " SELECT 'a', 'tests.batch', '{}' FROM generate_series(1, 5000)");
    sql.execute("DELETE FROM procrastinate_jobs");
    sql.execute("ANALYZE procrastinate_jobs");
    sql.execute(
        "INSERT INTO procrastinate_jobs (queue_name, task_name, args)"
            + " SELECT 'a', 'tests.batch', '{}' FROM generate_series(1, 5000)");
    try (Connection connection = DB.newConnection();
        Statement statement = connection.createStatement()) {
      statement.execute("SET plan_cache_mode = force_generic_plan");
      statement.execute(
          "PREPARE lookup(bigint) AS SELECT 1 FROM ONLY procrastinate_jobs AS x"
              + " WHERE id = $1 FOR KEY SHARE OF x");
      StringBuilder plan = new StringBuilder();
      try (ResultSet result = statement.executeQuery("EXPLAIN EXECUTE lookup(1)")) {
        while (result.next()) {
          plan.append(result.getString(1)).append('\n');
        }
      }
      assertThat(plan.toString()).contains("procrastinate_jobs_pkey").doesNotContain("task_idx");
    }
  }

  private static long longValue(Statement statement, String query) throws SQLException {
    try (ResultSet result = statement.executeQuery(query)) {
      result.next();
      return result.getLong(1);
    }
  }

  // ------------------------------------------------------------------------------------- races

  /**
   * Another fetcher starts a higher-priority job of a lock after the batch fetch chose an earlier
   * job of that lock: the unique index refuses that one job, which keeps waiting, and the batch
   * still takes the rest of its jobs.
   */
  @Test
  void aLockRaceCostsOneJobNotTheBatch() throws Exception {
    long javaWorker = registerWorker();
    long pythonWorker = registerWorker();
    long locked = defer("a", 0, "L", null);
    long unrelated = defer("a", 0, null, null);
    pauseBatchFetchesOf(javaWorker);

    try (Connection holder = DB.newConnection()) {
      lock(holder);
      Future<List<Long>> batch = threads.submit(() -> batchFetch(null, javaWorker, 10));
      awaitPausedFetch();
      // Meanwhile a Python worker takes a newer, more urgent job of the same lock.
      long urgent = defer("a", 10, "L", null);
      assertThat(upstreamFetch(null, pythonWorker)).isEqualTo(urgent);
      unlock(holder);

      assertThat(batch.get(1, TimeUnit.MINUTES)).containsExactly(unrelated);
    }
    assertThat(status(locked)).isEqualTo("todo");
    assertThat(status(unrelated)).isEqualTo("doing");
  }

  /**
   * While a batch fetch holds the jobs it chose, a concurrent fetcher takes the next job in
   * priority order: the batch locks only what it takes.
   */
  @Test
  void aBatchLocksOnlyTheJobsItTakes() throws Exception {
    long javaWorker = registerWorker();
    long pythonWorker = registerWorker();
    long first = defer("a", 10, null, null);
    long second = defer("a", 5, null, null);
    defer("a", 1, null, null);
    pauseBatchFetchesOf(javaWorker);

    try (Connection holder = DB.newConnection()) {
      lock(holder);
      Future<List<Long>> batch = threads.submit(() -> batchFetch(null, javaWorker, 1));
      awaitPausedFetch();
      assertThat(upstreamFetch(null, pythonWorker))
          .as("the Python worker takes the next job in priority order")
          .isEqualTo(second);
      unlock(holder);
      assertThat(batch.get(1, TimeUnit.MINUTES)).containsExactly(first);
    }
  }

  /**
   * Java batch fetchers and upstream single-job fetchers on one database: every job runs exactly
   * once, never two jobs of one lock at once, and no fetch fails.
   */
  @Test
  void javaAndUpstreamFetchersTogetherRunEveryJobOnceAndOneJobPerLockAtATime() throws Exception {
    int jobs = 600;
    int locks = 6;
    List<Object[]> rows = new ArrayList<>();
    for (int i = 0; i < jobs; i++) {
      rows.add(new Object[] {i % 3 == 0 ? null : "lock-" + (i % locks), i % 4});
    }
    deferMany(rows);
    Map<String, AtomicInteger> runningPerLock = new ConcurrentHashMap<>();
    List<String> overlaps = new CopyOnWriteArrayList<>();
    Map<Long, AtomicInteger> runs = new ConcurrentHashMap<>();
    List<Callable<Void>> fetchers = new ArrayList<>();
    for (int f = 0; f < 4; f++) {
      boolean java = f % 2 == 0;
      long worker = registerWorker();
      fetchers.add(
          () -> {
            try (Connection connection = DB.newConnection()) {
              while (true) {
                List<Long> taken =
                    java
                        ? batchFetch(connection, null, worker, 7)
                        : nonNull(upstreamFetch(connection, null, worker));
                if (taken.isEmpty()) {
                  if (remaining(connection) == 0) {
                    return null;
                  }
                  continue;
                }
                for (long id : taken) {
                  runs.computeIfAbsent(id, k -> new AtomicInteger()).incrementAndGet();
                  String lock = lockOf(connection, id);
                  if (lock != null
                      && runningPerLock
                              .computeIfAbsent(lock, k -> new AtomicInteger())
                              .incrementAndGet()
                          > 1) {
                    overlaps.add(lock + " at job " + id);
                  }
                }
                for (long id : taken) {
                  String lock = lockOf(connection, id);
                  if (lock != null) {
                    runningPerLock.get(lock).decrementAndGet();
                  }
                  finish(connection, id);
                }
              }
            }
          });
    }
    for (Future<Void> fetcher : threads.invokeAll(fetchers, 90, TimeUnit.SECONDS)) {
      fetcher.get();
    }
    assertThat(overlaps).isEmpty();
    assertThat(runs).hasSize(jobs);
    assertThat(runs.values()).allMatch(count -> count.get() == 1);
    assertThat(sql.value("SELECT count(*) FROM procrastinate_jobs WHERE status = 'succeeded'"))
        .isEqualTo(Integer.toString(jobs));
  }

  // ----------------------------------------------------------------------------------- support

  /**
   * Installs a trigger that makes the given worker's fetches wait on an advisory lock when they
   * mark a job doing, that is after they chose their jobs.
   */
  private void pauseBatchFetchesOf(long workerId) throws SQLException {
    sql.execute(
        """
        CREATE OR REPLACE FUNCTION test_pause_batch_fetch() RETURNS trigger LANGUAGE plpgsql AS $$
        BEGIN
            PERFORM pg_advisory_lock(%d);
            PERFORM pg_advisory_unlock(%d);
            RETURN NEW;
        END;
        $$
        """
            .formatted(PAUSE_KEY, PAUSE_KEY));
    sql.execute(
        ("CREATE TRIGGER test_pause_batch_fetch BEFORE UPDATE OF status ON procrastinate_jobs"
                + " FOR EACH ROW WHEN (NEW.status = 'doing' AND NEW.worker_id = %d)"
                + " EXECUTE FUNCTION test_pause_batch_fetch()")
            .formatted(workerId));
  }

  private static void lock(Connection holder) throws SQLException {
    try (Statement statement = holder.createStatement()) {
      statement.execute("SELECT pg_advisory_lock(" + PAUSE_KEY + ")");
    }
  }

  private static void unlock(Connection holder) throws SQLException {
    try (Statement statement = holder.createStatement()) {
      statement.execute("SELECT pg_advisory_unlock(" + PAUSE_KEY + ")");
    }
  }

  /** Waits until a fetch waits on the advisory lock of the pause trigger. */
  private void awaitPausedFetch() throws InterruptedException {
    Await.until(
        Duration.ofSeconds(30),
        () -> {
          try {
            return !sql.column(
                    "SELECT pid FROM pg_locks WHERE locktype = 'advisory' AND NOT granted"
                        + " AND objid = ?",
                    PAUSE_KEY)
                .isEmpty();
          } catch (SQLException e) {
            throw new IllegalStateException(e);
          }
        },
        "a batch fetch waiting in the pause trigger");
  }

  private long registerWorker() throws SQLException {
    return Long.parseLong(sql.value("SELECT worker_id FROM procrastinate_register_worker_v1()"));
  }

  private long defer(String queue, int priority, String lock, OffsetDateTime scheduledAt)
      throws SQLException {
    try (Connection connection = DB.dataSource().getConnection();
        PreparedStatement statement =
            connection.prepareStatement(
                "SELECT (procrastinate_defer_jobs_v1(ARRAY[ROW(?::varchar, 'tests.batch', ?::int,"
                    + " ?::text, NULL::text, '{}'::jsonb, ?::timestamptz)"
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

  /** Defers rows of (lock, priority) on queue {@code a} in one statement. */
  private void deferMany(List<Object[]> rows) throws SQLException {
    try (Connection connection = DB.dataSource().getConnection();
        PreparedStatement statement =
            connection.prepareStatement(
                "SELECT procrastinate_defer_jobs_v1(array_agg(ROW('a', 'tests.batch', j.priority,"
                    + " j.lock, NULL, '{}'::jsonb, NULL)::procrastinate_job_to_defer_v1))"
                    + " FROM unnest(?::text[], ?::int4[]) AS j(lock, priority)")) {
      statement.setArray(
          1, connection.createArrayOf("text", rows.stream().map(r -> r[0]).toArray()));
      statement.setArray(
          2, connection.createArrayOf("int4", rows.stream().map(r -> r[1]).toArray()));
      statement.execute();
    }
  }

  private List<Long> batchFetch(String[] queues, long workerId, int limit) throws SQLException {
    try (Connection connection = DB.dataSource().getConnection()) {
      return batchFetch(connection, queues, workerId, limit);
    }
  }

  private static List<Long> batchFetch(
      Connection connection, String[] queues, long workerId, int limit) throws SQLException {
    return batchFetch(connection, queues, workerId, limit, limit);
  }

  private static List<Long> batchFetch(
      Connection connection, String[] queues, long workerId, int limit, int lockLimit)
      throws SQLException {
    try (PreparedStatement statement = connection.prepareStatement(BATCH_FETCH)) {
      Array array = queues == null ? null : connection.createArrayOf("varchar", queues);
      statement.setArray(1, array);
      statement.setLong(2, workerId);
      statement.setInt(3, limit);
      statement.setInt(4, lockLimit);
      List<Long> ids = new ArrayList<>();
      try (ResultSet result = statement.executeQuery()) {
        while (result.next()) {
          ids.add(result.getLong(1));
        }
      }
      return ids;
    }
  }

  private Long upstreamFetch(String[] queues, long workerId) throws SQLException {
    try (Connection connection = DB.dataSource().getConnection()) {
      return upstreamFetch(connection, queues, workerId);
    }
  }

  private static Long upstreamFetch(Connection connection, String[] queues, long workerId)
      throws SQLException {
    try (PreparedStatement statement = connection.prepareStatement(UPSTREAM_FETCH)) {
      Array array = queues == null ? null : connection.createArrayOf("varchar", queues);
      statement.setArray(1, array);
      statement.setLong(2, workerId);
      try (ResultSet result = statement.executeQuery()) {
        result.next();
        long id = result.getLong(1);
        return result.wasNull() ? null : id;
      }
    }
  }

  private static List<Long> nonNull(Long id) {
    return id == null ? Collections.emptyList() : List.of(id);
  }

  private static int remaining(Connection connection) throws SQLException {
    try (Statement statement = connection.createStatement();
        ResultSet result =
            statement.executeQuery(
                "SELECT count(*) FROM procrastinate_jobs WHERE status IN ('todo', 'doing')")) {
      result.next();
      return result.getInt(1);
    }
  }

  private static String lockOf(Connection connection, long id) throws SQLException {
    try (PreparedStatement statement =
        connection.prepareStatement("SELECT lock FROM procrastinate_jobs WHERE id = ?")) {
      statement.setLong(1, id);
      try (ResultSet result = statement.executeQuery()) {
        result.next();
        return result.getString(1);
      }
    }
  }

  private static void finish(Connection connection, long id) throws SQLException {
    try (PreparedStatement statement =
        connection.prepareStatement(
            "SELECT procrastinate_finish_job_v1(?, 'succeeded'::procrastinate_job_status,"
                + " false)")) {
      statement.setLong(1, id);
      statement.execute();
    }
  }

  private String status(long id) throws SQLException {
    return sql.value("SELECT status FROM procrastinate_jobs WHERE id = ?", id);
  }
}
