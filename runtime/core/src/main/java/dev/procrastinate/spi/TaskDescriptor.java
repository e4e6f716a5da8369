package dev.procrastinate.spi;

import dev.procrastinate.JobMiddleware;
import dev.procrastinate.NewJob;
import dev.procrastinate.RetryPolicy;
import dev.procrastinate.RetryStrategy;
import dev.procrastinate.model.RateLimit;
import dev.procrastinate.spi.rules.NameLimits;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Objects;
import java.util.Optional;
import java.util.OptionalInt;
import org.jspecify.annotations.Nullable;

/**
 * Everything the runtime knows about one task: identity, default options, parameters, schedules and
 * handler. Immutable and thread-safe; generated registrars build it with {@link #builder(String)}.
 */
public final class TaskDescriptor {
  private final String name;
  private final List<String> aliases;
  private final String queue;
  private final int priority;
  private final @Nullable String lock;
  private final @Nullable String queueingLock;
  private final RetryPolicy retryPolicy;
  private final List<JobMiddleware> middleware;
  private final @Nullable Duration timeout;
  private final int concurrencyLimit;
  private final @Nullable RateLimit rateLimit;
  private final List<TaskParameter> parameters;
  private final List<PeriodicSchedule> periodicSchedules;
  private final TaskHandler handler;
  private final String source;

  private TaskDescriptor(Builder builder, TaskHandler handler) {
    this.name = builder.name;
    this.aliases = List.copyOf(builder.aliases);
    this.queue = builder.queue;
    this.priority = builder.priority;
    this.lock = builder.lock;
    this.queueingLock = builder.queueingLock;
    this.retryPolicy = builder.retryPolicy;
    this.middleware = List.copyOf(builder.middleware);
    this.timeout = builder.timeout;
    this.concurrencyLimit = builder.concurrencyLimit;
    this.rateLimit = builder.rateLimit;
    this.parameters = List.copyOf(builder.parameters);
    this.periodicSchedules = List.copyOf(builder.periodicSchedules);
    this.handler = handler;
    this.source = builder.source.isEmpty() ? name : builder.source;
  }

  /**
   * Starts a descriptor with the default queue and priority, no retry, no timeout and no flow
   * control limits.
   *
   * @param name the task's persisted name
   * @return a new builder
   */
  public static Builder builder(String name) {
    return new Builder(name);
  }

  /**
   * Returns the task's persisted name.
   *
   * @return the name
   */
  public String name() {
    return name;
  }

  /**
   * Returns the other names the task answers to.
   *
   * @return the aliases
   */
  public List<String> aliases() {
    return aliases;
  }

  /**
   * Returns the default queue.
   *
   * @return the queue name
   */
  public String queue() {
    return queue;
  }

  /**
   * Returns the default priority.
   *
   * @return the priority
   */
  public int priority() {
    return priority;
  }

  /**
   * Returns the default lock.
   *
   * @return the lock, or empty
   */
  public Optional<String> lock() {
    return Optional.ofNullable(lock);
  }

  /**
   * Returns the default queueing lock.
   *
   * @return the queueing lock, or empty
   */
  public Optional<String> queueingLock() {
    return Optional.ofNullable(queueingLock);
  }

  /**
   * Returns the retry policy: a {@link RetryStrategy} built from {@code @Retry}, or the task's own
   * {@link RetryPolicy}.
   *
   * @return the policy; {@link RetryStrategy#none()} when failed jobs are not retried
   */
  public RetryPolicy retryPolicy() {
    return retryPolicy;
  }

  /**
   * Returns the task's own middleware, run inside the worker's, the first outermost.
   *
   * @return the middleware, often empty
   */
  public List<JobMiddleware> middleware() {
    return middleware;
  }

  /**
   * Returns how long a job may run before it is asked to abort.
   *
   * @return the timeout, or empty for none
   */
  public Optional<Duration> timeout() {
    return Optional.ofNullable(timeout);
  }

