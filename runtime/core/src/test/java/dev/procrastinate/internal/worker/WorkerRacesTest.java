package dev.procrastinate.internal.worker;

import static org.assertj.core.api.Assertions.assertThat;

import dev.procrastinate.App;
import dev.procrastinate.DatabaseUnavailableException;
import dev.procrastinate.JobAbortedException;
import dev.procrastinate.JobContext;
import dev.procrastinate.NewJob;
import dev.procrastinate.RetryStrategy;
import dev.procrastinate.WorkerOptions;
import dev.procrastinate.model.JobStatus;
import dev.procrastinate.spi.TaskDescriptor;
import dev.procrastinate.spi.TaskParameter;
import dev.procrastinate.spi.TaskRegistrar;
import dev.procrastinate.testing.Await;
import dev.procrastinate.testing.Sql;
import dev.procrastinate.testing.TestDatabase;
import java.lang.management.ManagementFactory;
import java.lang.management.ThreadMXBean;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.function.BooleanSupplier;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.extension.RegisterExtension;

/**
 * The worker's defects of its first version, one test each, on a real PostgreSQL. Interleavings are
 * forced through {@link WorkerHooks}, never hoped for; a long polling interval makes sure that what
 * a test waits for comes from the wake-up under test, not from the safety-net poll.
 */
@Timeout(value = 3, unit = TimeUnit.MINUTES)
class WorkerRacesTest {
  @RegisterExtension static final TestDatabase DB = TestDatabase.migrated();

  private static final Duration NEVER_POLL = Duration.ofHours(1);

  private final Map<Long, AtomicInteger> runs = new ConcurrentHashMap<>();
  private final Map<String, AtomicInteger> runningPerLock = new ConcurrentHashMap<>();
  private final AtomicInteger lockOverlaps = new AtomicInteger();
  private final Map<String, CountDownLatch> gates = new ConcurrentHashMap<>();
  private final Map<String, CountDownLatch> gatesReached = new ConcurrentHashMap<>();
  private volatile CountDownLatch release = new CountDownLatch(1);
  private volatile CountDownLatch blockedStarted = new CountDownLatch(1);
  private final java.util.concurrent.atomic.AtomicReference<Duration> silentWhenStopped =
      new java.util.concurrent.atomic.AtomicReference<>();
  private final java.util.concurrent.atomic.AtomicReference<dev.procrastinate.AbortReason>
      stopReason = new java.util.concurrent.atomic.AtomicReference<>();
  private final java.util.concurrent.atomic.AtomicLong workerOf =
      new java.util.concurrent.atomic.AtomicLong();
  private App app;
  private Sql sql;
  private final List<WorkerEngine> engines = new ArrayList<>();

  @BeforeEach
  void setUp() throws Exception {
    sql = new Sql(DB.dataSource());
    sql.execute("DELETE FROM procrastinate_periodic_defers");
    sql.execute("DELETE FROM procrastinate_jobs");
    sql.execute("DELETE FROM procrastinate_workers");
    sql.execute("DELETE FROM procrastinate_java_flow_controls");
    app = App.builder().dataSource(DB.dataSource()).taskRegistrars(List.of(registrar())).build();
  }

  @AfterEach
  void tearDown() throws Exception {
    release.countDown();
    gates.values().forEach(CountDownLatch::countDown);
    for (WorkerEngine engine : engines) {
      engine.stop();
      engine.awaitTermination(Duration.ofSeconds(30));
    }
  }

