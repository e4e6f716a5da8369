package dev.procrastinate;

import static org.assertj.core.api.Assertions.assertThat;

import dev.procrastinate.model.JobStatus;
import dev.procrastinate.model.ProcrastinateJob;
import dev.procrastinate.spi.TaskDescriptor;
import dev.procrastinate.spi.TaskParameter;
import dev.procrastinate.spi.TaskRegistrar;
import dev.procrastinate.testing.Await;
import dev.procrastinate.testing.Sql;
import dev.procrastinate.testing.TestDatabase;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.function.BooleanSupplier;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

/** The worker on a real PostgreSQL: every semantic of the contract, one test each. */
class WorkerTest {
  @RegisterExtension static final TestDatabase DB = TestDatabase.migrated();

  private final List<String> ran = new CopyOnWriteArrayList<>();
  private final Map<String, AtomicInteger> runningPerLock = new ConcurrentHashMap<>();
  private final AtomicInteger lockViolations = new AtomicInteger();
  private final Set<String> lockedRunners = ConcurrentHashMap.newKeySet();
  private final CountDownLatch bothWorkersRunLocked = new CountDownLatch(1);
  private final List<JobContext> contexts = new CopyOnWriteArrayList<>();
  // The abort reason a run of t.slow saw when its sleep was interrupted, "none" if it saw none.
  private final List<String> slowAbortReasons = new CopyOnWriteArrayList<>();
  private volatile CountDownLatch slowStarted = new CountDownLatch(1);
  private App app;
  private Sql sql;
  private final List<Worker> workers = new ArrayList<>();

  @BeforeEach
  void setUp() throws Exception {
    sql = new Sql(DB.dataSource());
    sql.execute("DELETE FROM procrastinate_periodic_defers");
    sql.execute("DELETE FROM procrastinate_jobs");
    sql.execute("DELETE FROM procrastinate_workers");
    app = App.builder().dataSource(DB.dataSource()).taskRegistrars(List.of(registrar())).build();
  }

  @AfterEach
  void tearDown() {
    workers.forEach(Worker::close);
  }

