package dev.procrastinate.internal.migrate;

import static org.assertj.core.api.Assertions.assertThat;

import com.zaxxer.hikari.HikariDataSource;
import dev.procrastinate.App;
import dev.procrastinate.SchemaManager.MigrationResult;
import dev.procrastinate.SchemaManager.MigrationResult.Outcome;
import dev.procrastinate.testing.Catalog;
import dev.procrastinate.testing.PgLocks;
import dev.procrastinate.testing.TestDatabase;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

/**
 * Migrating a busy Python-made database stalls none of its writers: while the runtime adopts a
 * schema of a few hundred thousand finished jobs, another connection keeps deferring, fetching and
 * finishing jobs through upstream's functions, as a Python worker and its producers do, and no
 * statement waits a second.
 *
 * <p>The contention is forced rather than hoped for: a transaction that wrote to {@code
 * procrastinate_jobs} stays open for a few seconds while the migration starts, as a slow request of
 * a producer would. A migration that takes a lock conflicting with writers (a plain {@code CREATE
 * INDEX}, a {@code DROP INDEX}, a foreign key to the table) waits behind that transaction, and
 * every writer then queues behind the migration's request.
 */
class OnlineMigrationTest {
  @RegisterExtension static final TestDatabase DB = TestDatabase.empty();

  private static final String UPSTREAM_SCHEMA_SQL =
      Catalog.resource("/db/procrastinate/V1__procrastinate_3_9_schema.sql");

  /** Enough finished jobs that building an index on them takes a noticeable time. */
  private static final int FINISHED_JOBS = 300_000;

  /** How long the writing transaction stays open once the migration started. */
  private static final long HOLD_MILLIS = 3_000;

  private static final long MAX_WAIT_NANOS = TimeUnit.SECONDS.toNanos(1);

  private static final String DEFER =
      "SELECT procrastinate_defer_jobs_v1(ARRAY[ROW('default', 'python.task', 0, NULL, NULL,"
          + " '{}', NULL)::procrastinate_job_to_defer_v1])";
  private static final String FETCH = "SELECT id FROM procrastinate_fetch_job_v2(NULL, NULL)";
  private static final String FINISH = "SELECT procrastinate_finish_job_v1(?, 'succeeded', false)";

  @Test
  void adoptingABusyPythonDatabaseKeepsEveryDeferFetchAndFinishUnderASecond() throws Exception {
    String schema = "busy";
    try (Connection c = DB.newConnection();
        Statement statement = c.createStatement()) {
      statement.execute("CREATE SCHEMA " + schema);
      statement.execute("SET search_path TO " + schema);
      statement.execute(UPSTREAM_SCHEMA_SQL);
      statement.execute(
          "INSERT INTO procrastinate_jobs (queue_name, task_name, lock, queueing_lock, args,"
              + " status, attempts)"
              + " SELECT 'default', 'python.task_' || (i % 50), CASE WHEN i % 3 = 0 THEN 'lock_'"
              + " || (i % 1000) END, CASE WHEN i % 5 = 0 THEN 'ql_' || i END, jsonb_build_object("
              + "'i', i), 'succeeded', 1 FROM generate_series(1, "
              + FINISHED_JOBS
              + ") AS i");
      statement.execute(
          "INSERT INTO procrastinate_events (job_id, type, at) SELECT id, 'succeeded', now()"
              + " FROM procrastinate_jobs");
      statement.execute("VACUUM ANALYZE procrastinate_jobs");
      statement.execute("VACUUM ANALYZE procrastinate_events");
    }

    AtomicBoolean stop = new AtomicBoolean();
    CountDownLatch running = new CountDownLatch(1);
    CompletableFuture<Latencies> load =
        CompletableFuture.supplyAsync(() -> work(schema, stop, running));
    try (Connection holder = DB.newConnection();
        Statement statement = holder.createStatement()) {
      statement.execute("SET search_path TO " + schema);
      // Waits until the load runs, so that a stall is measured, not a late start.
      assertThat(running.await(30, TimeUnit.SECONDS)).as("the load runs").isTrue();
      holder.setAutoCommit(false);
      statement.execute("UPDATE procrastinate_jobs SET attempts = attempts WHERE id = 1");
      CompletableFuture<Void> release =
          CompletableFuture.runAsync(
              () -> {
                try {
                  Thread.sleep(HOLD_MILLIS);
                  holder.commit();
                } catch (Exception e) {
                  throw new IllegalStateException(e);
                }
              });
      long started = System.nanoTime();
      MigrationResult result = migrate(schema);
      long migrationMillis = TimeUnit.NANOSECONDS.toMillis(System.nanoTime() - started);
      release.get(30, TimeUnit.SECONDS);
      Thread.sleep(200);
      stop.set(true);
      Latencies latencies = load.get(30, TimeUnit.SECONDS);

      assertThat(result.outcome()).isEqualTo(Outcome.ADOPTED);
      assertThat(latencies.count())
          .as("statements run during the migration of %d ms", migrationMillis)
          .isGreaterThan(10);
      assertThat(latencies.maxNanos())
          .as(
              "longest wait of %d defers, fetches and finishes (ms) during a migration of %d ms;"
                  + " worst: %s",
              latencies.count(), migrationMillis, latencies.worst())
          .isLessThan(MAX_WAIT_NANOS);
    } finally {
      stop.set(true);
    }
    try (Connection c = DB.newConnection();
        Statement statement = c.createStatement()) {
      statement.execute("SET search_path TO " + schema);
      assertThat(Catalog.describe(c)).containsExactlyElementsOf(Catalog.expected());
    }
  }

