package dev.procrastinate.spi;

import java.util.Objects;
import org.jspecify.annotations.Nullable;

/**
 * One {@link dev.procrastinate.Periodic} schedule of a task: the cron expression (croniter syntax,
 * seconds last, UTC), the periodic id and the fixed arguments as JSON object text. Immutable.
 */
public final class PeriodicSchedule {
  private final String cron;
  private final String periodicId;
  private final String argsJson;

  private PeriodicSchedule(String cron, String periodicId, String argsJson) {
    this.cron = Objects.requireNonNull(cron, "cron");
    this.periodicId = Objects.requireNonNull(periodicId, "periodicId");
    this.argsJson = Objects.requireNonNull(argsJson, "argsJson");
  }

  /**
   * Describes a schedule.
   *
   * @param cron the cron expression, checked by the processor
   * @param periodicId the periodic id, empty by default
   * @param argsJson the fixed arguments besides {@code timestamp}, as a JSON object
   * @return the schedule
   */
  public static PeriodicSchedule of(String cron, String periodicId, String argsJson) {
    return new PeriodicSchedule(cron, periodicId, argsJson);
  }

  /**
   * Returns the cron expression.
   *
   * @return 5 fields, or 6 with seconds last, or a macro such as {@code @daily}
   */
  public String cron() {
    return cron;
  }

  /**
   * Returns the periodic id.
   *
   * @return the id, possibly empty
   */
  public String periodicId() {
    return periodicId;
  }

  /**
   * Returns the fixed arguments.
   *
   * @return JSON object text
   */
  public String argsJson() {
    return argsJson;
  }

  @Override
  public boolean equals(@Nullable Object o) {
    return o instanceof PeriodicSchedule other
        && cron.equals(other.cron)
        && periodicId.equals(other.periodicId)
        && argsJson.equals(other.argsJson);
  }

  @Override
  public int hashCode() {
    return Objects.hash(cron, periodicId, argsJson);
  }

  @Override
  public String toString() {
    return "Periodic[cron=" + cron + ", periodicId=" + periodicId + ", args=" + argsJson + "]";
  }
}
