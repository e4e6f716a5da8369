package dev.procrastinate.model;

import java.time.Instant;
import java.util.Map;
import org.jspecify.annotations.Nullable;

/**
 * Why one attempt of a job failed or was aborted, as the worker of this runtime that ran it
 * recorded it in {@code procrastinate_java_job_failures}. A job run by a Python worker has none.
 *
 * @param jobId the job
 * @param attempt the attempt, from 1
 * @param failedAt when the outcome was written
 * @param status {@link JobStatus#FAILED} (a retried attempt included) or {@link JobStatus#ABORTED}
 * @param workerName the worker that ran the attempt, or null
 * @param exceptionClass the exception's class name
 * @param message its message, at most 2,000 characters, or null
 * @param stackTrace its stack trace with its causes, at most 16,000 characters, or null
 * @param details what the task added with {@link dev.procrastinate.JobContext#addFailureDetail}
 */
public record JobFailure(
    long jobId,
    int attempt,
    Instant failedAt,
    JobStatus status,
    @Nullable String workerName,
    String exceptionClass,
    @Nullable String message,
    @Nullable String stackTrace,
    Map<String, String> details) {
  /** Creates a record, copying the details. */
  public JobFailure {
    details = Map.copyOf(details);
  }

  /**
   * Returns the first line of the message, for a list that shows one line per job.
   *
   * @return the first line, or empty when there is no message
   */
  public String firstMessageLine() {
    return message == null ? "" : message.lines().findFirst().orElse("");
  }
}
