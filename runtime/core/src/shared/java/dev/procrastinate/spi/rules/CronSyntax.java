package dev.procrastinate.spi.rules;

import com.cronutils.model.Cron;
import com.cronutils.model.definition.CronDefinition;
import com.cronutils.model.definition.CronDefinitionBuilder;
import com.cronutils.parser.CronParser;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Objects;
import org.jspecify.annotations.Nullable;

/**
 * The cron syntax of {@code @Periodic}, read the way Python's croniter reads it, as Python
 * Procrastinate uses it: five fields (minute, hour, day of month, month, day of week, where 0 and 7
 * are Sunday), an optional sixth field for seconds <em>last</em>, and the {@code @hourly}-style
 * macros. The expression is rearranged to seconds first and parsed with a cron-utils definition of
 * those fields. The processor rejects at compile time exactly what the runtime's schedule rejects,
 * because both call this class. Stateless and thread-safe.
 */
public final class CronSyntax {
  private static final Map<String, String> MACROS =
      Map.of(
          "@yearly", "0 0 1 1 *",
          "@annually", "0 0 1 1 *",
          "@monthly", "0 0 1 * *",
          "@weekly", "0 0 * * 0",
          "@daily", "0 0 * * *",
          "@midnight", "0 0 * * *",
          "@hourly", "0 * * * *");

  /**
   * Seconds, minutes, hours, day of month, month, day of week: croniter's fields, seconds first.
   */
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

  /** The index of the day-of-month field in {@link #secondsFirst(String)}'s result. */
  public static final int DAY_OF_MONTH = 3;

  /** The index of the day-of-week field in {@link #secondsFirst(String)}'s result. */
  public static final int DAY_OF_WEEK = 5;

  private CronSyntax() {}

  /**
   * Checks an expression and returns its six fields, seconds first, upper-cased.
   *
   * @param cron the expression, e.g. {@code "0 3 * * *"}, {@code "* * * * * *"} or {@code "@daily"}
   * @return the fields: seconds, minutes, hours, day of month, month, day of week
   * @throws IllegalArgumentException if croniter would reject the expression; the message says why,
   *     e.g. {@code "it has 4 fields where 5 or 6 are expected"}
   */
  public static List<String> secondsFirst(String cron) {
    Objects.requireNonNull(cron, "cron");
    String trimmed = cron.trim();
    if (trimmed.isEmpty()) {
      throw new IllegalArgumentException("it is empty");
    }
    String expanded = MACROS.getOrDefault(trimmed.toLowerCase(Locale.ROOT), trimmed);
    if (expanded.startsWith("@")) {
      throw new IllegalArgumentException(
          "unknown macro "
              + expanded
              + "; use one of "
              + MACROS.keySet().stream().sorted().toList());
    }
    String[] fields = expanded.toUpperCase(Locale.ROOT).split("\\s+");
    List<String> secondsFirst = new ArrayList<>(6);
    if (fields.length == 5) {
      secondsFirst.add("0");
    } else if (fields.length == 6) {
      secondsFirst.add(fields[5]);
    } else {
      throw new IllegalArgumentException(
          "it has " + fields.length + " fields where 5 or 6 are expected");
    }
    secondsFirst.addAll(List.of(fields).subList(0, 5));
    parse(secondsFirst);
    return List.copyOf(secondsFirst);
  }

  /**
   * Parses six fields, seconds first, with croniter's ranges and names.
   *
   * @param secondsFirst the fields, as {@link #secondsFirst(String)} returns them, possibly with a
   *     field replaced
   * @return the validated cron-utils expression
   * @throws IllegalArgumentException if a field is invalid, saying which and why
   */
  public static Cron parse(List<String> secondsFirst) {
    try {
      return PARSER.parse(String.join(" ", secondsFirst)).validate();
    } catch (RuntimeException e) {
      String message = e.getMessage();
      throw new IllegalArgumentException(
          message == null ? e.getClass().getSimpleName() : message, e);
    }
  }

  /**
   * Checks an expression.
   *
   * @param cron the expression
   * @return null if it is valid, otherwise why not, e.g. {@code "it is empty"}
   */
  public static @Nullable String problem(String cron) {
    try {
      secondsFirst(cron);
      return null;
    } catch (IllegalArgumentException e) {
      return e.getMessage();
    }
  }
}
