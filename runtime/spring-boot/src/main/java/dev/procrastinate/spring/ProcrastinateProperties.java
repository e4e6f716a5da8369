package dev.procrastinate.spring;

import dev.procrastinate.DeleteJobs;
import dev.procrastinate.WorkerOptions;
import java.time.Duration;
import java.time.temporal.ChronoUnit;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.regex.Pattern;
import org.jspecify.annotations.Nullable;
import org.springframework.boot.context.properties.ConfigurationProperties;
import org.springframework.boot.convert.DurationUnit;

/**
 * The {@code procrastinate.*} settings of a Spring Boot application, from {@code
 * application.properties}, YAML, the environment or the command line. The keys are the ones the
 * runtime reads elsewhere ({@code procrastinate.schema}, {@code procrastinate.worker.concurrency},
 * ...), in Spring's relaxed forms ({@code procrastinate.worker.shutdown-graceful-timeout} or {@code
 * procrastinate.worker.shutdownGracefulTimeout}). Durations without a unit are seconds, as
 * elsewhere in procrastinate. The database is the application's {@code spring.datasource}.
 */
@ConfigurationProperties(prefix = "procrastinate")
public class ProcrastinateProperties {
  /**
   * Schema holding the Procrastinate tables, by its exact name; set on the app's own connections.
   * Inside a Spring transaction the transaction's connection is used as it is, so put the schema on
   * the application's search_path too (spring.datasource.hikari.schema) when defers join
   * transactions. Empty: the connections' search_path.
   */
  private @Nullable String schema;

  /**
   * Whether to apply the Procrastinate schema at start-up, before the application's own Flyway or
   * Liquibase migrations. False leaves it to 'mvn procrastinate:migrate'.
   */
  private boolean migrate = true;

  /**
   * How late the latest tick of a periodic task may be for a starting worker to defer it. Seconds,
   * or a duration such as 10m.
   */
  @DurationUnit(ChronoUnit.SECONDS)
  private Duration periodicMaxDelay = Duration.ofSeconds(600);

  /**
   * Whether defers run their task at once, in the caller's thread, instead of storing a job (for
   * tests: @ProcrastinateTest(inline = true) sets it). The database still serves everything else.
   */
  private boolean inline;

  /** The worker run inside the application. */
  private final Worker worker = new Worker();

  /** Metrics, when Micrometer and a MeterRegistry are present. */
  private final Metrics metrics = new Metrics();

  /** The dashboard mounted in a servlet web application. */
  private final Dashboard dashboard = new Dashboard();

  /** Creates the defaults. */
  public ProcrastinateProperties() {}

  /**
   * Returns the schema.
   *
   * @return the schema, or null for the connections' search_path
   */
  public @Nullable String getSchema() {
    return schema;
  }

  /**
   * Sets the schema.
   *
   * @param schema the schema, or null or blank for the connections' search_path
   */
  public void setSchema(@Nullable String schema) {
    this.schema = schema == null || schema.isBlank() ? null : schema.trim();
  }

  /**
   * Returns whether the schema is migrated at start-up.
   *
   * @return whether to migrate
   */
  public boolean isMigrate() {
    return migrate;
  }

  /**
   * Sets whether the schema is migrated at start-up.
   *
   * @param migrate whether to migrate
   */
  public void setMigrate(boolean migrate) {
    this.migrate = migrate;
  }

  /**
   * Returns the periodic max delay.
   *
   * @return the delay
   */
  public Duration getPeriodicMaxDelay() {
    return periodicMaxDelay;
  }

  /**
   * Sets the periodic max delay.
   *
   * @param periodicMaxDelay the delay
   */
  public void setPeriodicMaxDelay(Duration periodicMaxDelay) {
    this.periodicMaxDelay = periodicMaxDelay;
  }

  /**
   * Returns whether defers run their task at once.
   *
   * @return whether the app is inline
   */
  public boolean isInline() {
    return inline;
  }

