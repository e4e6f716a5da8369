package dev.procrastinate;

import org.jspecify.annotations.Nullable;

/**
 * Code that wraps every job a worker runs, for tracing, metrics, rate limiting or a per-job
 * resource: upstream Procrastinate's worker middleware. A middleware must call {@link
 * Next#proceed()} once and return its result; exceptions must propagate, so that retries and aborts
 * keep working. Middleware given to {@link WorkerOptions.Builder#middleware} runs in that order,
 * the first outermost, on the job's thread.
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
