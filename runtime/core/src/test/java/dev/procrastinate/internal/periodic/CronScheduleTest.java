package dev.procrastinate.internal.periodic;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.procrastinate.spi.rules.CronSyntax;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;

/** Cron ticks as croniter computes them: 5 fields, or 6 with seconds last, in UTC. */
class CronScheduleTest {
  private static List<String> ticks(String cron, String after, int count) {
    CronSchedule schedule = CronSchedule.parse(cron);
    List<String> ticks = new ArrayList<>();
    Instant at = Instant.parse(after);
    for (int i = 0; i < count; i++) {
      at = schedule.next(at).orElseThrow();
      ticks.add(at.toString());
    }
    return ticks;
  }

  // RuleExamples holds the lists the processor's RuntimeAgreementTest judges too: the runtime and
  // the
  // compile-time check accept and reject the same expressions.
  @ParameterizedTest
  @MethodSource("dev.procrastinate.spi.rules.RuleExamples#validCron")
  void acceptsWhatTheProcessorAccepts(String cron) {
    assertThat(CronSchedule.problem(cron)).isNull();
    assertThat(CronSchedule.parse(cron).next(Instant.parse("2026-01-01T00:00:00Z"))).isPresent();
  }

  @ParameterizedTest
  @MethodSource("dev.procrastinate.spi.rules.RuleExamples#invalidCron")
  void rejectsWhatTheProcessorRejects(String cron) {
    assertThat(CronSchedule.problem(cron)).isNotNull();
    assertThatThrownBy(() -> CronSchedule.parse(cron))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessage("invalid cron expression '" + cron + "': " + CronSyntax.problem(cron));
  }

  @Test
  void fiveFieldsTickOnWholeMinutesInUtc() {
    assertThat(ticks("*/15 * * * *", "2026-03-01T10:07:30Z", 3))
        .containsExactly("2026-03-01T10:15:00Z", "2026-03-01T10:30:00Z", "2026-03-01T10:45:00Z");
    assertThat(ticks("0 3 * * *", "2026-03-01T03:00:00Z", 2))
        .containsExactly("2026-03-02T03:00:00Z", "2026-03-03T03:00:00Z");
  }

  @Test
  void aSixthFieldIsSecondsLast() {
    assertThat(ticks("0 4 * * * 30", "2026-03-01T00:00:00Z", 2))
        .containsExactly("2026-03-01T04:00:30Z", "2026-03-02T04:00:30Z");
    assertThat(ticks("* * * * * *", "2026-03-01T00:00:00.400Z", 3))
        .containsExactly("2026-03-01T00:00:01Z", "2026-03-01T00:00:02Z", "2026-03-01T00:00:03Z");
    // issue #1472's example: every 10 s from 08:00 to 17:59 on weekdays (2026-03-06 is a Friday).
    assertThat(ticks("* 8-17 * * 1-5 */10", "2026-03-06T17:59:45Z", 2))
        .containsExactly("2026-03-06T17:59:50Z", "2026-03-09T08:00:00Z");
  }

  @Test
  void macrosAndSundayAsZeroOrSeven() {
    assertThat(ticks("@daily", "2026-03-01T12:00:00Z", 1)).containsExactly("2026-03-02T00:00:00Z");
    assertThat(ticks("@hourly", "2026-03-01T12:00:00Z", 1)).containsExactly("2026-03-01T13:00:00Z");
    // 2026-03-01 is a Sunday.
    assertThat(ticks("@weekly", "2026-02-27T00:00:00Z", 1)).containsExactly("2026-03-01T00:00:00Z");
    assertThat(ticks("0 0 * * 7", "2026-02-27T00:00:00Z", 1))
        .containsExactly("2026-03-01T00:00:00Z");
    assertThat(ticks("@monthly", "2026-03-01T00:00:00Z", 1))
        .containsExactly("2026-04-01T00:00:00Z");
  }

  @Test
  void dayOfMonthOrDayOfWeekWhenBothAreRestricted() {
    // croniter (day_or=True): the 13th, or any Friday. 2026-02-06 and 2026-02-13 are Fridays.
    assertThat(ticks("0 0 13 * 5", "2026-02-01T00:00:00Z", 4))
        .containsExactly(
            "2026-02-06T00:00:00Z",
            "2026-02-13T00:00:00Z",
            "2026-02-20T00:00:00Z",
            "2026-02-27T00:00:00Z");
    assertThat(ticks("0 0 13 * 5", "2026-03-07T00:00:00Z", 2))
        .containsExactly("2026-03-13T00:00:00Z", "2026-03-20T00:00:00Z");
    assertThat(ticks("0 0 15 * 1", "2026-03-10T00:00:00Z", 2))
        .containsExactly("2026-03-15T00:00:00Z", "2026-03-16T00:00:00Z");
  }

  @Test
  void nextIsStrictlyAfterAndLatestIsAtOrBefore() {
    CronSchedule minutely = CronSchedule.parse("* * * * *");
    Instant onTick = Instant.parse("2026-03-01T10:07:00Z");
    assertThat(minutely.next(onTick)).contains(Instant.parse("2026-03-01T10:08:00Z"));
    assertThat(minutely.latestAtOrBefore(onTick)).contains(onTick);
    assertThat(minutely.latestAtOrBefore(Instant.parse("2026-03-01T10:07:59.999Z")))
        .contains(onTick);
    CronSchedule friday13 = CronSchedule.parse("0 0 13 * 5");
    assertThat(friday13.latestAtOrBefore(Instant.parse("2026-03-14T00:00:00Z")))
        .contains(Instant.parse("2026-03-13T00:00:00Z"));
    assertThat(friday13.latestAtOrBefore(Instant.parse("2026-03-12T00:00:00Z")))
        .contains(Instant.parse("2026-03-06T00:00:00Z"));
  }
}
