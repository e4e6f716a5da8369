package dev.procrastinate.example;

import dev.procrastinate.JobContext;
import dev.procrastinate.Periodic;
import dev.procrastinate.Task;
import java.util.Optional;

/**
 * Report tasks: instance methods, since this class has a constructor without parameters, and a
 * periodic task that receives the tick as {@code timestamp}. The default task names are kept on
 * purpose, so the processor's warning about them is suppressed.
 */
@SuppressWarnings("TaskDefaultName")
public class ReportTasks {
  /** Creates the tasks; the worker makes one instance per job. */
  public ReportTasks() {}

  /**
   * Builds the nightly report, at 03:00 UTC, and the European one at 04:00:30 UTC.
   *
   * @param context the running job
   * @param timestamp the tick, in epoch seconds
   * @param region the region, all regions when empty
   * @return a summary
   */
  @Task(lock = "reports")
  @Periodic(cron = "0 3 * * *")
  @Periodic(cron = "0 4 * * * 30", periodicId = "eu", args = "{\"region\": \"eu\"}")
  public String nightlyReport(JobContext context, long timestamp, Optional<String> region) {
    return "report of "
        + timestamp
        + " for "
        + region.orElse("all regions")
        + " by "
        + context.workerName();
  }

  /**
   * Rebuilds one report.
   *
   * @param reportId the report
   * @param force whether to rebuild a report that is up to date
   */
  @Task(queue = "reports", priority = 10, queueingLock = "rebuild")
  public void rebuild(long reportId, boolean force) {}
}
