package dev.procrastinate;

import dev.procrastinate.model.ProcrastinateJob;
import java.time.Duration;
import java.util.Arrays;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Objects;
import java.util.OptionalInt;
import java.util.Set;
import org.jspecify.annotations.Nullable;

/**
 * When and how a failed job is retried, with the semantics of Python Procrastinate's {@code
 * RetryStrategy} (reference §3.5). Immutable and thread-safe; build one with {@link #builder()}.
 *
 * <p>After a run that failed with exception {@code e}, where {@code attempts} is the number of runs
 * that finished before it (0 after the first run), {@link #decide(Throwable, int)}:
 *
 * <ol>
 *   <li>does not retry when {@code attempts >= maxAttempts};
 *   <li>does not retry when retried exception types are set and {@code e} is an instance of none;
 *   <li>otherwise retries after {@code fixedWait + linearWait * attempts + exponentialWait ^
 *       (attempts + 1)} seconds; an {@code exponentialWait} of 0 adds nothing.
 * </ol>
 */
public final class RetryStrategy implements RetryPolicy {
  /** The longest delay a decision asks for; longer computed delays are cut to it. */
  public static final Duration MAX_DELAY = Duration.ofDays(36_500);

  private static final RetryStrategy NONE = builder().maxAttempts(0).build();

  private final int maxAttempts;
  private final long fixedWaitSeconds;
  private final long linearWaitSeconds;
  private final long exponentialWait;
  private final List<Class<? extends Throwable>> retryOn;

  private RetryStrategy(Builder builder) {
    this.maxAttempts = builder.maxAttempts;
    this.fixedWaitSeconds = builder.fixedWaitSeconds;
    this.linearWaitSeconds = builder.linearWaitSeconds;
    this.exponentialWait = builder.exponentialWait;
    this.retryOn = List.copyOf(builder.retryOn);
  }

  /**
   * Returns the strategy that never retries.
   *
   * @return a strategy with {@code maxAttempts} 0
   */
  public static RetryStrategy none() {
    return NONE;
  }

  /**
   * Starts a strategy that retries forever, at once, on every exception; set a limit with {@link
   * Builder#maxAttempts(int)}.
   *
   * @return a new builder
   */
  public static Builder builder() {
    return new Builder();
  }

  /**
   * Returns the number of retries, or empty when retries are unlimited.
   *
   * @return the limit on {@code attempts}
   */
  public OptionalInt maxAttempts() {
    return maxAttempts < 0 ? OptionalInt.empty() : OptionalInt.of(maxAttempts);
  }

  /**
   * Returns the constant part of the delay.
   *
   * @return seconds
   */
  public long fixedWaitSeconds() {
    return fixedWaitSeconds;
  }

  /**
   * Returns the part of the delay that is multiplied by the attempts already made.
   *
   * @return seconds per attempt
   */
  public long linearWaitSeconds() {
    return linearWaitSeconds;
  }

  /**
   * Returns the base of the exponential part of the delay.
   *
   * @return the base; 0 when there is no exponential part
   */
  public long exponentialWait() {
    return exponentialWait;
  }

  /**
   * Returns the retried exception types.
   *
   * @return the types; empty means every exception
   */
  public List<Class<? extends Throwable>> retryOn() {
    return retryOn;
  }

  /**
   * Decides whether a failed job is retried, and when, from its attempts.
   *
   * @param exception what the run threw
   * @param job the job; its {@code attempts} is the number of runs that finished before this one
   * @return the decision to retry, or null to fail the job
   */
  @Override
  public @Nullable RetryDecision decide(Throwable exception, ProcrastinateJob job) {
    return decide(exception, job.attempts());
  }

  /**
   * Decides whether a failed run is retried, and when.
   *
   * @param exception what the run threw
   * @param attempts the number of runs of the job that finished before the failed one
   * @return the decision to retry, or null to fail the job
   */
  public @Nullable RetryDecision decide(Throwable exception, int attempts) {
    Objects.requireNonNull(exception, "exception");
    if (attempts < 0) {
      throw new IllegalArgumentException("attempts is negative: " + attempts);
    }
    if (maxAttempts >= 0 && attempts >= maxAttempts) {
      return null;
    }
    if (!retryOn.isEmpty() && retryOn.stream().noneMatch(type -> type.isInstance(exception))) {
      return null;
    }
    return RetryDecision.retryIn(delay(attempts));
  }

  /**
   * Computes the delay before the retry that follows run number {@code attempts}, ignoring the
   * limit and the exception types.
   *
   * @param attempts the number of runs that finished before the failed one
   * @return the delay, at most {@link #MAX_DELAY}
   */
  public Duration delay(int attempts) {
    long max = MAX_DELAY.getSeconds();
    long seconds = saturatedAdd(fixedWaitSeconds, saturatedMultiply(linearWaitSeconds, attempts));
    if (exponentialWait != 0) {
      seconds = saturatedAdd(seconds, saturatedPower(exponentialWait, attempts + 1L));
    }
    return Duration.ofSeconds(Math.min(seconds, max));
  }

