package dev.procrastinate;

import java.time.Duration;

/**
 * The failure a job gets when it runs longer than its task's {@code @Task(timeout)}: the job is
 * aborted (its thread interrupted and {@link JobContext#shouldAbort()} true) and then retried or
 * failed by its retry strategy, which sees this exception.
 */
public final class JobTimeoutException extends ProcrastinateException {
  private static final long serialVersionUID = 1L;

  /**
   * Creates the exception.
   *
   * @param jobId the job
   * @param taskName the task
   * @param timeout the task's timeout
   * @param cause what the task threw when it stopped
   */
  public JobTimeoutException(long jobId, String taskName, Duration timeout, Throwable cause) {
    super(
        "job " + jobId + " of task '" + taskName + "' ran longer than its timeout of " + timeout,
        cause);
  }
}
