package dev.procrastinate.internal.worker;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.procrastinate.AbortReason;
import dev.procrastinate.ContextPropagator;
import dev.procrastinate.DeleteJobs;
import dev.procrastinate.JobAbortedException;
import dev.procrastinate.JobContext;
import dev.procrastinate.JobMiddleware;
import dev.procrastinate.JobObserver;
import dev.procrastinate.JobTimeoutException;
import dev.procrastinate.ProcrastinateException;
import dev.procrastinate.RetryDecision;
import dev.procrastinate.TaskNotFoundException;
import dev.procrastinate.WorkerOptions;
import dev.procrastinate.internal.json.Json;
import dev.procrastinate.internal.observe.Observers;
import dev.procrastinate.internal.registry.JsonTaskArguments;
import dev.procrastinate.internal.registry.TaskRegistry;
import dev.procrastinate.model.JobStatus;
import dev.procrastinate.model.ProcrastinateJob;
import dev.procrastinate.spi.TaskDescriptor;
import java.io.InterruptedIOException;
import java.nio.channels.ClosedByInterruptException;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Objects;
import java.util.Optional;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import java.util.function.LongSupplier;
import org.jspecify.annotations.Nullable;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.slf4j.MDC;

/**
 * Runs one job on the calling thread and says how it ended: a job, its task and the worker's
 * options in, a {@link Completion} out. It never throws, whatever the task, its middleware, its
 * retry policy, an observer or an exception's {@code toString()} do; it touches no database.
 * Thread-safe: one instance serves every executor thread. Not API.
 *
 * <p>How a run ends, as upstream decides it:
 *
 * <ul>
 *   <li>the task returns: {@code succeeded} (even if an abort was requested meanwhile);
 *   <li>an abort was requested by a user and the task stopped because of it ({@link
 *       JobAbortedException}, or an interruption: {@link InterruptedException} and its I/O kin in
 *       the cause chain): {@code aborted}; any other exception goes through the retry policy, and
 *       the database turns a retry of a job whose abort was requested into {@code failed};
 *   <li>the task's timeout elapsed: the retry policy sees a {@link JobTimeoutException};
 *   <li>the worker shuts down past its graceful timeout: the retry policy decides, else {@code
 *       aborted} if the task stopped because of the abort and {@code failed} if it threw anything
 *       else;
 *   <li>the worker's lease ran out (see {@link Lease}): the run is abandoned and nothing is written
 *       (see {@link Completion.Abandoned});
 *   <li>the task is unknown: {@code failed}, no retry (nothing could run it);
 *   <li>the arguments do not fit the task's parameters: the retry policy decides, as upstream's
 *       retry strategy sees a Python {@code TypeError}: a newer worker of a rolling deploy may know
 *       the new parameter, so a retry can succeed;
 *   <li>anything else the task throws: the retry policy decides, else {@code failed}.
 * </ul>
 *
 * <p>An abort requested before the job started (while it waited in the worker's prefetch buffer)
 * ends it {@code aborted} without running it.
 */
final class JobExecutor {
  private static final Logger JOBS = LoggerFactory.getLogger("procrastinate.jobs");

  private final String workerName;
  private final WorkerOptions options;
  private final TaskRegistry registry;
  private final ObjectMapper json;
  private final Observers observers;
  private final ScheduledExecutorService timeouts;
  private final LongSupplier nanoTime;

  /**
   * Creates an executor.
   *
   * @param workerName the worker's name, for logs
   * @param options the worker's options (middleware, delete-jobs policy)
   * @param registry the tasks the worker knows
   * @param json the app's JSON mapper, to decode arguments
   * @param observers the app's observers and context propagator
   * @param timeouts where per-job timeouts are scheduled
   * @param nanoTime the clock that times runs
   */
  JobExecutor(
      String workerName,
      WorkerOptions options,
      TaskRegistry registry,
      ObjectMapper json,
      Observers observers,
      ScheduledExecutorService timeouts,
      LongSupplier nanoTime) {
    this.workerName = workerName;
    this.options = options;
    this.registry = registry;
    this.json = json;
    this.observers = observers;
    this.timeouts = timeouts;
    this.nanoTime = nanoTime;
  }