  @Test
  void theHeadersForeignKeyWaitsForALongTransactionWithoutMakingWritersQueue() throws Exception {
    String schema = "headers";
    try (Connection c = DB.newConnection();
        Statement statement = c.createStatement()) {
      statement.execute("CREATE SCHEMA " + schema);
    }
    migrate(schema);
    // The state of a migration stopped after the index script: the table is still to be made.
    try (Connection c = DB.newConnection();
        Statement statement = c.createStatement()) {
      statement.execute("SET search_path TO " + schema);
      statement.execute("DROP TABLE procrastinate_java_job_headers");
      statement.execute(
          "DELETE FROM procrastinate_schema_history WHERE version IN ('3', '4', '5', '6', '7', '8', '9', '10', '11', '12')");
    }

    AtomicBoolean stop = new AtomicBoolean();
    CountDownLatch running = new CountDownLatch(1);
    CompletableFuture<Latencies> load =
        CompletableFuture.supplyAsync(() -> work(schema, stop, running));
    try (Connection holder = DB.newConnection();
        Statement statement = holder.createStatement()) {
      statement.execute("SET search_path TO " + schema);
      assertThat(running.await(30, TimeUnit.SECONDS)).as("the load runs").isTrue();
      holder.setAutoCommit(false);
      statement.execute(
          "INSERT INTO procrastinate_jobs (queue_name, task_name) VALUES ('other', 'held')");
      long started = System.nanoTime();
      CompletableFuture<MigrationResult> migration =
          CompletableFuture.supplyAsync(() -> migrate(schema));
      // The migration, held back by the open writing transaction (it asks 100 ms at a time).
      PgLocks.awaitWaitingRequest(DB, schema + ".procrastinate_jobs");
      // The long transaction goes on for a while (the fault's length, not a wait for anything):
      // the migration keeps asking, and the load keeps writing, timed.
      Thread.sleep(HOLD_MILLIS);
      assertThat(migration).as("the migration waits for the writing transaction").isNotDone();
      holder.commit();
      MigrationResult result = migration.get(30, TimeUnit.SECONDS);
      long migrationMillis = TimeUnit.NANOSECONDS.toMillis(System.nanoTime() - started);
      Thread.sleep(200);
      stop.set(true);
      Latencies latencies = load.get(30, TimeUnit.SECONDS);

      assertThat(result.appliedVersions())
          .containsExactly("3", "4", "5", "6", "7", "8", "9", "10", "11", "12");
      assertThat(latencies.maxNanos())
          .as(
              "longest wait of %d defers, fetches and finishes during a migration of %d ms;"
                  + " worst: %s",
              latencies.count(), migrationMillis, latencies.worst())
          .isLessThan(MAX_WAIT_NANOS);
    } finally {
      stop.set(true);
    }
    try (Connection c = DB.newConnection();
        Statement statement = c.createStatement()) {
      statement.execute("SET search_path TO " + schema);
      assertThat(Catalog.describe(c)).containsExactlyElementsOf(Catalog.expected());
    }
  }

  private static MigrationResult migrate(String schema) {
    try (HikariDataSource dataSource = DB.newDataSource(schema);
        App app = App.builder().dataSource(dataSource).build()) {
      return app.schemaManager().migrate();
    }
  }

  /** Each statement's time, and the slowest one. */
  private record Latencies(int count, long maxNanos, String worst) {}

  /**
   * Defers, fetches and finishes one job at a time until stopped, timing each statement; counts
   * {@code running} down after the first round.
   */
  private static Latencies work(String schema, AtomicBoolean stop, CountDownLatch running) {
    List<Long> times = new ArrayList<>();
    long max = 0;
    String worst = "none";
    try (Connection c = DB.newConnection();
        Statement statement = c.createStatement();
        PreparedStatement finish = c.prepareStatement(FINISH)) {
      statement.execute("SET search_path TO " + schema);
      while (!stop.get()) {
        long t0 = System.nanoTime();
        statement.execute(DEFER);
        long t1 = System.nanoTime();
        Long id = null;
        try (ResultSet rows = statement.executeQuery(FETCH)) {
          if (rows.next()) {
            long value = rows.getLong(1);
            id = rows.wasNull() ? null : value;
          }
        }
        long t2 = System.nanoTime();
        if (id != null) {
          finish.setLong(1, id);
          finish.execute();
        }
        long t3 = System.nanoTime();
        long[] spans = {t1 - t0, t2 - t1, t3 - t2};
        String[] names = {"defer", "fetch", "finish"};
        for (int i = 0; i < spans.length; i++) {
          times.add(spans[i]);
          if (spans[i] > max) {
            max = spans[i];
            worst = names[i] + " " + TimeUnit.NANOSECONDS.toMillis(spans[i]) + " ms";
          }
        }
        running.countDown();
        Thread.sleep(5);
      }
    } catch (SQLException e) {
      throw new IllegalStateException(e);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
    }
    return new Latencies(times.size(), max, worst);
  }
}
