package dev.procrastinate.internal.worker;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.zaxxer.hikari.HikariConfig;
import com.zaxxer.hikari.HikariDataSource;
import dev.procrastinate.AbortReason;
import dev.procrastinate.App;
import dev.procrastinate.JobAbortedException;
import dev.procrastinate.JobContext;
import dev.procrastinate.NewJob;
import dev.procrastinate.ProcrastinateException;
import dev.procrastinate.RetryStrategy;
import dev.procrastinate.WorkerOptions;
import dev.procrastinate.model.JobStatus;
import dev.procrastinate.spi.TaskDescriptor;
import dev.procrastinate.spi.TaskParameter;
import dev.procrastinate.spi.TaskRegistrar;
import dev.procrastinate.testing.Await;
import dev.procrastinate.testing.Gates;
import dev.procrastinate.testing.Sql;
import dev.procrastinate.testing.TestDatabase;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.Statement;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicReference;
import java.util.function.BooleanSupplier;
import java.util.stream.IntStream;
import javax.sql.DataSource;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/**
 * The paths where a job was lost, stranded {@code doing} under a live worker, failed without
 * running, or run twice at once, one test each, on a real PostgreSQL. Faults are real (a row lock
 * that makes the outcome's statement time out, a trigger that refuses it, terminated backends, a
 * pool whose every connection tasks hold); interleavings are forced through {@link WorkerHooks} and
 * latches, never hoped for.
 */
@Timeout(value = 3, unit = TimeUnit.MINUTES)
class ProductionSafetyTest {
  @RegisterExtension static final TestDatabase DB = TestDatabase.migrated();

  private static final Duration NEVER_POLL = Duration.ofHours(1);

  private final Map<Long, AtomicInteger> runs = new ConcurrentHashMap<>();
  private final Map<Long, AtomicInteger> runningNow = new ConcurrentHashMap<>();
  private final AtomicInteger overlaps = new AtomicInteger();
  private final Gates gates = new Gates();
  private final AtomicReference<AbortReason> seenAbort = new AtomicReference<>();
  private final AtomicReference<DataSource> taskPool = new AtomicReference<>();
  private final AtomicInteger heldConnections = new AtomicInteger();
  private final List<WorkerEngine> engines = new ArrayList<>();
  private final List<HikariDataSource> pools = new ArrayList<>();
  private App app;
  private Sql sql;

  @BeforeEach
  void setUp() throws Exception {
    sql = new Sql(DB.dataSource());
    sql.execute("DELETE FROM procrastinate_periodic_defers");
    sql.execute("DELETE FROM procrastinate_jobs");
    sql.execute("DELETE FROM procrastinate_workers");
    app = App.builder().dataSource(DB.dataSource()).taskRegistrars(List.of(registrar())).build();
  }

  @AfterEach
  void tearDown() throws Exception {
    gates.openAll();
    for (WorkerEngine engine : engines) {
      engine.stop();
      engine.awaitTermination(Duration.ofSeconds(30));
    }
    pools.forEach(HikariDataSource::close);
    sql.execute("DROP TRIGGER IF EXISTS test_refuse_retry ON procrastinate_jobs");
  }