  /**
   * Runs a job and returns how it ended; never throws.
   *
   * @param context the job and the context its task sees
   * @return its completion, to be written
   */
  Completion run(RunningJob context) {
    ProcrastinateJob job = context.job();
    MDC.put("worker", workerName);
    MDC.put("job_id", Long.toString(job.id()));
    MDC.put("task", job.taskName());
    MDC.put("queue", job.queueName());
    MDC.put("attempt", Integer.toString(job.attempts() + 1));
    try {
      return runObserved(context);
    } catch (Throwable e) {
      // A defect outside the task (an observer, a logger, a policy) or an error thrown while
      // handling the task's failure: the job still ends, and its slot is still freed.
      logSafely(
          () ->
              JOBS.error(
                  "{} - job {} ({}) failed while its outcome was decided: {}",
                  workerName,
                  job.id(),
                  job.taskName(),
                  describe(e),
                  e),
          () ->
              JOBS.error(
                  "{} - job {} ({}) failed while its outcome was decided: {}",
                  workerName,
                  job.id(),
                  job.taskName(),
                  describe(e)));
      return end(job, JobStatus.FAILED, record(context, JobStatus.FAILED, e));
    } finally {
      MDC.remove("job_id");
      MDC.remove("task");
      MDC.remove("queue");
      MDC.remove("attempt");
    }
  }

  private Completion runObserved(RunningJob context) {
    ProcrastinateJob job = context.job();
    long startNanos = nanoTime.getAsLong();
    observers.started(job);
    Completion completion = execute(context, startNanos);
    if (observers.any()) {
      observers.ended(
          job, outcome(completion), Duration.ofNanos(nanoTime.getAsLong() - startNanos));
    }
    return completion;
  }

  private static JobObserver.Outcome outcome(Completion completion) {
    if (completion.retry() != null) {
      return JobObserver.Outcome.RETRIED;
    }
    return switch (Objects.requireNonNull(completion.status())) {
      case SUCCEEDED -> JobObserver.Outcome.SUCCEEDED;
      case ABORTED -> JobObserver.Outcome.ABORTED;
      default -> JobObserver.Outcome.FAILED;
    };
  }

  private Completion execute(RunningJob context, long startNanos) {
    ProcrastinateJob job = context.job();
    AbortReason early = context.abortReason().orElse(null);
    if (early == AbortReason.USER_REQUEST) {
      JOBS.info(
          "{} - job {} ({}) aborted on request before it started",
          workerName,
          job.id(),
          job.taskName());
      return end(job, JobStatus.ABORTED);
    }
    if (early == AbortReason.LEASE_EXPIRED) {
      return leaseExpired(job, null, startNanos);
    }
    @Nullable TaskDescriptor task = registry.find(job.taskName()).orElse(null);
    context.enter();
    // Opened before the worker middleware, closed after the outcome is logged.
    ContextPropagator.Scope scope = observers.extract(context.context());
    try {
      if (task != null && task.timeout().isPresent()) {
        context.timeout(
            timeouts.schedule(
                () -> context.abort(AbortReason.TIMEOUT),
                task.timeout().get().toNanos(),
                TimeUnit.NANOSECONDS));
      }
      Object result =
          chain(options.workerMiddleware(), 0, context.context(), () -> runTask(context, task));
      // A result that cannot be stored fails the run, as a task's exception does.
      String resultJson = encodeResult(job, result);
      // A logger that throws (one torn down by a JVM shutting down) does not fail a job that ran.
      long millis = elapsedMillis(startNanos);
      logSafely(
          () ->
              JOBS.info(
                  "{} - job {} ({}) succeeded in {} ms, returned {}",
                  workerName,
                  job.id(),
                  job.taskName(),
                  millis,
                  new Described(result)),
          () -> {});
      return Completion.succeeded(job, deletes(JobStatus.SUCCEEDED), resultJson);
    } catch (TaskNotFoundException e) {
      failed(scope, e);
      JOBS.error("{} - job {} failed: {}", workerName, job.id(), e.getMessage());
      return end(job, JobStatus.FAILED, record(context, JobStatus.FAILED, e));
    } catch (Throwable e) {
      failed(scope, e);
      if (task == null) {
        // A worker middleware failed a job whose task is unknown: nothing could retry it.
        logFailure(job, "failed", null, e, startNanos);
        return end(job, JobStatus.FAILED, record(context, JobStatus.FAILED, e));
      }
      return failure(context, task, e, startNanos);
    } finally {
      context.exit();
      scope.close();
    }
  }

  /** Tells the propagator's scope that the run failed; a scope that throws is only logged. */
  private void failed(ContextPropagator.Scope scope, Throwable failure) {
    try {
      scope.failed(failure);
    } catch (RuntimeException | Error e) {
      logSafely(
          () -> JOBS.warn("{} - the context propagator's scope failed: {}", workerName, e, e),
          () -> {});
    }
  }

