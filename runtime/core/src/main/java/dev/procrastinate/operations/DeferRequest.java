package dev.procrastinate.operations;

import java.time.Duration;
import java.time.Instant;
import java.util.Objects;
import org.jspecify.annotations.Nullable;

/**
 * A request to defer one job of a task given by name, as a front end received it: every value is
 * the text the user wrote, checked and parsed here so that the command line and the Maven goals
 * accept the same inputs. Immutable once built; build one with {@link #builder(InputNames)} and run
 * it with {@link Operations#defer(DeferRequest)}.
 *
 * <p>A blank text counts as not given. {@link Builder#build()} checks everything that needs no
 * database: the task name is given, the arguments are one JSON object, the queue fits PostgreSQL's
 * NOTIFY channel, the priority is a whole number, {@code at} is an ISO-8601 date-time (UTC when it
 * has no offset, see {@link Inputs}), {@code in} a duration of zero or more, and at most one of
 * them is set.
 */
public final class DeferRequest {
  private final InputNames names;
  private final String task;
  private final @Nullable String args;
  private final @Nullable String queue;
  private final @Nullable String lock;
  private final @Nullable String queueingLock;
  private final @Nullable Integer priority;
  private final @Nullable Instant at;
  private final @Nullable Duration in;
  private final boolean allowUnknown;
  private final boolean ignoreAlreadyEnqueued;