  private TaskRegistrar registrar() {
    List<TaskDescriptor> tasks = new ArrayList<>();
    tasks.add(
        TaskDescriptor.builder("t.quick")
            .source("ProductionSafetyTest#quick")
            .build(
                (context, args) -> {
                  enter(context);
                  leave(context);
                  return null;
                }));
    tasks.add(
        TaskDescriptor.builder("t.gated")
            .parameter(TaskParameter.required("gate", "java.lang.String"))
            .source("ProductionSafetyTest#gated")
            .build(
                (context, args) -> {
                  enter(context);
                  try {
                    // A later run of the same job waits at a gate of its own.
                    String gate =
                        args.get("gate", String.class)
                            + (context.job().attempts() == 0 ? "" : "-" + context.job().attempts());
                    reached(gate).countDown();
                    gate(gate).await();
                    return null;
                  } finally {
                    leave(context);
                  }
                }));
    tasks.add(
        TaskDescriptor.builder("t.abortable")
            .parameter(TaskParameter.required("how", "java.lang.String"))
            .source("ProductionSafetyTest#abortable")
            .build(
                (context, args) -> {
                  enter(context);
                  try {
                    if (runsOf(context.job().id()) > 1) {
                      return null; // a run after the first ends at once
                    }
                    reached("abortable").countDown();
                    while (!context.shouldAbort()) {
                      Thread.onSpinWait();
                    }
                    seenAbort.set(context.abortReason().orElseThrow());
                    if ("aborted".equals(args.get("how", String.class))) {
                      throw new JobAbortedException();
                    }
                    throw new IllegalStateException("failed while stopping");
                  } finally {
                    leave(context);
                  }
                }));
    tasks.add(
        TaskDescriptor.builder("t.refused")
            .retryStrategy(RetryStrategy.builder().maxAttempts(3).build())
            .source("ProductionSafetyTest#refused")
            .build(
                (context, args) -> {
                  enter(context);
                  leave(context);
                  throw new IllegalStateException("fails, to be retried");
                }));
    tasks.add(
        TaskDescriptor.builder("t.holdConnections")
            .source("ProductionSafetyTest#holdConnections")
            .build(
                (context, args) -> {
                  enter(context);
                  List<Connection> held = new ArrayList<>();
                  try {
                    // Every connection the pool still has, for longer than the lease.
                    while (true) {
                      try {
                        held.add(taskPool.get().getConnection());
                      } catch (java.sql.SQLTransientConnectionException exhausted) {
                        break;
                      }
                    }
                    heldConnections.set(held.size());
                    Thread.sleep(3_000);
                    return held.size();
                  } finally {
                    for (Connection connection : held) {
                      connection.close();
                    }
                    leave(context);
                  }
                }));
    return () -> tasks;
  }

  private void enter(JobContext context) {
    long id = context.job().id();
    runs.computeIfAbsent(id, k -> new AtomicInteger()).incrementAndGet();
    if (runningNow.computeIfAbsent(id, k -> new AtomicInteger()).incrementAndGet() > 1) {
      overlaps.incrementAndGet();
    }
  }

  private void leave(JobContext context) {
    runningNow.get(context.job().id()).decrementAndGet();
  }

  private CountDownLatch gate(String name) {
    return gates.gate(name);
  }

  private CountDownLatch reached(String name) {
    return gates.reached(name);
  }

  private int runsOf(long id) {
    AtomicInteger count = runs.get(id);
    return count == null ? 0 : count.get();
  }

  private WorkerEngine engine(WorkerOptions.Builder options, WorkerHooks hooks) {
    return engine(DB.dataSource(), options, hooks);
  }

  private WorkerEngine engine(
      DataSource dataSource, WorkerOptions.Builder options, WorkerHooks hooks) {
    WorkerEngine engine = TestEngines.engine(app, dataSource, registrar(), options, hooks);
    engines.add(engine);
    return engine;
  }

  private HikariDataSource pool(int size, String initSql) {
    HikariConfig config = new HikariConfig();
    config.setJdbcUrl(DB.url());
    config.setUsername(DB.user());
    config.setPassword(DB.password());
    config.setMaximumPoolSize(size);
    config.setMinimumIdle(size);
    config.setConnectionTimeout(500);
    if (initSql != null) {
      config.setConnectionInitSql(initSql);
    }
    HikariDataSource pool = new HikariDataSource(config);
    pools.add(pool);
    return pool;
  }

  private long defer(NewJob.Builder job) {
    return app.jobManager().defer(job.build());
  }

  private String status(long id) {
    try {
      return sql.value("SELECT status FROM procrastinate_jobs WHERE id = ?", id);
    } catch (java.sql.SQLException e) {
      throw new IllegalStateException(e);
    }
  }

  private static void await(BooleanSupplier condition, String what) throws InterruptedException {
    Await.until(Duration.ofSeconds(60), condition, what);
  }

  private static void awaitLatch(CountDownLatch latch, String what) throws InterruptedException {
    assertThat(latch.await(60, TimeUnit.SECONDS)).as(what).isTrue();
  }

  /** Runs quick jobs until the worker's measured times give it a prefetch buffer. */
  private void warmUp(WorkerEngine engine) throws InterruptedException {
    long[] ids =
        app.jobManager()
            .deferBatch(
                IntStream.range(0, 40).mapToObj(i -> NewJob.builder("t.quick").build()).toList());
    await(() -> engine.processedJobs() >= ids.length, "the warm-up jobs to run");
  }

  // ------------------------------------------------------------------------ jobs kept, not lost

