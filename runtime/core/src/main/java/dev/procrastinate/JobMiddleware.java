package dev.procrastinate;

import org.jspecify.annotations.Nullable;

/**
 * Code that wraps jobs a worker runs, for tracing, metrics, rate limiting or a per-job resource, as
 * upstream Procrastinate's middleware. A middleware must call {@link Next#proceed()} once and
 * return its result; exceptions must propagate, so that retries and aborts keep working.
 *
 * <p>Three places take middleware; they nest in this order, outermost first, all on the job's
 * thread: {@link WorkerOptions.Builder#workerMiddleware worker middleware} (every job, even one
 * whose task is unknown), {@link WorkerOptions.Builder#taskMiddleware task middleware} of the
 * worker (every task run), then the task's own {@link Task#middleware()}. Instances are shared by
 * the worker's threads: make them thread-safe.
 */
@FunctionalInterface
public interface JobMiddleware {
  /**
   * Runs around one job.
   *
   * @param context the job's context
   * @param next the rest of the chain, ending in the task
   * @return what {@code next.proceed()} returned
   * @throws Exception what the chain threw
   */
  @Nullable Object around(JobContext context, Next next) throws Exception;

  /** The rest of a middleware chain. */
  @FunctionalInterface
  interface Next {
    /**
     * Runs the rest of the chain and the task.
     *
     * @return the task's return value
     * @throws Exception what the task or an inner middleware threw
     */
    @Nullable Object proceed() throws Exception;
  }
}
