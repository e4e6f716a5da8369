package dev.procrastinate.internal.worker;

/**
 * Where an abort request for a job reaches its run: sent by the listener (an {@code abort_job_v1}
 * notification) and by the housekeeper's polling (the safety net); implemented by {@link HeldJobs}.
 * Not API.
 */
interface AbortRequests {
  /**
   * Asks the job's run here, if any, to abort at the user's request.
   *
   * @param jobId the job
   */
  void abortRequested(long jobId);
}
