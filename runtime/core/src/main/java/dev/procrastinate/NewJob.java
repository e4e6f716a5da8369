package dev.procrastinate;

import dev.procrastinate.spi.rules.NameLimits;
import java.time.Duration;
import java.time.Instant;
import java.time.OffsetDateTime;
import java.time.ZonedDateTime;
import java.time.format.DateTimeFormatter;
import java.time.format.DateTimeParseException;
import java.time.temporal.ChronoField;
import java.time.temporal.TemporalAccessor;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Objects;
import org.jspecify.annotations.Nullable;

/**
 * A job to defer: the task name, its keyword arguments and the options of one defer call. Immutable
 * and thread-safe once built; build one with {@link #builder(String)}.
 *
 * <p>Arguments are kept as Java values and turned into a JSON object by the {@link App}'s mapper
 * when the job is deferred, keyed by argument name, as Python Procrastinate stores them. Validation
 * that needs no database happens in {@link Builder#build()}: an empty task name, a queue name over
 * the PostgreSQL NOTIFY limit, both {@code scheduleAt} and {@code scheduleIn}.
 */
public final class NewJob implements Workflow {
  /** The queue a job goes to when none is given, as upstream. */
  public static final String DEFAULT_QUEUE = "default";

  /** The priority of a job when none is given, as upstream; higher runs first. */
  public static final int DEFAULT_PRIORITY = 0;

  /**
   * The longest queue name, in UTF-8 bytes. PostgreSQL channel names hold 63 bytes and the trigger
   * that announces new jobs prefixes the queue with {@code procrastinate_queue_v1#} (23 bytes). The
   * processor checks {@code @Task(queue)} against the same limit.
   */
  public static final int MAX_QUEUE_NAME_BYTES = NameLimits.MAX_QUEUE_NAME_BYTES;

  /**
   * The longest task name, in characters ({@code procrastinate_jobs.task_name varchar(128)}). The
   * processor checks {@code @Task(name)} and its aliases against the same limit.
   */
  public static final int MAX_TASK_NAME_LENGTH = NameLimits.MAX_TASK_NAME_LENGTH;

  private final String taskName;
  private final String queue;
  private final int priority;
  private final @Nullable String lock;
  private final @Nullable String queueingLock;
  private final Map<String, @Nullable Object> args;
  private final @Nullable String argsJson;
  private final @Nullable Instant scheduledAt;
  private final @Nullable Duration scheduleIn;

  private NewJob(Builder builder) {
    this.taskName = builder.taskName;
    this.queue = builder.queue;
    this.priority = builder.priority;
    this.lock = builder.lock;
    this.queueingLock = builder.queueingLock;
    this.args = Collections.unmodifiableMap(new LinkedHashMap<>(builder.args));
    this.argsJson = builder.argsJson;
    this.scheduledAt = builder.scheduledAt;
    this.scheduleIn = builder.scheduleIn;
  }

  /**
   * Starts a job for the task of this name.
   *
   * @param taskName the task's persisted name, e.g. {@code com.acme.mail.MailTasks.sendWelcome} or
   *     a Python task's {@code module.function}
   * @return a builder with the default queue and priority
   */
  public static Builder builder(String taskName) {
    return new Builder(taskName);
  }

  /**
   * Returns the task name.
   *
   * @return the task name
   */
  public String taskName() {
    return taskName;
  }

  /**
   * Returns the queue name.
   *
   * @return the queue name
   */
  public String queue() {
    return queue;
  }

  /**
   * Returns the priority; higher runs first.
   *
   * @return the priority
   */
  public int priority() {
    return priority;
  }

  /**
   * Returns the lock: jobs sharing a lock run one at a time.
   *
   * @return the lock, or null
   */
  public @Nullable String lock() {
    return lock;
  }

  /**
   * Returns the queueing lock: at most one waiting job per value.
   *
   * @return the queueing lock, or null
   */
  public @Nullable String queueingLock() {
    return queueingLock;
  }

  /**
   * Returns the arguments given as Java values, in insertion order. Empty when the arguments were
   * given as JSON text.
   *
   * @return an unmodifiable map of argument name to value
   */
  public Map<String, @Nullable Object> args() {
    return args;
  }

  /**
   * Returns the arguments given as JSON text with {@link Builder#argsJson(String)}.
   *
   * @return the JSON object text, or null when the arguments are Java values
   */
  public @Nullable String argsJson() {
    return argsJson;
  }

