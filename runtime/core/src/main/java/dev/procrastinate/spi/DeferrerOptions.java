package dev.procrastinate.spi;

import dev.procrastinate.App;
import dev.procrastinate.JobManager;
import dev.procrastinate.NewJob;
import java.sql.Connection;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Objects;
import java.util.concurrent.CompletableFuture;
import org.jspecify.annotations.Nullable;

/**
 * For generated code: the options of one defer call, extended by the {@code Options} class nested
 * in every generated {@code <Method>Deferrer}. This class holds the options and the defer plumbing;
 * the generated subclass adds only {@code defer}, {@code deferAsync}, {@code job} and {@code batch}
 * with the task's own parameter types, and hands the argument values to {@link #deferJob}, {@link
 * #deferJobAsync} or {@link #newJob} in the order of the names it gave the constructor.
 *
 * <p>Applications use the setters through a generated deferrer, for example {@code
 * SendWelcomeDeferrer.configure().priority(5).defer(42L, "welcome")}; they do not extend this
 * class. It is part of the binary contract between compiled deferrers and the runtime: its
 * constructor and protected methods keep their signatures across minor versions.
 *
 * <p>Not thread-safe: one object serves one defer call or one {@link DeferrerBatch}, on one thread.
 *
 * @param <O> the generated subclass, returned by every setter so that calls chain
 */
public abstract class DeferrerOptions<O extends DeferrerOptions<O>> {
  private final String taskName;
  private final List<String> argumentNames;
  private String queue;
  private int priority;
  private @Nullable String lock;
  private @Nullable String queueingLock;
  private @Nullable Instant scheduleAt;
  private @Nullable Duration scheduleIn;
  private @Nullable Connection connection;
  private @Nullable App app;

  /**
   * Starts from a task's own options, as written in its {@code @Task} annotation.
   *
   * @param taskName the task's persisted name
   * @param queue the task's queue
   * @param priority the task's priority
   * @param lock the task's lock, or null
   * @param queueingLock the task's queueing lock, or null
   * @param argumentNames the JSON names of the task's arguments, in the order in which the
   *     generated code passes their values
   */
  protected DeferrerOptions(
      String taskName,
      String queue,
      int priority,
      @Nullable String lock,
      @Nullable String queueingLock,
      List<String> argumentNames) {
    this.taskName = Objects.requireNonNull(taskName, "taskName");
    this.queue = Objects.requireNonNull(queue, "queue");
    this.priority = priority;
    this.lock = lock;
    this.queueingLock = queueingLock;
    this.argumentNames = List.copyOf(argumentNames);
  }

  /**
   * Sends the job to another queue.
   *
   * @param queue a queue name of at most {@value NewJob#MAX_QUEUE_NAME_BYTES} UTF-8 bytes
   * @return these options
   */
  public final O queue(String queue) {
    this.queue = Objects.requireNonNull(queue, "queue");
    return self();
  }

  /**
   * Sets the priority; higher runs first.
   *
   * @param priority the priority
   * @return these options
   */
  public final O priority(int priority) {
    this.priority = priority;
    return self();
  }

  /**
   * Sets the lock: jobs sharing a lock run one at a time.
   *
   * @param lock the lock, or null for none
   * @return these options
   */
  public final O lock(@Nullable String lock) {
    this.lock = lock;
    return self();
  }

  /**
   * Sets the queueing lock: at most one waiting job per value.
   *
   * @param queueingLock the queueing lock, or null for none
   * @return these options
   */
  public final O queueingLock(@Nullable String queueingLock) {
    this.queueingLock = queueingLock;
    return self();
  }

  /**
   * Schedules the job: it does not run before this instant.
   *
   * @param scheduleAt the instant, or null
   * @return these options
   */
  public final O scheduleAt(@Nullable Instant scheduleAt) {
    this.scheduleAt = scheduleAt;
    return self();
  }

  /**
   * Schedules the job: it does not run before this delay has passed.
   *
   * @param scheduleIn the delay, or null
   * @return these options
   */
  public final O scheduleIn(@Nullable Duration scheduleIn) {
    this.scheduleIn = scheduleIn;
    return self();
  }

  /**
   * Defers through this connection, inside its current transaction: the job exists only if the
   * transaction commits. The connection is neither committed nor closed.
   *
   * @param connection the caller's connection, or null to use the app's pool
   * @return these options
   */
  public final O connection(@Nullable Connection connection) {
    this.connection = connection;
    return self();
  }

  /**
   * Defers through this app instead of the default one.
   *
   * @param app the app, or null for the default
   * @return these options
   */
  public final O app(@Nullable App app) {
    this.app = app;
    return self();
  }

  /**
   * For generated code: defers one job with these options, through the connection if one is set,
   * otherwise through the app's pool.
   *
   * @param arguments the argument values, in the order of the constructor's names
   * @return the id of the new job
   * @throws IllegalArgumentException if an option or an argument is invalid
   * @throws dev.procrastinate.AlreadyEnqueuedException if the queueing lock is taken
   */
  protected final long deferJob(@Nullable Object[] arguments) {
    JobManager jobManager = jobManager();
    Connection connection = this.connection;
    return connection == null
        ? jobManager.defer(newJob(arguments))
        : jobManager.defer(connection, newJob(arguments));
  }

  /**
   * For generated code: defers one job with these options on a background thread.
   *
   * @param arguments the argument values, in the order of the constructor's names
   * @return the id of the new job, once deferred
   * @throws IllegalStateException if a connection is set: a background thread cannot join the
   *     caller's transaction
   */
  protected final CompletableFuture<Long> deferJobAsync(@Nullable Object[] arguments) {
    if (connection != null) {
      throw new IllegalStateException(
          "deferAsync cannot join the caller's transaction; use defer(...) with a connection");
    }
    return jobManager().deferAsync(newJob(arguments));
  }

  /**
   * For generated code: builds the job that {@link #deferJob} would defer with these options as
   * they are now, without deferring it. The app and the connection do not affect it.
   *
   * @param arguments the argument values, in the order of the constructor's names
   * @return the job
   * @throws IllegalArgumentException if an option or an argument is invalid
   */
  protected final NewJob newJob(@Nullable Object[] arguments) {
    if (arguments.length != argumentNames.size()) {
      throw new IllegalArgumentException(
          "task '"
              + taskName
              + "' takes the arguments "
              + argumentNames
              + " but its deferrer passed "
              + arguments.length
              + " values; recompile the deferrer with the procrastinate-processor of the runtime's"
              + " version");
    }
    NewJob.Builder builder =
        NewJob.builder(taskName)
            .queue(queue)
            .priority(priority)
            .lock(lock)
            .queueingLock(queueingLock)
            .scheduleAt(scheduleAt)
            .scheduleIn(scheduleIn);
    for (int i = 0; i < arguments.length; i++) {
      builder.arg(argumentNames.get(i), arguments[i]);
    }
    return builder.build();
  }

  /** Returns the job manager of the chosen app, or of the default app. */
  final JobManager jobManager() {
    App app = this.app;
    return (app == null ? App.getDefault() : app).jobManager();
  }

  /** Returns the caller's connection, or null to use the app's pool. */
  final @Nullable Connection connection() {
    return connection;
  }

  @SuppressWarnings("unchecked") // O is the class extending this one, as the type bound says
  private O self() {
    return (O) this;
  }
}
