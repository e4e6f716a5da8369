package dev.procrastinate.operations;

import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.time.Duration;
import java.util.List;
import java.util.Locale;
import java.util.Objects;

/**
 * What {@link Operations#check()} found comparing the code's tasks with the jobs waiting in the
 * database. Immutable.
 *
 * @param database the database checked, without password
 * @param tasks how many tasks the code declares (builtin ones included)
 * @param waitingJobs how many jobs wait ({@code todo})
 * @param runningJobs how many jobs run ({@code doing})
 * @param decodedJobs how many waiting jobs had their arguments decoded
 * @param took how long the check took
 * @param findings what was found, errors first
 */
public record CheckReport(
    String database,
    int tasks,
    long waitingJobs,
    long runningJobs,
    long decodedJobs,
    Duration took,
    List<CheckFinding> findings) {

  /** Copies the list and checks the non-null components. */
  public CheckReport {
    Objects.requireNonNull(database, "database");
    Objects.requireNonNull(took, "took");
    findings = List.copyOf(findings);
  }

  /**
   * Returns the findings that fail the check.
   *
   * @return the errors
   */
  public List<CheckFinding> errors() {
    return of(CheckFinding.Severity.ERROR);
  }

  /**
   * Returns the warnings.
   *
   * @return the warnings
   */
  public List<CheckFinding> warnings() {
    return of(CheckFinding.Severity.WARNING);
  }

  /**
   * Whether the new code can run every waiting job: no error.
   *
   * @return true if no finding is an error
   */
  public boolean passed() {
    return errors().isEmpty();
  }

  private List<CheckFinding> of(CheckFinding.Severity severity) {
    return findings.stream().filter(f -> f.severity() == severity).toList();
  }

  /**
   * Returns the summary line, such as {@code check failed: 2 errors, 1 warning; 1,000,000 waiting
   * jobs (12 running) of 8 tasks checked in 9.4 s against ...}.
   *
   * @return the line
   */
  public String summary() {
    int errors = errors().size();
    int warnings = warnings().size();
    return String.format(
        Locale.ROOT,
        "check %s: %d error%s, %d warning%s; %,d waiting jobs (%,d running) checked against %d"
            + " tasks in %.1f s, on %s",
        errors == 0 ? "passed" : "failed",
        errors,
        errors == 1 ? "" : "s",
        warnings,
        warnings == 1 ? "" : "s",
        waitingJobs,
        runningJobs,
        tasks,
        took.toMillis() / 1000d,
        database);
  }

  /**
   * Returns the report as JSON, for CI: the counts, {@code passed}, {@code summary} and every
   * finding with its fields.
   *
   * @return the JSON text, on one line
   */
  public String toJson() {
    ObjectNode root = JsonNodeFactory.instance.objectNode();
    root.put("passed", passed());
    root.put("summary", summary());
    root.put("database", database);
    root.put("tasks", tasks);
    root.put("waitingJobs", waitingJobs);
    root.put("runningJobs", runningJobs);
    root.put("decodedJobs", decodedJobs);
    root.put("tookMillis", took.toMillis());
    root.put("errors", errors().size());
    root.put("warnings", warnings().size());
    ArrayNode list = root.putArray("findings");
    for (CheckFinding finding : findings) {
      ObjectNode node = list.addObject();
      node.put("severity", finding.severity().name());
      node.put("kind", finding.kind().name());
      node.put("task", finding.task());
      node.put("queue", finding.queue());
      node.put("argument", finding.argument());
      node.put("jobs", finding.jobs());
      ArrayNode ids = node.putArray("exampleJobIds");
      finding.exampleJobIds().forEach(ids::add);
      node.put("message", finding.message());
    }
    return root.toString();
  }

  /**
   * Returns one line per finding, then the summary line.
   *
   * @return the text, ending with a line break
   */
  @Override
  public String toString() {
    StringBuilder text = new StringBuilder();
    for (CheckFinding finding : findings) {
      text.append(finding).append('\n');
    }
    return text.append(summary()).append('\n').toString();
  }
}
