package dev.procrastinate.processor;

import static org.assertj.core.api.Assertions.assertThat;

import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/** Cron expressions as croniter reads them: 5 fields, or 6 with seconds last. */
class CronExpressionsTest {
  @ParameterizedTest
  @ValueSource(
      strings = {
        "* * * * *",
        "0 3 * * *",
        "*/15 * * * *",
        "0 9-17 * * 1-5",
        "0 9 * * mon-fri",
        "0 0 1 jan *",
        "0 0 1 JAN,JUL *",
        "0 0 * * 0",
        "0 0 * * 7",
        "0 0 L * *",
        "0 0 * * 5#3",
        "* * * * * *",
        "* 8-17 * * 1-5 */10",
        "0 4 * * * 30",
        "@daily",
        "@hourly",
        "@weekly",
        "@monthly",
        "@yearly",
        "@annually",
        "@midnight",
        "  0 3 * * *  "
      })
  void acceptsCroniterSyntax(String cron) {
    assertThat(CronExpressions.problem(cron)).isNull();
  }

  @ParameterizedTest
  @ValueSource(
      strings = {
        "60 * * * *",
        "* 24 * * *",
        "* * 0 * *",
        "* * * 0 *",
        "* * * * 8",
        "* * * * * 60",
        "* * * *",
        "* * * * * * *",
        "@every 5m",
        "a b c d e"
      })
  void rejectsWhatCroniterRejects(String cron) {
    assertThat(CronExpressions.problem(cron)).isNotNull();
  }
}
