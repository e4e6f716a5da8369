package dev.procrastinate;

import java.lang.annotation.Documented;
import java.lang.annotation.ElementType;
import java.lang.annotation.Repeatable;
import java.lang.annotation.Retention;
import java.lang.annotation.RetentionPolicy;
import java.lang.annotation.Target;

/**
 * Defers a {@link Task} on a cron schedule. Workers defer each tick once across the whole cluster
 * (the database deduplicates on task name, periodic id and tick), and pass the tick as the argument
 * {@code timestamp}, in epoch seconds, so the method must have a {@code long timestamp} parameter.
 *
 * <p>The cron syntax is that of Python's croniter, as Python Procrastinate uses it: five fields
 * (minute, hour, day of month, month, day of week), an optional sixth field for <em>seconds, last
 * </em>, evaluated in UTC. Repeat the annotation, with distinct {@link #periodicId()}s, for several
 * schedules of one task.
 *
 * <pre>{@code
 * @Task(lock = "reports")
 * @Periodic(cron = "0 3 * * *")
 * public static void nightlyReport(long timestamp) { ... }
 * }</pre>
 */
@Documented
@Retention(RetentionPolicy.CLASS)
@Target(ElementType.METHOD)
@Repeatable(Periodic.List.class)
public @interface Periodic {
  /**
   * The schedule: 5 fields, or 6 with seconds last, e.g. {@code "0 3 * * *"} (03:00 UTC daily) or {@code "* * * * *
   * 30"} (every minute, at second 30); also {@code @hourly}, {@code @daily}, {@code @weekly}, {@code @monthly} and {@code
   * @yearly}.
   *
   * @return the cron expression
   */
  String cron();

  /**
   * Distinguishes several schedules of one task.
   *
   * @return the periodic id, empty by default
   */
  String periodicId() default "";

  /**
   * Fixed arguments of the deferred jobs besides {@code timestamp}, as JSON object text, e.g.
   * {@code "{\"region\": \"eu\"}"}.
   *
   * @return a JSON object
   */
  String args() default "{}";

  /** Holds repeated {@link Periodic} annotations; written by the compiler. */
  @Documented
  @Retention(RetentionPolicy.CLASS)
  @Target(ElementType.METHOD)
  @interface List {
    /**
     * Returns the schedules.
     *
     * @return the repeated annotations
     */
    Periodic[] value();
  }
}
