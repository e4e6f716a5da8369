package dev.procrastinate;

import java.lang.annotation.Documented;
import java.lang.annotation.Retention;
import java.lang.annotation.RetentionPolicy;
import java.lang.annotation.Target;

/**
 * The retry policy of a {@link Task}, with the semantics of Python Procrastinate's {@code
 * RetryStrategy}: after a failed run number {@code attempts} (counting from 0), the job is retried
 * unless {@code attempts >= maxAttempts} or the exception is not one of {@link #retryOn()}, after
 * {@code fixedWait + linearWait * attempts + exponentialWait ^ (attempts + 1)} seconds.
 *
 * <p>The default, {@code @Retry}, means no retry. {@code @Retry(maxAttempts = Retry.FOREVER)}
 * retries without limit. See {@link RetryStrategy}, which the generated registrar builds from this
 * annotation.
 */
@Documented
@Retention(RetentionPolicy.CLASS)
@Target({})
public @interface Retry {
  /** The value of {@link #maxAttempts()} that means "retry without limit". */
  int FOREVER = -1;

  /**
   * The number of retries: a job runs at most {@code maxAttempts + 1} times. Left out, it is 0: no
   * retry; {@link #FOREVER} means no limit. Writing {@code maxAttempts = 0} is a compile error,
   * because Python Procrastinate reads {@code max_attempts=0} as "retry without limit": leave
   * {@code retry} out for no retry.
   *
   * @return the number of retries, 0 or {@link #FOREVER}
   */
  int maxAttempts() default 0;

  /**
   * A constant delay before each retry, in seconds (Python's {@code wait}).
   *
   * @return seconds, at least 0
   */
  long fixedWait() default 0;

  /**
   * A delay that grows linearly, in seconds per attempt already made (Python's {@code
   * linear_wait}).
   *
   * @return seconds, at least 0
   */
  long linearWait() default 0;

  /**
   * The base of a delay that grows exponentially: {@code exponentialWait ^ (attempts + 1)} seconds,
   * e.g. 5 gives 5, 25, 125 seconds (Python's {@code exponential_wait}).
   *
   * @return the base, at least 0; 0 adds nothing
   */
  long exponentialWait() default 0;

  /**
   * The exception types that are retried; any other exception fails the job at once. Empty means
   * every exception.
   *
   * @return the retried exception types
   */
  Class<? extends Throwable>[] retryOn() default {};
}
