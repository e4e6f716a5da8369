package dev.procrastinate.processor.model;

import com.palantir.javapoet.TypeName;
import java.util.List;

/**
 * A validated {@code @Retry}.
 *
 * @param maxAttempts the number of retries, 0 for none, -1 for no limit
 * @param fixedWait seconds
 * @param linearWait seconds per attempt
 * @param exponentialWait the base of the exponential part
 * @param retryOn the retried exception types, empty for all
 */
public record RetryModel(
    int maxAttempts,
    long fixedWait,
    long linearWait,
    long exponentialWait,
    List<TypeName> retryOn) {

  /** Whether failed jobs are retried at all. */
  public boolean retries() {
    return maxAttempts != 0;
  }
}