  /**
   * An outcome whose statement times out (its row locked by another transaction, as a long report
   * or a stuck migration would) is kept and written once the lock goes, not dropped with the job
   * left {@code doing} under a live worker.
   */
  @ParameterizedTest
  @ValueSource(strings = {"lock_timeout", "statement_timeout"})
  void anOutcomeThatTimesOutIsKeptAndWrittenLater(String setting) throws Exception {
    AtomicInteger failedWrites = new AtomicInteger();
    WorkerHooks hooks =
        new WorkerHooks() {
          @Override
          public void outcomeWriteFailed() {
            failedWrites.incrementAndGet();
          }
        };
    WorkerEngine engine =
        engine(
            pool(6, "SET " + setting + " = '200ms'"),
            WorkerOptions.builder().concurrency(1).fetchJobPollingInterval(NEVER_POLL),
            hooks);
    engine.start();
    long id = defer(NewJob.builder("t.gated").arg("gate", "g"));
    awaitLatch(reached("g"), "the job to start");
    try (Connection locker = DB.newConnection()) {
      locker.setAutoCommit(false);
      try (PreparedStatement lock =
          locker.prepareStatement("SELECT id FROM procrastinate_jobs WHERE id = ? FOR UPDATE")) {
        lock.setLong(1, id);
        lock.executeQuery().close();
      }
      gate("g").countDown();
      await(() -> failedWrites.get() >= 2, "the outcome's write to time out twice");
      assertThat(status(id)).isEqualTo("doing");
      locker.rollback();
    }
    await(() -> "succeeded".equals(status(id)), "the kept outcome to be written");
    assertThat(runsOf(id)).isEqualTo(1);
  }

  /**
   * An outcome PostgreSQL refuses for its data (here a retry, refused by a trigger of the
   * application) still ends the job: failed, never left {@code doing}.
   */
  @Test
  void aRetryRefusedForItsDataEndsTheJobFailed() throws Exception {
    sql.execute(
        """
        CREATE OR REPLACE FUNCTION test_refuse_retry() RETURNS trigger AS $$
        BEGIN
          IF NEW.task_name = 't.refused' AND OLD.status = 'doing' AND NEW.status = 'todo' THEN
            RAISE EXCEPTION 'retries of t.refused are not allowed' USING ERRCODE = '22023';
          END IF;
          RETURN NEW;
        END $$ LANGUAGE plpgsql
        """);
    sql.execute(
        "CREATE TRIGGER test_refuse_retry BEFORE UPDATE ON procrastinate_jobs"
            + " FOR EACH ROW EXECUTE FUNCTION test_refuse_retry()");
    WorkerEngine engine = engine(WorkerOptions.builder().concurrency(1), WorkerHooks.NONE);
    engine.start();
    long id = defer(NewJob.builder("t.refused"));
    await(() -> "failed".equals(status(id)), "the refused retry to end the job failed");
    assertThat(runsOf(id)).isEqualTo(1);
  }

  /**
   * A job marked running for a live worker that the worker does not hold (what an outcome lost in a
   * crash recovery leaves) is taken back once the worker sees a connection lost: here only its
   * notification connection, terminated by the server, with no fetch failing.
   */
  @Test
  void aLostConnectionMakesTheWorkerTakeBackJobsMarkedRunningForIt() throws Exception {
    WorkerEngine engine =
        engine(
            WorkerOptions.builder().concurrency(1).fetchJobPollingInterval(NEVER_POLL),
            WorkerHooks.NONE);
    engine.start();
    long id = defer(NewJob.builder("t.quick").scheduleIn(Duration.ofHours(1)));
    // The state a lost outcome leaves: running for this worker, which no longer holds it.
    sql.execute(
        "UPDATE procrastinate_jobs SET status = 'doing', worker_id = ? WHERE id = ?",
        engine.workerId(),
        id);
    String killed =
        sql.value(
            "SELECT count(pg_terminate_backend(pid)) FROM pg_stat_activity"
                + " WHERE datname = current_database() AND pid <> pg_backend_pid()"
                + " AND query ILIKE 'LISTEN%'");
    assertThat(Integer.parseInt(killed)).as("the listener's backend was terminated").isOne();
    await(() -> "succeeded".equals(status(id)), "the orphan to be taken back and run");
    assertThat(runsOf(id)).isEqualTo(1);
  }

