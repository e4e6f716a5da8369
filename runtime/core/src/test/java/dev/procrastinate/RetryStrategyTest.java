package dev.procrastinate;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.time.Duration;
import java.time.Instant;
import java.util.OptionalInt;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

/** The retry maths of Python Procrastinate's {@code RetryStrategy} (reference §3.5). */
class RetryStrategyTest {
  private static final RuntimeException FAILURE = new IllegalStateException("boom");

  @Test
  void noneNeverRetries() {
    assertThat(RetryStrategy.none().decide(FAILURE, 0)).isNull();
    assertThat(RetryStrategy.none().maxAttempts()).isEqualTo(OptionalInt.of(0));
  }

  @Test
  void theDefaultBuilderRetriesForeverAtOnce() {
    RetryStrategy forever = RetryStrategy.builder().build();
    assertThat(forever.maxAttempts()).isEmpty();
    assertThat(forever.decide(FAILURE, 0)).isEqualTo(RetryDecision.retryIn(Duration.ZERO));
    assertThat(forever.decide(FAILURE, 1_000_000)).isEqualTo(RetryDecision.retryIn(Duration.ZERO));
  }

  @Test
  void noRetryOnceAttemptsReachMaxAttempts() {
    RetryStrategy three = RetryStrategy.builder().maxAttempts(3).build();
    assertThat(three.decide(FAILURE, 0)).isNotNull();
    assertThat(three.decide(FAILURE, 2)).isNotNull();
    assertThat(three.decide(FAILURE, 3)).isNull();
    assertThat(three.decide(FAILURE, 4)).isNull();
  }

  @Test
  void retryOnLimitsTheExceptionTypesBySubclass() {
    RetryStrategy io = RetryStrategy.builder().maxAttempts(5).retryOn(IOException.class).build();
    assertThat(io.decide(new IOException("net"), 0)).isNotNull();
    assertThat(io.decide(new java.net.SocketException("reset"), 0)).isNotNull();
    assertThat(io.decide(new UncheckedIOException(new IOException()), 0)).isNull();
    assertThat(io.decide(FAILURE, 0)).isNull();
  }

  @ParameterizedTest(name = "wait={0} linear={1} exponential={2} attempts={3} -> {4}s")
  @CsvSource({
    // wait + linear_wait * attempts + exponential_wait ** (attempts + 1)
    "0, 0, 0, 0, 0",
    "10, 0, 0, 7, 10",
    "0, 3, 0, 0, 0",
    "0, 3, 0, 4, 12",
    "0, 0, 5, 0, 5",
    "0, 0, 5, 1, 25",
    "0, 0, 5, 2, 125",
    "0, 0, 1, 9, 1",
    "0, 0, 2, 9, 1024",
    "2, 3, 2, 3, 27",
    "1, 1, 0, 100, 101"
  })
  void delayIsWaitPlusLinearPlusExponential(
      long wait, long linear, long exponential, int attempts, long seconds) {
    RetryStrategy strategy =
        RetryStrategy.builder()
            .fixedWait(wait)
            .linearWait(linear)
            .exponentialWait(exponential)
            .build();
    RetryDecision decision = strategy.decide(FAILURE, attempts);
    assertThat(decision).isNotNull();
    assertThat(decision.retryIn()).contains(Duration.ofSeconds(seconds));
    assertThat(decision.retryAt()).isEmpty();
    assertThat(decision.scheduledAt(Instant.EPOCH)).isEqualTo(Instant.ofEpochSecond(seconds));
  }

  @Test
  void hugeDelaysAreCutToTheMaximum() {
    RetryStrategy strategy = RetryStrategy.builder().exponentialWait(10).build();
    assertThat(strategy.delay(100)).isEqualTo(RetryStrategy.MAX_DELAY);
    assertThat(RetryStrategy.builder().linearWait(Long.MAX_VALUE).build().delay(2))
        .isEqualTo(RetryStrategy.MAX_DELAY);
  }

  @Test
  void invalidValuesAreRejected() {
    assertThatThrownBy(() -> RetryStrategy.builder().maxAttempts(-1))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessageContaining("forever()");
    assertThatThrownBy(() -> RetryStrategy.builder().fixedWait(-1))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessageContaining("fixedWait");
    assertThatThrownBy(() -> RetryStrategy.builder().linearWait(-1))
        .isInstanceOf(IllegalArgumentException.class);
    assertThatThrownBy(() -> RetryStrategy.builder().exponentialWait(-2))
        .isInstanceOf(IllegalArgumentException.class);
    assertThatThrownBy(() -> RetryStrategy.none().decide(FAILURE, -1))
        .isInstanceOf(IllegalArgumentException.class);
  }

  @Test
  void decisionsCanMoveTheJob() {
    Instant at = Instant.parse("2030-01-01T00:00:00Z");
    RetryDecision decision =
        RetryDecision.retryAt(at).withPriority(3).withQueue("slow").withLock("l");
    assertThat(decision.retryAt()).contains(at);
    assertThat(decision.scheduledAt(Instant.EPOCH)).isEqualTo(at);
    assertThat(decision.priority()).hasValue(3);
    assertThat(decision.queue()).contains("slow");
    assertThat(decision.lock()).contains("l");
    assertThatThrownBy(() -> RetryDecision.retryIn(Duration.ofSeconds(-1)))
        .isInstanceOf(IllegalArgumentException.class);
    assertThatThrownBy(() -> decision.withQueue("q".repeat(41)))
        .isInstanceOf(IllegalArgumentException.class);
  }

  @Test
  void toBuilderKeepsEveryValue() {
    RetryStrategy strategy =
        RetryStrategy.builder()
            .maxAttempts(4)
            .fixedWait(1)
            .linearWait(2)
            .exponentialWait(3)
            .retryOn(IOException.class)
            .build();
    assertThat(strategy.toBuilder().build()).isEqualTo(strategy).hasSameHashCodeAs(strategy);
    assertThat(strategy.toBuilder().forever().build().maxAttempts()).isEmpty();
  }
}