  /** Decodes the arguments and runs the task inside the worker's and the task's middleware. */
  private @Nullable Object runTask(RunningJob context, @Nullable TaskDescriptor task)
      throws Exception {
    ProcrastinateJob job = context.job();
    if (task == null) {
      throw new TaskNotFoundException(job.taskName(), registry.byName().keySet());
    }
    JsonTaskArguments arguments = JsonTaskArguments.parse(task, job.argsJson(), json);
    JOBS.info("{} - job {} ({}) started", workerName, job.id(), job.taskName());
    List<JobMiddleware> middleware = task.middleware();
    if (!options.taskMiddleware().isEmpty()) {
      middleware = new ArrayList<>(options.taskMiddleware());
      middleware.addAll(task.middleware());
    }
    JobContext seen = context.context();
    return chain(middleware, 0, seen, () -> task.handler().invoke(seen, arguments));
  }

  /** Runs middleware {@code index} and those after it, then {@code last}. */
  private static @Nullable Object chain(
      List<JobMiddleware> middleware, int index, JobContext context, JobMiddleware.Next last)
      throws Exception {
    if (index == middleware.size()) {
      return last.proceed();
    }
    return middleware.get(index).around(context, () -> chain(middleware, index + 1, context, last));
  }

  private Completion failure(RunningJob context, TaskDescriptor task, Throwable e, long start) {
    ProcrastinateJob job = context.job();
    AbortReason reason = context.abortReason().orElse(null);
    if (reason == AbortReason.USER_REQUEST && stoppedByAbort(e)) {
      JOBS.info("{} - job {} ({}) aborted on request", workerName, job.id(), job.taskName());
      return end(job, JobStatus.ABORTED, record(context, JobStatus.ABORTED, e));
    }
    if (reason == AbortReason.LEASE_EXPIRED) {
      return leaseExpired(job, e, start);
    }
    Throwable cause =
        reason == AbortReason.TIMEOUT
            ? new JobTimeoutException(
                job.id(), job.taskName(), task.timeout().orElse(Duration.ZERO), e)
            : e;
    RetryDecision retry = decideRetry(task, cause, context.context());
    if (retry != null) {
      logFailure(job, "failed", retry, cause, start);
      return new Completion(job, null, retry, false, record(context, JobStatus.FAILED, cause));
    }
    if (reason == AbortReason.SHUTDOWN && stoppedByAbort(e)) {
      // As upstream: only the abort itself ends a job aborted; any other exception is a failure.
      JOBS.warn("{} - job {} ({}) aborted by shutdown", workerName, job.id(), job.taskName());
      return end(job, JobStatus.ABORTED, record(context, JobStatus.ABORTED, e));
    }
    logFailure(job, "failed", null, cause, start);
    return end(job, JobStatus.FAILED, record(context, JobStatus.FAILED, cause));
  }

  /**
   * A run stopped, or never started, because the worker's lease ran out: it is abandoned, not
   * ended. Its failure is the lapse, not the task's, so no retry policy sees it and nothing is
   * written: a job never started goes back to the queue untouched, and a stopped one runs again,
   * here once the lease holds again if it is still this worker's, or wherever a rescue sends it.
   */
  private Completion leaseExpired(ProcrastinateJob job, @Nullable Throwable thrown, long start) {
    ProcrastinateException cause =
        new ProcrastinateException(
            "job "
                + job.id()
                + (thrown == null ? " was not started" : " was stopped")
                + ": worker "
                + workerName
                + " could not record its heartbeat for over "
                + Lease.length(options)
                + " (its lease), after which another worker may rescue the job and run it again;"
                + " nothing is written for this run",
            thrown);
    logFailure(job, "abandoned", null, cause, start);
    return Completion.abandoned(
        job, thrown == null ? Completion.Abandoned.UNSTARTED : Completion.Abandoned.STOPPED);
  }

  /** Whether a task stopped because of the abort: it said so, or it was interrupted. */
  static boolean stoppedByAbort(Throwable e) {
    for (Throwable t = e; t != null; t = t.getCause()) {
      if (t instanceof JobAbortedException
          || t instanceof InterruptedException
          || t instanceof InterruptedIOException
          || t instanceof ClosedByInterruptException) {
        return true;
      }
      if (t.getCause() == t) {
        break;
      }
    }
    return false;
  }

  private void logFailure(
      ProcrastinateJob job,
      String what,
      @Nullable RetryDecision retry,
      Throwable cause,
      long startNanos) {
    String retrying = retry == null ? "" : ", to retry " + retry;
    logSafely(
        () ->
            JOBS.warn(
                "{} - job {} ({}) {} after {} ms{}: {}",
                workerName,
                job.id(),
                job.taskName(),
                what,
                elapsedMillis(startNanos),
                retrying,
                describe(cause),
                cause),
        () ->
            JOBS.warn(
                "{} - job {} ({}) {} after {} ms{}: {} (its stack trace cannot be printed)",
                workerName,
                job.id(),
                job.taskName(),
                what,
                elapsedMillis(startNanos),
                retrying,
                describe(cause)));
  }