  /** Outcomes are durable by default; asynchronous commits are an opt-in of the DAO. */
  @Test
  void outcomesCommitAsTheServerSaysUnlessAsynchronousOutcomesAreAskedFor() throws Exception {
    for (boolean asynchronous : new boolean[] {false, true}) {
      long id = defer(NewJob.builder("t.quick"));
      long worker = Long.parseLong(sql.value("SELECT procrastinate_register_worker_v1()"));
      sql.fetch(worker);
      try (Connection c = DB.newConnection()) {
        c.setAutoCommit(false);
        new dev.procrastinate.internal.sql.JobDao(asynchronous)
            .finishRunning(
                c, new long[] {id}, new int[] {0}, new JobStatus[] {JobStatus.SUCCEEDED}, worker);
        try (Statement statement = c.createStatement();
            ResultSet mode = statement.executeQuery("SHOW synchronous_commit")) {
          mode.next();
          assertThat(mode.getString(1)).isEqualTo(asynchronous ? "off" : "on");
        }
        c.commit();
      }
      assertThat(status(id)).isEqualTo("succeeded");
    }
  }

  // ----------------------------------------------------------- the lease: no job failed unrun

  /**
   * A task holds every connection the pool has left for longer than the lease: the heartbeat has a
   * connection of its own, kept from the worker's start, so the lease holds and the job is neither
   * stopped nor failed.
   */
  @Test
  void aTaskHoldingEveryPooledConnectionCannotStarveTheHeartbeat() throws Exception {
    HikariDataSource pool = pool(6, null);
    taskPool.set(pool);
    WorkerEngine engine =
        engine(
            pool,
            WorkerOptions.builder()
                .concurrency(1)
                .fetchJobPollingInterval(Duration.ofMillis(200))
                .updateHeartbeatInterval(Duration.ofMillis(200))
                .stalledWorkerTimeout(Duration.ofSeconds(2)),
            WorkerHooks.NONE);
    engine.start();
    long id = defer(NewJob.builder("t.holdConnections"));
    await(() -> "succeeded".equals(status(id)), "the job to succeed");
    assertThat(heldConnections.get()).as("the task held what the pool had left").isPositive();
    assertThat(runsOf(id)).as("never stopped by the lease").isEqualTo(1);
  }

  /**
   * The lease runs out: the running job is stopped and nothing is written for it, the jobs fetched
   * ahead go back to the queue untouched; once heartbeats are recorded again, the stopped job,
   * still this worker's, runs again. With no retry strategy, no job ends failed. Also when another
   * worker (a Python one, which rescues nothing) pruned this one meanwhile: the worker registers
   * again and re-attaches the stopped job before running it.
   */
  @ParameterizedTest
  @ValueSource(booleans = {false, true})
  void aLapsedLeaseHandsBackUnstartedJobsAndRunsTheStoppedOneAgain(boolean pruned)
      throws Exception {
    AtomicBoolean cutOff = new AtomicBoolean();
    WorkerHooks hooks =
        new WorkerHooks() {
          @Override
          public void beforeHeartbeat() {
            if (cutOff.get()) {
              throw new dev.procrastinate.DatabaseUnavailableException("cut off (test)", null);
            }
          }
        };
    WorkerEngine engine =
        engine(
            WorkerOptions.builder()
                .concurrency(1)
                .fetchBatchSize(10)
                .fetchJobPollingInterval(NEVER_POLL)
                .updateHeartbeatInterval(Duration.ofMillis(200))
                .stalledWorkerTimeout(Duration.ofSeconds(2)),
            hooks);
    engine.start();
    warmUp(engine);
    long[] ids =
        app.jobManager()
            .deferBatch(
                List.of(
                    NewJob.builder("t.abortable").arg("how", "aborted").build(),
                    NewJob.builder("t.quick").build(),
                    NewJob.builder("t.quick").build()));
    awaitLatch(reached("abortable"), "the first job to start");
    assertThat(status(ids[1])).as("fetched ahead").isEqualTo("doing");
    assertThat(status(ids[2])).as("fetched ahead").isEqualTo("doing");
    cutOff.set(true);
    await(() -> seenAbort.get() != null, "the lease to stop the running job");
    assertThat(seenAbort.get()).isEqualTo(AbortReason.LEASE_EXPIRED);
    await(
        () -> "todo".equals(status(ids[1])) && "todo".equals(status(ids[2])),
        "the jobs fetched ahead to go back to the queue");
    assertThat(
            sql.value(
                "SELECT max(attempts) FROM procrastinate_jobs WHERE id IN (?, ?)", ids[1], ids[2]))
        .isEqualTo("0");
    assertThat(status(ids[0])).as("nothing written for the stopped run").isEqualTo("doing");
    if (pruned) {
      sql.execute("SELECT procrastinate_prune_stalled_workers_v1(0)");
      assertThat(
              sql.value(
                  "SELECT count(*) FROM procrastinate_jobs WHERE worker_id IS NULL"
                      + " AND status = 'doing'"))
          .isEqualTo("1");
    }
    cutOff.set(false);
    await(
        () -> java.util.Arrays.stream(ids).allMatch(id -> "succeeded".equals(status(id))),
        "every job to succeed once the lease holds again");
    assertThat(runsOf(ids[0])).as("the stopped job ran again").isEqualTo(2);
    assertThat(runsOf(ids[1])).isEqualTo(1);
    assertThat(sql.value("SELECT count(*) FROM procrastinate_jobs WHERE status = 'failed'"))
        .isEqualTo("0");
  }

