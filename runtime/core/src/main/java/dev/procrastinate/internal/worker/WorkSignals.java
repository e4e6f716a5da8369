package dev.procrastinate.internal.worker;

/**
 * What the other parts of a worker tell the fetcher: that work may be due, that a slot freed, that
 * jobs may be marked running for this worker without it holding them. Each returns at once; the
 * fetcher acts on its own thread. Implemented by {@link Fetcher}. Not API.
 */
interface WorkSignals {
  /** From the listener: a {@code job_inserted} notification came, or it reconnected. */
  void jobsInserted();

  /**
   * From the completer's notes: an outcome was written that may make a job runnable (a lock
   * released, a retry).
   *
   * @param retried whether the outcome was a retry, which may have scheduled the job for later
   */
  void workMayBeDue(boolean retried);

  /**
   * From the listener: a flow control changed (a queue paused or resumed, a limit set or cleared),
   * which may let jobs start now and changes what the fetcher must watch for.
   */
  void flowControlsChanged();

  /** From the housekeeper: a heartbeat renewed a lease that had run out, or ended an outage. */
  void leaseRenewed();

  /**
   * From any thread: a connection of this worker was lost or refused. A write whose answer was lost
   * with it, or that a server's crash recovery undid (an outcome, say), may have left jobs marked
   * running for this worker that it no longer holds: they are taken back once the database answers.
   */
  void connectionLost();

  /**
   * From an executor thread: a run was abandoned when the lease ran out, its job left marked
   * running for this worker; it is taken back once the lease holds again.
   */
  void runAbandoned();

  /** From an executor thread or the completer's notes: a slot freed, or an outcome was written. */
  void slotFreed();

  /**
   * From the completer's notes: an outcome could not be written for good, and the job may still be
   * marked doing for this worker; it is never taken back as an orphan.
   *
   * @param jobId the job
   */
  void outcomeDropped(long jobId);

  /**
   * From the registration: a heartbeat found that the server restarted since the last one. Outcomes
   * written shortly before may be lost (with asynchronous outcomes, which commit without waiting
   * for the disk), their jobs marked running for this worker again: they are taken back.
   */
  void serverRestarted();
}