  /**
   * Sets whether defers run their task at once.
   *
   * @param inline whether the app is inline
   */
  public void setInline(boolean inline) {
    this.inline = inline;
  }

  /**
   * Returns the worker settings.
   *
   * @return the worker settings
   */
  public Worker getWorker() {
    return worker;
  }

  /**
   * Returns the metrics settings.
   *
   * @return the metrics settings
   */
  public Metrics getMetrics() {
    return metrics;
  }

  /**
   * Returns the dashboard settings.
   *
   * @return the dashboard settings
   */
  public Dashboard getDashboard() {
    return dashboard;
  }

  /** The {@code procrastinate.worker.*} settings: upstream's worker options. */
  public static class Worker {
    /**
     * Whether to run a worker in the application, started when it is ready and stopped gracefully
     * on shutdown. Off by default: the same jar runs as a worker process with
     * --procrastinate.worker.enabled=true --spring.main.web-application-type=none.
     */
    private boolean enabled;

    /** The queues to take jobs from; empty for all queues. */
    private List<String> queues = new ArrayList<>();

    /** The worker's name, for logs and JobContext.workerName(). */
    private String name = WorkerOptions.DEFAULT_NAME;

    /** How many jobs run at once. */
    private int concurrency = WorkerOptions.DEFAULT_CONCURRENCY;

    /** How often to look for jobs when no notification arrives. */
    @DurationUnit(ChronoUnit.SECONDS)
    private Duration fetchJobPollingInterval = WorkerOptions.DEFAULT_FETCH_JOB_POLLING_INTERVAL;

    /** How often to look for abort requests while jobs run. */
    @DurationUnit(ChronoUnit.SECONDS)
    private Duration abortJobPollingInterval = WorkerOptions.DEFAULT_ABORT_JOB_POLLING_INTERVAL;

    /**
     * How long a shutdown waits for running jobs before aborting them; empty waits for ever.
     * Spring's spring.lifecycle.timeout-per-shutdown-phase does not cut it short.
     */
    @DurationUnit(ChronoUnit.SECONDS)
    private @Nullable Duration shutdownGracefulTimeout;

    /** Whether LISTEN/NOTIFY wakes the worker; turn off behind a transaction-mode pooler. */
    private boolean listenNotify = true;

    /** Which finished jobs to delete: never, successful or always. */
    private DeleteJobs deleteJobs = DeleteJobs.NEVER;

    /** How often the worker records that it is alive. */
    @DurationUnit(ChronoUnit.SECONDS)
    private Duration updateHeartbeatInterval = WorkerOptions.DEFAULT_UPDATE_HEARTBEAT_INTERVAL;

    /** After how long without heartbeat another worker counts as dead. */
    @DurationUnit(ChronoUnit.SECONDS)
    private Duration stalledWorkerTimeout = WorkerOptions.DEFAULT_STALLED_WORKER_TIMEOUT;

    /** The most jobs fetched in one round trip. */
    private int fetchBatchSize = WorkerOptions.DEFAULT_FETCH_BATCH_SIZE;

    /** Whether this worker retries running jobs of workers that stopped heart-beating. */
    private boolean rescueStalledJobs;

    private boolean fleetRescuesStalledJobs = true;
    private boolean asynchronousOutcomes;
    private boolean virtualThreads;

    /** Values copied into each job's JobContext.additionalContext(). */
    private Map<String, String> additionalContext = new LinkedHashMap<>();

    /** Creates the defaults. */
    public Worker() {}

    /**
     * Returns whether the worker runs in the application.
     *
     * @return whether enabled
     */
    public boolean isEnabled() {
      return enabled;
    }

    /**
     * Sets whether the worker runs in the application.
     *
     * @param enabled whether enabled
     */
    public void setEnabled(boolean enabled) {
      this.enabled = enabled;
    }

    /**
     * Returns the queues.
     *
     * @return the queues, empty for all
     */
    public List<String> getQueues() {
      return queues;
    }