  private TaskRegistrar registrar() {
    List<TaskDescriptor> tasks = new ArrayList<>();
    tasks.add(
        TaskDescriptor.builder("t.record")
            .parameter(TaskParameter.required("n", "int"))
            .source("WorkerTest#record")
            .build(
                (context, args) -> {
                  contexts.add(context);
                  ran.add("record:" + args.getInt("n"));
                  return args.getInt("n") * 2;
                }));
    tasks.add(
        TaskDescriptor.builder("t.fail")
            .retryStrategy(RetryStrategy.builder().maxAttempts(2).build())
            .source("WorkerTest#fail")
            .build(
                (context, args) -> {
                  ran.add("fail:" + context.job().attempts());
                  throw new IllegalStateException("boom " + context.job().attempts());
                }));
    tasks.add(
        TaskDescriptor.builder("t.slow")
            .parameter(TaskParameter.required("millis", "long"))
            .retryStrategy(RetryStrategy.builder().maxAttempts(0).build())
            .source("WorkerTest#slow")
            .build(
                (context, args) -> {
                  slowStarted.countDown();
                  try {
                    Thread.sleep(args.getLong("millis"));
                  } catch (InterruptedException e) {
                    slowAbortReasons.add(context.abortReason().map(Enum::name).orElse("none"));
                    throw e;
                  }
                  ran.add("slow");
                  return null;
                }));
    tasks.add(
        TaskDescriptor.builder("t.timeout")
            .timeout(Duration.ofMillis(200))
            .retryStrategy(
                RetryStrategy.builder().maxAttempts(1).retryOn(JobTimeoutException.class).build())
            .source("WorkerTest#timeout")
            .build(
                (context, args) -> {
                  ran.add("timeout:" + context.job().attempts());
                  Thread.sleep(10_000);
                  return null;
                }));
    tasks.add(
        TaskDescriptor.builder("t.locked")
            .parameter(TaskParameter.required("n", "int"))
            .source("WorkerTest#locked")
            .build(
                (context, args) -> {
                  String lock = context.job().lock();
                  AtomicInteger count =
                      runningPerLock.computeIfAbsent(lock, k -> new AtomicInteger());
                  if (count.incrementAndGet() > 1) {
                    lockViolations.incrementAndGet();
                  }
                  // The first jobs hold their slots until two workers run jobs: a worker with
                  // fewer slots than there are locks then leaves a lock to the other, which the
                  // test needs to see two workers take turns on one lock.
                  lockedRunners.add(context.workerName());
                  if (lockedRunners.size() >= 2) {
                    bothWorkersRunLocked.countDown();
                  }
                  bothWorkersRunLocked.await(30, TimeUnit.SECONDS);
                  Thread.sleep(2);
                  count.decrementAndGet();
                  ran.add(lock + ":" + args.getInt("n"));
                  return null;
                }));
    tasks.add(
        TaskDescriptor.builder("t.wrapped")
            .middleware(recording("own-first"), recording("own-second"))
            .source("WorkerTest#wrapped")
            .build(
                (context, args) -> {
                  calls.add("task");
                  return "done";
                }));
    tasks.add(
        TaskDescriptor.builder("t.moving")
            .retryPolicy(
                (exception, job) ->
                    job.attempts() == 0 && job.queueName().equals("default")
                        ? RetryDecision.retryIn(Duration.ZERO)
                            .withQueue("moved")
                            .withPriority(9)
                            .withLock("moved-lock")
                        : null)
            .source("WorkerTest#moving")
            .build(
                (context, args) -> {
                  ran.add("moving:" + context.job().queueName() + ":" + context.job().attempts());
                  throw new IllegalStateException("keeps failing");
                }));
    tasks.add(
        TaskDescriptor.builder("t.badPolicy")
            .retryPolicy(
                (exception, job) -> {
                  throw new IllegalArgumentException("policy bug");
                })
            .source("WorkerTest#badPolicy")
            .build(
                (context, args) -> {
                  throw new IllegalStateException("task failure");
                }));
    return () -> tasks;
  }

  private final List<String> calls = new CopyOnWriteArrayList<>();

  private JobMiddleware recording(String label) {
    return (context, next) -> {
      calls.add(label + ">");
      try {
        Object result = next.proceed();
        calls.add("<" + label);
        return result;
      } catch (Exception e) {
        calls.add("<" + label + "!" + e.getClass().getSimpleName());
        throw e;
      }
    };
  }

  private Worker worker(WorkerOptions.Builder options) {
    Worker worker =
        app.worker(
            options
                .installSignalHandlers(false)
                .fetchJobPollingInterval(Duration.ofMillis(200))
                .abortJobPollingInterval(Duration.ofMillis(200))
                .build());
    workers.add(worker);
    return worker;
  }

  private long defer(NewJob.Builder job) {
    return app.jobManager().defer(job.build());
  }

  private static void await(BooleanSupplier condition, String what) throws InterruptedException {
    Await.until(Duration.ofSeconds(20), condition, what);
  }

  private JobStatus status(long id) {
    return app.jobManager().getStatus(id).orElseThrow();
  }

  @Test
  void oneShotWorkerRunsEveryDueJobThenStops() throws Exception {
    long a = defer(NewJob.builder("t.record").arg("n", 1));
    long b = defer(NewJob.builder("t.record").arg("n", 2));
    long later = defer(NewJob.builder("t.record").arg("n", 3).scheduleIn(Duration.ofHours(1)));
    Worker worker = worker(WorkerOptions.builder().waitForJobs(false).concurrency(2));
    worker.run();
    assertThat(ran).containsExactlyInAnyOrder("record:1", "record:2");
    assertThat(status(a)).isEqualTo(JobStatus.SUCCEEDED);
    assertThat(status(b)).isEqualTo(JobStatus.SUCCEEDED);
    assertThat(status(later)).isEqualTo(JobStatus.TODO);
    ProcrastinateJob done = app.jobManager().getJob(a).orElseThrow();
    assertThat(done.attempts()).isEqualTo(1);
    assertThat(done.workerId()).isNull(); // unregistered on stop
    assertThat(sql.events(a)).containsExactly("deferred", "started", "succeeded");
    assertThat(sql.value("SELECT count(*) FROM procrastinate_workers")).isEqualTo("0");
  }