  // ------------------------------------------------------------- never two runs of one job

  /**
   * A running job retried behind the worker's back (as a Python service or an operator's SQL may)
   * and fetched again by the same worker does not start while its first run goes on; the first
   * run's outcome is not written over the second run, and the lock stays held until the second run
   * ends. The job manager refuses such a retry outright.
   */
  @Test
  void aRunningJobRetriedAndFetchedAgainNeverRunsTwiceAtOnceNorFreesItsLock() throws Exception {
    WorkerEngine engine =
        engine(
            WorkerOptions.builder().concurrency(3).fetchJobPollingInterval(NEVER_POLL),
            WorkerHooks.NONE);
    engine.start();
    long job = defer(NewJob.builder("t.gated").arg("gate", "run").lock("L"));
    awaitLatch(reached("run"), "the first run to start");
    long follower = defer(NewJob.builder("t.quick").lock("L"));

    assertThatThrownBy(() -> app.jobManager().retry(job))
        .isInstanceOf(ProcrastinateException.class)
        .hasMessageContaining("is running on worker")
        .hasMessageContaining("Abort it");
    assertThat(status(job)).isEqualTo("doing");

    sql.execute("SELECT procrastinate_retry_job_v2(?, now(), NULL, NULL, NULL)", job);
    long nudge = defer(NewJob.builder("t.quick")); // a notification: the worker fetches
    await(() -> "succeeded".equals(status(nudge)), "the worker to fetch again");
    await(() -> "doing".equals(status(job)), "the retried job to be fetched again");
    assertThat(runsOf(job)).as("not started while its first run goes on").isEqualTo(1);

    gate("run").countDown();
    awaitLatch(reached("run-1"), "the second run to start once the first ended");
    assertThat(status(job)).as("the first run's outcome is not written").isEqualTo("doing");
    assertThat(status(follower)).as("the lock stays held by the second run").isEqualTo("todo");
    gate("run-1").countDown();
    await(
        () -> "succeeded".equals(status(job)) && "succeeded".equals(status(follower)),
        "the second run and the lock's next job to end");
    assertThat(overlaps.get()).as("runs of one job at once").isZero();
    assertThat(runsOf(job)).isEqualTo(2);
  }

  /**
   * A stopping worker hands its prefetched jobs back one by one: one whose queueing lock a newer
   * job took meanwhile goes back without it, and keeps no other from going back.
   */
  @Test
  void handingBackPrefetchedJobsSurvivesAQueueingLockTakenMeanwhile() throws Exception {
    WorkerEngine engine =
        engine(
            WorkerOptions.builder()
                .concurrency(1)
                .fetchBatchSize(10)
                .fetchJobPollingInterval(NEVER_POLL),
            WorkerHooks.NONE);
    engine.start();
    warmUp(engine);
    long[] ids =
        app.jobManager()
            .deferBatch(
                List.of(
                    NewJob.builder("t.gated").arg("gate", "a").build(),
                    NewJob.builder("t.quick").queueingLock("q").build(),
                    NewJob.builder("t.quick").build()));
    awaitLatch(reached("a"), "the first job to start");
    assertThat(status(ids[1])).as("fetched ahead").isEqualTo("doing");
    assertThat(status(ids[2])).as("fetched ahead").isEqualTo("doing");
    long newer = defer(NewJob.builder("t.quick").queueingLock("q").scheduleIn(Duration.ofHours(1)));

    engine.stop();
    await(
        () -> "todo".equals(status(ids[1])) && "todo".equals(status(ids[2])),
        "both prefetched jobs to go back to the queue");
    gate("a").countDown();
    assertThat(engine.awaitTermination(Duration.ofSeconds(30))).isTrue();
    assertThat(
            sql.value(
                "SELECT coalesce(queueing_lock, '-') FROM procrastinate_jobs WHERE id = ?", ids[1]))
        .as("the older job goes back without the queueing lock")
        .isEqualTo("-");
    assertThat(sql.value("SELECT queueing_lock FROM procrastinate_jobs WHERE id = ?", newer))
        .isEqualTo("q");
  }

