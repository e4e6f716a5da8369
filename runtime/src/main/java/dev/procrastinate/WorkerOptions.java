package dev.procrastinate;

import java.time.Duration;
import java.util.ArrayList;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import org.jspecify.annotations.Nullable;

/**
 * How a {@link Worker} runs: upstream Procrastinate's worker options under Java names, with
 * upstream's defaults. Immutable; build with {@link #builder()}.
 *
 * @param queues the queues to take jobs from; empty for all queues
 * @param name the worker's name, for logs and {@link JobContext#workerName()}
 * @param concurrency how many jobs run at once
 * @param waitForJobs whether to wait for new jobs; false works what is due, then stops (upstream's
 *     {@code wait})
 * @param fetchJobPollingInterval how often to look for jobs when no notification arrives
 * @param abortJobPollingInterval how often to look for abort requests while jobs run
 * @param shutdownGracefulTimeout how long a stop waits for running jobs before aborting them; null
 *     waits for ever
 * @param listenNotify whether to be woken by LISTEN/NOTIFY; turn off behind a transaction-mode
 *     pooler
 * @param deleteJobs which finished jobs to delete
 * @param updateHeartbeatInterval how often the worker records that it is alive
 * @param stalledWorkerTimeout after how long without heartbeat another worker counts as dead
 * @param additionalContext values copied into each job's {@link JobContext#additionalContext()}
 * @param installSignalHandlers whether SIGTERM/SIGINT stop the worker gracefully (a JVM shutdown
 *     hook)
 * @param fetchBatchSize the most jobs fetched in one round trip
 * @param workerMiddleware code wrapping every job the worker takes, outermost first, including jobs
 *     whose task is unknown or whose arguments do not decode (upstream's worker middleware)
 * @param taskMiddleware code wrapping every task run, outermost first, inside the worker middleware
 *     and outside each task's own {@code @Task(middleware)} (upstream's worker-wide task
 *     middleware)
 * @param rescueStalledJobs whether this worker retries, through their task's retry strategy,
 *     running jobs whose worker stopped heart-beating for {@code stalledWorkerTimeout}; off by
 *     default, as upstream leaves stalled jobs alone
 */