  private TaskRegistrar registrar() {
    List<TaskDescriptor> tasks = new ArrayList<>();
    tasks.add(
        TaskDescriptor.builder("t.block")
            .source("WorkerRacesTest#block")
            .build(
                (context, args) -> {
                  count(context);
                  blockedStarted.countDown();
                  release.await();
                  return null;
                }));
    tasks.add(
        TaskDescriptor.builder("t.quick")
            .source("WorkerRacesTest#quick")
            .build(
                (context, args) -> {
                  count(context);
                  return null;
                }));
    tasks.add(
        TaskDescriptor.builder("t.locked")
            .source("WorkerRacesTest#locked")
            .build(
                (context, args) -> {
                  count(context);
                  AtomicInteger running =
                      runningPerLock.computeIfAbsent(
                          context.job().lock(), k -> new AtomicInteger());
                  if (running.incrementAndGet() > 1) {
                    lockOverlaps.incrementAndGet();
                  }
                  Thread.sleep(3);
                  running.decrementAndGet();
                  return null;
                }));
    tasks.add(
        TaskDescriptor.builder("t.gated")
            .parameter(TaskParameter.required("gate", "java.lang.String"))
            .source("WorkerRacesTest#gated")
            .build(
                (context, args) -> {
                  count(context);
                  String gate = args.get("gate", String.class);
                  reached(gate).countDown();
                  gate(gate).await();
                  return null;
                }));
    tasks.add(
        TaskDescriptor.builder("t.twice")
            .retryStrategy(RetryStrategy.builder().maxAttempts(1).build())
            .source("WorkerRacesTest#twice")
            .build(
                (context, args) -> {
                  count(context);
                  if (context.job().attempts() == 0) {
                    throw new IllegalStateException("first run fails");
                  }
                  reached("again").countDown();
                  gate("again").await();
                  return null;
                }));
    tasks.add(
        TaskDescriptor.builder("t.broken")
            .source("WorkerRacesTest#broken")
            .build(
                (context, args) -> {
                  count(context);
                  throw new JobExecutorTest.BrokenException();
                }));
    tasks.add(
        TaskDescriptor.builder("t.abortable")
            .parameter(TaskParameter.required("how", "java.lang.String"))
            .source("WorkerRacesTest#abortable")
            .build(
                (context, args) -> {
                  count(context);
                  blockedStarted.countDown();
                  while (!context.shouldAbort()) {
                    Thread.onSpinWait();
                  }
                  if ("aborted".equals(args.get("how", String.class))) {
                    throw new JobAbortedException();
                  }
                  throw new IllegalStateException("failed while stopping");
                }));
    tasks.add(
        TaskDescriptor.builder("t.leased")
            .retryStrategy(RetryStrategy.builder().maxAttempts(1).build())
            .source("WorkerRacesTest#leased")
            .build(
                (context, args) -> {
                  count(context);
                  if (runsOf(context.job().id()) > 1) {
                    return null; // taken back after the lapse: ends at once
                  }
                  blockedStarted.countDown();
                  while (!context.shouldAbort()) {
                    Thread.onSpinWait();
                  }
                  // How long the worker has been silent, as a rescuer would see it now.
                  silentWhenStopped.set(
                      Duration.ofMillis(
                          Long.parseLong(
                              sql.value(
                                  "SELECT (extract(epoch FROM clock_timestamp() - last_heartbeat)"
                                      + " * 1000)::bigint FROM procrastinate_workers WHERE id = ?",
                                  workerOf.get()))));
                  stopReason.set(context.abortReason().orElseThrow());
                  throw new JobAbortedException();
                }));
    tasks.add(
        TaskDescriptor.builder("t.typed")
            .parameter(TaskParameter.required("n", "int"))
            .retryStrategy(RetryStrategy.builder().maxAttempts(1).build())
            .source("WorkerRacesTest#typed")
            .build(
                (context, args) -> {
                  count(context);
                  return args.getInt("n");
                }));
    return () -> tasks;
  }

  private void count(JobContext context) {
    runs.computeIfAbsent(context.job().id(), k -> new AtomicInteger()).incrementAndGet();
  }

  private CountDownLatch gate(String name) {
    return gates.computeIfAbsent(name, k -> new CountDownLatch(1));
  }

