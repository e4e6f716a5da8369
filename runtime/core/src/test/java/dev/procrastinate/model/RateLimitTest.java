package dev.procrastinate.model;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.procrastinate.spi.TaskDescriptor;
import dev.procrastinate.spi.TaskHandler;
import java.time.Duration;
import java.util.OptionalInt;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;
import org.junit.jupiter.params.provider.ValueSource;

/**
 * {@link RateLimit}: the {@code N/PERIOD} texts it reads and refuses, the interval between starts,
 * and its text form; and the flow control limits a {@link TaskDescriptor} carries, as a generated
 * registrar declares them from {@code @Task(concurrencyLimit, rateLimit)}.
 */
class RateLimitTest {
  private static final TaskHandler HANDLER = (context, args) -> null;

  @ParameterizedTest
  @CsvSource(
      delimiter = '|',
      value = {
        "50/1s          | 50  | PT1S",
        "50/s           | 50  | PT1S",
        "50/1           | 50  | PT1S",
        "100/60         | 100 | PT1M",
        "100/m          | 100 | PT1M",
        "5/500ms        | 5   | PT0.5S",
        "1/h            | 1   | PT1H",
        "3/1.5h         | 3   | PT1H30M",
        "7/0.25         | 7   | PT0.25S",
        "1/1ms          | 1   | PT0.001S",
        "1/0.001        | 1   | PT0.001S",
        "1/1.000000001s | 1   | PT1.000000001S",
        "007/s          | 7   | PT1S",
        "2147483647/h   | 2147483647 | PT1H"
      })
  void readsTheWrittenForms(String text, int permits, Duration period) {
    assertThat(RateLimit.parse(text)).isEqualTo(new RateLimit(permits, period));
  }

  @Test
  void readsAroundBlanks() {
    assertThat(RateLimit.parse(" 20 / 2 m ")).isEqualTo(new RateLimit(20, Duration.ofMinutes(2)));
  }

  @ParameterizedTest
  @ValueSource(
      strings = {
        "",
        " ",
        "50",
        "x/s",
        "50/1w",
        "50/",
        "/s",
        "s",
        "-1/s",
        "50/-1s",
        "50/1.s",
        "50/.5s",
        "50/1e3",
        "50/1S",
        "50/1 sec",
        "50 per second",
        "50/1s/2"
      })
  void refusesTextThatDoesNotReadAndShowsTheForm(String text) {
    assertThatThrownBy(() -> RateLimit.parse(text))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessageContaining("rate limit '" + text + "' does not read")
        .hasMessageContaining("write N/PERIOD")
        .hasMessageContaining("50/1s")
        .hasMessageContaining("5/500ms");
  }

  @ParameterizedTest
  @CsvSource(
      delimiter = '|',
      value = {
        "0/s             | at least 1 start",
        "50/0s           | at least 1 ms",
        "50/0            | at least 1 ms",
        "5/0.5ms         | at least 1 ms",
        "1/0.0009        | at least 1 ms",
        "2147483648/s    | too many starts",
        "1/1.0000000001s | not a whole number of nanoseconds",
        "1/2562048h      | not a whole number of nanoseconds"
      })
  void refusesLimitsOutOfRange(String text, String why) {
    assertThatThrownBy(() -> RateLimit.parse(text))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessageStartingWith("rate limit '" + text + "'")
        .hasMessageContaining(why);
  }

  @Test
  void constructorChecksPermitsAndPeriod() {
    assertThatThrownBy(() -> new RateLimit(0, Duration.ofSeconds(1)))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessageContaining("at least 1 start, not 0");
    assertThatThrownBy(() -> new RateLimit(-3, Duration.ofSeconds(1)))
        .isInstanceOf(IllegalArgumentException.class);
    assertThatThrownBy(() -> new RateLimit(1, Duration.ofNanos(999_999)))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessageContaining("at least 1 ms");
    assertThatThrownBy(() -> new RateLimit(1, null)).isInstanceOf(IllegalArgumentException.class);
    assertThat(new RateLimit(1, Duration.ofMillis(1)).period()).isEqualTo(Duration.ofMillis(1));
  }

  @ParameterizedTest
  @CsvSource(
      delimiter = '|',
      value = {
        "50/1s          | 20000",
        "3/1s           | 333334",
        "5/500ms        | 100000",
        "100/m          | 600000",
        "7/1ms          | 143",
        "2000/1ms       | 1",
        "1/1.000000001s | 1000001",
        "1/h            | 3600000000"
      })
  void intervalIsThePeriodOverThePermitsRoundedUpToTheMicrosecond(String text, long micros) {
    RateLimit limit = RateLimit.parse(text);
    assertThat(limit.interval()).isEqualTo(Duration.ofNanos(micros * 1_000));
    // No window of one period holds a start too many.
    assertThat(limit.interval().multipliedBy(limit.permits()))
        .isGreaterThanOrEqualTo(limit.period());
  }

  @ParameterizedTest
  @CsvSource(
      delimiter = '|',
      value = {
        "50/1s          | 50/1s",
        "50/s           | 50/1s",
        "50/1           | 50/1s",
        "100/60         | 100/1m",
        "100/m          | 100/1m",
        "5/500ms        | 5/500ms",
        "5/1000ms       | 5/1s",
        "3/1.5h         | 3/90m",
        "2/7200         | 2/2h",
        "1/1.5ms        | 1/0.0015s",
        "1/1.000000001s | 1/1.000000001s"
      })
  void toStringWritesTheLargestWholeUnitAndReadsBack(String text, String written) {
    RateLimit limit = RateLimit.parse(text);
    assertThat(limit).hasToString(written);
    assertThat(RateLimit.parse(limit.toString())).isEqualTo(limit);
  }

  @Test
  void taskDescriptorDeclaresNoLimitByDefault() {
    TaskDescriptor task = TaskDescriptor.builder("t").build(HANDLER);
    assertThat(task.concurrencyLimit()).isEmpty();
    assertThat(task.rateLimit()).isEmpty();
  }

  @Test
  void taskDescriptorCarriesTheDeclaredLimits() {
    TaskDescriptor task =
        TaskDescriptor.builder("t")
            .concurrencyLimit(3)
            .rateLimit(RateLimit.parse("50/1s"))
            .build(HANDLER);
    assertThat(task.concurrencyLimit()).isEqualTo(OptionalInt.of(3));
    assertThat(task.rateLimit()).contains(new RateLimit(50, Duration.ofSeconds(1)));
  }

  @Test
  void taskDescriptorRateLimitOfNullDeclaresNone() {
    TaskDescriptor task =
        TaskDescriptor.builder("t")
            .rateLimit(RateLimit.parse("1/s"))
            .rateLimit(null)
            .build(HANDLER);
    assertThat(task.rateLimit()).isEmpty();
  }

  @ParameterizedTest
  @ValueSource(ints = {0, -1, Integer.MIN_VALUE})
  void taskDescriptorRefusesAConcurrencyLimitBelowOneNamingTheTask(int limit) {
    TaskDescriptor.Builder builder = TaskDescriptor.builder("myapp.tasks.call_api");
    assertThatThrownBy(() -> builder.concurrencyLimit(limit))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessageContaining("task myapp.tasks.call_api")
        .hasMessageContaining("not " + limit);
  }
}