  /** Asks the task's retry policy, which is user code: a policy that throws fails the job. */
  private @Nullable RetryDecision decideRetry(
      TaskDescriptor task, Throwable cause, JobContext context) {
    ProcrastinateJob job = context.job();
    try {
      return task.retryPolicy().decide(cause, context);
    } catch (RuntimeException | Error e) {
      logSafely(
          () ->
              JOBS.error(
                  "{} - job {} ({}): the retry policy {} threw while deciding, so the job fails;"
                      + " fix the policy",
                  workerName,
                  job.id(),
                  job.taskName(),
                  task.retryPolicy().getClass().getName(),
                  e),
          () ->
              JOBS.error(
                  "{} - job {} ({}): the retry policy {} threw while deciding, so the job fails",
                  workerName,
                  job.id(),
                  job.taskName(),
                  task.retryPolicy().getClass().getName()));
      return null;
    }
  }

  /**
   * Says how a job ended, applying the delete-jobs policy.
   *
   * @param job the job
   * @param status its end status
   * @return the completion
   */
  Completion end(ProcrastinateJob job, JobStatus status) {
    return end(job, status, null);
  }

  private Completion end(ProcrastinateJob job, JobStatus status, @Nullable FailureRecord failure) {
    return new Completion(job, status, null, deletes(status), failure);
  }

  /** Whether the delete-jobs policy removes a job that ends with this status. */
  private boolean deletes(JobStatus status) {
    DeleteJobs policy = options.deleteJobs();
    return policy == DeleteJobs.ALWAYS
        || (policy == DeleteJobs.SUCCESSFUL && status == JobStatus.SUCCEEDED);
  }

  /**
   * Writes what a task returned as JSON for its job's result: null for a void task, a null return
   * or an empty {@code Optional}; the value of a present one.
   *
   * @throws IllegalStateException naming the task and the fix, if the value cannot be written as
   *     JSON or its JSON passes {@link Json#MAX_RESULT_BYTES}
   */
  private @Nullable String encodeResult(ProcrastinateJob job, @Nullable Object result) {
    Object value = result instanceof Optional<?> optional ? optional.orElse(null) : result;
    if (value == null) {
      return null;
    }
    String encoded;
    try {
      encoded = json.writeValueAsString(value);
    } catch (JsonProcessingException e) {
      throw new IllegalStateException(
          "the result of task "
              + job.taskName()
              + " (a "
              + value.getClass().getName()
              + ") cannot be written as JSON: "
              + e.getOriginalMessage()
              + "; return a record, a list, a map with string keys or a plain value",
          e);
    }
    int bytes = encoded.getBytes(StandardCharsets.UTF_8).length;
    if (bytes > Json.MAX_RESULT_BYTES) {
      throw new IllegalStateException(
          "the result of task "
              + job.taskName()
              + " is "
              + bytes
              + " bytes of JSON, over the "
              + Json.MAX_RESULT_BYTES
              + " bytes a result may hold; store the payload elsewhere (a table, an object"
              + " store) and return its key");
    }
    return encoded;
  }

  /**
   * Describes a failed or aborted attempt for its record; never throws (a failure here leaves the
   * outcome without its record).
   */
  private static @Nullable FailureRecord record(
      RunningJob run, JobStatus status, Throwable thrown) {
    try {
      return FailureRecord.of(run.job().attempts() + 1, status, thrown, run.failureDetails());
    } catch (RuntimeException | Error e) {
      return null;
    }
  }

  private long elapsedMillis(long startNanos) {
    return TimeUnit.NANOSECONDS.toMillis(nanoTime.getAsLong() - startNanos);
  }

  /**
   * Describes an exception by its {@code toString()}, or, when that throws, by its class.
   *
   * @param e the exception
   * @return a description, never throwing
   */
  static String describe(@Nullable Object e) {
    if (e == null) {
      return "null";
    }
    try {
      return String.valueOf(e);
    } catch (Throwable broken) {
      return e.getClass().getName() + " (its toString() threw " + broken.getClass().getName() + ")";
    }
  }

  /**
   * Logs with {@code first}; if the logging itself throws (a broken toString), with {@code second}.
   */
  private static void logSafely(Runnable first, Runnable second) {
    try {
      first.run();
    } catch (Throwable broken) {
      try {
        second.run();
      } catch (Throwable ignored) {
        // Nothing more can be said safely.
      }
    }
  }

  /** A value logged through {@link #describe(Object)}, so that a broken toString() cannot throw. */
  private record Described(@Nullable Object value) {
    @Override
    public String toString() {
      return describe(value);
    }
  }
}