  /**
   * Returns the concurrency limit declared in code, {@code @Task(concurrencyLimit)}: at most this
   * many jobs of the task run at once across every worker of this runtime. A limit set live wins
   * over it.
   *
   * @return the limit, at least 1, or empty when none is declared
   */
  public OptionalInt concurrencyLimit() {
    return concurrencyLimit == 0 ? OptionalInt.empty() : OptionalInt.of(concurrencyLimit);
  }

  /**
   * Returns the rate limit declared in code, {@code @Task(rateLimit)}: at most so many job starts
   * per period across every worker of this runtime. A limit set live wins over it.
   *
   * @return the limit, or empty when none is declared
   */
  public Optional<RateLimit> rateLimit() {
    return Optional.ofNullable(rateLimit);
  }

  /**
   * Returns the keyword arguments, in the order of the method's parameters; a {@link
   * dev.procrastinate.JobContext} parameter is not one.
   *
   * @return the parameters
   */
  public List<TaskParameter> parameters() {
    return parameters;
  }

  /**
   * Returns the cron schedules.
   *
   * @return the schedules, empty for a task that is not periodic
   */
  public List<PeriodicSchedule> periodicSchedules() {
    return periodicSchedules;
  }

  /**
   * Returns the handler that runs the task.
   *
   * @return the handler
   */
  public TaskHandler handler() {
    return handler;
  }

  /**
   * Describes where the task comes from, for error messages: the method and its registrar.
   *
   * @return e.g. {@code com.acme.MailTasks.sendWelcome(long) via com.acme.MailTasks_TaskRegistrar};
   *     the task name when none was set
   */
  public String source() {
    return source;
  }

  @Override
  public String toString() {
    return "TaskDescriptor[" + name + " from " + source + "]";
  }

  /** Builds a {@link TaskDescriptor}. Not thread-safe; every setter returns this builder. */
  public static final class Builder {
    private final String name;
    private final List<String> aliases = new ArrayList<>();
    private String queue = NewJob.DEFAULT_QUEUE;
    private int priority = NewJob.DEFAULT_PRIORITY;
    private @Nullable String lock;
    private @Nullable String queueingLock;
    private RetryPolicy retryPolicy = RetryStrategy.none();
    private final List<JobMiddleware> middleware = new ArrayList<>();
    private @Nullable Duration timeout;
    private int concurrencyLimit;
    private @Nullable RateLimit rateLimit;
    private final List<TaskParameter> parameters = new ArrayList<>();
    private final List<PeriodicSchedule> periodicSchedules = new ArrayList<>();
    private String source = "";

    private Builder(String name) {
      this.name = Objects.requireNonNull(name, "name");
    }

    /**
     * Adds aliases.
     *
     * @param names other names of the task
     * @return this builder
     */
    public Builder aliases(String... names) {
      aliases.addAll(Arrays.asList(names));
      return this;
    }

    /**
     * Sets the default queue.
     *
     * @param queue the queue name
     * @return this builder
     */
    public Builder queue(String queue) {
      this.queue = Objects.requireNonNull(queue, "queue");
      return this;
    }

    /**
     * Sets the default priority.
     *
     * @param priority the priority
     * @return this builder
     */
    public Builder priority(int priority) {
      this.priority = priority;
      return this;
    }

    /**
     * Sets the default lock.
     *
     * @param lock the lock, or null for none
     * @return this builder
     */
    public Builder lock(@Nullable String lock) {
      this.lock = lock;
      return this;
    }

    /**
     * Sets the default queueing lock.
     *
     * @param queueingLock the queueing lock, or null for none
     * @return this builder
     */
    public Builder queueingLock(@Nullable String queueingLock) {
      this.queueingLock = queueingLock;
      return this;
    }

    /**
     * Sets the retry strategy built from {@code @Retry}.
     *
     * @param retryStrategy the strategy
     * @return this builder
     */
    public Builder retryStrategy(RetryStrategy retryStrategy) {
      return retryPolicy(retryStrategy);
    }

