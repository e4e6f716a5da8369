package dev.procrastinate.internal.worker;

import com.fasterxml.jackson.databind.ObjectMapper;
import dev.procrastinate.RetryDecision;
import dev.procrastinate.WorkerOptions;
import dev.procrastinate.internal.observe.Observers;
import dev.procrastinate.internal.registry.TaskRegistry;
import dev.procrastinate.model.JobStatus;
import dev.procrastinate.model.ProcrastinateJob;
import java.util.Map;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import org.jspecify.annotations.Nullable;

/**
 * Runs one job on the caller's thread with the worker's own {@link JobExecutor}, so that a job run
 * this way decodes its arguments, goes through middleware, times out and decides its retry exactly
 * as in a worker; it touches no database. Used by apps built {@link
 * dev.procrastinate.App.Builder#inline() inline} and by {@code procrastinate-test}, which fetch and
 * write themselves. Thread-safe. Not API.
 *
 * <p>The exception that ended a failed run is kept in the {@link Outcome}: a worker middleware,
 * innermost of the options' own, records what the task (or the argument decoding, or the task
 * lookup) threw.
 */
public final class CallerThreadRunner {
  /** One daemon thread for every runner's task timeouts; a timeout interrupts the caller. */
  private static final ScheduledExecutorService TIMEOUTS =
      Executors.newSingleThreadScheduledExecutor(
          runnable -> {
            Thread thread = new Thread(runnable, "procrastinate-caller-thread-timeouts");
            thread.setDaemon(true);
            return thread;
          });

  private final JobContexts contexts;
  private final WorkerOptions options;
  private final JobExecutor executor;
  private final ThreadLocal<@Nullable Throwable> thrown = new ThreadLocal<>();

  /**
   * Creates a runner.
   *
   * @param contexts the app's contexts of runs
   * @param registry the tasks it knows
   * @param json the app's JSON mapper
   * @param observers the app's observers and context propagator
   * @param options worker options: name, queues, middleware, delete-jobs policy, context
   */
  public CallerThreadRunner(
      JobContexts contexts,
      TaskRegistry registry,
      ObjectMapper json,
      Observers observers,
      WorkerOptions options) {
    this.contexts = contexts;
    this.options =
        options.toBuilder()
            .workerMiddleware(
                (context, next) -> {
                  try {
                    return next.proceed();
                  } catch (Exception | Error e) {
                    thrown.set(e);
                    throw e;
                  }
                })
            .build();
    this.executor =
        new JobExecutor(
            this.options.name(),
            this.options,
            registry,
            json,
            observers,
            TIMEOUTS,
            System::nanoTime);
  }

  /**
   * Runs a job on the calling thread; never throws for what the task does.
   *
   * @param job the job, as fetched (or made up, for an inline app)
   * @param headers the headers a context propagator stored with it
   * @return how it ended
   */
  public Outcome run(ProcrastinateJob job, Map<String, String> headers) {
    RunningJob running =
        new RunningJob(
            job,
            options.name(),
            options.queues(),
            options.additionalContext(),
            contexts,
            headers,
            null);
    thrown.remove();
    try {
      Completion completion = executor.run(running);
      Throwable failure = completion.status() == JobStatus.SUCCEEDED ? null : thrown.get();
      return new Outcome(
          completion.job(),
          completion.status(),
          completion.retry(),
          completion.delete(),
          failure,
          completion.result());
    } finally {
      thrown.remove();
    }
  }

  /**
   * How a job run on the caller's thread ended, to be written by the caller.
   *
   * @param job the job
   * @param status its end status (succeeded, failed, aborted), or null for a retry
   * @param retry the retry decision, or null when the job ended
   * @param delete whether the delete-jobs policy removes the job instead of keeping its status
   * @param failure what the task, its middleware, the argument decoding or the task lookup threw,
   *     or null if it succeeded or nothing was thrown (an abort before the start)
   * @param result what the task returned, as JSON, to store with a success; or null for none
   */
  public record Outcome(
      ProcrastinateJob job,
      @Nullable JobStatus status,
      @Nullable RetryDecision retry,
      boolean delete,
      @Nullable Throwable failure,
      @Nullable String result) {}
}
