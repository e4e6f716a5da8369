package dev.procrastinate.internal.worker;

/**
 * Points in the worker where a test can act, to force an interleaving instead of hoping for it with
 * a sleep (River's test signals). Production code passes {@link #NONE}. Each method runs on the
 * thread named in its javadoc and may block it. Not API.
 */
interface WorkerHooks {
  /** Hooks that do nothing. */
  WorkerHooks NONE = new WorkerHooks() {};

  /** On the fetcher thread, just before a fetch; may throw to make the fetch fail. */
  default void beforeFetch() {}

  /**
   * On the fetcher thread, after a fetch answered, before its jobs are dispatched and the next look
   * is planned.
   *
   * @param taken how many jobs the fetch took
   */
  default void afterFetch(int taken) {}

  /**
   * On the fetcher thread, just before it looks up when the next scheduled job becomes due (or a
   * rate limit lets the next job start).
   */
  default void beforeNextDueLookup() {}

  /**
   * On the fetcher thread, after it listed the jobs marked doing for this worker and before it
   * dispatches those it does not run.
   */
  default void afterOrphanList() {}

  /** On the housekeeper thread, just before a heartbeat; may throw to make it fail. */
  default void beforeHeartbeat() {}

  /**
   * On the completer thread, once it has read the worker id it writes a batch of outcomes under,
   * just before the batch's statements.
   */
  default void beforeOutcomesWritten() {}

  /** On the completer thread, after a batch of outcomes was written and before it is released. */
  default void afterOutcomesWritten() {}

  /** On the completer thread, after a write of outcomes failed for now, before its backoff. */
  default void outcomeWriteFailed() {}
}
