package dev.procrastinate;

/** Why a running job is asked to abort; see {@link JobContext#abortReason()}. */
public enum AbortReason {
  /** Someone asked for the job to be aborted, e.g. through {@link JobManager#abort(long)}. */
  USER_REQUEST,
  /** The worker is shutting down and its graceful timeout has passed. */
  SHUTDOWN,
  /** The job ran longer than its task's {@link Task#timeoutSeconds()}. */
  TIMEOUT,
  /**
   * The worker could not record its heartbeat for longer than its lease, halfway between {@link
   * WorkerOptions#updateHeartbeatInterval()} and {@link WorkerOptions#stalledWorkerTimeout()}: cut
   * off from the database, or paused. Another worker may soon rescue the job and run it again, so
   * this run must stop before that. The job goes through its retry strategy, as a rescued one does;
   * an outcome is written only if no other worker has taken the job meanwhile.
   */
  LEASE_EXPIRED
}