  private CountDownLatch reached(String name) {
    return gatesReached.computeIfAbsent(name, k -> new CountDownLatch(1));
  }

  private int runsOf(long id) {
    AtomicInteger count = runs.get(id);
    return count == null ? 0 : count.get();
  }

  private WorkerEngine engine(WorkerOptions.Builder options, WorkerHooks hooks) {
    WorkerEngine engine = TestEngines.engine(app, DB.dataSource(), registrar(), options, hooks);
    engines.add(engine);
    return engine;
  }

  private long defer(NewJob.Builder job) {
    return app.jobManager().defer(job.build());
  }

  private String value(String query) {
    try {
      return sql.value(query);
    } catch (java.sql.SQLException e) {
      throw new IllegalStateException(e);
    }
  }

  private JobStatus status(long id) {
    return app.jobManager().getStatus(id).orElseThrow();
  }

  private static void await(BooleanSupplier condition, String what) throws InterruptedException {
    Await.until(Duration.ofSeconds(60), condition, what);
  }

  // -------------------------------------------------------------------------------------- tests

  /**
   * A worker with no scheduled job ahead does not look for one after every fetch. It looked again
   * after each fetch that left a slot free, because "none ahead" was not kept as an answer: a round
   * trip on the fetcher's thread per fetch, which doubled its time per fetch when jobs with a lock
   * came one or two at a time. Twenty jobs of one lock, fetched one at a time, now look once, after
   * the notification of their deferral.
   */
  @Test
  void aWorkerWithNothingScheduledDoesNotLookForTheNextDueJobAfterEveryFetch() throws Exception {
    AtomicInteger fetches = new AtomicInteger();
    AtomicInteger lookups = new AtomicInteger();
    WorkerHooks hooks =
        new WorkerHooks() {
          @Override
          public void afterFetch(int taken) {
            if (taken > 0) {
              fetches.incrementAndGet();
            }
          }

          @Override
          public void beforeNextDueLookup() {
            lookups.incrementAndGet();
          }
        };
    WorkerEngine engine =
        engine(WorkerOptions.builder().concurrency(2).fetchJobPollingInterval(NEVER_POLL), hooks);
    engine.start();
    await(() -> lookups.get() > 0, "the worker's first look");
    int before = lookups.get();
    List<NewJob> jobs = new ArrayList<>();
    for (int i = 0; i < 20; i++) {
      jobs.add(NewJob.builder("t.locked").lock("one-lock").build());
    }
    app.jobManager().deferBatch(jobs);
    await(
        () ->
            "20"
                .equals(
                    value("SELECT count(*) FROM procrastinate_jobs WHERE status = 'succeeded'")),
        "the twenty jobs to run");

    assertThat(fetches.get()).as("fetches that took a job").isGreaterThanOrEqualTo(20);
    assertThat(lookups.get() - before)
        .as("looks for the next scheduled job while the twenty jobs ran")
        .isLessThanOrEqualTo(2);
  }

