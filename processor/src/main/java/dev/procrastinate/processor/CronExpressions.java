package dev.procrastinate.processor;

import com.cronutils.model.definition.CronDefinition;
import com.cronutils.model.definition.CronDefinitionBuilder;
import com.cronutils.parser.CronParser;
import java.util.Locale;
import java.util.Map;
import org.jspecify.annotations.Nullable;

/**
 * Checks cron expressions the way Python's croniter reads them, as Python Procrastinate uses it:
 * five fields (minute, hour, day of month, month, day of week, where 0 and 7 are Sunday), an
 * optional sixth field for seconds <em>last</em>, and the {@code @hourly}-style macros. The
 * expression is rearranged to seconds-first and parsed with a cron-utils definition of those
 * fields.
 */
final class CronExpressions {
  private static final Map<String, String> MACROS =
      Map.of(
          "@yearly", "0 0 1 1 *",
          "@annually", "0 0 1 1 *",
          "@monthly", "0 0 1 * *",
          "@weekly", "0 0 * * 0",
          "@daily", "0 0 * * *",
          "@midnight", "0 0 * * *",
          "@hourly", "0 * * * *");

  private static final CronDefinition DEFINITION =
      CronDefinitionBuilder.defineCron()
          .withSeconds()
          .withValidRange(0, 59)
          .and()
          .withMinutes()
          .withValidRange(0, 59)
          .and()
          .withHours()
          .withValidRange(0, 23)
          .and()
          .withDayOfMonth()
          .withValidRange(1, 31)
          .supportsL()
          .supportsQuestionMark()
          .and()
          .withMonth()
          .withValidRange(1, 12)
          .and()
          .withDayOfWeek()
          .withValidRange(0, 7)
          .withMondayDoWValue(1)
          .withIntMapping(7, 0)
          .supportsHash()
          .supportsL()
          .supportsQuestionMark()
          .and()
          .instance();

  private static final CronParser PARSER = new CronParser(DEFINITION);

  private CronExpressions() {}

  /**
   * Checks an expression.
   *
   * @param cron the expression
   * @return null if valid, otherwise what is wrong
   */
  static @Nullable String problem(String cron) {
    String trimmed = cron.trim();
    if (trimmed.isEmpty()) {
      return "it is empty";
    }
    String expanded = MACROS.getOrDefault(trimmed.toLowerCase(Locale.ROOT), trimmed);
    if (expanded.startsWith("@")) {
      return "unknown macro "
          + expanded
          + "; use one of "
          + MACROS.keySet().stream().sorted().toList();
    }
    String[] fields = expanded.split("\\s+");
    String secondsFirst;
    if (fields.length == 5) {
      secondsFirst = "0 " + String.join(" ", fields);
    } else if (fields.length == 6) {
      secondsFirst = fields[5] + " " + String.join(" ", java.util.Arrays.copyOf(fields, 5));
    } else {
      return "it has " + fields.length + " fields where 5 or 6 are expected";
    }
    try {
      PARSER.parse(secondsFirst.toUpperCase(Locale.ROOT)).validate();
      return null;
    } catch (RuntimeException e) {
      String message = e.getMessage();
      return message == null ? e.getClass().getSimpleName() : message;
    }
  }
}