    /**
     * Sets the queues.
     *
     * @param queues the queues, empty for all
     */
    public void setQueues(List<String> queues) {
      this.queues = new ArrayList<>(queues);
    }

    /**
     * Returns the name.
     *
     * @return the name
     */
    public String getName() {
      return name;
    }

    /**
     * Sets the name.
     *
     * @param name the name
     */
    public void setName(String name) {
      this.name = name;
    }

    /**
     * Returns the concurrency.
     *
     * @return how many jobs run at once
     */
    public int getConcurrency() {
      return concurrency;
    }

    /**
     * Sets the concurrency.
     *
     * @param concurrency how many jobs run at once
     */
    public void setConcurrency(int concurrency) {
      this.concurrency = concurrency;
    }

    /**
     * Returns the fetch polling interval.
     *
     * @return the interval
     */
    public Duration getFetchJobPollingInterval() {
      return fetchJobPollingInterval;
    }

    /**
     * Sets the fetch polling interval.
     *
     * @param interval the interval
     */
    public void setFetchJobPollingInterval(Duration interval) {
      this.fetchJobPollingInterval = interval;
    }

    /**
     * Returns the abort polling interval.
     *
     * @return the interval
     */
    public Duration getAbortJobPollingInterval() {
      return abortJobPollingInterval;
    }

    /**
     * Sets the abort polling interval.
     *
     * @param interval the interval
     */
    public void setAbortJobPollingInterval(Duration interval) {
      this.abortJobPollingInterval = interval;
    }

    /**
     * Returns the shutdown graceful timeout.
     *
     * @return the timeout, or null to wait for ever
     */
    public @Nullable Duration getShutdownGracefulTimeout() {
      return shutdownGracefulTimeout;
    }

    /**
     * Sets the shutdown graceful timeout.
     *
     * @param timeout the timeout, or null to wait for ever
     */
    public void setShutdownGracefulTimeout(@Nullable Duration timeout) {
      this.shutdownGracefulTimeout = timeout;
    }

    /**
     * Returns whether LISTEN/NOTIFY is used.
     *
     * @return whether to listen
     */
    public boolean isListenNotify() {
      return listenNotify;
    }

    /**
     * Sets whether LISTEN/NOTIFY is used.
     *
     * @param listenNotify whether to listen
     */
    public void setListenNotify(boolean listenNotify) {
      this.listenNotify = listenNotify;
    }

    /**
     * Returns which finished jobs are deleted.
     *
     * @return the policy
     */
    public DeleteJobs getDeleteJobs() {
      return deleteJobs;
    }

    /**
     * Sets which finished jobs are deleted.
     *
     * @param deleteJobs the policy
     */
    public void setDeleteJobs(DeleteJobs deleteJobs) {
      this.deleteJobs = deleteJobs;
    }

    /**
     * Returns the heartbeat interval.
     *
     * @return the interval
     */
    public Duration getUpdateHeartbeatInterval() {
      return updateHeartbeatInterval;
    }

    /**
     * Sets the heartbeat interval.
     *
     * @param interval the interval
     */
    public void setUpdateHeartbeatInterval(Duration interval) {
      this.updateHeartbeatInterval = interval;
    }

    /**
     * Returns the stalled-worker timeout.
     *
     * @return the timeout
     */
    public Duration getStalledWorkerTimeout() {
      return stalledWorkerTimeout;
    }

    /**
     * Sets the stalled-worker timeout.
     *
     * @param timeout the timeout
     */
    public void setStalledWorkerTimeout(Duration timeout) {
      this.stalledWorkerTimeout = timeout;
    }

    /**
     * Returns the fetch batch size.
     *
     * @return the most jobs fetched at once
     */
    public int getFetchBatchSize() {
      return fetchBatchSize;
    }

    /**
     * Sets the fetch batch size.
     *
     * @param fetchBatchSize the most jobs fetched at once
     */
    public void setFetchBatchSize(int fetchBatchSize) {
      this.fetchBatchSize = fetchBatchSize;
    }

