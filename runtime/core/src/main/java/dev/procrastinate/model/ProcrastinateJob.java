package dev.procrastinate.model;

import java.time.Instant;
import java.util.Objects;
import org.jspecify.annotations.Nullable;

/**
 * One row of {@code procrastinate_jobs}, read by column name.
 *
 * @param id the job id
 * @param queueName the queue
 * @param taskName the task's persisted name
 * @param priority the priority; higher runs first
 * @param lock the lock, or null
 * @param queueingLock the queueing lock, or null
 * @param argsJson the keyword arguments as JSON object text
 * @param status the status
 * @param scheduledAt the instant before which the job does not run, or null
 * @param attempts the number of finished runs
 * @param abortRequested whether an abort was requested
 * @param workerId the id of the worker running the job, or null
 */
public record ProcrastinateJob(
    long id,
    String queueName,
    String taskName,
    int priority,
    @Nullable String lock,
    @Nullable String queueingLock,
    String argsJson,
    JobStatus status,
    @Nullable Instant scheduledAt,
    int attempts,
    boolean abortRequested,
    @Nullable Long workerId) {

  /** Checks the non-null components. */
  public ProcrastinateJob {
    Objects.requireNonNull(queueName, "queueName");
    Objects.requireNonNull(taskName, "taskName");
    Objects.requireNonNull(argsJson, "argsJson");
    Objects.requireNonNull(status, "status");
  }
}