  // ---------------------------------------------------------------------------- stopping

  /** A shutdown abort records only the abort itself as aborted; another exception is a failure. */
  @ParameterizedTest
  @ValueSource(strings = {"aborted", "failed"})
  void aShutdownAbortEndsAbortedOnlyWhenTheTaskStopsBecauseOfIt(String how) throws Exception {
    WorkerEngine engine =
        engine(
            WorkerOptions.builder().concurrency(1).shutdownGracefulTimeout(Duration.ZERO),
            WorkerHooks.NONE);
    engine.start();
    long id = defer(NewJob.builder("t.abortable").arg("how", how));
    awaitLatch(reached("abortable"), "the job to start");
    engine.stop();
    assertThat(engine.awaitTermination(Duration.ofSeconds(30))).isTrue();
    assertThat(seenAbort.get()).isEqualTo(AbortReason.SHUTDOWN);
    assertThat(status(id)).isEqualTo(how);
  }

  /**
   * A stop while the database is unreachable ends by its drain deadline (the stalled-worker
   * timeout), leaving the unwritten outcome's job for a rescue, instead of waiting for ever.
   */
  @Test
  void aStopWhileTheDatabaseIsDownEndsByItsDeadline() throws Exception {
    try (dev.procrastinate.testing.ScratchPostgres server =
            dev.procrastinate.testing.ScratchPostgres.start();
        App scratch =
            App.builder()
                .config(
                    dev.procrastinate.AppConfig.builder()
                        .url(server.url())
                        .user("postgres")
                        .poolSize(6)
                        .connectionTimeout(Duration.ofMillis(500))
                        .build())
                .taskRegistrars(List.of(registrar()))
                .build()) {
      scratch.schemaManager().migrate();
      app = scratch;
      WorkerEngine engine =
          engine(
              scratch.dataSource(),
              WorkerOptions.builder()
                  .concurrency(1)
                  .updateHeartbeatInterval(Duration.ofMillis(500))
                  .stalledWorkerTimeout(Duration.ofSeconds(3)),
              WorkerHooks.NONE);
      engine.start();
      scratch.jobManager().defer(NewJob.builder("t.gated").arg("gate", "down").build());
      awaitLatch(reached("down"), "the job to start");
      server.stopServer();
      gate("down").countDown();
      long start = System.nanoTime();
      engine.stop();
      assertThat(engine.awaitTermination(Duration.ofSeconds(30)))
          .as("the stop ended although the outcome cannot be written")
          .isTrue();
      assertThat(Duration.ofNanos(System.nanoTime() - start)).isLessThan(Duration.ofSeconds(20));
      server.startAgain();
      Sql scratchSql = new Sql(scratch.dataSource());
      await(
          () -> {
            try {
              return "doing".equals(scratchSql.value("SELECT status FROM procrastinate_jobs"));
            } catch (java.sql.SQLException | RuntimeException e) {
              return false; // the pool reconnects
            }
          },
          "the job to be found left running for a rescue");
    }
  }