    /**
     * Returns whether stalled jobs are rescued.
     *
     * @return whether to rescue
     */
    public boolean isRescueStalledJobs() {
      return rescueStalledJobs;
    }

    /**
     * Sets whether stalled jobs are rescued.
     *
     * @param rescueStalledJobs whether to rescue
     */
    public void setRescueStalledJobs(boolean rescueStalledJobs) {
      this.rescueStalledJobs = rescueStalledJobs;
    }

    /**
     * Returns whether something in the fleet may rescue stalled jobs.
     *
     * @return true unless nothing rescues
     */
    public boolean isFleetRescuesStalledJobs() {
      return fleetRescuesStalledJobs;
    }

    /**
     * Sets whether something in the fleet may rescue stalled jobs; false only when nothing does,
     * and jobs then run on through an outage.
     *
     * @param fleetRescuesStalledJobs whether a rescue may happen
     */
    public void setFleetRescuesStalledJobs(boolean fleetRescuesStalledJobs) {
      this.fleetRescuesStalledJobs = fleetRescuesStalledJobs;
    }

    /**
     * Returns whether job outcomes commit without waiting for the disk.
     *
     * @return whether outcomes are asynchronous
     */
    public boolean isAsynchronousOutcomes() {
      return asynchronousOutcomes;
    }

    /**
     * Sets whether job outcomes commit without waiting for the disk: faster for short jobs, but a
     * server crash may lose the last outcomes, whose jobs then run again.
     *
     * @param asynchronousOutcomes whether outcomes are asynchronous
     */
    public void setAsynchronousOutcomes(boolean asynchronousOutcomes) {
      this.asynchronousOutcomes = asynchronousOutcomes;
    }

    /**
     * Returns whether tasks run on virtual threads.
     *
     * @return whether tasks run on virtual threads
     */
    public boolean isVirtualThreads() {
      return virtualThreads;
    }

    /**
     * Sets whether tasks run on virtual threads, one per slot (Java 21 or later): thousands of
     * slots for tasks that wait on I/O.
     *
     * @param virtualThreads whether tasks run on virtual threads
     */
    public void setVirtualThreads(boolean virtualThreads) {
      this.virtualThreads = virtualThreads;
    }

    /**
     * Returns the additional context.
     *
     * @return the values
     */
    public Map<String, String> getAdditionalContext() {
      return additionalContext;
    }

    /**
     * Sets the additional context.
     *
     * @param additionalContext the values
     */
    public void setAdditionalContext(Map<String, String> additionalContext) {
      this.additionalContext = new LinkedHashMap<>(additionalContext);
    }

    /**
     * Turns these settings into worker options; the JVM's signal handlers stay Spring's.
     *
     * @return the options
     * @throws IllegalArgumentException naming the setting that is invalid
     */
    public WorkerOptions toOptions() {
      WorkerOptions.Builder builder =
          WorkerOptions.builder()
              .queues(queues.stream().map(String::trim).filter(q -> !q.isEmpty()).toList())
              .name(name)
              .concurrency(concurrency)
              .fetchJobPollingInterval(fetchJobPollingInterval)
              .abortJobPollingInterval(abortJobPollingInterval)
              .shutdownGracefulTimeout(shutdownGracefulTimeout)
              .listenNotify(listenNotify)
              .deleteJobs(deleteJobs)
              .updateHeartbeatInterval(updateHeartbeatInterval)
              .stalledWorkerTimeout(stalledWorkerTimeout)
              .fetchBatchSize(fetchBatchSize)
              .rescueStalledJobs(rescueStalledJobs)
              .fleetRescuesStalledJobs(fleetRescuesStalledJobs)
              .asynchronousOutcomes(asynchronousOutcomes)
              .virtualThreads(virtualThreads)
              .installSignalHandlers(false);
      additionalContext.forEach(builder::additionalContext);
      try {
        return builder.build();
      } catch (IllegalArgumentException e) {
        throw new IllegalArgumentException(
            "invalid procrastinate.worker.* settings: " + e.getMessage(), e);
      }
    }
  }

