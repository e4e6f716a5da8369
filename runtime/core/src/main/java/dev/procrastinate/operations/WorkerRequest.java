package dev.procrastinate.operations;

import dev.procrastinate.DeleteJobs;
import dev.procrastinate.WorkerOptions;
import java.time.Duration;
import java.util.List;
import java.util.Objects;
import org.jspecify.annotations.Nullable;

/**
 * The worker options a front end was given, as text, to lay over the deployment's worker settings
 * ({@code procrastinate.worker.*}, see {@link WorkerOptions#fromEnvironment()}): what is given here
 * wins, what is not keeps its setting. Immutable once built; build one with {@link
 * #builder(InputNames)}, then call {@link #toOptions()}.
 *
 * <p>A blank text counts as not given, except for the queues, where an empty list means all queues.
 * The queue list is comma-separated, blanks dropped ({@code " a, ,b"} is {@code [a, b]}); durations
 * and yes/no values are read as {@link Inputs} says.
 */
public final class WorkerRequest {
  private final @Nullable List<String> queues;
  private final @Nullable String name;
  private final @Nullable Integer concurrency;
  private final @Nullable Boolean waitForJobs;
  private final @Nullable Duration fetchJobPollingInterval;
  private final @Nullable Duration abortJobPollingInterval;
  private final @Nullable Duration shutdownGracefulTimeout;
  private final @Nullable Boolean listenNotify;
  private final @Nullable DeleteJobs deleteJobs;
  private final @Nullable Boolean rescueStalledJobs;
  private final @Nullable Boolean fleetRescuesStalledJobs;
  private final @Nullable Boolean asynchronousOutcomes;
  private final @Nullable Boolean virtualThreads;

  private WorkerRequest(Builder b) {
    InputNames names = b.names;
    this.queues = b.queues == null ? null : Inputs.queues(Input.QUEUES, b.queues, names);
    this.name = b.name == null ? null : b.name.trim();
    this.concurrency =
        b.concurrency == null ? null : Inputs.atLeast(Input.CONCURRENCY, b.concurrency, 1, names);
    this.waitForJobs = b.waitForJobs;
    this.fetchJobPollingInterval =
        b.fetchJobPollingInterval == null
            ? null
            : Inputs.interval(Input.FETCH_JOB_POLLING_INTERVAL, b.fetchJobPollingInterval, names);
    this.abortJobPollingInterval =
        b.abortJobPollingInterval == null
            ? null
            : Inputs.interval(Input.ABORT_JOB_POLLING_INTERVAL, b.abortJobPollingInterval, names);
    this.shutdownGracefulTimeout =
        b.shutdownGracefulTimeout == null
            ? null
            : Inputs.delay(Input.SHUTDOWN_GRACEFUL_TIMEOUT, b.shutdownGracefulTimeout, names);
    this.listenNotify = b.listenNotify;
    this.deleteJobs =
        b.deleteJobs == null ? null : Inputs.deleteJobs(Input.DELETE_JOBS, b.deleteJobs, names);
    this.rescueStalledJobs = b.rescueStalledJobs;
    this.fleetRescuesStalledJobs = b.fleetRescuesStalledJobs;
    this.asynchronousOutcomes = b.asynchronousOutcomes;
    this.virtualThreads = b.virtualThreads;
  }

  /**
   * Starts a request.
   *
   * @param names how the front end names its inputs, for messages
   * @return a builder
   */
  public static Builder builder(InputNames names) {
    return new Builder(names);
  }

  /**
   * Reads the deployment's worker settings from the context class loader's environment and lays
   * these options over them.
   *
   * @return the worker options
   * @throws IllegalArgumentException if a setting is invalid, naming it and where it came from
   */
  public WorkerOptions toOptions() {
    return overlay(WorkerOptions.fromEnvironment());
  }