  @Test
  void higherPriorityRunsFirst() throws Exception {
    defer(NewJob.builder("t.record").arg("n", 5).priority(5));
    defer(NewJob.builder("t.record").arg("n", 7).priority(7));
    defer(NewJob.builder("t.record").arg("n", 6).priority(6));
    worker(WorkerOptions.builder().waitForJobs(false)).run();
    assertThat(ran).containsExactly("record:7", "record:6", "record:5");
  }

  @Test
  void onlyTheRequestedQueuesAreWorked() throws Exception {
    long mine = defer(NewJob.builder("t.record").arg("n", 1).queue("mine"));
    long other = defer(NewJob.builder("t.record").arg("n", 2).queue("other"));
    worker(WorkerOptions.builder().waitForJobs(false).queues("mine")).run();
    assertThat(status(mine)).isEqualTo(JobStatus.SUCCEEDED);
    assertThat(status(other)).isEqualTo(JobStatus.TODO);
  }

  @Test
  void jobContextCarriesTheJobAndTheWorker() throws Exception {
    long id = defer(NewJob.builder("t.record").arg("n", 4).queue("ctx"));
    worker(
            WorkerOptions.builder()
                .waitForJobs(false)
                .name("ctx-worker")
                .queues("ctx")
                .additionalContext("tenant", "acme"))
        .run();
    JobContext context = contexts.get(0);
    assertThat(context.job().id()).isEqualTo(id);
    assertThat(context.workerName()).isEqualTo("ctx-worker");
    assertThat(context.workerQueues()).containsExactly("ctx");
    assertThat(context.additionalContext()).containsEntry("tenant", "acme");
    assertThat(context.shouldAbort()).isFalse();
    assertThat(context.app()).isSameAs(app);
    assertThat(context.job().workerId()).isNotNull();
  }

  @Test
  void failingJobIsRetriedByItsStrategyThenFails() throws Exception {
    long id = defer(NewJob.builder("t.fail"));
    worker(WorkerOptions.builder().waitForJobs(false)).run();
    assertThat(ran).containsExactly("fail:0", "fail:1", "fail:2");
    ProcrastinateJob job = app.jobManager().getJob(id).orElseThrow();
    assertThat(job.status()).isEqualTo(JobStatus.FAILED);
    assertThat(job.attempts()).isEqualTo(3);
    assertThat(sql.events(id))
        .containsSubsequence("started", "deferred_for_retry", "started", "deferred_for_retry")
        .endsWith("failed");
  }

  @Test
  void unknownTaskAndUndecodableArgumentsFailWithoutStoppingTheWorker() throws Exception {
    long unknown = defer(NewJob.builder("t.nobody"));
    long missing = defer(NewJob.builder("t.record"));
    long wrongType = defer(NewJob.builder("t.record").arg("n", "three"));
    long extra = defer(NewJob.builder("t.record").arg("n", 1).arg("m", 2));
    long good = defer(NewJob.builder("t.record").arg("n", 9));
    worker(WorkerOptions.builder().waitForJobs(false)).run();
    assertThat(status(unknown)).isEqualTo(JobStatus.FAILED);
    assertThat(status(missing)).isEqualTo(JobStatus.FAILED);
    assertThat(status(wrongType)).isEqualTo(JobStatus.FAILED);
    assertThat(status(extra)).isEqualTo(JobStatus.FAILED);
    assertThat(status(good)).isEqualTo(JobStatus.SUCCEEDED);
    assertThat(app.jobManager().getJob(unknown).orElseThrow().attempts()).isEqualTo(1);
    assertThat(ran).containsExactly("record:9");
  }

