package dev.procrastinate.internal.worker;

import static org.assertj.core.api.Assertions.assertThat;

import dev.procrastinate.AbortReason;
import dev.procrastinate.App;
import dev.procrastinate.DeleteJobs;
import dev.procrastinate.JobAbortedException;
import dev.procrastinate.JobContext;
import dev.procrastinate.RetryDecision;
import dev.procrastinate.RetryStrategy;
import dev.procrastinate.WorkerOptions;
import dev.procrastinate.internal.json.Json;
import dev.procrastinate.internal.observe.Observers;
import dev.procrastinate.internal.registry.TaskRegistry;
import dev.procrastinate.model.JobStatus;
import dev.procrastinate.model.ProcrastinateJob;
import dev.procrastinate.spi.TaskDescriptor;
import dev.procrastinate.spi.TaskHandler;
import dev.procrastinate.spi.TaskParameter;
import dev.procrastinate.spi.TaskRegistrar;
import java.io.InterruptedIOException;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.atomic.AtomicLong;
import org.jspecify.annotations.Nullable;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.postgresql.ds.PGSimpleDataSource;

/**
 * The job executor alone: a job, its task and the worker's options in, a completion out, without a
 * database (the app it hands to the task's context is never connected).
 */
class JobExecutorTest {
  private final ScheduledExecutorService timeouts = Executors.newSingleThreadScheduledExecutor();
  private final AtomicLong clock = new AtomicLong();

  @AfterEach
  void tearDown() {
    timeouts.shutdownNow();
  }

  private static final RetryStrategy ONE_RETRY = RetryStrategy.builder().maxAttempts(1).build();

  private JobExecutor executor(WorkerOptions options, TaskDescriptor... tasks) {
    TaskRegistrar registrar = () -> List.of(tasks);
    return new JobExecutor(
        "w",
        options,
        TaskRegistry.of(List.of(registrar)),
        Json.newMapper(),
        new Observers(List.of(), null),
        timeouts,
        () -> clock.addAndGet(1_000_000));
  }

  private JobExecutor executor(TaskDescriptor... tasks) {
    return executor(WorkerOptions.builder().build(), tasks);
  }

  private static TaskDescriptor task(String name, RetryStrategy retry, TaskHandler handler) {
    return TaskDescriptor.builder(name)
        .retryStrategy(retry)
        .source("JobExecutorTest")
        .build(handler);
  }

  private static RunningJob job(String task, String argsJson) {
    return job(task, argsJson, null);
  }

  private static RunningJob job(String task, String argsJson, @Nullable Lease lease) {
    ProcrastinateJob job =
        new ProcrastinateJob(
            7, "default", task, 0, null, null, argsJson, JobStatus.DOING, null, 0, false, 1L);
    App app = App.builder().dataSource(new PGSimpleDataSource()).applyConfigurers(false).build();
    JobContexts contexts =
        run -> {
          JobContext context = app.internals().contexts().of(run);
          RUNS.put(context, (RunningJob) run);
          return context;
        };
    return new RunningJob(job, "w", List.of(), Map.of(), contexts, Map.of(), lease);
  }

  /** The run behind each context the tests made, for tasks that abort their own run. */
  private static final Map<JobContext, RunningJob> RUNS =
      java.util.Collections.synchronizedMap(new java.util.IdentityHashMap<>());

  private static RunningJob run(JobContext context) {
    return java.util.Objects.requireNonNull(RUNS.get(context), "no run behind this context");
  }

  @Test
  void aTaskThatReturnsSucceedsAndTheDeletePolicyApplies() {
    TaskDescriptor ok = task("t.ok", RetryStrategy.none(), (context, args) -> "fine");
    assertThat(executor(ok).run(job("t.ok", "{}")))
        .isEqualTo(Completion.succeeded(job("t.ok", "{}").job(), false, "\"fine\""));
    Completion deleted =
        executor(WorkerOptions.builder().deleteJobs(DeleteJobs.SUCCESSFUL).build(), ok)
            .run(job("t.ok", "{}"));
    assertThat(deleted.delete()).isTrue();
  }

  @Test
  void aFailureGoesThroughTheRetryPolicyThenFails() {
    TaskDescriptor failing =
        task(
            "t.fail",
            ONE_RETRY,
            (context, args) -> {
              throw new IllegalStateException("boom");
            });
    Completion first = executor(failing).run(job("t.fail", "{}"));
    assertThat(first.retry()).isNotNull();
    assertThat(first.status()).isNull();
  }

  @Test
  void anUnknownTaskFailsWithoutRetry() {
    Completion completion = executor().run(job("t.nowhere", "{}"));
    assertThat(completion.status()).isEqualTo(JobStatus.FAILED);
    assertThat(completion.retry()).isNull();
  }