  /**
   * After a fetch whose answer was lost, the worker takes back the jobs marked doing for it that it
   * does not hold. A job it held that ends between that list and the dispatch is not run again; the
   * lost fetch's own job is.
   */
  @Test
  void aJobThatEndsWhileOrphansAreTakenBackRunsOnce() throws Exception {
    AtomicBoolean failNextFetch = new AtomicBoolean();
    long[] orphan = {0};
    WorkerEngine[] self = {null};
    WorkerHooks hooks =
        new WorkerHooks() {
          @Override
          public void beforeFetch() {
            if (failNextFetch.compareAndSet(true, false)) {
              // The fetch took a job, then its answer was lost with the connection.
              try {
                sql.execute(
                    "UPDATE procrastinate_jobs SET status = 'doing', worker_id = ? WHERE id = ?",
                    self[0].workerId(),
                    orphan[0]);
              } catch (java.sql.SQLException e) {
                throw new IllegalStateException(e);
              }
              throw new DatabaseUnavailableException("connection lost (test)", null);
            }
          }

          @Override
          public void afterOrphanList() {
            // The held job ends, and its outcome is written, before the orphans are dispatched.
            release.countDown();
            try {
              await(() -> self[0].runningJobs() == 0, "the held job's outcome to be written");
            } catch (InterruptedException e) {
              Thread.currentThread().interrupt();
            }
          }
        };
    WorkerEngine engine =
        engine(WorkerOptions.builder().concurrency(2).fetchJobPollingInterval(NEVER_POLL), hooks);
    self[0] = engine;
    engine.start();
    long held = defer(NewJob.builder("t.block"));
    assertThat(blockedStarted.await(60, TimeUnit.SECONDS)).isTrue();
    orphan[0] = defer(NewJob.builder("t.quick").scheduleAt(Instant.now().plusSeconds(3600)));
    failNextFetch.set(true);
    long next = defer(NewJob.builder("t.quick"));

    await(
        () -> status(orphan[0]) == JobStatus.SUCCEEDED && status(next) == JobStatus.SUCCEEDED,
        "the orphan and the next job to run");
    assertThat(status(held)).isEqualTo(JobStatus.SUCCEEDED);
    assertThat(runsOf(held)).as("the held job ran once").isEqualTo(1);
    assertThat(runsOf(orphan[0])).as("the lost fetch's job was taken back").isEqualTo(1);
  }

  /**
   * An outcome written while the worker registers again after a prune is not lost. The completer
   * read the worker's id; another worker then pruned this one, which registered again and
   * re-attached the job to its new id before the write: the write under the pruned id found the job
   * in another run, dropped its outcome, and left it running for a live worker that no rescue takes
   * back (seen in the chaos harness's server-outage fault). Now the registration again waits for
   * the write, which the prune's cleared worker id accepts.
   */
  @Test
  void anOutcomeWrittenWhileTheWorkerRegistersAgainIsNotLost() throws Exception {
    AtomicBoolean armed = new AtomicBoolean(true);
    AtomicBoolean reattachedDuringWrite = new AtomicBoolean();
    long[] job = {0};
    WorkerHooks hooks =
        new WorkerHooks() {
          @Override
          public void beforeOutcomesWritten() {
            if (armed.compareAndSet(true, false)) {
              try {
                // What another worker's prune does to a worker it believes dead.
                sql.execute("SELECT procrastinate_unregister_worker_v1(?)", workerOf.get());
                // Give the registration again (every heartbeat, 50 ms) up to 3 s to re-attach.
                long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(3);
                while (System.nanoTime() < deadline) {
                  if (sql.value("SELECT worker_id FROM procrastinate_jobs WHERE id = ?", job[0])
                      != null) {
                    reattachedDuringWrite.set(true);
                    return;
                  }
                  Thread.sleep(20);
                }
              } catch (java.sql.SQLException e) {
                throw new IllegalStateException(e);
              } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
              }
            }
          }
        };
    WorkerEngine engine =
        engine(
            WorkerOptions.builder()
                .concurrency(1)
                .updateHeartbeatInterval(Duration.ofMillis(50))
                .fetchJobPollingInterval(NEVER_POLL),
            hooks);
    engine.start();
    workerOf.set(engine.workerId());
    job[0] = defer(NewJob.builder("t.quick"));

