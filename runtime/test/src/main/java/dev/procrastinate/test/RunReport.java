package dev.procrastinate.test;

import java.util.List;

/**
 * The jobs one call of {@link TestJobs} ran, in the order they ran.
 *
 * @param runs every run
 */
public record RunReport(List<JobRun> runs) {
  /** Copies the list. */
  public RunReport {
    runs = List.copyOf(runs);
  }

  /**
   * Returns the runs that did not succeed: failed, aborted, or failed to be retried.
   *
   * @return the failed runs
   */
  public List<JobRun> failures() {
    return runs.stream().filter(run -> !run.succeeded()).toList();
  }

  /**
   * Returns how many jobs ran.
   *
   * @return the count
   */
  public int count() {
    return runs.size();
  }

  /**
   * Returns how many runs succeeded.
   *
   * @return the count
   */
  public int succeeded() {
    return (int) runs.stream().filter(JobRun::succeeded).count();
  }
}