public record WorkerOptions(
    List<String> queues,
    String name,
    int concurrency,
    boolean waitForJobs,
    Duration fetchJobPollingInterval,
    Duration abortJobPollingInterval,
    @Nullable Duration shutdownGracefulTimeout,
    boolean listenNotify,
    DeleteJobs deleteJobs,
    Duration updateHeartbeatInterval,
    Duration stalledWorkerTimeout,
    Map<String, Object> additionalContext,
    boolean installSignalHandlers,
    int fetchBatchSize,
    List<JobMiddleware> workerMiddleware,
    List<JobMiddleware> taskMiddleware,
    boolean rescueStalledJobs) {

  /** Default name, as upstream. */
  public static final String DEFAULT_NAME = "worker";

  /** Default concurrency, as upstream. */
  public static final int DEFAULT_CONCURRENCY = 1;

  /** Default fetch polling interval, as upstream. */
  public static final Duration DEFAULT_FETCH_JOB_POLLING_INTERVAL = Duration.ofSeconds(5);

  /** Default abort polling interval, as upstream. */
  public static final Duration DEFAULT_ABORT_JOB_POLLING_INTERVAL = Duration.ofSeconds(5);

  /** Default heartbeat interval, as upstream. */
  public static final Duration DEFAULT_UPDATE_HEARTBEAT_INTERVAL = Duration.ofSeconds(10);

  /** Default stalled-worker timeout, as upstream. */
  public static final Duration DEFAULT_STALLED_WORKER_TIMEOUT = Duration.ofSeconds(30);

  /** Default number of jobs fetched in one round trip at most. */
  public static final int DEFAULT_FETCH_BATCH_SIZE = 500;

  /**
   * Validates every field.
   *
   * @throws IllegalArgumentException naming the field
   */
  public WorkerOptions {
    queues = List.copyOf(queues);
    for (String queue : queues) {
      NewJob.validateQueueName(queue);
    }
    Objects.requireNonNull(name, "name");
    if (name.isBlank()) {
      throw new IllegalArgumentException("name must not be empty");
    }
    if (concurrency < 1) {
      throw new IllegalArgumentException("concurrency must be at least 1, got " + concurrency);
    }
    positive(fetchJobPollingInterval, "fetchJobPollingInterval");
    positive(abortJobPollingInterval, "abortJobPollingInterval");
    if (shutdownGracefulTimeout != null && shutdownGracefulTimeout.isNegative()) {
      throw new IllegalArgumentException(
          "shutdownGracefulTimeout must not be negative, got " + shutdownGracefulTimeout);
    }
    Objects.requireNonNull(deleteJobs, "deleteJobs");
    positive(updateHeartbeatInterval, "updateHeartbeatInterval");
    positive(stalledWorkerTimeout, "stalledWorkerTimeout");
    if (updateHeartbeatInterval.compareTo(stalledWorkerTimeout) >= 0) {
      throw new IllegalArgumentException(
          "updateHeartbeatInterval ("
              + updateHeartbeatInterval
              + ") must be shorter than stalledWorkerTimeout ("
              + stalledWorkerTimeout
              + "), or live workers would count as stalled");
    }
    additionalContext = Collections.unmodifiableMap(new LinkedHashMap<>(additionalContext));
    workerMiddleware = List.copyOf(workerMiddleware);
    taskMiddleware = List.copyOf(taskMiddleware);
    if (fetchBatchSize < 1) {
      throw new IllegalArgumentException(
          "fetchBatchSize must be at least 1, got " + fetchBatchSize);
    }
  }

  private static void positive(Duration value, String name) {
    Objects.requireNonNull(value, name);
    if (value.isNegative() || value.isZero()) {
      throw new IllegalArgumentException(name + " must be positive, got " + value);
    }
  }

  /**
   * Starts options with upstream's defaults.
   *
   * @return a builder
   */
  public static Builder builder() {
    return new Builder();
  }

  /**
   * Returns a builder holding these options.
   *
   * @return a builder
   */
  public Builder toBuilder() {
    Builder builder = new Builder();
    builder.queues.addAll(queues);
    builder.name = name;
    builder.concurrency = concurrency;
    builder.wait = waitForJobs;
    builder.fetchJobPollingInterval = fetchJobPollingInterval;
    builder.abortJobPollingInterval = abortJobPollingInterval;
    builder.shutdownGracefulTimeout = shutdownGracefulTimeout;
    builder.listenNotify = listenNotify;
    builder.deleteJobs = deleteJobs;
    builder.updateHeartbeatInterval = updateHeartbeatInterval;
    builder.stalledWorkerTimeout = stalledWorkerTimeout;
    builder.additionalContext.putAll(additionalContext);
    builder.installSignalHandlers = installSignalHandlers;
    builder.fetchBatchSize = fetchBatchSize;
    builder.workerMiddleware.addAll(workerMiddleware);
    builder.taskMiddleware.addAll(taskMiddleware);
    builder.rescueStalledJobs = rescueStalledJobs;
    return builder;
  }

  /** Builds {@link WorkerOptions}. Not thread-safe. */
  public static final class Builder {
    private final List<String> queues = new ArrayList<>();
    private String name = DEFAULT_NAME;
    private int concurrency = DEFAULT_CONCURRENCY;
    private boolean wait = true;
    private Duration fetchJobPollingInterval = DEFAULT_FETCH_JOB_POLLING_INTERVAL;
    private Duration abortJobPollingInterval = DEFAULT_ABORT_JOB_POLLING_INTERVAL;
    private @Nullable Duration shutdownGracefulTimeout;
    private boolean listenNotify = true;
    private DeleteJobs deleteJobs = DeleteJobs.NEVER;
    private Duration updateHeartbeatInterval = DEFAULT_UPDATE_HEARTBEAT_INTERVAL;
    private Duration stalledWorkerTimeout = DEFAULT_STALLED_WORKER_TIMEOUT;
    private final Map<String, Object> additionalContext = new LinkedHashMap<>();
    private boolean installSignalHandlers = true;
    private int fetchBatchSize = DEFAULT_FETCH_BATCH_SIZE;
    private final List<JobMiddleware> workerMiddleware = new ArrayList<>();
    private final List<JobMiddleware> taskMiddleware = new ArrayList<>();
    private boolean rescueStalledJobs;

    private Builder() {}

    /**
     * Adds worker middleware: it wraps every job the worker takes, the first added outermost,
     * including jobs whose task is unknown or whose arguments do not decode (then {@link
     * JobMiddleware.Next#proceed()} throws).
     *
     * @param middleware the middleware
     * @return this builder
     */
    public Builder workerMiddleware(JobMiddleware... middleware) {
      this.workerMiddleware.addAll(List.of(middleware));
      return this;
    }

    /**
     * Adds task middleware for every task: it wraps each task run, the first added outermost,
     * inside the worker middleware and outside each task's own {@code @Task(middleware)}.
     *
     * @param middleware the middleware
     * @return this builder
     */
    public Builder taskMiddleware(JobMiddleware... middleware) {
      this.taskMiddleware.addAll(List.of(middleware));
      return this;
    }

    /**
     * Sets whether this worker retries the running jobs of workers that stopped heart-beating.
     *
     * @param rescue whether to rescue stalled jobs
     * @return this builder
     */
    public Builder rescueStalledJobs(boolean rescue) {
      this.rescueStalledJobs = rescue;
      return this;
    }

    /**
     * Sets the queues to take jobs from; none means all queues.
     *
     * @param queues queue names
     * @return this builder
     */
    public Builder queues(String... queues) {
      return queues(List.of(queues));
    }

    /**
     * Sets the queues to take jobs from; empty means all queues.
     *
     * @param queues queue names
     * @return this builder
     */
    public Builder queues(List<String> queues) {
      this.queues.clear();
      this.queues.addAll(queues);
      return this;
    }

    /**
     * Sets the worker's name.
     *
     * @param name the name
     * @return this builder
     */
    public Builder name(String name) {
      this.name = name;
      return this;
    }

    /**
     * Sets how many jobs run at once.
     *
     * @param concurrency at least 1
     * @return this builder
     */
    public Builder concurrency(int concurrency) {
      this.concurrency = concurrency;
      return this;
    }

    /**
     * Sets whether to wait for new jobs (true) or stop once none is due (false).
     *
     * @param wait whether to wait
     * @return this builder
     */
    public Builder waitForJobs(boolean wait) {
      this.wait = wait;
      return this;
    }

    /**
     * Sets the polling interval for new jobs.
     *
     * @param interval positive
     * @return this builder
     */
    public Builder fetchJobPollingInterval(Duration interval) {
      this.fetchJobPollingInterval = interval;
      return this;
    }

    /**
     * Sets the polling interval for abort requests.
     *
     * @param interval positive
     * @return this builder
     */
    public Builder abortJobPollingInterval(Duration interval) {
      this.abortJobPollingInterval = interval;
      return this;
    }

    /**
     * Sets how long a stop waits for running jobs before aborting them.
     *
     * @param timeout the timeout, or null to wait for ever
     * @return this builder
     */
    public Builder shutdownGracefulTimeout(@Nullable Duration timeout) {
      this.shutdownGracefulTimeout = timeout;
      return this;
    }

    /**
     * Sets whether LISTEN/NOTIFY wakes the worker.
     *
     * @param listenNotify false behind a transaction-mode pooler
     * @return this builder
     */
    public Builder listenNotify(boolean listenNotify) {
      this.listenNotify = listenNotify;
      return this;
    }

    /**
     * Sets which finished jobs are deleted.
     *
     * @param deleteJobs the policy
     * @return this builder
     */
    public Builder deleteJobs(DeleteJobs deleteJobs) {
      this.deleteJobs = deleteJobs;
      return this;
    }

    /**
     * Sets the heartbeat interval.
     *
     * @param interval positive
     * @return this builder
     */
    public Builder updateHeartbeatInterval(Duration interval) {
      this.updateHeartbeatInterval = interval;
      return this;
    }

    /**
     * Sets after how long without heartbeat a worker counts as dead.
     *
     * @param timeout positive
     * @return this builder
     */
    public Builder stalledWorkerTimeout(Duration timeout) {
      this.stalledWorkerTimeout = timeout;
      return this;
    }

    /**
     * Adds a value to every job's additional context.
     *
     * @param key the key
     * @param value the value
     * @return this builder
     */
    public Builder additionalContext(String key, Object value) {
      this.additionalContext.put(key, value);
      return this;
    }

    /**
     * Sets whether SIGTERM/SIGINT stop the worker gracefully.
     *
     * @param install whether to install a shutdown hook
     * @return this builder
     */
    public Builder installSignalHandlers(boolean install) {
      this.installSignalHandlers = install;
      return this;
    }

    /**
     * Sets the most jobs fetched in one round trip.
     *
     * @param size at least 1
     * @return this builder
     */
    public Builder fetchBatchSize(int size) {
      this.fetchBatchSize = size;
      return this;
    }

    /**
     * Validates and builds.
     *
     * @return the options
     * @throws IllegalArgumentException naming the field, if a value is invalid
     */
    public WorkerOptions build() {
      return new WorkerOptions(
          queues,
          name,
          concurrency,
          wait,
          fetchJobPollingInterval,
          abortJobPollingInterval,
          shutdownGracefulTimeout,
          listenNotify,
          deleteJobs,
          updateHeartbeatInterval,
          stalledWorkerTimeout,
          additionalContext,
          installSignalHandlers,
          fetchBatchSize,
          workerMiddleware,
          taskMiddleware,
          rescueStalledJobs);
    }
  }
}
