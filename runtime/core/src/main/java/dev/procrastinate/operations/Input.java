package dev.procrastinate.operations;

/**
 * The inputs the front ends pass to the operations layer, each with a stable key. Messages about a
 * bad input name it the way the user wrote it, through the front end's {@link InputNames}: {@code
 * --at} on the command line, {@code procrastinate.at} in Maven.
 */
public enum Input {
  /** The task to defer, by name or alias. */
  TASK("task"),
  /** The job's arguments, a JSON object. */
  ARGS("args"),
  /** The job's queue. */
  QUEUE("queue"),
  /** The job's lock. */
  LOCK("lock"),
  /** The job's queueing lock. */
  QUEUEING_LOCK("queueingLock"),
  /** The job's priority. */
  PRIORITY("priority"),
  /** When the job may run, an ISO-8601 date-time. */
  AT("at"),
  /** After how long the job may run, a duration. */
  IN("in"),
  /** Whether a task the application does not know may be deferred. */
  UNKNOWN("unknown"),
  /** Whether a queueing-lock clash is ignored. */
  IGNORE_ALREADY_ENQUEUED("ignoreAlreadyEnqueued"),
  /** The worker's queues, comma-separated. */
  QUEUES("queues"),
  /** The worker's name. */
  NAME("name"),
  /** How many jobs the worker runs at once. */
  CONCURRENCY("concurrency"),
  /** Whether the worker waits for new jobs. */
  WAIT("wait"),
  /** How often the worker looks for jobs when no notification comes. */
  FETCH_JOB_POLLING_INTERVAL("fetchJobPollingInterval"),
  /** How often the worker looks for abort requests. */
  ABORT_JOB_POLLING_INTERVAL("abortJobPollingInterval"),
  /** How long a stopping worker lets running jobs go on. */
  SHUTDOWN_GRACEFUL_TIMEOUT("shutdownGracefulTimeout"),
  /** Whether LISTEN/NOTIFY wakes the worker. */
  LISTEN_NOTIFY("listenNotify"),
  /** Which ended jobs the worker deletes. */
  DELETE_JOBS("deleteJobs"),
  /** Whether the worker retries the jobs of stalled workers. */
  RESCUE_STALLED_JOBS("rescueStalledJobs"),
  /** Whether something in the fleet may rescue stalled jobs. */
  FLEET_RESCUES_STALLED_JOBS("fleetRescuesStalledJobs"),
  /** Whether job outcomes commit without waiting for the disk. */
  ASYNCHRONOUS_OUTCOMES("asynchronousOutcomes"),
  /** Whether tasks run on virtual threads. */
  VIRTUAL_THREADS("virtualThreads");

  private final String key;

  Input(String key) {
    this.key = key;
  }

  /**
   * Returns the input's key, which is also the Maven goals' property suffix.
   *
   * @return e.g. {@code queueingLock} for {@code procrastinate.queueingLock}
   */
  public String key() {
    return key;
  }
}