  /**
   * Returns the instant before which the job must not run, if given as an instant.
   *
   * @return the scheduled instant, or null
   */
  public @Nullable Instant scheduledAt() {
    return scheduledAt;
  }

  /**
   * Returns the delay after the defer call before which the job must not run, if given as a delay.
   *
   * @return the delay, or null
   */
  public @Nullable Duration scheduleIn() {
    return scheduleIn;
  }

  /**
   * Returns the instant the job becomes due, resolving {@link #scheduleIn()} against {@code now}.
   *
   * @param now the current instant
   * @return the due instant, or null when the job is due at once
   */
  public @Nullable Instant resolveScheduledAt(Instant now) {
    if (scheduleIn != null) {
      return now.plus(scheduleIn);
    }
    return scheduledAt;
  }

  @Override
  public String toString() {
    return "NewJob[task="
        + taskName
        + ", queue="
        + queue
        + ", priority="
        + priority
        + (lock == null ? "" : ", lock=" + lock)
        + (queueingLock == null ? "" : ", queueingLock=" + queueingLock)
        + (scheduledAt == null ? "" : ", scheduledAt=" + scheduledAt)
        + (scheduleIn == null ? "" : ", scheduleIn=" + scheduleIn)
        + "]";
  }

  /**
   * Parses an ISO-8601 date-time that carries an offset or zone, such as {@code
   * 2026-05-01T09:30:00Z} or {@code 2026-05-01T09:30:00+02:00}.
   *
   * @param text the text to parse
   * @return the instant
   * @throws IllegalArgumentException if the text is not ISO-8601 or has no offset (a naive
   *     timestamp), naming the text and the fix
   */
  public static Instant parseInstant(String text) {
    Objects.requireNonNull(text, "text");
    TemporalAccessor parsed;
    try {
      parsed = DateTimeFormatter.ISO_DATE_TIME.parse(text.trim());
    } catch (DateTimeParseException e) {
      throw new IllegalArgumentException(
          "'"
              + text
              + "' is not an ISO-8601 date-time; write it like 2026-05-01T09:30:00Z or"
              + " 2026-05-01T09:30:00+02:00",
          e);
    }
    if (!parsed.isSupported(ChronoField.OFFSET_SECONDS)) {
      throw new IllegalArgumentException(
          "'"
              + text
              + "' has no time zone offset, so the instant it names is ambiguous; add 'Z' for UTC"
              + " or an offset such as +02:00");
    }
    return Instant.from(parsed);
  }

  /** Builds a {@link NewJob}. Not thread-safe; every setter returns this builder. */
  public static final class Builder {
    private final String taskName;
    private String queue = DEFAULT_QUEUE;
    private int priority = DEFAULT_PRIORITY;
    private @Nullable String lock;
    private @Nullable String queueingLock;
    private final Map<String, @Nullable Object> args = new LinkedHashMap<>();
    private @Nullable String argsJson;
    private @Nullable Instant scheduledAt;
    private @Nullable Duration scheduleIn;

    private Builder(String taskName) {
      this.taskName = Objects.requireNonNull(taskName, "taskName");
    }

    /**
     * Sets the queue.
     *
     * @param queue a queue name of at most {@value NewJob#MAX_QUEUE_NAME_BYTES} UTF-8 bytes
     * @return this builder
     */
    public Builder queue(String queue) {
      this.queue = Objects.requireNonNull(queue, "queue");
      return this;
    }

    /**
     * Sets the priority; higher runs first, negative values are allowed.
     *
     * @param priority the priority
     * @return this builder
     */
    public Builder priority(int priority) {
      this.priority = priority;
      return this;
    }

    /**
     * Sets the lock; jobs sharing a lock run one at a time, in priority then id order.
     *
     * @param lock the lock, or null for none
     * @return this builder
     */
    public Builder lock(@Nullable String lock) {
      this.lock = lock;
      return this;
    }

    /**
     * Sets the queueing lock; deferring a second job with the same value while one is waiting fails
     * with {@link AlreadyEnqueuedException}.
     *
     * @param queueingLock the queueing lock, or null for none
     * @return this builder
     */
    public Builder queueingLock(@Nullable String queueingLock) {
      this.queueingLock = queueingLock;
      return this;
    }