  @Test
  void notificationWakesAnIdleWorkerAtOnce() throws Exception {
    // Polls once an hour: within the test, only the notification can wake it.
    Worker worker =
        app.worker(
            WorkerOptions.builder()
                .installSignalHandlers(false)
                .fetchJobPollingInterval(Duration.ofHours(1))
                .build());
    workers.add(worker);
    worker.start();
    // A sentinel proves the worker has fetched once and is now idle.
    long sentinel = defer(NewJob.builder("t.record").arg("n", 0));
    await(() -> status(sentinel) == JobStatus.SUCCEEDED, "the sentinel job to run");
    long id = defer(NewJob.builder("t.record").arg("n", 1));
    await(() -> status(id) == JobStatus.SUCCEEDED, "the notified job to run");
  }

  @Test
  void withoutListenNotifyTheWorkerPolls() throws Exception {
    Worker worker =
        app.worker(
            WorkerOptions.builder()
                .installSignalHandlers(false)
                .listenNotify(false)
                .fetchJobPollingInterval(Duration.ofMillis(300))
                .build());
    workers.add(worker);
    worker.start();
    long id = defer(NewJob.builder("t.record").arg("n", 1));
    await(() -> status(id) == JobStatus.SUCCEEDED, "the polling worker to run the job");
  }

  @Test
  void abortRequestReachesTheRunningJobThroughNotify() throws Exception {
    slowStarted = new CountDownLatch(1);
    Worker worker =
        app.worker(
            WorkerOptions.builder()
                .installSignalHandlers(false)
                .abortJobPollingInterval(Duration.ofMinutes(5))
                .build());
    workers.add(worker);
    worker.start();
    long id = defer(NewJob.builder("t.slow").arg("millis", 60_000L));
    assertThat(slowStarted.await(20, TimeUnit.SECONDS)).isTrue();
    assertThat(app.jobManager().abort(id)).isTrue();
    await(() -> status(id) == JobStatus.ABORTED, "the job to be aborted");
    ProcrastinateJob job = app.jobManager().getJob(id).orElseThrow();
    assertThat(job.abortRequested()).isFalse();
    assertThat(sql.events(id)).contains("abort_requested", "aborted");
    assertThat(ran).doesNotContain("slow");
  }

  @Test
  void abortRequestReachesTheRunningJobThroughPolling() throws Exception {
    slowStarted = new CountDownLatch(1);
    Worker worker = worker(WorkerOptions.builder().listenNotify(false));
    worker.start();
    long id = defer(NewJob.builder("t.slow").arg("millis", 60_000L));
    assertThat(slowStarted.await(20, TimeUnit.SECONDS)).isTrue();
    app.jobManager().abort(id);
    await(() -> status(id) == JobStatus.ABORTED, "the job to be aborted by polling");
  }

  @Test
  void timeoutAbortsTheJobAndItsStrategyRetriesOnce() throws Exception {
    long id = defer(NewJob.builder("t.timeout"));
    worker(WorkerOptions.builder().waitForJobs(false)).run();
    assertThat(ran).containsExactly("timeout:0", "timeout:1");
    ProcrastinateJob job = app.jobManager().getJob(id).orElseThrow();
    assertThat(job.status()).isEqualTo(JobStatus.FAILED);
    assertThat(job.attempts()).isEqualTo(2);
  }

  @Test
  void deletePolicyRemovesEndedJobs() throws Exception {
    long ok = defer(NewJob.builder("t.record").arg("n", 1));
    long bad = defer(NewJob.builder("t.nobody"));
    worker(WorkerOptions.builder().waitForJobs(false).deleteJobs(DeleteJobs.SUCCESSFUL)).run();
    assertThat(app.jobManager().getJob(ok)).isEmpty();
    assertThat(status(bad)).isEqualTo(JobStatus.FAILED);

    long again = defer(NewJob.builder("t.nobody"));
    worker(WorkerOptions.builder().waitForJobs(false).deleteJobs(DeleteJobs.ALWAYS)).run();
    assertThat(app.jobManager().getJob(again)).isEmpty();
  }

