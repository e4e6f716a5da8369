package dev.procrastinate;

import java.util.List;
import java.util.Objects;

/**
 * The outcome of {@link dev.procrastinate.operations.Operations#healthChecks()}: whether the
 * database answers, whether its schema is migrated and up to date, and whether tasks were found.
 * Immutable.
 *
 * @param checks each check, in the order they ran
 */
public record HealthReport(List<Check> checks) {
  /**
   * Copies the checks.
   *
   * @param checks each check, in the order they ran
   */
  public HealthReport {
    checks = List.copyOf(checks);
  }

  /**
   * Tells whether every check passed.
   *
   * @return true if all checks are OK
   */
  public boolean healthy() {
    return checks.stream().allMatch(Check::ok);
  }

  /**
   * Returns one line per check, such as {@code database: OK (PostgreSQL 15.4 at ...)}.
   *
   * @return the report as text, lines ending in a newline
   */
  @Override
  public String toString() {
    StringBuilder text = new StringBuilder();
    checks.forEach(check -> text.append(check).append('\n'));
    return text.toString();
  }

  /**
   * One check.
   *
   * @param name what was checked: {@code database}, {@code schema} or {@code tasks}
   * @param ok whether it passed
   * @param detail what was found, and when it failed, what to do
   */
  public record Check(String name, boolean ok, String detail) {
    /**
     * Validates the fields.
     *
     * @param name what was checked
     * @param ok whether it passed
     * @param detail what was found
     */
    public Check {
      Objects.requireNonNull(name, "name");
      Objects.requireNonNull(detail, "detail");
    }

    /**
     * Returns {@code name: OK (detail)} or {@code name: FAILED (detail)}.
     *
     * @return the line
     */
    @Override
    public String toString() {
      return name + ": " + (ok ? "OK" : "FAILED") + " (" + detail + ")";
    }
  }
}