  /**
   * Lays these options over others.
   *
   * @param base the options to start from
   * @return the options, with every value given here replacing the base's
   */
  public WorkerOptions overlay(WorkerOptions base) {
    WorkerOptions.Builder options = base.toBuilder();
    if (queues != null) {
      options.queues(queues);
    }
    if (name != null) {
      options.name(name);
    }
    if (concurrency != null) {
      options.concurrency(concurrency);
    }
    if (waitForJobs != null) {
      options.waitForJobs(waitForJobs);
    }
    if (fetchJobPollingInterval != null) {
      options.fetchJobPollingInterval(fetchJobPollingInterval);
    }
    if (abortJobPollingInterval != null) {
      options.abortJobPollingInterval(abortJobPollingInterval);
    }
    if (shutdownGracefulTimeout != null) {
      options.shutdownGracefulTimeout(shutdownGracefulTimeout);
    }
    if (listenNotify != null) {
      options.listenNotify(listenNotify);
    }
    if (deleteJobs != null) {
      options.deleteJobs(deleteJobs);
    }
    if (rescueStalledJobs != null) {
      options.rescueStalledJobs(rescueStalledJobs);
    }
    if (fleetRescuesStalledJobs != null) {
      options.fleetRescuesStalledJobs(fleetRescuesStalledJobs);
    }
    if (asynchronousOutcomes != null) {
      options.asynchronousOutcomes(asynchronousOutcomes);
    }
    if (virtualThreads != null) {
      options.virtualThreads(virtualThreads);
    }
    return options.build();
  }

  /** Builds a {@link WorkerRequest}. Not thread-safe. */
  public static final class Builder {
    private final InputNames names;
    private @Nullable String queues;
    private @Nullable String name;
    private @Nullable String concurrency;
    private @Nullable Boolean waitForJobs;
    private @Nullable String fetchJobPollingInterval;
    private @Nullable String abortJobPollingInterval;
    private @Nullable String shutdownGracefulTimeout;
    private @Nullable Boolean listenNotify;
    private @Nullable String deleteJobs;
    private @Nullable Boolean rescueStalledJobs;
    private @Nullable Boolean fleetRescuesStalledJobs;
    private @Nullable Boolean asynchronousOutcomes;
    private @Nullable Boolean virtualThreads;

    private Builder(InputNames names) {
      this.names = Objects.requireNonNull(names, "names");
    }

    /**
     * Sets the queues.
     *
     * @param queues comma-separated queue names; empty for all queues; null to keep the setting
     * @return this builder
     */
    public Builder queues(@Nullable String queues) {
      this.queues = queues;
      return this;
    }

    /**
     * Sets the worker's name.
     *
     * @param name the name, or null to keep the setting
     * @return this builder
     */
    public Builder name(@Nullable String name) {
      this.name = given(name);
      return this;
    }

    /**
     * Sets how many jobs run at once.
     *
     * @param concurrency a whole number of at least 1, or null to keep the setting
     * @return this builder
     */
    public Builder concurrency(@Nullable String concurrency) {
      this.concurrency = given(concurrency);
      return this;
    }

    /**
     * Sets whether the worker waits for new jobs; false works what is due, then stops.
     *
     * @param wait whether to wait
     * @return this builder
     */
    public Builder waitForJobs(boolean wait) {
      this.waitForJobs = wait;
      return this;
    }

    /**
     * Sets whether the worker waits for new jobs, from text.
     *
     * @param wait a yes/no value, or null to keep the setting
     * @return this builder
     * @throws InputException if the text is not a yes/no value
     */
    public Builder waitForJobs(@Nullable String wait) {
      this.waitForJobs = yesNo(Input.WAIT, wait);
      return this;
    }

    /**
     * Sets how often to look for jobs when no notification comes.
     *
     * @param interval a positive duration, or null to keep the setting
     * @return this builder
     */
    public Builder fetchJobPollingInterval(@Nullable String interval) {
      this.fetchJobPollingInterval = given(interval);
      return this;
    }

    /**
     * Sets how often to look for abort requests while jobs run.
     *
     * @param interval a positive duration, or null to keep the setting
     * @return this builder
     */
    public Builder abortJobPollingInterval(@Nullable String interval) {
      this.abortJobPollingInterval = given(interval);
      return this;
    }

    /**
     * Sets how long a stopping worker lets running jobs go on before aborting them.
     *
     * @param timeout a duration of zero or more, or null to keep the setting
     * @return this builder
     */
    public Builder shutdownGracefulTimeout(@Nullable String timeout) {
      this.shutdownGracefulTimeout = given(timeout);
      return this;
    }

    /**
     * Sets whether LISTEN/NOTIFY wakes the worker.
     *
     * @param listen false behind a transaction-mode pooler
     * @return this builder
     */
    public Builder listenNotify(boolean listen) {
      this.listenNotify = listen;
      return this;
    }