  /** The {@code procrastinate.metrics.*} settings. */
  public static class Metrics {
    /** Whether to bind the job metrics to the application's MeterRegistry. */
    private boolean enabled = true;

    /**
     * How often to read the queues' depth, due jobs and oldest age for the queue gauges; empty
     * reads none (each read is a query).
     */
    @DurationUnit(ChronoUnit.SECONDS)
    private @Nullable Duration queuePollInterval;

    /** Creates the defaults. */
    public Metrics() {}

    /**
     * Returns whether metrics are bound.
     *
     * @return whether enabled
     */
    public boolean isEnabled() {
      return enabled;
    }

    /**
     * Sets whether metrics are bound.
     *
     * @param enabled whether enabled
     */
    public void setEnabled(boolean enabled) {
      this.enabled = enabled;
    }

    /**
     * Returns the queue poll interval.
     *
     * @return the interval, or null for no queue gauges
     */
    public @Nullable Duration getQueuePollInterval() {
      return queuePollInterval;
    }

    /**
     * Sets the queue poll interval.
     *
     * @param interval the interval, or null for no queue gauges
     */
    public void setQueuePollInterval(@Nullable Duration interval) {
      this.queuePollInterval = interval;
    }
  }

  /**
   * The {@code procrastinate.dashboard.*} settings: the dashboard mounted in a servlet web
   * application, which needs {@code procrastinate-dashboard} on the class path.
   */
  public static class Dashboard {
    /** The default mount point. */
    public static final String DEFAULT_PATH = "/procrastinate";

    private static final Pattern PATH = Pattern.compile("(/[A-Za-z0-9._~-]+)+");

    /**
     * Whether to mount the dashboard in the application (a servlet web application with
     * procrastinate-dashboard on the class path). Access is the application's: Spring Security, if
     * present, guards it like any other path.
     */
    private boolean enabled;

    /** Where to mount the dashboard, such as /procrastinate or /admin/jobs. */
    private String path = DEFAULT_PATH;

    /** Whether to hide the actions (retry, cancel, abort) and refuse them with 403. */
    private boolean readOnly;

    /** Creates the defaults. */
    public Dashboard() {}

    /**
     * Returns whether the dashboard is mounted.
     *
     * @return whether enabled
     */
    public boolean isEnabled() {
      return enabled;
    }

    /**
     * Sets whether the dashboard is mounted.
     *
     * @param enabled whether enabled
     */
    public void setEnabled(boolean enabled) {
      this.enabled = enabled;
    }

    /**
     * Returns the mount point as set.
     *
     * @return the path
     */
    public String getPath() {
      return path;
    }

    /**
     * Sets the mount point.
     *
     * @param path the path, such as {@code /procrastinate}
     */
    public void setPath(String path) {
      this.path = path;
    }

    /**
     * Returns whether actions are refused.
     *
     * @return whether read-only
     */
    public boolean isReadOnly() {
      return readOnly;
    }

    /**
     * Sets whether actions are refused.
     *
     * @param readOnly whether read-only
     */
    public void setReadOnly(boolean readOnly) {
      this.readOnly = readOnly;
    }

    /**
     * Returns the mount point checked, without a trailing slash.
     *
     * @return such as {@code /procrastinate}
     * @throws IllegalArgumentException if the path is not one or more {@code /segment}s of letters,
     *     digits, {@code .}, {@code _}, {@code ~} and {@code -}
     */
    public String mountPath() {
      String mount = path.strip();
      if (mount.length() > 1 && mount.endsWith("/")) {
        mount = mount.substring(0, mount.length() - 1);
      }
      if (!PATH.matcher(mount).matches()) {
        throw new IllegalArgumentException(
            "procrastinate.dashboard.path must be a path below the root such as "
                + DEFAULT_PATH
                + " or /admin/jobs (letters, digits, '.', '_', '~' and '-' between slashes), got '"
                + path
                + "'");
      }
      return mount;
    }
  }
}