    await(() -> status(job[0]) == JobStatus.SUCCEEDED, "the job's outcome to be written");
    await(() -> engine.workerId() != workerOf.get(), "the worker to register again");
    assertThat(reattachedDuringWrite.get())
        .as("the registration again re-attached the job while its outcome was being written")
        .isFalse();
    assertThat(runsOf(job[0])).isEqualTo(1);
  }

  /**
   * A worker whose fetch came just before a rate limit's next start, and whose look for the next
   * start came just after it, starts the waiting job at once: the look counts a start that came due
   * since the fetch began. Before, the look saw no start ahead, and the job waited for the polling
   * interval (an hour here).
   */
  @Test
  void aRateLimitsStartThatComesDueBetweenAFetchAndTheNextLookIsNotMissed() throws Exception {
    app.jobManager()
        .setRateLimit(
            dev.procrastinate.model.LimitTarget.task("t.quick"),
            dev.procrastinate.model.RateLimit.parse("1/1h"));
    AtomicBoolean armed = new AtomicBoolean(true);
    AtomicInteger armedTook = new AtomicInteger(-1);
    String nextStartPassed =
        "SELECT count(*) FROM procrastinate_java_flow_controls"
            + " WHERE name = 't.quick' AND next_start_at < clock_timestamp()";
    WorkerHooks hooks =
        new WorkerHooks() {
          @Override
          public void beforeFetch() {
            if (armed.get()) {
              // The limit's next start is just ahead of this fetch.
              try {
                sql.execute(
                    "UPDATE procrastinate_java_flow_controls"
                        + " SET next_start_at = now() + interval '300 milliseconds'"
                        + " WHERE name = 't.quick'");
              } catch (java.sql.SQLException e) {
                throw new IllegalStateException(e);
              }
            }
          }

          @Override
          public void afterFetch(int taken) {
            if (armed.compareAndSet(true, false)) {
              armedTook.set(taken);
              // The start comes due before the fetcher looks for it.
              try {
                await(() -> "1".equals(value(nextStartPassed)), "the next start to come due");
              } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
              }
            }
          }
        };
    long job = defer(NewJob.builder("t.quick"));
    WorkerEngine engine =
        engine(WorkerOptions.builder().concurrency(2).fetchJobPollingInterval(NEVER_POLL), hooks);
    engine.start();

    await(() -> status(job) == JobStatus.SUCCEEDED, "the rate-limited job to run");
    assertThat(armedTook.get()).as("the fetch before the start took nothing").isZero();
    assertThat(runsOf(job)).isEqualTo(1);
  }

  /**
   * A worker that cannot record its heartbeat stops its running job when its lease runs out, while
   * its silence is still shorter than the stalled timeout after which another worker may rescue the
   * job; it fetches nothing until a heartbeat is recorded again, then takes the abandoned job back
   * (nothing was written for its stopped run) and runs it again.
   */
  @Test
  void aWorkerThatCannotHeartbeatStopsItsJobsBeforeAnyRescueAndFetchesNothing() throws Exception {
    AtomicBoolean cutOff = new AtomicBoolean();
    AtomicInteger failedHeartbeats = new AtomicInteger();
    AtomicInteger fetchesWhileLapsed = new AtomicInteger();
    WorkerHooks hooks =
        new WorkerHooks() {
          @Override
          public void beforeHeartbeat() {
            if (cutOff.get()) {
              failedHeartbeats.incrementAndGet();
              throw new DatabaseUnavailableException("network cut (test)", null);
            }
          }

          @Override
          public void beforeFetch() {
            if (cutOff.get() && stopReason.get() != null) {
              fetchesWhileLapsed.incrementAndGet();
            }
          }
        };
    Duration stalled = Duration.ofSeconds(3);
    WorkerEngine engine =
        engine(
            WorkerOptions.builder()
                .concurrency(2)
                .updateHeartbeatInterval(Duration.ofMillis(200))
                .stalledWorkerTimeout(stalled)
                .fetchJobPollingInterval(NEVER_POLL),
            hooks);
    engine.start();
    workerOf.set(engine.workerId());
    long leased = defer(NewJob.builder("t.leased"));
    assertThat(blockedStarted.await(60, TimeUnit.SECONDS)).isTrue();
    cutOff.set(true);
    await(() -> stopReason.get() != null, "the running job to stop");
    assertThat(stopReason.get()).isEqualTo(dev.procrastinate.AbortReason.LEASE_EXPIRED);
    assertThat(silentWhenStopped.get())
        .as("stopped before any other worker could count this one as stalled")
        .isLessThan(stalled);

    // A new job notifies the worker, which has a free slot, but must not fetch while cut off.
    long quick = defer(NewJob.builder("t.quick"));
    int failed = failedHeartbeats.get();
    await(() -> failedHeartbeats.get() >= failed + 3, "three more heartbeats to fail");
    assertThat(fetchesWhileLapsed.get()).isZero();
    assertThat(status(quick)).isEqualTo(JobStatus.TODO);

    cutOff.set(false);
    await(
        () -> status(quick) == JobStatus.SUCCEEDED && status(leased) == JobStatus.SUCCEEDED,
        "both jobs to run once the heartbeat is recorded again");
    assertThat(runsOf(leased)).as("the abandoned run, then the same job taken back").isEqualTo(2);
  }

  /** Scheduled jobs send no notification: a worker with a free slot wakes up when one is due. */
  @Test
  void aFreeSlotTakesAScheduledJobWhenItBecomesDue() throws Exception {
    blockedStarted = new CountDownLatch(3);
    WorkerEngine engine =
        engine(
            WorkerOptions.builder().concurrency(4).fetchJobPollingInterval(NEVER_POLL),
            WorkerHooks.NONE);
    engine.start();
    for (int i = 0; i < 3; i++) {
      defer(NewJob.builder("t.block"));
    }
    assertThat(blockedStarted.await(60, TimeUnit.SECONDS)).isTrue();
    long scheduled = defer(NewJob.builder("t.quick").scheduleIn(Duration.ofSeconds(1)));
    await(() -> status(scheduled) == JobStatus.SUCCEEDED, "the scheduled job to run once due");
  }

  /**
   * Jobs blocked by locks that the worker's own running jobs hold run as soon as those jobs end,
   * not at the next poll; never two of one lock at once.
   */
  @Test
  void jobsOfALockHeldByTheWorkerRunAsSoonAsTheLockIsReleased() throws Exception {
    WorkerEngine engine =
        engine(
            WorkerOptions.builder().concurrency(8).fetchJobPollingInterval(NEVER_POLL),
            WorkerHooks.NONE);
    List<Long> ids = new ArrayList<>();
    for (int i = 0; i < 60; i++) {
      ids.add(defer(NewJob.builder("t.locked").lock("lock-" + (i % 3))));
    }
    engine.start();
    await(
        () -> ids.stream().allMatch(id -> status(id) == JobStatus.SUCCEEDED),
        "every locked job to run without waiting for a poll");
    assertThat(lockOverlaps).hasValue(0);
  }

  /**
   * A fetch takes jobs with a lock only for idle slots; one it left for want of a slot runs as soon
   * as a slot frees, even when the job that freed it has no lock (its outcome releases nothing).
   */
  @Test
  void aJobWithALockLeftForWantOfASlotRunsWhenAnyJobFreesOne() throws Exception {
    WorkerEngine engine =
        engine(
            WorkerOptions.builder().concurrency(2).fetchJobPollingInterval(NEVER_POLL),
            WorkerHooks.NONE);
    engine.start();
    // Quick jobs first: with their run times measured, the worker fetches beyond its idle slots.
    List<Long> quick = new ArrayList<>();
    for (int i = 0; i < 20; i++) {
      quick.add(defer(NewJob.builder("t.quick")));
    }
    await(
        () -> quick.stream().allMatch(id -> status(id) == JobStatus.SUCCEEDED),
        "the quick jobs to run");
    long free = defer(NewJob.builder("t.gated").arg("gate", "free"));
    assertThat(reached("free").await(60, TimeUnit.SECONDS)).isTrue();
    // One fetch sees both; one slot is idle, so it takes the first and leaves the second.
    long[] locked =
        app.jobManager()
            .deferBatch(
                List.of(
                    NewJob.builder("t.gated").arg("gate", "a").lock("a").build(),
                    NewJob.builder("t.quick").lock("b").build()));
    assertThat(reached("a").await(60, TimeUnit.SECONDS)).isTrue();
    assertThat(status(locked[1])).isEqualTo(JobStatus.TODO);
    gate("free").countDown();
    await(
        () -> status(locked[1]) == JobStatus.SUCCEEDED,
        "the job of lock b to run in the slot the job without a lock freed");
    assertThat(status(free)).isEqualTo(JobStatus.SUCCEEDED);
    assertThat(status(locked[0])).isEqualTo(JobStatus.DOING);
  }

  /**
   * A job retried at once may be fetched again before the worker has taken note that its first
   * outcome is written (the write commits, then the completer tells the worker). That note must not
   * take the job's new run out of what the worker holds: the worker would no longer wait for it on
   * a stop, pass it an abort request, nor know it when taking back orphans.
   */
  @Test
  void aJobFetchedAgainBeforeItsLastOutcomeIsNotedStaysHeldForItsNewRun() throws Exception {
    CountDownLatch retryWritten = new CountDownLatch(1);
    AtomicBoolean first = new AtomicBoolean(true);
    WorkerEngine engine =
        engine(
            WorkerOptions.builder().concurrency(2).fetchJobPollingInterval(NEVER_POLL),
            new WorkerHooks() {
              @Override
              public void afterOutcomesWritten() {
                if (first.compareAndSet(true, false)) {
                  retryWritten.countDown();
                  try {
                    // Committed, not yet noted: the job's second run starts meanwhile.
                    reached("again").await(60, TimeUnit.SECONDS);
                  } catch (InterruptedException e) {
                    Thread.currentThread().interrupt();
                  }
                }
              }
            });
    engine.start();
    long id = defer(NewJob.builder("t.twice"));
    assertThat(retryWritten.await(60, TimeUnit.SECONDS)).isTrue();
    long other = defer(NewJob.builder("t.quick")); // its notification makes the worker fetch
    assertThat(reached("again").await(60, TimeUnit.SECONDS)).isTrue();
    await(() -> engine.processedJobs() >= 2, "the first outcome and the other job to be noted");
    assertThat(status(other)).isEqualTo(JobStatus.SUCCEEDED);
    assertThat(engine.runningJobs()).as("jobs held: the second run").isEqualTo(1);
    gate("again").countDown();
    await(() -> status(id) == JobStatus.SUCCEEDED, "the second run to succeed");
    assertThat(runsOf(id)).isEqualTo(2);
  }

  /** With some slots busy and nothing due, the fetcher sleeps instead of spinning. */
  @Test
  void aWorkerWithNothingToFetchUsesNoCpu() throws Exception {
    blockedStarted = new CountDownLatch(7);
    WorkerEngine engine =
        engine(
            WorkerOptions.builder()
                .name("idle")
                .concurrency(8)
                .listenNotify(false)
                .fetchJobPollingInterval(Duration.ofMillis(100)),
            WorkerHooks.NONE);
    engine.start();
    for (int i = 0; i < 7; i++) {
      defer(NewJob.builder("t.block"));
    }
    assertThat(blockedStarted.await(60, TimeUnit.SECONDS)).isTrue();
    Thread fetcher =
        Thread.getAllStackTraces().keySet().stream()
            .filter(t -> t.getName().equals("procrastinate-idle-fetcher"))
            .findFirst()
            .orElseThrow();
    ThreadMXBean threads = ManagementFactory.getThreadMXBean();
    long before = threads.getThreadCpuTime(fetcher.getId());
    // An absence of activity can only be observed over a window: 2 s, 20 polls.
    Thread.sleep(2_000);
    long used = threads.getThreadCpuTime(fetcher.getId()) - before;
    assertThat(TimeUnit.NANOSECONDS.toMillis(used))
        .as("CPU time of the fetcher over 2 s of polling, in ms")
        .isLessThan(200);
  }

  /** Whatever a task's exception does, its job ends with a recorded outcome and frees its slot. */
  @Test
  void anExceptionWhoseToStringThrowsEndsTheJobAndFreesItsSlot() throws Exception {
    WorkerEngine engine =
        engine(
            WorkerOptions.builder().concurrency(1).fetchJobPollingInterval(NEVER_POLL),
            WorkerHooks.NONE);
    engine.start();
    long broken = defer(NewJob.builder("t.broken"));
    long after = defer(NewJob.builder("t.quick"));
    await(
        () -> status(broken) == JobStatus.FAILED && status(after) == JobStatus.SUCCEEDED,
        "the broken job to fail and the next one to run");
  }

  /** With an abort requested, only the abort itself ends a job aborted, as upstream. */
  @Test
  void anAbortEndsAJobAbortedOnlyWhenTheTaskStopsBecauseOfIt() throws Exception {
    WorkerEngine engine =
        engine(
            WorkerOptions.builder().concurrency(1).fetchJobPollingInterval(NEVER_POLL),
            WorkerHooks.NONE);
    engine.start();
    for (String how : List.of("aborted", "failed")) {
      blockedStarted = new CountDownLatch(1);
      long id = defer(NewJob.builder("t.abortable").arg("how", how));
      assertThat(blockedStarted.await(60, TimeUnit.SECONDS)).isTrue();
      assertThat(app.jobManager().abort(id)).isTrue();
      JobStatus expected = how.equals("aborted") ? JobStatus.ABORTED : JobStatus.FAILED;
      await(() -> status(id) == expected, "the job to end " + expected);
    }
  }

  /** Arguments that do not fit the task go through its retry policy, as a Python TypeError. */
  @Test
  void argumentsThatDoNotFitAreRetriedByTheTaskPolicy() throws Exception {
    WorkerEngine engine =
        engine(
            WorkerOptions.builder().concurrency(1).fetchJobPollingInterval(NEVER_POLL),
            WorkerHooks.NONE);
    engine.start();
    long id = defer(NewJob.builder("t.typed").arg("n", "seven"));
    await(() -> status(id) == JobStatus.FAILED, "the job to fail after its retry");
    assertThat(app.jobManager().getJob(id).orElseThrow().attempts()).isEqualTo(2);
    assertThat(sql.events(id)).contains("deferred_for_retry");
  }

  /**
   * The listener's connection comes from the app's pool: a stopped worker gives it back no longer
   * listening, else it would gather every notification until a caller read them all at once.
   */
  @Test
  void aStoppedWorkerLeavesNoListeningConnectionInThePool() throws Exception {
    WorkerEngine engine =
        engine(
            WorkerOptions.builder().concurrency(1).fetchJobPollingInterval(NEVER_POLL),
            WorkerHooks.NONE);
    engine.start();
    long id = defer(NewJob.builder("t.quick"));
    await(() -> status(id) == JobStatus.SUCCEEDED, "the job to run");
    engine.stop();
    assertThat(engine.awaitTermination(Duration.ofSeconds(60))).isTrue();
    List<java.sql.Connection> borrowed = new ArrayList<>();
    try {
      for (int i = 0; i < DB.dataSource().getMaximumPoolSize(); i++) {
        java.sql.Connection connection = DB.dataSource().getConnection();
        borrowed.add(connection);
        try (java.sql.Statement statement = connection.createStatement();
            java.sql.ResultSet channels =
                statement.executeQuery("SELECT count(*) FROM pg_listening_channels()")) {
          channels.next();
          assertThat(channels.getInt(1))
              .as("channels listened on by pooled connection " + i)
              .isZero();
        }
      }
    } finally {
      for (java.sql.Connection connection : borrowed) {
        connection.close();
      }
    }
  }
}
