package dev.procrastinate;

import dev.procrastinate.internal.config.SettingsSource;
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
 * upstream's defaults. Immutable; build with {@link #builder()}, or read the deployment's settings
 * with {@link #fromEnvironment()}.
 *
 * <p>{@link #fromEnvironment()} reads each setting from the system property {@code
 * procrastinate.worker.<key>}, then the environment variable (upstream's names, e.g. {@code
 * PROCRASTINATE_WORKER_CONCURRENCY}), then {@code procrastinate.worker.<key>} in {@code
 * procrastinate.properties} on the class path:
 *
 * <table>
 *   <caption>Worker settings</caption>
 *   <tr><th>key</th><th>environment variable</th><th>value</th></tr>
 *   <tr><td>queues</td><td>PROCRASTINATE_WORKER_QUEUES</td><td>comma-separated; empty for all</td></tr>
 *   <tr><td>name</td><td>PROCRASTINATE_WORKER_NAME</td><td>text</td></tr>
 *   <tr><td>concurrency</td><td>PROCRASTINATE_WORKER_CONCURRENCY</td><td>at least 1</td></tr>
 *   <tr><td>wait</td><td>PROCRASTINATE_WORKER_WAIT</td><td>boolean</td></tr>
 *   <tr><td>fetchJobPollingInterval</td><td>PROCRASTINATE_WORKER_FETCH_JOB_POLLING_INTERVAL</td>
 *       <td>duration</td></tr>
 *   <tr><td>abortJobPollingInterval</td><td>PROCRASTINATE_WORKER_ABORT_JOB_POLLING_INTERVAL</td>
 *       <td>duration</td></tr>
 *   <tr><td>shutdownGracefulTimeout</td><td>PROCRASTINATE_WORKER_SHUTDOWN_GRACEFUL_TIMEOUT</td>
 *       <td>duration; empty waits for ever</td></tr>
 *   <tr><td>listenNotify</td><td>PROCRASTINATE_WORKER_LISTEN_NOTIFY</td><td>boolean</td></tr>
 *   <tr><td>deleteJobs</td><td>PROCRASTINATE_WORKER_DELETE_JOBS</td>
 *       <td>never, successful or always</td></tr>
 *   <tr><td>updateHeartbeatInterval</td><td>PROCRASTINATE_WORKER_UPDATE_HEARTBEAT_INTERVAL</td>
 *       <td>duration</td></tr>
 *   <tr><td>stalledWorkerTimeout</td><td>PROCRASTINATE_WORKER_STALLED_WORKER_TIMEOUT</td>
 *       <td>duration</td></tr>
 *   <tr><td>fetchBatchSize</td><td>PROCRASTINATE_WORKER_FETCH_BATCH_SIZE</td><td>at least 1</td></tr>
 *   <tr><td>rescueStalledJobs</td><td>PROCRASTINATE_WORKER_RESCUE_STALLED_JOBS</td>
 *       <td>boolean</td></tr>
 *   <tr><td>fleetRescuesStalledJobs</td><td>PROCRASTINATE_WORKER_FLEET_RESCUES_STALLED_JOBS</td>
 *       <td>boolean</td></tr>
 *   <tr><td>asynchronousOutcomes</td><td>PROCRASTINATE_WORKER_ASYNCHRONOUS_OUTCOMES</td>
 *       <td>boolean</td></tr>
 *   <tr><td>virtualThreads</td><td>PROCRASTINATE_WORKER_VIRTUAL_THREADS</td>
 *       <td>boolean; Java 21 or later</td></tr>
 * </table>
 *
 * <p>Durations are seconds ({@code 2.5}) or ISO-8601 ({@code PT2.5S}); booleans are {@code
 * true/t/y/1} or {@code false/f/n/0}.
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
 * @param fleetRescuesStalledJobs whether some process of the fleet may rescue stalled jobs (a Java
 *     worker with {@code rescueStalledJobs}, or a task of your own that retries stalled jobs, as
 *     upstream documents): then this worker stops its jobs when it cannot record a heartbeat for
 *     longer than its lease, so that no job runs twice at once. On by default; turn it off only
 *     when nothing rescues, and jobs then run on through a database outage
 * @param asynchronousOutcomes whether job outcomes commit without waiting for the disk
 *     (PostgreSQL's {@code synchronous_commit = off} for their transactions): faster for short
 *     jobs, but a server crash may lose the last few hundred milliseconds of outcomes, whose jobs
 *     then run again; off by default, when outcomes are as durable as the server's setting makes
 *     them
 * @param virtualThreads whether the tasks run on virtual threads (Java 21 or later), one per slot:
 *     thousands of slots for tasks that mostly wait on I/O, in a small heap; off by default
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
    boolean rescueStalledJobs,
    boolean fleetRescuesStalledJobs,
    boolean asynchronousOutcomes,
    boolean virtualThreads) {

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
    if (virtualThreads && Runtime.version().feature() < VIRTUAL_THREADS_JAVA) {
      throw new IllegalArgumentException(
          "virtualThreads needs Java "
              + VIRTUAL_THREADS_JAVA
              + " or later, and this worker runs on Java "
              + Runtime.version()
              + " ("
              + System.getProperty("java.home")
              + "): run it on a newer JVM, or turn virtualThreads off to run tasks on platform"
              + " threads");
    }
  }

  /** The first Java release with virtual threads. */
  public static final int VIRTUAL_THREADS_JAVA = 21;

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
   * Reads worker options from system properties, environment variables and {@code
   * procrastinate.properties} on the context class loader (see the table above); unset settings
   * keep upstream's defaults. Change some with {@link #toBuilder()}.
   *
   * @return the options
   * @throws IllegalArgumentException if a value is invalid, naming the setting and where it came
   *     from
   */
  public static WorkerOptions fromEnvironment() {
    ClassLoader loader = Thread.currentThread().getContextClassLoader();
    if (loader == null) {
      loader = WorkerOptions.class.getClassLoader();
    }
    return from(SettingsSource.fromProcess(loader));
  }

  static WorkerOptions from(SettingsSource source) {
    Builder builder = builder();
    List<String> queues = source.get("worker.queues", WorkerOptions::parseQueues);
    if (queues != null) {
      builder.queues(queues);
    }
    String name = source.get("worker.name", String::trim);
    if (name != null) {
      builder.name(name);
    }
    builder.concurrency(source.getInt("worker.concurrency", DEFAULT_CONCURRENCY, 1));
    builder.waitForJobs(source.getBoolean("worker.wait", true));
    builder.fetchJobPollingInterval(
        source.getPositiveDuration(
            "worker.fetchJobPollingInterval", DEFAULT_FETCH_JOB_POLLING_INTERVAL));
    builder.abortJobPollingInterval(
        source.getPositiveDuration(
            "worker.abortJobPollingInterval", DEFAULT_ABORT_JOB_POLLING_INTERVAL));
    builder.shutdownGracefulTimeout(source.getOptionalDuration("worker.shutdownGracefulTimeout"));
    builder.listenNotify(source.getBoolean("worker.listenNotify", true));
    DeleteJobs deleteJobs = source.get("worker.deleteJobs", DeleteJobs::parse);
    if (deleteJobs != null) {
      builder.deleteJobs(deleteJobs);
    }
    builder.updateHeartbeatInterval(
        source.getPositiveDuration(
            "worker.updateHeartbeatInterval", DEFAULT_UPDATE_HEARTBEAT_INTERVAL));
    builder.stalledWorkerTimeout(
        source.getPositiveDuration("worker.stalledWorkerTimeout", DEFAULT_STALLED_WORKER_TIMEOUT));
    builder.fetchBatchSize(source.getInt("worker.fetchBatchSize", DEFAULT_FETCH_BATCH_SIZE, 1));
    builder.rescueStalledJobs(source.getBoolean("worker.rescueStalledJobs", false));
    builder.fleetRescuesStalledJobs(source.getBoolean("worker.fleetRescuesStalledJobs", true));
    builder.asynchronousOutcomes(source.getBoolean("worker.asynchronousOutcomes", false));
    builder.virtualThreads(source.getBoolean("worker.virtualThreads", false));
    try {
      return builder.build();
    } catch (IllegalArgumentException e) {
      throw new IllegalArgumentException(
          "the worker settings do not fit together ("
              + source.describe("worker.updateHeartbeatInterval")
              + ", "
              + source.describe("worker.stalledWorkerTimeout")
              + "): "
              + e.getMessage(),
          e);
    }
  }

  /**
   * Parses upstream's comma-separated queue list; blanks are dropped, so an empty text means all
   * queues.
   *
   * @param text e.g. {@code emails, reports}
   * @return the queue names, each checked
   * @throws IllegalArgumentException if a queue name is too long for PostgreSQL's NOTIFY channel
   */
  public static List<String> parseQueues(String text) {
    List<String> queues = new ArrayList<>();
    for (String part : text.split(",", -1)) {
      String queue = part.trim();
      if (!queue.isEmpty()) {
        NewJob.validateQueueName(queue);
        queues.add(queue);
      }
    }
    return List.copyOf(queues);
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
    builder.fleetRescuesStalledJobs = fleetRescuesStalledJobs;
    builder.asynchronousOutcomes = asynchronousOutcomes;
    builder.virtualThreads = virtualThreads;
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
    private boolean fleetRescuesStalledJobs = true;
    private boolean asynchronousOutcomes;
    private boolean virtualThreads;

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
     * Sets whether some process of the fleet may rescue stalled jobs, so that this worker must stop
     * its jobs when its lease runs out (see {@link WorkerOptions#fleetRescuesStalledJobs()}).
     *
     * @param rescued false only when no worker and no task of the fleet rescues stalled jobs
     * @return this builder
     */
    public Builder fleetRescuesStalledJobs(boolean rescued) {
      this.fleetRescuesStalledJobs = rescued;
      return this;
    }

    /**
     * Sets whether job outcomes commit without waiting for the disk (see {@link
     * WorkerOptions#asynchronousOutcomes()} for what a server crash may then cost).
     *
     * @param asynchronous whether to trade durability of outcomes for speed
     * @return this builder
     */
    public Builder asynchronousOutcomes(boolean asynchronous) {
      this.asynchronousOutcomes = asynchronous;
      return this;
    }

    /**
     * Sets whether the tasks run on virtual threads, one per slot (Java 21 or later): for tasks
     * that mostly wait on I/O, thousands of slots cost little memory. The worker's own threads stay
     * platform threads.
     *
     * @param virtual whether to run tasks on virtual threads
     * @return this builder
     */
    public Builder virtualThreads(boolean virtual) {
      this.virtualThreads = virtual;
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
          rescueStalledJobs,
          fleetRescuesStalledJobs,
          asynchronousOutcomes,
          virtualThreads);
    }
  }
}