  @Test
  void twoWorkersNeverRunTwoJobsOfOneLockAtOnce() throws Exception {
    List<NewJob> batch = new ArrayList<>();
    for (int i = 0; i < 200; i++) {
      batch.add(NewJob.builder("t.locked").arg("n", i).lock("lock-" + (i % 5)).build());
    }
    app.jobManager().deferBatch(batch);
    // Waiting workers: a one-shot worker may rightly stop while the other holds every lock.
    Worker first = worker(WorkerOptions.builder().name("first").concurrency(4));
    Worker second = worker(WorkerOptions.builder().name("second").concurrency(4));
    first.start();
    second.start();
    await(
        () -> app.jobManager().countByStatus().get(JobStatus.SUCCEEDED) == 200,
        "every locked job to succeed");
    first.close();
    second.close();
    assertThat(first.processedJobs()).isPositive();
    assertThat(second.processedJobs()).isPositive();
    assertThat(lockViolations.get()).isZero();
    // Within a lock, jobs ran in id order.
    for (int lock = 0; lock < 5; lock++) {
      String prefix = "lock-" + lock + ":";
      List<Integer> order =
          ran.stream()
              .filter(r -> r.startsWith(prefix))
              .map(r -> Integer.parseInt(r.substring(prefix.length())))
              .toList();
      List<Integer> sorted = new ArrayList<>(order);
      Collections.sort(sorted);
      assertThat(order).hasSize(40).isEqualTo(sorted);
    }
  }

  @Test
  void gracefulShutdownWaitsThenAbortsWithReasonShutdown() throws Exception {
    slowStarted = new CountDownLatch(1);
    Worker worker = worker(WorkerOptions.builder().shutdownGracefulTimeout(Duration.ofMillis(300)));
    worker.start();
    long id = defer(NewJob.builder("t.slow").arg("millis", 60_000L));
    assertThat(slowStarted.await(20, TimeUnit.SECONDS)).isTrue();
    worker.stop();
    assertThat(worker.awaitTermination(Duration.ofSeconds(20))).isTrue();
    assertThat(status(id)).isEqualTo(JobStatus.ABORTED);
    // Aborted by the shutdown, not by a request (which ends a job aborted too): the task saw the
    // reason SHUTDOWN when it was interrupted, and no one asked for the abort.
    assertThat(slowAbortReasons).containsExactly(AbortReason.SHUTDOWN.name());
    assertThat(sql.value("SELECT abort_requested FROM procrastinate_jobs WHERE id = ?", id))
        .isEqualTo("f");
    assertThat(sql.events(id)).doesNotContain("abort_requested").endsWith("aborted");
    assertThat(sql.value("SELECT count(*) FROM procrastinate_workers")).isEqualTo("0");
  }

  @Test
  void gracefulShutdownLetsRunningJobsFinish() throws Exception {
    slowStarted = new CountDownLatch(1);
    Worker worker = worker(WorkerOptions.builder());
    worker.start();
    long id = defer(NewJob.builder("t.slow").arg("millis", 500L));
    assertThat(slowStarted.await(20, TimeUnit.SECONDS)).isTrue();
    worker.close();
    assertThat(status(id)).isEqualTo(JobStatus.SUCCEEDED);
  }

  @Test
  void heartbeatIsRecordedWhileTheWorkerRuns() throws Exception {
    Worker worker = worker(WorkerOptions.builder().updateHeartbeatInterval(Duration.ofMillis(100)));
    worker.start();
    String first =
        sql.value(
            "SELECT last_heartbeat::text FROM procrastinate_workers WHERE id = ?",
            worker.workerId());
    await(
        () -> {
          try {
            return !sql.value(
                    "SELECT last_heartbeat::text FROM procrastinate_workers WHERE id = ?",
                    worker.workerId())
                .equals(first);
          } catch (Exception e) {
            throw new IllegalStateException(e);
          }
        },
        "a heartbeat");
  }