  @Test
  void argumentsThatDoNotFitGoThroughTheRetryPolicy() {
    TaskDescriptor typed =
        TaskDescriptor.builder("t.typed")
            .parameter(TaskParameter.required("n", "int"))
            .retryStrategy(ONE_RETRY)
            .source("JobExecutorTest")
            .build((context, args) -> args.getInt("n"));
    Completion completion = executor(typed).run(job("t.typed", "{\"n\": \"seven\"}"));
    assertThat(completion.retry()).as("a newer worker may know the new argument").isNotNull();
    Completion noRetry =
        executor(
                TaskDescriptor.builder("t.typed")
                    .parameter(TaskParameter.required("n", "int"))
                    .source("JobExecutorTest")
                    .build((context, args) -> args.getInt("n")))
            .run(job("t.typed", "{}"));
    assertThat(noRetry.status()).isEqualTo(JobStatus.FAILED);
  }

  @Test
  void anAbortEndsTheJobAbortedOnlyWhenTheTaskStoppedBecauseOfIt() {
    // Each task is asked to abort while it runs, then stops in its own way.
    TaskDescriptor saysAborted =
        task(
            "t.a",
            ONE_RETRY,
            (context, args) -> {
              run(context).abort(AbortReason.USER_REQUEST);
              throw new JobAbortedException();
            });
    TaskDescriptor interrupted =
        task(
            "t.b",
            ONE_RETRY,
            (context, args) -> {
              run(context).abort(AbortReason.USER_REQUEST);
              throw new RuntimeException(new InterruptedIOException("read interrupted"));
            });
    TaskDescriptor otherFailure =
        task(
            "t.c",
            ONE_RETRY,
            (context, args) -> {
              run(context).abort(AbortReason.USER_REQUEST);
              throw new IllegalStateException("unrelated");
            });
    TaskDescriptor returns =
        task(
            "t.d",
            ONE_RETRY,
            (context, args) -> {
              run(context).abort(AbortReason.USER_REQUEST);
              return "finished anyway";
            });
    JobExecutor executor = executor(saysAborted, interrupted, otherFailure, returns);
    assertThat(executor.run(job("t.a", "{}")).status()).isEqualTo(JobStatus.ABORTED);
    assertThat(executor.run(job("t.b", "{}")).status()).isEqualTo(JobStatus.ABORTED);
    assertThat(executor.run(job("t.c", "{}")).retry())
        .as("any other exception goes through the retry policy, as upstream")
        .isNotNull();
    assertThat(executor.run(job("t.d", "{}")).status()).isEqualTo(JobStatus.SUCCEEDED);
    assertThat(Thread.interrupted()).as("no interrupt leaks to the next job").isFalse();
  }

  @Test
  void anAbortRequestedBeforeTheStartSkipsTheTask() {
    boolean[] ran = {false};
    TaskDescriptor task =
        task(
            "t.skip",
            RetryStrategy.none(),
            (context, args) -> {
              ran[0] = true;
              return null;
            });
    RunningJob context = job("t.skip", "{}");
    context.abort(AbortReason.USER_REQUEST);
    assertThat(executor(task).run(context).status()).isEqualTo(JobStatus.ABORTED);
    assertThat(ran[0]).isFalse();
  }

  @Test
  void aTaskSeesTheLeaseRunOutAtItsNextCheckWithoutAnyWatchdog() {
    // A process paused past its lease resumes every thread at once: the task's own check, read
    // from the clock, must stop it before its next step, whatever the timer thread does.
    AtomicLong now = new AtomicLong();
    Lease lease = new Lease(Duration.ofSeconds(3), now::get);
    lease.renew(0);
    List<Integer> steps = new java.util.ArrayList<>();
    TaskDescriptor stepping =
        task(
            "t.steps",
            ONE_RETRY,
            (context, args) -> {
              for (int step = 0; step < 5; step++) {
                if (context.shouldAbort()) {
                  throw new JobAbortedException();
                }
                steps.add(step);
                if (step == 1) {
                  now.addAndGet(Duration.ofSeconds(12).toNanos()); // the pause
                }
              }
              return null;
            });
    Completion completion = executor(stepping).run(job("t.steps", "{}", lease));
    assertThat(steps).as("no step begins after the lease ran out").containsExactly(0, 1);
    assertThat(completion.abandoned())
        .as("abandoned, not ended: nothing is written, no retry strategy is asked")
        .isEqualTo(Completion.Abandoned.STOPPED);
    assertThat(completion.retry()).isNull();
    assertThat(completion.status()).isNull();
  }