    /**
     * Sets the retry policy: the class named in {@code @Task(retryPolicy)}.
     *
     * @param retryPolicy the policy
     * @return this builder
     */
    public Builder retryPolicy(RetryPolicy retryPolicy) {
      this.retryPolicy = Objects.requireNonNull(retryPolicy, "retryPolicy");
      return this;
    }

    /**
     * Adds the task's own middleware, the classes named in {@code @Task(middleware)}, in order.
     *
     * @param middleware the middleware
     * @return this builder
     */
    public Builder middleware(JobMiddleware... middleware) {
      for (JobMiddleware each : middleware) {
        this.middleware.add(Objects.requireNonNull(each, "middleware"));
      }
      return this;
    }

    /**
     * Sets the timeout.
     *
     * @param timeout a positive duration, or null for none
     * @return this builder
     */
    public Builder timeout(@Nullable Duration timeout) {
      this.timeout = timeout;
      return this;
    }

    /**
     * Sets the concurrency limit declared in code, {@code @Task(concurrencyLimit)}: at most this
     * many jobs of the task run at once across every worker of this runtime. Not calling it
     * declares none.
     *
     * @param limit the limit, at least 1
     * @return this builder
     * @throws IllegalArgumentException naming the task, if the limit is below 1
     */
    public Builder concurrencyLimit(int limit) {
      if (limit < 1) {
        throw new IllegalArgumentException(
            "task "
                + name
                + ": a concurrency limit allows at least 1 job at once, not "
                + limit
                + "; leave it out for no limit");
      }
      this.concurrencyLimit = limit;
      return this;
    }

    /**
     * Sets the rate limit declared in code, {@code @Task(rateLimit)}: at most so many job starts
     * per period across every worker of this runtime.
     *
     * @param limit the limit, or null for none
     * @return this builder
     */
    public Builder rateLimit(@Nullable RateLimit limit) {
      this.rateLimit = limit;
      return this;
    }

    /**
     * Adds a keyword argument.
     *
     * @param parameter the parameter
     * @return this builder
     */
    public Builder parameter(TaskParameter parameter) {
      parameters.add(Objects.requireNonNull(parameter, "parameter"));
      return this;
    }

    /**
     * Adds a cron schedule.
     *
     * @param schedule the schedule
     * @return this builder
     */
    public Builder periodic(PeriodicSchedule schedule) {
      periodicSchedules.add(Objects.requireNonNull(schedule, "schedule"));
      return this;
    }

    /**
     * Sets the description of where the task comes from.
     *
     * @param source the method and registrar, for error messages
     * @return this builder
     */
    public Builder source(String source) {
      this.source = Objects.requireNonNull(source, "source");
      return this;
    }

    /**
     * Builds the descriptor.
     *
     * @param handler runs the task
     * @return the descriptor
     * @throws IllegalArgumentException if the name or an alias is blank or too long for the schema,
     *     the queue name is invalid, or two parameters share a name
     */
    public TaskDescriptor build(TaskHandler handler) {
      Objects.requireNonNull(handler, "handler");
      if (name.isBlank()) {
        throw new IllegalArgumentException("task name is empty");
      }
      checkName("task name", name);
      for (String alias : aliases) {
        checkName("alias", alias);
      }
      try {
        NewJob.validateQueueName(queue);
      } catch (IllegalArgumentException e) {
        throw new IllegalArgumentException("task " + name + ": " + e.getMessage(), e);
      }
      long distinct = parameters.stream().map(TaskParameter::name).distinct().count();
      if (distinct != parameters.size()) {
        throw new IllegalArgumentException(
            "task " + name + " has two parameters with the same name: " + parameters);
      }
      return new TaskDescriptor(this, handler);
    }

    private void checkName(String what, String value) {
      String problem = NameLimits.taskNameProblem(value);
      if (problem != null) {
        throw new IllegalArgumentException(
            what + " '" + value + "' of task " + name + " is " + problem + "; choose another name");
      }
    }
  }
}