  /**
   * When the database returns after an outage, the worker fetches at once: its heartbeat is tried
   * again within moments of a failure, not a whole interval later, and the first one recorded wakes
   * the fetcher. The worker hears no notification (LISTEN off) and never polls, so only that can
   * start the job deferred just after the return.
   */
  @Test
  void aWorkerFetchesWithinASecondOfTheDatabasesReturn() throws Exception {
    try (dev.procrastinate.testing.ScratchPostgres server =
            dev.procrastinate.testing.ScratchPostgres.start();
        App scratch =
            App.builder()
                .config(
                    dev.procrastinate.AppConfig.builder()
                        .url(server.url())
                        .user("postgres")
                        .poolSize(6)
                        .connectionTimeout(Duration.ofMillis(500))
                        .build())
                .taskRegistrars(List.of(registrar()))
                .build()) {
      scratch.schemaManager().migrate();
      app = scratch;
      AtomicBoolean down = new AtomicBoolean();
      AtomicBoolean back = new AtomicBoolean();
      CountDownLatch triedWhileDown = new CountDownLatch(1);
      CountDownLatch deferredOnReturn = new CountDownLatch(1);
      WorkerHooks hooks =
          new WorkerHooks() {
            @Override
            public void beforeHeartbeat() {
              if (down.get()) {
                triedWhileDown.countDown();
                // Fails without reaching the database: a heartbeat sent now could wait for a
                // connection until the server is back, and be recorded before the test's defer.
                throw new IllegalStateException("the database is down");
              } else if (back.get()) {
                // The first heartbeats after the return wait for the test's defer, so that the
                // fetch they wake comes after it: with polling and LISTEN off, a fetch before the
                // defer would find nothing and the job would wait for good, whatever the worker.
                try {
                  deferredOnReturn.await(30, TimeUnit.SECONDS);
                } catch (InterruptedException e) {
                  Thread.currentThread().interrupt();
                }
              }
            }
          };
      WorkerEngine engine =
          engine(
              scratch.dataSource(),
              WorkerOptions.builder()
                  .concurrency(1)
                  .listenNotify(false)
                  .fetchJobPollingInterval(NEVER_POLL)
                  .updateHeartbeatInterval(Duration.ofSeconds(10))
                  .stalledWorkerTimeout(Duration.ofSeconds(30)),
              hooks);
      engine.start();
      server.stopServer();
      down.set(true);
      awaitLatch(triedWhileDown, "a heartbeat to be tried while the database is down");
      back.set(true);
      server.startAgain();
      down.set(false);
      long start = System.nanoTime();
      java.util.concurrent.atomic.AtomicLong deferredId =
          new java.util.concurrent.atomic.AtomicLong();
      await(
          () -> {
            try {
              deferredId.set(
                  scratch
                      .jobManager()
                      .defer(NewJob.builder("t.gated").arg("gate", "back").build()));
              return true;
            } catch (dev.procrastinate.DatabaseUnavailableException e) {
              return false; // the application's pool reconnects
            }
          },
          "a defer to go through once the database is back");
      long deferred = deferredId.get();
      long deferredAt = System.nanoTime();
      deferredOnReturn.countDown();
      awaitLatch(reached("back"), "the job deferred after the return to start");
      Duration wait = Duration.ofNanos(System.nanoTime() - deferredAt);
      gate("back").countDown();
      engine.stop();
      assertThat(engine.awaitTermination(Duration.ofSeconds(30))).isTrue();
      assertThat(wait)
          .as(
              "from the defer of job "
                  + deferred
                  + " to its start, the database back for "
                  + Duration.ofNanos(deferredAt - start))
          .isLessThan(Duration.ofSeconds(1));
    }
  }

  /** A worker whose lease outlasts upstream's stalled timeout says so at start. */
  @Test
  void aLeaseLongerThanUpstreamsStalledTimeoutIsWarnedOf() {
    assertThat(Lease.earlyRescueWarning(WorkerOptions.builder().build())).isNull();
    assertThat(
            Lease.earlyRescueWarning(
                WorkerOptions.builder().stalledWorkerTimeout(Duration.ofSeconds(45)).build()))
        .as("a lease of 27.5 s ends before a rescue at 30 s")
        .isNull();
    assertThat(
            Lease.earlyRescueWarning(
                WorkerOptions.builder().stalledWorkerTimeout(Duration.ofSeconds(90)).build()))
        .contains("up to PT50S")
        .contains("counts it as dead after PT30S");
    assertThat(
            Lease.earlyRescueWarning(
                WorkerOptions.builder()
                    .stalledWorkerTimeout(Duration.ofSeconds(90))
                    .fleetRescuesStalledJobs(false)
                    .build()))
        .as("nothing rescues: nothing to warn of")
        .isNull();
  }
}
