package dev.procrastinate.spi.rules;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;

/** Cron expressions as croniter reads them: 5 fields, or 6 with seconds last. */
class CronSyntaxTest {
  @ParameterizedTest
  @MethodSource("dev.procrastinate.spi.rules.RuleExamples#validCron")
  void acceptsCroniterSyntax(String cron) {
    assertThat(CronSyntax.problem(cron)).isNull();
    assertThat(CronSyntax.secondsFirst(cron)).hasSize(6);
  }

  @ParameterizedTest
  @MethodSource("dev.procrastinate.spi.rules.RuleExamples#invalidCron")
  void rejectsWhatCroniterRejects(String cron) {
    String problem = CronSyntax.problem(cron);
    assertThat(problem).isNotBlank();
    assertThatThrownBy(() -> CronSyntax.secondsFirst(cron))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessage(problem);
  }

  @Test
  void secondsMoveFromLastToFirst() {
    assertThat(CronSyntax.secondsFirst("0 4 * * * 30"))
        .containsExactly("30", "0", "4", "*", "*", "*");
    assertThat(CronSyntax.secondsFirst("0 9 * * mon-fri"))
        .containsExactly("0", "0", "9", "*", "*", "MON-FRI");
    assertThat(CronSyntax.secondsFirst("@hourly")).containsExactly("0", "0", "*", "*", "*", "*");
    assertThat(CronSyntax.secondsFirst("0 0 13 * 5").get(CronSyntax.DAY_OF_MONTH)).isEqualTo("13");
    assertThat(CronSyntax.secondsFirst("0 0 13 * 5").get(CronSyntax.DAY_OF_WEEK)).isEqualTo("5");
  }

  @Test
  void problemsSayWhatIsWrong() {
    assertThat(CronSyntax.problem(" ")).isEqualTo("it is empty");
    assertThat(CronSyntax.problem("* * * *"))
        .isEqualTo("it has 4 fields where 5 or 6 are expected");
    assertThat(CronSyntax.problem("@every 5m")).startsWith("unknown macro @every 5m; use one of [");
    assertThat(CronSyntax.problem("61 * * * *")).isNotBlank();
  }
}