    /**
     * Adds one keyword argument. The value is turned into JSON when the job is deferred.
     *
     * @param name the argument name, as the task's parameter is named
     * @param value the value, or null
     * @return this builder
     * @throws IllegalStateException if the arguments were already given as JSON text
     */
    public Builder arg(String name, @Nullable Object value) {
      Objects.requireNonNull(name, "name");
      if (argsJson != null) {
        throw new IllegalStateException(
            "arguments were already given as JSON text with argsJson(); use one or the other");
      }
      args.put(name, value);
      return this;
    }

    /**
     * Adds keyword arguments from a map, in its iteration order.
     *
     * @param arguments argument names to values
     * @return this builder
     */
    public Builder args(Map<String, ?> arguments) {
      Objects.requireNonNull(arguments, "arguments");
      arguments.forEach(this::arg);
      return this;
    }

    /**
     * Sets the arguments as JSON text, which must be a JSON object, for example when deferring a
     * task by name from a command line.
     *
     * @param json a JSON object such as {@code {"user_id": 3}}
     * @return this builder
     * @throws IllegalStateException if arguments were already added with {@link #arg}
     */
    public Builder argsJson(String json) {
      Objects.requireNonNull(json, "json");
      if (!args.isEmpty()) {
        throw new IllegalStateException(
            "arguments were already added with arg(); use one or the other");
      }
      this.argsJson = json;
      return this;
    }

    /**
     * Schedules the job: it does not run before this instant.
     *
     * @param instant the instant, or null to clear
     * @return this builder
     */
    public Builder scheduleAt(@Nullable Instant instant) {
      this.scheduledAt = instant;
      return this;
    }

    /**
     * Schedules the job: it does not run before this date-time.
     *
     * @param dateTime a date-time with an offset
     * @return this builder
     */
    public Builder scheduleAt(OffsetDateTime dateTime) {
      return scheduleAt(dateTime.toInstant());
    }

    /**
     * Schedules the job: it does not run before this date-time.
     *
     * @param dateTime a date-time with a zone
     * @return this builder
     */
    public Builder scheduleAt(ZonedDateTime dateTime) {
      return scheduleAt(dateTime.toInstant());
    }

    /**
     * Schedules the job: it does not run before this delay has passed after the defer call.
     *
     * @param delay a non-negative delay, or null to clear
     * @return this builder
     */
    public Builder scheduleIn(@Nullable Duration delay) {
      this.scheduleIn = delay;
      return this;
    }

    /**
     * Validates and builds the job.
     *
     * @return the job
     * @throws IllegalArgumentException naming the field and the fix, if a value is invalid
     */
    public NewJob build() {
      checkTaskName(taskName);
      validateQueueName(queue);
      if (scheduledAt != null && scheduleIn != null) {
        throw new IllegalArgumentException(
            "both scheduleAt and scheduleIn are set for task '" + taskName + "'; set one of them");
      }
      if (scheduleIn != null && scheduleIn.isNegative()) {
        throw new IllegalArgumentException(
            "scheduleIn is negative (" + scheduleIn + ") for task '" + taskName + "'");
      }
      return new NewJob(this);
    }
  }

  /**
   * Checks a queue name against the limits of the schema.
   *
   * @param queue the queue name
   * @throws IllegalArgumentException if the name is empty or longer than {@value
   *     #MAX_QUEUE_NAME_BYTES} UTF-8 bytes
   */
  public static void validateQueueName(String queue) {
    String problem = NameLimits.queueNameProblem(queue);
    if (problem != null) {
      throw new IllegalArgumentException(
          "queue name '"
              + queue
              + "' is "
              + problem
              + "; "
              + NameLimits.QUEUE_NAME_RULE
              + (queue.isEmpty() ? "; use \"default\" or a real name" : "; choose a shorter name"));
    }
  }

  /**
   * Checks a task name or alias against the limits of the schema.
   *
   * @param taskName the name
   * @throws IllegalArgumentException if the name is blank or longer than {@value
   *     #MAX_TASK_NAME_LENGTH} characters
   */
  static void checkTaskName(String taskName) {
    String problem = NameLimits.taskNameProblem(taskName);
    if (problem == null) {
      return;
    }
    if (taskName.isBlank()) {
      throw new IllegalArgumentException(
          "task name is empty; give the task's persisted name, e.g. com.acme.MailTasks.sendWelcome");
    }
    throw new IllegalArgumentException(
        "task name '" + taskName + "' is " + problem + "; choose a shorter name");
  }
}
