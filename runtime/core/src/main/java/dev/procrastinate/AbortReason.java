package dev.procrastinate;

/** Why a running job is asked to abort; see {@link JobContext#abortReason()}. */
public enum AbortReason {
  /** Someone asked for the job to be aborted, e.g. through {@link JobManager#abort(long)}. */
  USER_REQUEST,
  /** The worker is shutting down and its graceful timeout has passed. */
  SHUTDOWN,
  /** The job ran longer than its task's {@link Task#timeoutSeconds()}. */
  TIMEOUT
}
