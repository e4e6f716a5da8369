package dev.procrastinate;

import dev.procrastinate.model.ProcrastinateJob;
import org.jspecify.annotations.Nullable;

/**
 * Decides whether a failed job runs again, when, and where: upstream Procrastinate's {@code
 * BaseRetryStrategy.get_retry_decision}. {@link RetryStrategy} is the standard policy, built from
 * {@link Retry @Retry}; implement this interface for anything else, such as moving a job that keeps
 * failing to a slower queue, and name the class in {@link Task#retryPolicy()}.
 *
 * <p>A worker calls {@link #decide} on the job's thread after each failed run, from several threads
 * at once: implementations must be thread-safe. The class named in {@code @Task(retryPolicy)} needs
 * a public constructor without parameters; one instance serves every job of the task.
 *
 * <pre>{@code
 * public final class SlowLane implements RetryPolicy {
 *   public RetryDecision decide(Throwable exception, ProcrastinateJob job) {
 *     if (job.attempts() >= 5) return null;                       // fail for good
 *     RetryDecision retry = RetryDecision.retryIn(Duration.ofMinutes(1));
 *     return job.attempts() >= 2 ? retry.withQueue("slow").withPriority(-1) : retry;
 *   }
 * }
 * }</pre>
 */
@FunctionalInterface
public interface RetryPolicy {
  /**
   * Decides what happens to a job whose run failed.
   *
   * @param exception what the run threw; a {@link JobTimeoutException} when the task's timeout
   *     aborted it, a {@link ProcrastinateException} when a stalled job is rescued
   * @param job the job as it was fetched: {@link ProcrastinateJob#attempts()} counts the runs that
   *     finished before the failed one (0 after the first run)
   * @return when to run it again, possibly with a new queue, priority or lock; or null to fail it
   */
  @Nullable RetryDecision decide(Throwable exception, ProcrastinateJob job);

  /**
   * Decides what happens to a job whose run failed, seeing its context: the worker calls this
   * method, which by default asks {@link #decide(Throwable, ProcrastinateJob)}. Override it to
   * decide from the failures of the job's earlier attempts ({@link JobContext#earlierFailures()}),
   * such as giving up once the same exception came back three times.
   *
   * @param exception what the run threw
   * @param context the failed run's context; {@link JobContext#job()} is the job as it was fetched
   * @return when to run it again, or null to fail it
   */
  default @Nullable RetryDecision decide(Throwable exception, JobContext context) {
    return decide(exception, context.job());
  }
}