  private static long saturatedAdd(long a, long b) {
    long sum = a + b;
    return ((a ^ sum) & (b ^ sum)) < 0 ? Long.MAX_VALUE : sum;
  }

  private static long saturatedMultiply(long a, long b) {
    try {
      return Math.multiplyExact(a, b);
    } catch (ArithmeticException e) {
      return Long.MAX_VALUE;
    }
  }

  private static long saturatedPower(long base, long exponent) {
    long result = 1;
    for (long i = 0; i < exponent; i++) {
      result = saturatedMultiply(result, base);
      if (result == Long.MAX_VALUE || base == 1) {
        return result;
      }
    }
    return result;
  }

  /**
   * Returns a builder holding this strategy's values.
   *
   * @return a new builder
   */
  public Builder toBuilder() {
    Builder builder = new Builder();
    builder.maxAttempts = maxAttempts;
    builder.fixedWaitSeconds = fixedWaitSeconds;
    builder.linearWaitSeconds = linearWaitSeconds;
    builder.exponentialWait = exponentialWait;
    builder.retryOn.addAll(retryOn);
    return builder;
  }

  @Override
  public boolean equals(@Nullable Object o) {
    return o instanceof RetryStrategy other
        && maxAttempts == other.maxAttempts
        && fixedWaitSeconds == other.fixedWaitSeconds
        && linearWaitSeconds == other.linearWaitSeconds
        && exponentialWait == other.exponentialWait
        && retryOn.equals(other.retryOn);
  }

  @Override
  public int hashCode() {
    return Objects.hash(maxAttempts, fixedWaitSeconds, linearWaitSeconds, exponentialWait, retryOn);
  }

  @Override
  public String toString() {
    return "RetryStrategy[maxAttempts="
        + (maxAttempts < 0 ? "forever" : String.valueOf(maxAttempts))
        + ", fixedWait="
        + fixedWaitSeconds
        + "s, linearWait="
        + linearWaitSeconds
        + "s, exponentialWait="
        + exponentialWait
        + (retryOn.isEmpty() ? "" : ", retryOn=" + retryOn)
        + "]";
  }

  /** Builds a {@link RetryStrategy}. Not thread-safe; every setter returns this builder. */
  public static final class Builder {
    private int maxAttempts = -1;
    private long fixedWaitSeconds;
    private long linearWaitSeconds;
    private long exponentialWait;
    private final Set<Class<? extends Throwable>> retryOn = new LinkedHashSet<>();

    private Builder() {}

    /**
     * Limits the number of retries: a job runs at most {@code maxAttempts + 1} times.
     *
     * @param maxAttempts the number of retries, 0 for none
     * @return this builder
     * @throws IllegalArgumentException if {@code maxAttempts} is negative
     */
    public Builder maxAttempts(int maxAttempts) {
      if (maxAttempts < 0) {
        throw new IllegalArgumentException(
            "maxAttempts is " + maxAttempts + "; use 0 for no retry or forever() for no limit");
      }
      this.maxAttempts = maxAttempts;
      return this;
    }

    /**
     * Removes the limit on retries (the default).
     *
     * @return this builder
     */
    public Builder forever() {
      this.maxAttempts = -1;
      return this;
    }

    /**
     * Sets the constant part of the delay (Python's {@code wait}).
     *
     * @param seconds at least 0
     * @return this builder
     * @throws IllegalArgumentException if {@code seconds} is negative
     */
    public Builder fixedWait(long seconds) {
      this.fixedWaitSeconds = nonNegative(seconds, "fixedWait");
      return this;
    }

    /**
     * Sets the part of the delay multiplied by the attempts already made (Python's {@code
     * linear_wait}).
     *
     * @param seconds at least 0
     * @return this builder
     * @throws IllegalArgumentException if {@code seconds} is negative
     */
    public Builder linearWait(long seconds) {
      this.linearWaitSeconds = nonNegative(seconds, "linearWait");
      return this;
    }

    /**
     * Sets the base of the exponential part of the delay, {@code base ^ (attempts + 1)} seconds
     * (Python's {@code exponential_wait}).
     *
     * @param base at least 0; 0 adds nothing
     * @return this builder
     * @throws IllegalArgumentException if {@code base} is negative
     */
    public Builder exponentialWait(long base) {
      this.exponentialWait = nonNegative(base, "exponentialWait");
      return this;
    }

    /**
     * Adds exception types that are retried; once any is set, other exceptions are not retried.
     *
     * @param types exception types
     * @return this builder
     */
    @SafeVarargs
    @SuppressWarnings("varargs")
    public final Builder retryOn(Class<? extends Throwable>... types) {
      Arrays.stream(types).map(type -> Objects.requireNonNull(type, "type")).forEach(retryOn::add);
      return this;
    }

    /**
     * Builds the strategy.
     *
     * @return the strategy
     */
    public RetryStrategy build() {
      return new RetryStrategy(this);
    }

    private static long nonNegative(long value, String name) {
      if (value < 0) {
        throw new IllegalArgumentException(name + " is negative: " + value + "; use 0 or more");
      }
      return value;
    }
  }
}
