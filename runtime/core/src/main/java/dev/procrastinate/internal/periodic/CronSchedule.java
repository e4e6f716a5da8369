package dev.procrastinate.internal.periodic;

import com.cronutils.model.definition.CronDefinition;
import com.cronutils.model.definition.CronDefinitionBuilder;
import com.cronutils.model.time.ExecutionTime;
import com.cronutils.parser.CronParser;
import java.time.Instant;
import java.time.ZoneOffset;
import java.time.ZonedDateTime;
import java.time.temporal.ChronoUnit;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import org.jspecify.annotations.Nullable;

/**
 * A cron expression read the way Python's croniter reads it, as Python Procrastinate uses it: five
 * fields (minute, hour, day of month, month, day of week, where 0 and 7 are Sunday), an optional
 * sixth field for seconds <em>last</em>, and the {@code @hourly}-style macros; ticks are whole
 * seconds in UTC. When both the day of month and the day of week are restricted, a day matches if
 * either does, as in croniter and Vixie cron. Accepts and rejects the same expressions as the
 * processor's compile-time check. Immutable and thread-safe.
 */
public final class CronSchedule {
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

  private final String expression;
  private final List<ExecutionTime> alternatives;

  private CronSchedule(String expression, List<ExecutionTime> alternatives) {
    this.expression = expression;
    this.alternatives = alternatives;
  }

  /**
   * Reads an expression.
   *
   * @param cron the expression, e.g. {@code "0 3 * * *"}, {@code "* * * * * *"} or {@code "@daily"}
   * @return the schedule
   * @throws IllegalArgumentException if croniter would reject it, saying why
   */
  public static CronSchedule parse(String cron) {
    Objects.requireNonNull(cron, "cron");
    String trimmed = cron.trim();
    if (trimmed.isEmpty()) {
      throw invalid(cron, "it is empty");
    }
    String expanded = MACROS.getOrDefault(trimmed.toLowerCase(Locale.ROOT), trimmed);
    if (expanded.startsWith("@")) {
      throw invalid(
          cron,
          "unknown macro "
              + expanded
              + "; use one of "
              + MACROS.keySet().stream().sorted().toList());
    }
    String[] fields = expanded.split("\\s+");
    String[] secondsFirst = new String[6];
    if (fields.length == 5) {
      secondsFirst[0] = "0";
      System.arraycopy(fields, 0, secondsFirst, 1, 5);
    } else if (fields.length == 6) {
      secondsFirst[0] = fields[5];
      System.arraycopy(fields, 0, secondsFirst, 1, 5);
    } else {
      throw invalid(cron, "it has " + fields.length + " fields where 5 or 6 are expected");
    }
    List<ExecutionTime> alternatives = new ArrayList<>(2);
    try {
      PARSER.parse(join(secondsFirst)).validate();
      if (restricted(secondsFirst[3]) && restricted(secondsFirst[5])) {
        // croniter: a day matches if its day of month OR its day of week does.
        String[] byDayOfMonth = Arrays.copyOf(secondsFirst, 6);
        byDayOfMonth[5] = "*";
        String[] byDayOfWeek = Arrays.copyOf(secondsFirst, 6);
        byDayOfWeek[3] = "*";
        alternatives.add(ExecutionTime.forCron(PARSER.parse(join(byDayOfMonth)).validate()));
        alternatives.add(ExecutionTime.forCron(PARSER.parse(join(byDayOfWeek)).validate()));
      } else {
        alternatives.add(ExecutionTime.forCron(PARSER.parse(join(secondsFirst)).validate()));
      }
    } catch (RuntimeException e) {
      String message = e.getMessage();
      throw invalid(cron, message == null ? e.getClass().getSimpleName() : message);
    }
    return new CronSchedule(cron, List.copyOf(alternatives));
  }

  /**
   * Checks an expression without keeping it.
   *
   * @param cron the expression
   * @return null if valid, otherwise what is wrong
   */
  public static @Nullable String problem(String cron) {
    try {
      parse(cron);
      return null;
    } catch (IllegalArgumentException e) {
      return e.getMessage();
    }
  }

  private static boolean restricted(String field) {
    return !field.equals("*") && !field.equals("?");
  }

  private static String join(String[] fields) {
    return String.join(" ", fields).toUpperCase(Locale.ROOT);
  }

  private static IllegalArgumentException invalid(String cron, String why) {
    return new IllegalArgumentException("invalid cron expression '" + cron + "': " + why);
  }

  /**
   * Returns the first tick strictly after an instant.
   *
   * @param after the instant
   * @return the tick, or empty if there is none (an impossible date such as 31 February)
   */
  public Optional<Instant> next(Instant after) {
    ZonedDateTime from = utcSeconds(after);
    Instant best = null;
    for (ExecutionTime time : alternatives) {
      Optional<ZonedDateTime> next = time.nextExecution(from);
      if (next.isPresent()) {
        Instant candidate = next.get().toInstant();
        if (!candidate.isAfter(after)) {
          continue;
        }
        if (best == null || candidate.isBefore(best)) {
          best = candidate;
        }
      }
    }
    return Optional.ofNullable(best);
  }

  /**
   * Returns the latest tick at or before an instant.
   *
   * @param at the instant
   * @return the tick, or empty if there is none
   */
  public Optional<Instant> latestAtOrBefore(Instant at) {
    ZonedDateTime from = utcSeconds(at);
    Instant best = null;
    for (ExecutionTime time : alternatives) {
      Instant candidate;
      if (time.isMatch(from)) {
        candidate = from.toInstant();
      } else {
        Optional<ZonedDateTime> last = time.lastExecution(from);
        if (last.isEmpty()) {
          continue;
        }
        candidate = last.get().toInstant();
      }
      if (best == null || candidate.isAfter(best)) {
        best = candidate;
      }
    }
    return Optional.ofNullable(best);
  }

  private static ZonedDateTime utcSeconds(Instant instant) {
    return instant.truncatedTo(ChronoUnit.SECONDS).atZone(ZoneOffset.UTC);
  }

  /**
   * Returns the expression as written.
   *
   * @return the expression
   */
  public String expression() {
    return expression;
  }

  @Override
  public String toString() {
    return expression;
  }
}