  @Test
  void startingPrunesStalledWorkersAndTheirJobsLoseTheirWorker() throws Exception {
    long dead =
        Long.parseLong(sql.value("SELECT worker_id FROM procrastinate_register_worker_v1()"));
    sql.execute(
        "UPDATE procrastinate_workers SET last_heartbeat = now() - interval '1 hour' WHERE id = ?",
        dead);
    long id = defer(NewJob.builder("t.record").arg("n", 1).queue("none"));
    sql.value("SELECT id FROM procrastinate_fetch_job_v2(ARRAY['none'], ?)", dead);
    worker(WorkerOptions.builder().queues("nothing-here")).start();
    assertThat(sql.column("SELECT id::text FROM procrastinate_workers WHERE id = ?", dead))
        .isEmpty();
    assertThat(app.jobManager().getJob(id).orElseThrow().workerId()).isNull();
  }

  @Test
  void middlewareNestsWorkerThenTaskThenTheTasksOwnOutermostFirst() throws Exception {
    long wrapped = defer(NewJob.builder("t.wrapped"));
    worker(
            WorkerOptions.builder()
                .waitForJobs(false)
                .workerMiddleware(recording("worker-first"), recording("worker-second"))
                .taskMiddleware(recording("tasks")))
        .run();
    assertThat(status(wrapped)).isEqualTo(JobStatus.SUCCEEDED);
    assertThat(calls)
        .containsExactly(
            "worker-first>",
            "worker-second>",
            "tasks>",
            "own-first>",
            "own-second>",
            "task",
            "<own-second",
            "<own-first",
            "<tasks",
            "<worker-second",
            "<worker-first");
  }

  @Test
  void workerMiddlewareSeesUnknownTasksAndExceptionsPassThroughToTheRetryStrategy()
      throws Exception {
    long unknown = defer(NewJob.builder("t.nobody"));
    long failing = defer(NewJob.builder("t.fail"));
    worker(
            WorkerOptions.builder()
                .waitForJobs(false)
                .workerMiddleware(recording("worker"))
                .taskMiddleware(recording("tasks")))
        .run();
    assertThat(status(unknown)).isEqualTo(JobStatus.FAILED);
    assertThat(app.jobManager().getJob(unknown).orElseThrow().attempts()).isEqualTo(1);
    // Task middleware only wraps tasks that run; worker middleware sees every job.
    assertThat(calls).containsSubsequence("worker>", "<worker!TaskNotFoundException");
    assertThat(app.jobManager().getJob(failing).orElseThrow().attempts()).isEqualTo(3);
    assertThat(status(failing)).isEqualTo(JobStatus.FAILED);
    assertThat(calls.stream().filter("<tasks!IllegalStateException"::equals)).hasSize(3);
  }

  @Test
  void aRetryPolicyMayMoveTheJobToAnotherQueuePriorityAndLock() throws Exception {
    long id = defer(NewJob.builder("t.moving"));
    worker(WorkerOptions.builder().queues("default").waitForJobs(false)).run();
    ProcrastinateJob moved = app.jobManager().getJob(id).orElseThrow();
    assertThat(moved.status()).isEqualTo(JobStatus.TODO);
    assertThat(moved.queueName()).isEqualTo("moved");
    assertThat(moved.priority()).isEqualTo(9);
    assertThat(moved.lock()).isEqualTo("moved-lock");
    assertThat(moved.attempts()).isEqualTo(1);

    worker(WorkerOptions.builder().queues("moved").waitForJobs(false)).run();
    assertThat(status(id)).isEqualTo(JobStatus.FAILED);
    assertThat(ran).containsExactly("moving:default:0", "moving:moved:1");
  }

  @Test
  void aRetryPolicyThatThrowsFailsTheJobAndTheWorkerGoesOn() throws Exception {
    long bad = defer(NewJob.builder("t.badPolicy"));
    long ok = defer(NewJob.builder("t.record").arg("n", 1));
    worker(WorkerOptions.builder().waitForJobs(false)).run();
    assertThat(status(bad)).isEqualTo(JobStatus.FAILED);
    assertThat(status(ok)).isEqualTo(JobStatus.SUCCEEDED);
  }