    /**
     * Sets whether LISTEN/NOTIFY wakes the worker, from text.
     *
     * @param listen a yes/no value, or null to keep the setting
     * @return this builder
     * @throws InputException if the text is not a yes/no value
     */
    public Builder listenNotify(@Nullable String listen) {
      this.listenNotify = yesNo(Input.LISTEN_NOTIFY, listen);
      return this;
    }

    /**
     * Sets which ended jobs are deleted.
     *
     * @param policy {@code never}, {@code successful} or {@code always}, or null to keep the
     *     setting
     * @return this builder
     */
    public Builder deleteJobs(@Nullable String policy) {
      this.deleteJobs = given(policy);
      return this;
    }

    /**
     * Sets whether the worker retries the running jobs of workers that stopped heart-beating.
     *
     * @param rescue whether to rescue them
     * @return this builder
     */
    public Builder rescueStalledJobs(boolean rescue) {
      this.rescueStalledJobs = rescue;
      return this;
    }

    /**
     * Sets whether the worker retries the jobs of stalled workers, from text.
     *
     * @param rescue a yes/no value, or null to keep the setting
     * @return this builder
     * @throws InputException if the text is not a yes/no value
     */
    public Builder rescueStalledJobs(@Nullable String rescue) {
      this.rescueStalledJobs = yesNo(Input.RESCUE_STALLED_JOBS, rescue);
      return this;
    }

    /**
     * Sets whether something in the fleet may rescue stalled jobs (see {@link
     * WorkerOptions#fleetRescuesStalledJobs()}).
     *
     * @param rescued false only when nothing rescues stalled jobs
     * @return this builder
     */
    public Builder fleetRescuesStalledJobs(boolean rescued) {
      this.fleetRescuesStalledJobs = rescued;
      return this;
    }

    /**
     * Sets whether something in the fleet may rescue stalled jobs, from text.
     *
     * @param rescued a yes/no value, or null to keep the setting
     * @return this builder
     * @throws InputException if the text is not a yes/no value
     */
    public Builder fleetRescuesStalledJobs(@Nullable String rescued) {
      this.fleetRescuesStalledJobs = yesNo(Input.FLEET_RESCUES_STALLED_JOBS, rescued);
      return this;
    }

    /**
     * Sets whether job outcomes commit without waiting for the disk (see {@link
     * WorkerOptions#asynchronousOutcomes()}).
     *
     * @param asynchronous whether to trade the outcomes' durability for speed
     * @return this builder
     */
    public Builder asynchronousOutcomes(boolean asynchronous) {
      this.asynchronousOutcomes = asynchronous;
      return this;
    }

    /**
     * Sets whether job outcomes commit without waiting for the disk, from text.
     *
     * @param asynchronous a yes/no value, or null to keep the setting
     * @return this builder
     * @throws InputException if the text is not a yes/no value
     */
    public Builder asynchronousOutcomes(@Nullable String asynchronous) {
      this.asynchronousOutcomes = yesNo(Input.ASYNCHRONOUS_OUTCOMES, asynchronous);
      return this;
    }

    /**
     * Sets whether tasks run on virtual threads (see {@link WorkerOptions#virtualThreads()}).
     *
     * @param virtual whether to run tasks on virtual threads
     * @return this builder
     */
    public Builder virtualThreads(boolean virtual) {
      this.virtualThreads = virtual;
      return this;
    }

    /**
     * Sets whether tasks run on virtual threads, from text.
     *
     * @param virtual a yes/no value, or null to keep the setting
     * @return this builder
     * @throws InputException if the text is not a yes/no value
     */
    public Builder virtualThreads(@Nullable String virtual) {
      this.virtualThreads = yesNo(Input.VIRTUAL_THREADS, virtual);
      return this;
    }

    /**
     * Checks and parses the inputs.
     *
     * @return the request
     * @throws InputException naming the first invalid input and the fix
     */
    public WorkerRequest build() {
      return new WorkerRequest(this);
    }

    private @Nullable Boolean yesNo(Input input, @Nullable String text) {
      String value = given(text);
      return value == null ? null : Inputs.yesNo(input, value, names);
    }

    private static @Nullable String given(@Nullable String text) {
      return text == null || text.isBlank() ? null : text;
    }
  }
}
