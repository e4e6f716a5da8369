package dev.procrastinate.internal.worker;

/**
 * What the fetcher hands on: each job a fetch (or a takeback) marked running for this worker, and,
 * for a worker that does not wait for jobs, that none is left. Implemented by {@link WorkerEngine},
 * which passes jobs to {@link ExecutorThreads}. Not API.
 */
interface FetchedJobs {
  /**
   * Starts a fetched job on an executor thread, or buffers it until one is free.
   *
   * @param fetched the job, marked doing for this worker, and its headers
   */
  void dispatch(HeldJobs.Fetched fetched);

  /** A worker that does not wait for jobs found none left to run: it stops. */
  void noneLeft();
}