  @Test
  void aQueueingLockLetsOneRunAndOneWait() throws Exception {
    slowStarted = new CountDownLatch(1);
    long running = defer(NewJob.builder("t.slow").arg("millis", 1_500).queueingLock("report"));
    Worker worker = worker(WorkerOptions.builder());
    worker.start();
    assertThat(slowStarted.await(10, TimeUnit.SECONDS)).isTrue();
    assertThat(status(running)).isEqualTo(JobStatus.DOING);

    // The lock covers waiting jobs only: one may wait while the other runs...
    long waiting = defer(NewJob.builder("t.slow").arg("millis", 1).queueingLock("report"));
    // ...but not two.
    org.assertj.core.api.Assertions.assertThatThrownBy(
            () -> defer(NewJob.builder("t.slow").arg("millis", 1).queueingLock("report")))
        .isInstanceOf(AlreadyEnqueuedException.class)
        .hasMessageContaining("report");
    await(() -> status(waiting) == JobStatus.SUCCEEDED, "the waiting job to run");
    assertThat(status(running)).isEqualTo(JobStatus.SUCCEEDED);
  }

  @Test
  void aWorkerPrunedWhileItCouldNotHeartbeatRegistersAgainAndKeepsItsRunningJob() throws Exception {
    slowStarted = new CountDownLatch(1);
    long slow = defer(NewJob.builder("t.slow").arg("millis", 2_000));
    Worker worker =
        worker(
            WorkerOptions.builder()
                .concurrency(2)
                .updateHeartbeatInterval(Duration.ofMillis(100))
                .stalledWorkerTimeout(Duration.ofSeconds(5)));
    worker.start();
    assertThat(slowStarted.await(10, TimeUnit.SECONDS)).isTrue();
    long lost = worker.workerId();
    // What another worker's prune does to a worker it believes dead, seen inside the prune's own
    // transaction: the worker, beating every 100 ms, registers again as soon as it commits.
    try (java.sql.Connection connection = DB.newConnection()) {
      connection.setAutoCommit(false);
      try (java.sql.PreparedStatement prune =
              connection.prepareStatement("SELECT procrastinate_unregister_worker_v1(?)");
          java.sql.PreparedStatement owner =
              connection.prepareStatement(
                  "SELECT (SELECT count(*) FROM procrastinate_workers),"
                      + " (SELECT worker_id FROM procrastinate_jobs WHERE id = ?)")) {
        prune.setLong(1, lost);
        prune.execute();
        owner.setLong(1, slow);
        try (java.sql.ResultSet row = owner.executeQuery()) {
          assertThat(row.next()).isTrue();
          assertThat(row.getLong(1)).as("workers left").isZero();
          assertThat(row.getObject(2)).as("the running job's worker").isNull();
        }
      }
      connection.commit();
    }

    await(() -> worker.workerId() != lost, "the worker to register again");
    long again = worker.workerId();
    assertThat(sql.column("SELECT id::text FROM procrastinate_workers"))
        .containsExactly(Long.toString(again));
    // Its running job is its own again, so no rescuer takes it.
    assertThat(app.jobManager().getJob(slow).orElseThrow().workerId()).isEqualTo(again);
    long next = defer(NewJob.builder("t.record").arg("n", 5));
    await(() -> status(next) == JobStatus.SUCCEEDED, "a job fetched under the new id");
    await(() -> status(slow) == JobStatus.SUCCEEDED, "the running job to end");
  }

  @Test
  void aFetchUnderAPrunedIdRegistersAgainAtOnce() throws Exception {
    Worker worker =
        worker(
            WorkerOptions.builder()
                .updateHeartbeatInterval(Duration.ofSeconds(20))
                .stalledWorkerTimeout(Duration.ofSeconds(60)));
    worker.start();
    long lost = worker.workerId();
    sql.execute("DELETE FROM procrastinate_workers");
    long id = defer(NewJob.builder("t.record").arg("n", 1));
    await(() -> status(id) == JobStatus.SUCCEEDED, "the job to run under a new worker id");
    assertThat(worker.workerId()).isNotEqualTo(lost);
    assertThat(app.jobManager().getJob(id).orElseThrow().workerId()).isEqualTo(worker.workerId());
  }
}
