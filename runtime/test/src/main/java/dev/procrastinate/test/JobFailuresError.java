package dev.procrastinate.test;

import java.util.List;

/**
 * Thrown by {@link TestJobs#runDue()} and its kin when jobs they ran did not succeed: the message
 * lists each failed run, the first failure's exception is the cause, the others are suppressed.
 */
public final class JobFailuresError extends AssertionError {
  private static final long serialVersionUID = 1L;

  /** The report of every run, failed or not. */
  private final transient RunReport report;

  /**
   * Creates the error.
   *
   * @param report every run of the call, some failed
   */
  JobFailuresError(RunReport report) {
    super(message(report.failures(), report.count()));
    this.report = report;
    List<JobRun> failures = report.failures();
    boolean first = true;
    for (JobRun run : failures) {
      if (run.failure() == null) {
        continue;
      }
      if (first) {
        initCause(run.failure());
        first = false;
      } else {
        addSuppressed(run.failure());
      }
    }
  }

  private static String message(List<JobRun> failures, int runs) {
    StringBuilder text =
        new StringBuilder()
            .append(failures.size())
            .append(" of ")
            .append(runs)
            .append(" job run")
            .append(runs == 1 ? "" : "s")
            .append(" did not succeed:");
    for (JobRun run : failures) {
      text.append("\n  ").append(run);
    }
    return text.append("\nUse runDueAllowingFailures() to look at failures without this error.")
        .toString();
  }

  /**
   * Returns every run of the call, the failed ones included.
   *
   * @return the report
   */
  public RunReport report() {
    return report;
  }
}
