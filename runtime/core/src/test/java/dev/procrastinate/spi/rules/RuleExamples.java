package dev.procrastinate.spi.rules;

import java.util.List;

/**
 * Cron expressions and names that the runtime and the processor must both accept, or both reject.
 * The runtime's tests run them through {@code CronSchedule}, {@code NewJob} and {@code
 * TaskDescriptor}; the processor's tests, which get this class from the runtime's test jar, run
 * them through {@code TaskProcessor} and compare.
 */
public final class RuleExamples {
  private RuleExamples() {}

  /**
   * Expressions croniter accepts.
   *
   * @return the expressions
   */
  public static List<String> validCron() {
    return List.of(
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
        "0 0 13 * 5",
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
        "  0 3 * * *  ");
  }

  /**
   * Expressions croniter rejects.
   *
   * @return the expressions
   */
  public static List<String> invalidCron() {
    return List.of(
        "60 * * * *",
        "61 * * * *",
        "* 24 * * *",
        "* * 0 * *",
        "* * 32 * *",
        "* * * 0 *",
        "* * * 13 *",
        "* * * * 8",
        "* * * * * 60",
        "* * * *",
        "* * * * * * *",
        "@every 5m",
        "@every",
        "a b c d e",
        "0 3 * * bogus",
        "",
        "   ");
  }

  /**
   * Queue names that fit their NOTIFY channel.
   *
   * @return the names
   */
  public static List<String> validQueueNames() {
    return List.of("default", "emails", "x".repeat(40), "é".repeat(20), "キュー");
  }

  /**
   * Queue names that are empty or do not fit their NOTIFY channel.
   *
   * @return the names
   */
  public static List<String> invalidQueueNames() {
    return List.of("", "x".repeat(41), "é".repeat(21), "キ".repeat(14));
  }

  /**
   * Task names and aliases that fit the schema.
   *
   * @return the names
   */
  public static List<String> validTaskNames() {
    return List.of(
        "t",
        "myapp.tasks.send_email",
        "builtin:procrastinate.builtin_tasks.remove_old_jobs",
        "x".repeat(128),
        "é".repeat(128));
  }

  /**
   * Task names and aliases that are blank or too long for the schema.
   *
   * @return the names
   */
  public static List<String> invalidTaskNames() {
    return List.of("", "  ", "x".repeat(129), "é".repeat(129));
  }
}
