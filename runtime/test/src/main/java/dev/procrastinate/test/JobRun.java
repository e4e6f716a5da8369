package dev.procrastinate.test;

import dev.procrastinate.RetryDecision;
import dev.procrastinate.model.JobStatus;
import dev.procrastinate.model.ProcrastinateJob;
import java.util.Objects;
import org.jspecify.annotations.Nullable;

/**
 * One job {@link TestJobs} ran in the test's thread, and how it ended.
 *
 * @param job the job as it was fetched
 * @param status how it ended (succeeded, failed, aborted), or null if it is to be retried
 * @param retry the retry decided by the task's retry policy, or null
 * @param failure what the task (or the argument decoding, or the task lookup) threw, or null
 */
public record JobRun(
    ProcrastinateJob job,
    @Nullable JobStatus status,
    @Nullable RetryDecision retry,
    @Nullable Throwable failure) {

  /** Checks the non-null component. */
  public JobRun {
    Objects.requireNonNull(job, "job");
  }

  /**
   * Whether the run succeeded.
   *
   * @return true if the job ended {@code succeeded}
   */
  public boolean succeeded() {
    return status == JobStatus.SUCCEEDED;
  }

  /**
   * Describes the run, such as {@code job 3 (mail.send) failed: java.lang.IllegalStateException: no
   * SMTP}.
   *
   * @return the description
   */
  @Override
  public String toString() {
    String ended =
        retry != null ? "failed, to retry " + retry : status == null ? "?" : status.dbValue();
    return "job "
        + job.id()
        + " ("
        + job.taskName()
        + ") "
        + ended
        + (failure == null ? "" : ": " + failure);
  }
}