  @Test
  void aJobTakenBeforeTheLeaseRanOutStaysStoppedWhenALaterHeartbeatRenewsIt() {
    // On waking from a pause, the worker may register again (a fresh lease) before the task's
    // next check: the job was rescued meanwhile, so the renewal must not let it go on.
    AtomicLong now = new AtomicLong();
    Lease lease = new Lease(Duration.ofSeconds(3), now::get);
    lease.renew(0);
    RunningJob taken = job("t.any", "{}", lease);
    now.set(Duration.ofSeconds(2).toNanos());
    lease.renew(now.get());
    assertThat(taken.shouldAbort()).as("renewed in time: no gap").isFalse();
    now.set(Duration.ofSeconds(14).toNanos());
    lease.renew(now.get());
    assertThat(lease.expired()).isFalse();
    assertThat(taken.shouldAbort()).as("renewed after a gap").isTrue();
    assertThat(taken.abortReason()).contains(AbortReason.LEASE_EXPIRED);
    assertThat(job("t.any", "{}", lease).shouldAbort()).as("a job taken after it").isFalse();
  }

  @Test
  void aJobWhoseLeaseRanOutBeforeItStartedIsNotRunAndIsHandedBackUntouched() {
    AtomicLong now = new AtomicLong();
    Lease lease = new Lease(Duration.ofSeconds(3), now::get);
    lease.renew(0);
    now.set(Duration.ofSeconds(3).toNanos());
    boolean[] ran = {false};
    TaskDescriptor task =
        task(
            "t.late",
            RetryStrategy.none(),
            (context, args) -> {
              ran[0] = true;
              return null;
            });
    RunningJob context = job("t.late", "{}", lease);
    Completion completion = executor(task).run(context);
    assertThat(ran[0]).isFalse();
    assertThat(context.abortReason()).contains(AbortReason.LEASE_EXPIRED);
    assertThat(completion.abandoned())
        .as("never started: handed back, neither failed nor retried")
        .isEqualTo(Completion.Abandoned.UNSTARTED);
    assertThat(completion.status()).isNull();
  }

  @Test
  void aLeaseHoldsFromTheHeartbeatsSendingTimeAndIsHalfwayToTheStalledTimeout() {
    AtomicLong now = new AtomicLong(100);
    Lease lease = new Lease(Duration.ofNanos(50), now::get);
    assertThat(lease.expired()).as("not granted before the first heartbeat").isTrue();
    lease.renew(90);
    assertThat(lease.remainingNanos()).isEqualTo(40);
    lease.renew(80);
    assertThat(lease.remainingNanos()).as("an older heartbeat never shortens it").isEqualTo(40);
    now.set(140);
    assertThat(lease.expired()).isTrue();
    assertThat(
            Lease.length(
                WorkerOptions.builder()
                    .updateHeartbeatInterval(Duration.ofSeconds(10))
                    .stalledWorkerTimeout(Duration.ofSeconds(30))
                    .build()))
        .isEqualTo(Duration.ofSeconds(20));
  }

  @Test
  void anExceptionWhoseToStringThrowsStillEndsTheJob() {
    TaskDescriptor broken =
        task(
            "t.broken",
            RetryStrategy.none(),
            (context, args) -> {
              throw new BrokenException();
            });
    Completion completion = executor(broken).run(job("t.broken", "{}"));
    assertThat(completion.status()).isEqualTo(JobStatus.FAILED);
    assertThat(JobExecutor.describe(new BrokenException()))
        .contains(BrokenException.class.getName(), "its toString() threw");
  }

  @Test
  void aRetryPolicyThatThrowsFailsTheJob() {
    TaskDescriptor task =
        TaskDescriptor.builder("t.policy")
            .retryPolicy(
                (exception, job) -> {
                  throw new IllegalArgumentException("policy bug");
                })
            .source("JobExecutorTest")
            .build(
                (context, args) -> {
                  throw new IllegalStateException("boom");
                });
    assertThat(executor(task).run(job("t.policy", "{}")).status()).isEqualTo(JobStatus.FAILED);
  }

  @Test
  void aTimeoutIsSeenByTheRetryPolicy() {
    RetryDecision[] seen = {null};
    TaskDescriptor slow =
        TaskDescriptor.builder("t.slow")
            .timeout(Duration.ofMillis(50))
            .retryPolicy(
                (exception, job) -> {
                  seen[0] =
                      exception instanceof dev.procrastinate.JobTimeoutException
                          ? RetryDecision.retryIn(Duration.ZERO)
                          : null;
                  return seen[0];
                })
            .source("JobExecutorTest")
            .build(
                (context, args) -> {
                  Thread.sleep(60_000);
                  return null;
                });
    Completion completion = executor(slow).run(job("t.slow", "{}"));
    assertThat(completion.retry()).isNotNull().isSameAs(seen[0]);
  }

  /** An exception whose every description throws. */
  static final class BrokenException extends RuntimeException {
    private static final long serialVersionUID = 1L;

    @Override
    public String getMessage() {
      throw new IllegalStateException("getMessage is broken");
    }

    @Override
    public String toString() {
      throw new IllegalStateException("toString is broken");
    }
  }
}
