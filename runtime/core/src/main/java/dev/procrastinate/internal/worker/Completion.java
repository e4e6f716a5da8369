package dev.procrastinate.internal.worker;

import dev.procrastinate.RetryDecision;
import dev.procrastinate.model.JobStatus;
import dev.procrastinate.model.ProcrastinateJob;
import org.jspecify.annotations.Nullable;

/**
 * How a job ended, waiting to be written. Not API.
 *
 * @param job the job
 * @param status the end status (succeeded, failed, aborted), or null for a retry
 * @param retry the retry decision, or null when the job ends
 * @param delete whether the delete-jobs policy removes the job instead of keeping its status
 */
record Completion(
    ProcrastinateJob job,
    @Nullable JobStatus status,
    @Nullable RetryDecision retry,
    boolean delete) {}