  private DeferRequest(Builder builder, String task) {
    InputNames names = builder.names;
    this.names = names;
    this.task = task;
    this.args = builder.args == null ? null : Inputs.jsonObject(Input.ARGS, builder.args, names);
    this.queue = builder.queue == null ? null : Inputs.queue(Input.QUEUE, builder.queue, names);
    this.lock = builder.lock;
    this.queueingLock = builder.queueingLock;
    this.priority =
        builder.priority == null
            ? null
            : Inputs.wholeNumber(Input.PRIORITY, builder.priority, names);
    this.at = builder.at == null ? null : Inputs.instant(Input.AT, builder.at, names);
    this.in = builder.in == null ? null : Inputs.delay(Input.IN, builder.in, names);
    this.allowUnknown = builder.allowUnknown;
    this.ignoreAlreadyEnqueued = builder.ignoreAlreadyEnqueued;
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
   * Returns how the front end names its inputs.
   *
   * @return the names
   */
  public InputNames names() {
    return names;
  }

  /**
   * Returns the task's name or alias.
   *
   * @return the trimmed name
   */
  public String task() {
    return task;
  }

  /**
   * Returns the arguments.
   *
   * @return a JSON object's text, or null for none
   */
  public @Nullable String args() {
    return args;
  }

  /**
   * Returns the queue, instead of the task's.
   *
   * @return the queue, or null for the task's
   */
  public @Nullable String queue() {
    return queue;
  }

  /**
   * Returns the lock, instead of the task's.
   *
   * @return the lock, or null for the task's
   */
  public @Nullable String lock() {
    return lock;
  }

  /**
   * Returns the queueing lock, instead of the task's.
   *
   * @return the queueing lock, or null for the task's
   */
  public @Nullable String queueingLock() {
    return queueingLock;
  }

  /**
   * Returns the priority, instead of the task's.
   *
   * @return the priority, or null for the task's
   */
  public @Nullable Integer priority() {
    return priority;
  }

  /**
   * Returns the instant before which the job must not run.
   *
   * @return the instant, or null
   */
  public @Nullable Instant at() {
    return at;
  }

  /**
   * Returns the delay after which the job may run.
   *
   * @return the delay, or null
   */
  public @Nullable Duration in() {
    return in;
  }

  /**
   * Tells whether a task the application does not know may be deferred.
   *
   * @return true to defer it with upstream's defaults
   */
  public boolean allowUnknown() {
    return allowUnknown;
  }

  /**
   * Tells whether a queueing-lock clash is reported without failing.
   *
   * @return true to ignore the clash
   */
  public boolean ignoreAlreadyEnqueued() {
    return ignoreAlreadyEnqueued;
  }

  /** Builds a {@link DeferRequest}. Not thread-safe. */
  public static final class Builder {
    private final InputNames names;
    private @Nullable String task;
    private @Nullable String args;
    private @Nullable String queue;
    private @Nullable String lock;
    private @Nullable String queueingLock;
    private @Nullable String priority;
    private @Nullable String at;
    private @Nullable String in;
    private boolean allowUnknown;
    private boolean ignoreAlreadyEnqueued;

    private Builder(InputNames names) {
      this.names = Objects.requireNonNull(names, "names");
    }

    /**
     * Sets the task.
     *
     * @param task its name or alias
     * @return this builder
     */
    public Builder task(@Nullable String task) {
      this.task = given(task);
      return this;
    }

    /**
     * Sets the arguments.
     *
     * @param args a JSON object such as {@code {"user_id": 3}}, or null for none
     * @return this builder
     */
    public Builder args(@Nullable String args) {
      this.args = given(args);
      return this;
    }

    /**
     * Sets the queue.
     *
     * @param queue a queue name of at most 40 UTF-8 bytes, or null for the task's
     * @return this builder
     */
    public Builder queue(@Nullable String queue) {
      this.queue = given(queue);
      return this;
    }

    /**
     * Sets the lock.
     *
     * @param lock the lock, or null for the task's
     * @return this builder
     */
    public Builder lock(@Nullable String lock) {
      this.lock = given(lock);
      return this;
    }

    /**
     * Sets the queueing lock.
     *
     * @param queueingLock the queueing lock, or null for the task's
     * @return this builder
     */
    public Builder queueingLock(@Nullable String queueingLock) {
      this.queueingLock = given(queueingLock);
      return this;
    }

    /**
     * Sets the priority.
     *
     * @param priority a whole number, possibly negative, or null for the task's
     * @return this builder
     */
    public Builder priority(@Nullable String priority) {
      this.priority = given(priority);
      return this;
    }

    /**
     * Sets when the job may run.
     *
     * @param at an ISO-8601 date-time, UTC without an offset, or null
     * @return this builder
     */
    public Builder at(@Nullable String at) {
      this.at = given(at);
      return this;
    }

    /**
     * Sets after how long the job may run.
     *
     * @param in seconds ({@code 60}, {@code 2.5}) or ISO-8601 ({@code PT1M}), or null
     * @return this builder
     */
    public Builder in(@Nullable String in) {
      this.in = given(in);
      return this;
    }

    /**
     * Sets whether a task the application does not know may be deferred.
     *
     * @param allow true to allow it
     * @return this builder
     */
    public Builder allowUnknown(boolean allow) {
      this.allowUnknown = allow;
      return this;
    }

    /**
     * Sets whether a task the application does not know may be deferred, from text.
     *
     * @param allow a yes/no value (see {@link Inputs}), or null for no
     * @return this builder
     * @throws InputException if the text is not a yes/no value
     */
    public Builder allowUnknown(@Nullable String allow) {
      String text = given(allow);
      this.allowUnknown = text != null && Inputs.yesNo(Input.UNKNOWN, text, names);
      return this;
    }

    /**
     * Sets whether a queueing-lock clash is reported without failing.
     *
     * @param ignore true to ignore it
     * @return this builder
     */
    public Builder ignoreAlreadyEnqueued(boolean ignore) {
      this.ignoreAlreadyEnqueued = ignore;
      return this;
    }

    /**
     * Sets whether a queueing-lock clash is reported without failing, from text.
     *
     * @param ignore a yes/no value (see {@link Inputs}), or null for no
     * @return this builder
     * @throws InputException if the text is not a yes/no value
     */
    public Builder ignoreAlreadyEnqueued(@Nullable String ignore) {
      String text = given(ignore);
      this.ignoreAlreadyEnqueued =
          text != null && Inputs.yesNo(Input.IGNORE_ALREADY_ENQUEUED, text, names);
      return this;
    }

    /**
     * Checks and parses the inputs.
     *
     * @return the request
     * @throws InputException naming the first input that is missing or invalid, and the fix
     */
    public DeferRequest build() {
      if (task == null) {
        throw new InputException(
            Input.TASK,
            names.name(Input.TASK)
                + " is not given; give the name of the task to defer, such as"
                + " com.acme.MailTasks.sendWelcome",
            null);
      }
      if (at != null && in != null) {
        throw new InputException(
            Input.IN,
            names.name(Input.AT)
                + " and "
                + names.name(Input.IN)
                + " are both given; give one of them",
            null);
      }
      return new DeferRequest(this, task.trim());
    }

    private static @Nullable String given(@Nullable String text) {
      return text == null || text.isBlank() ? null : text;
    }
  }
}
