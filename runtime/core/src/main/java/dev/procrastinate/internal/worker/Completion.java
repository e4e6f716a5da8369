package dev.procrastinate.internal.worker;

import dev.procrastinate.RetryDecision;
import dev.procrastinate.model.JobStatus;
import dev.procrastinate.model.ProcrastinateJob;
import org.jspecify.annotations.Nullable;

/**
 * How a job's run ended, waiting to be written. Not API.
 *
 * <p>The job is the row as its fetch returned it: its id and its {@code attempts} name the run, and
 * the outcome is written only while the row is still in that run ({@code doing} for this worker or
 * for none, with the same attempts). A run that a retry ended meanwhile (a manual retry, a rescue)
 * and that was fetched again is a new run, which this outcome leaves alone.
 *
 * @param job the job as fetched
 * @param status the end status (succeeded, failed, aborted), or null for a retry or an abandoned
 *     run
 * @param retry the retry decision, or null when the job ends
 * @param delete whether the delete-jobs policy removes the job instead of keeping its status
 * @param abandoned how the run was abandoned because the worker's lease ran out, or null: nothing
 *     is written for such a run; a job never started is handed back to the queue untouched, and one
 *     stopped is taken back and run again if it is still this worker's once the lease holds again
 * @param failure why the attempt failed or was aborted, recorded with its outcome; or null
 * @param result what the task returned, as JSON, stored with a success; or null for none
 */
record Completion(
    ProcrastinateJob job,
    @Nullable JobStatus status,
    @Nullable RetryDecision retry,
    boolean delete,
    @Nullable Abandoned abandoned,
    @Nullable FailureRecord failure,
    @Nullable String result) {

  /** Why a run writes no outcome. */
  enum Abandoned {
    /** The lease ran out before the job started. */
    UNSTARTED,
    /** The lease ran out while the job ran, and the task stopped with an exception. */
    STOPPED
  }

  /**
   * An outcome to write.
   *
   * @param job the job as fetched
   * @param status the end status, or null for a retry
   * @param retry the retry decision, or null
   * @param delete whether the job is deleted
   */
  Completion(
      ProcrastinateJob job,
      @Nullable JobStatus status,
      @Nullable RetryDecision retry,
      boolean delete) {
    this(job, status, retry, delete, null, null, null);
  }

  /**
   * An outcome to write, with why the attempt failed.
   *
   * @param job the job as fetched
   * @param status the end status, or null for a retry
   * @param retry the retry decision, or null
   * @param delete whether the job is deleted
   * @param failure why the attempt failed, or null
   */
  Completion(
      ProcrastinateJob job,
      @Nullable JobStatus status,
      @Nullable RetryDecision retry,
      boolean delete,
      @Nullable FailureRecord failure) {
    this(job, status, retry, delete, null, failure, null);
  }

  /**
   * A run abandoned because the worker's lease ran out.
   *
   * @param job the job as fetched
   * @param how whether it had started
   * @return the completion, which writes nothing
   */
  static Completion abandoned(ProcrastinateJob job, Abandoned how) {
    return new Completion(job, null, null, false, how, null, null);
  }

  /**
   * A success, with what the task returned.
   *
   * @param job the job as fetched
   * @param delete whether the job is deleted (its result then goes with it, unwritten)
   * @param result the task's return value as JSON, or null for none
   * @return the completion
   */
  static Completion succeeded(ProcrastinateJob job, boolean delete, @Nullable String result) {
    return new Completion(job, JobStatus.SUCCEEDED, null, delete, null, null, result);
  }
}
