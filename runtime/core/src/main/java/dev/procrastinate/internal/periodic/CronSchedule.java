package dev.procrastinate.internal.periodic;

import com.cronutils.model.time.ExecutionTime;
import dev.procrastinate.spi.rules.CronSyntax;
import java.time.Instant;
import java.time.ZoneOffset;
import java.time.ZonedDateTime;
import java.time.temporal.ChronoUnit;
import java.util.ArrayList;
import java.util.List;
import java.util.Objects;
import java.util.Optional;
import org.jspecify.annotations.Nullable;

/**
 * A cron expression read the way Python's croniter reads it, as Python Procrastinate uses it: five
 * fields (minute, hour, day of month, month, day of week, where 0 and 7 are Sunday), an optional
 * sixth field for seconds <em>last</em>, and the {@code @hourly}-style macros; ticks are whole
 * seconds in UTC. When both the day of month and the day of week are restricted, a day matches if
 * either does, as in croniter and Vixie cron. The syntax is {@link CronSyntax}'s, which the
 * processor's compile-time check uses too. Immutable and thread-safe.
 */
public final class CronSchedule {
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
    List<ExecutionTime> alternatives = new ArrayList<>(2);
    try {
      List<String> fields = CronSyntax.secondsFirst(cron);
      int dayOfMonth = CronSyntax.DAY_OF_MONTH;
      int dayOfWeek = CronSyntax.DAY_OF_WEEK;
      if (restricted(fields.get(dayOfMonth)) && restricted(fields.get(dayOfWeek))) {
        // croniter: a day matches if its day of month OR its day of week does.
        alternatives.add(forCron(with(fields, dayOfWeek, "*")));
        alternatives.add(forCron(with(fields, dayOfMonth, "*")));
      } else {
        alternatives.add(forCron(fields));
      }
    } catch (IllegalArgumentException e) {
      throw new IllegalArgumentException(
          "invalid cron expression '" + cron + "': " + e.getMessage(), e);
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

  private static List<String> with(List<String> fields, int index, String value) {
    List<String> copy = new ArrayList<>(fields);
    copy.set(index, value);
    return copy;
  }

  private static ExecutionTime forCron(List<String> fields) {
    return ExecutionTime.forCron(CronSyntax.parse(fields));
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
