package dev.procrastinate;

import java.time.Duration;
import java.time.Instant;
import java.util.Objects;
import java.util.Optional;
import java.util.OptionalInt;
import org.jspecify.annotations.Nullable;

/**
 * A decision to retry a failed job: when, and optionally in which queue, with which priority and
 * lock, as Python Procrastinate's {@code RetryDecision}. Immutable and thread-safe.
 */
public final class RetryDecision {
  private final @Nullable Instant retryAt;
  private final @Nullable Duration retryIn;
  private final @Nullable Integer priority;
  private final @Nullable String queue;
  private final @Nullable String lock;

  private RetryDecision(
      @Nullable Instant retryAt,
      @Nullable Duration retryIn,
      @Nullable Integer priority,
      @Nullable String queue,
      @Nullable String lock) {
    this.retryAt = retryAt;
    this.retryIn = retryIn;
    this.priority = priority;
    this.queue = queue;
    this.lock = lock;
  }

  /**
   * Retries at an instant.
   *
   * @param instant when the job may run again
   * @return the decision
   */
  public static RetryDecision retryAt(Instant instant) {
    return new RetryDecision(Objects.requireNonNull(instant, "instant"), null, null, null, null);
  }

  /**
   * Retries after a delay from the moment the failure is recorded.
   *
   * @param delay a non-negative delay
   * @return the decision
   * @throws IllegalArgumentException if the delay is negative
   */
  public static RetryDecision retryIn(Duration delay) {
    Objects.requireNonNull(delay, "delay");
    if (delay.isNegative()) {
      throw new IllegalArgumentException("retry delay is negative: " + delay);
    }
    return new RetryDecision(null, delay, null, null, null);
  }

  /**
   * Returns a copy that also moves the job to another priority.
   *
   * @param newPriority the priority of the retried job
   * @return a new decision
   */
  public RetryDecision withPriority(int newPriority) {
    return new RetryDecision(retryAt, retryIn, newPriority, queue, lock);
  }

  /**
   * Returns a copy that also moves the job to another queue.
   *
   * @param newQueue the queue of the retried job
   * @return a new decision
   */
  public RetryDecision withQueue(String newQueue) {
    NewJob.validateQueueName(Objects.requireNonNull(newQueue, "newQueue"));
    return new RetryDecision(retryAt, retryIn, priority, newQueue, lock);
  }

  /**
   * Returns a copy that also gives the job another lock.
   *
   * @param newLock the lock of the retried job
   * @return a new decision
   */
  public RetryDecision withLock(String newLock) {
    return new RetryDecision(
        retryAt, retryIn, priority, queue, Objects.requireNonNull(newLock, "newLock"));
  }

  /**
   * Returns the instant of the retry, if the decision names one.
   *
   * @return the instant, or empty when the decision is a delay
   */
  public Optional<Instant> retryAt() {
    return Optional.ofNullable(retryAt);
  }

  /**
   * Returns the delay before the retry, if the decision names one.
   *
   * @return the delay, or empty when the decision is an instant
   */
  public Optional<Duration> retryIn() {
    return Optional.ofNullable(retryIn);
  }

  /**
   * Resolves the instant of the retry.
   *
   * @param now the moment the failure is recorded
   * @return {@link #retryAt()}, or {@code now} plus {@link #retryIn()}
   */
  public Instant scheduledAt(Instant now) {
    return retryAt != null ? retryAt : now.plus(Objects.requireNonNull(retryIn));
  }

  /**
   * Returns the new priority.
   *
   * @return the priority, or empty to keep the job's own
   */
  public OptionalInt priority() {
    return priority == null ? OptionalInt.empty() : OptionalInt.of(priority);
  }

  /**
   * Returns the new queue.
   *
   * @return the queue, or empty to keep the job's own
   */
  public Optional<String> queue() {
    return Optional.ofNullable(queue);
  }

  /**
   * Returns the new lock.
   *
   * @return the lock, or empty to keep the job's own
   */
  public Optional<String> lock() {
    return Optional.ofNullable(lock);
  }

  @Override
  public boolean equals(@Nullable Object o) {
    return o instanceof RetryDecision other
        && Objects.equals(retryAt, other.retryAt)
        && Objects.equals(retryIn, other.retryIn)
        && Objects.equals(priority, other.priority)
        && Objects.equals(queue, other.queue)
        && Objects.equals(lock, other.lock);
  }

  @Override
  public int hashCode() {
    return Objects.hash(retryAt, retryIn, priority, queue, lock);
  }

  @Override
  public String toString() {
    return "RetryDecision["
        + (retryAt != null ? "retryAt=" + retryAt : "retryIn=" + retryIn)
        + (priority == null ? "" : ", priority=" + priority)
        + (queue == null ? "" : ", queue=" + queue)
        + (lock == null ? "" : ", lock=" + lock)
        + "]";
  }
}
