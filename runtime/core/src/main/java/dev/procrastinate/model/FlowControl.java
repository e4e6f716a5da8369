package dev.procrastinate.model;

import java.time.Instant;
import java.util.Objects;
import org.jspecify.annotations.Nullable;

/**
 * The flow controls of one queue or task, as stored in {@code procrastinate_java_flow_controls} and
 * obeyed by every worker of this runtime: whether it is paused, its concurrency limit and its rate
 * limit. A limit set live (the shell, the job manager, the dashboard) wins over the one declared in
 * code ({@code @Task(concurrencyLimit = ..., rateLimit = ...)}); clearing it goes back to the
 * declared one.
 *
 * @param target the queue or task
 * @param paused whether no job of it starts (queues only)
 * @param concurrency the concurrency limit set live, or null
 * @param rate the rate limit set live, or null
 * @param declaredConcurrency the concurrency limit declared in code, or null
 * @param declaredRate the rate limit declared in code, or null
 * @param running the jobs of it running now, on every worker (Python workers' included)
 * @param updatedAt when the controls last changed
 */
public record FlowControl(
    LimitTarget target,
    boolean paused,
    @Nullable Integer concurrency,
    @Nullable RateLimit rate,
    @Nullable Integer declaredConcurrency,
    @Nullable RateLimit declaredRate,
    long running,
    Instant updatedAt) {
  /**
   * Validates the fields.
   *
   * @param target the queue or task
   * @param paused whether it is paused
   * @param concurrency the live concurrency limit, or null
   * @param rate the live rate limit, or null
   * @param declaredConcurrency the declared concurrency limit, or null
   * @param declaredRate the declared rate limit, or null
   * @param running the jobs running now
   * @param updatedAt when it last changed
   */
  public FlowControl {
    Objects.requireNonNull(target, "target");
    Objects.requireNonNull(updatedAt, "updatedAt");
  }

  /**
   * Returns the concurrency limit workers obey: the live one, else the declared one.
   *
   * @return the limit, or null for none
   */
  public @Nullable Integer effectiveConcurrency() {
    return concurrency != null ? concurrency : declaredConcurrency;
  }

  /**
   * Returns the rate limit workers obey: the live one, else the declared one.
   *
   * @return the limit, or null for none
   */
  public @Nullable RateLimit effectiveRate() {
    return rate != null ? rate : declaredRate;
  }
}
