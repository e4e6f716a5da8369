package com.acme.mail;

import dev.procrastinate.App;
import dev.procrastinate.JobManager;
import dev.procrastinate.NewJob;
import dev.procrastinate.internal.TaskGenerated;
import java.sql.Connection;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.CompletableFuture;
import javax.annotation.processing.Generated;
import org.jspecify.annotations.Nullable;

/**
 * Defers jobs of the task {@link MailTasks#sendWelcome}, named {@value #TASK_NAME}.
 *
 * <p>{@link #defer} and {@link #deferAsync} use the task's own options and the default {@link App};
 * {@link #configure()} changes options, joins a transaction or picks an app; {@link #batch()}
 * defers many jobs in one round trip.
 */
@Generated(
    value = "dev.procrastinate.processor.TaskProcessor",
    comments = "https://github.com/procrastinate-java/procrastinate-java"
)
@TaskGenerated
public final class SendWelcomeDeferrer {
  /**
   * The persisted name of the task.
   */
  public static final String TASK_NAME = "myapp.tasks.send_welcome";

  private SendWelcomeDeferrer() {
  }

  /**
   * Defers a job with the task's options, through the default app.
   *
   * @param userId the argument {@code user_id}
   * @param template the argument {@code template}
   * @param recipients the argument {@code recipients}
   * @param counters the argument {@code counters}
   * @param notBefore the argument {@code notBefore}
   * @param slots the argument {@code slots}
   * @return the id of the new job
   */
  public static long defer(long userId, String template, List<MailTasks.Recipient> recipients,
      Map<String, Integer> counters, Optional<Instant> notBefore, int[] slots) {
    return configure().defer(userId, template, recipients, counters, notBefore, slots);
  }

  /**
   * Defers a job with the task's options, through the default app, without blocking.
   *
   * @param userId the argument {@code user_id}
   * @param template the argument {@code template}
   * @param recipients the argument {@code recipients}
   * @param counters the argument {@code counters}
   * @param notBefore the argument {@code notBefore}
   * @param slots the argument {@code slots}
   * @return the id of the new job, once deferred
   */
  public static CompletableFuture<Long> deferAsync(long userId, String template,
      List<MailTasks.Recipient> recipients, Map<String, Integer> counters,
      Optional<Instant> notBefore, int[] slots) {
    return configure().deferAsync(userId, template, recipients, counters, notBefore, slots);
  }

  /**
   * Starts a defer call with other options than the task's own.
   *
   * @return options holding the task's defaults
   */
  public static Options configure() {
    return new Options();
  }

  /**
   * Starts a batch of jobs with the task's options, deferred in one round trip.
   *
   * @return an empty batch
   */
  public static Batch batch() {
    return configure().batch();
  }

  /**
   * Options of one defer call, starting from the task's own. Not thread-safe; every setter returns
   * this object.
   */
  public static final class Options {
    private String queue = "emails";

    private int priority = 5;

    private @Nullable String lock;

    private @Nullable String queueingLock = "welcome";

    private @Nullable Instant scheduleAt;

    private @Nullable Duration scheduleIn;

    private @Nullable Connection connection;

    private @Nullable App app;

    private Options() {
    }

    /**
     * Sends the job to another queue.
     *
     * @param queue a queue name of at most 40 UTF-8 bytes
     * @return these options
     */
    public Options queue(String queue) {
      this.queue = queue;
      return this;
    }

    /**
     * Sets the priority; higher runs first.
     *
     * @param priority the priority
     * @return these options
     */
    public Options priority(int priority) {
      this.priority = priority;
      return this;
    }

    /**
     * Sets the lock: jobs sharing a lock run one at a time.
     *
     * @param lock the lock, or null for none
     * @return these options
     */
    public Options lock(@Nullable String lock) {
      this.lock = lock;
      return this;
    }

    /**
     * Sets the queueing lock: at most one waiting job per value.
     *
     * @param queueingLock the queueing lock, or null for none
     * @return these options
     */
    public Options queueingLock(@Nullable String queueingLock) {
      this.queueingLock = queueingLock;
      return this;
    }

    /**
     * Schedules the job: it does not run before this instant.
     *
     * @param scheduleAt the instant, or null
     * @return these options
     */
    public Options scheduleAt(@Nullable Instant scheduleAt) {
      this.scheduleAt = scheduleAt;
      return this;
    }

    /**
     * Schedules the job: it does not run before this delay has passed.
     *
     * @param scheduleIn the delay, or null
     * @return these options
     */
    public Options scheduleIn(@Nullable Duration scheduleIn) {
      this.scheduleIn = scheduleIn;
      return this;
    }

    /**
     * Defers through this connection, inside its current transaction: the job exists only if the
     * transaction commits. The connection is neither committed nor closed.
     *
     * @param connection the caller's connection, or null to use the app's pool
     * @return these options
     */
    public Options connection(@Nullable Connection connection) {
      this.connection = connection;
      return this;
    }

    /**
     * Defers through this app instead of the default one.
     *
     * @param app the app, or null for the default
     * @return these options
     */
    public Options app(@Nullable App app) {
      this.app = app;
      return this;
    }

    /**
     * Defers a job with these options.
     *
     * @param userId the argument {@code user_id}
     * @param template the argument {@code template}
     * @param recipients the argument {@code recipients}
     * @param counters the argument {@code counters}
     * @param notBefore the argument {@code notBefore}
     * @param slots the argument {@code slots}
     * @return the id of the new job
     */
    public long defer(long userId, String template, List<MailTasks.Recipient> recipients,
        Map<String, Integer> counters, Optional<Instant> notBefore, int[] slots) {
      if (this.connection == null) {
        return jobManager().defer(newJob(userId, template, recipients, counters, notBefore, slots));
      }
      return jobManager().defer(this.connection, newJob(userId, template, recipients, counters, notBefore, slots));
    }

    /**
     * Defers a job with these options without blocking.
     *
     * @param userId the argument {@code user_id}
     * @param template the argument {@code template}
     * @param recipients the argument {@code recipients}
     * @param counters the argument {@code counters}
     * @param notBefore the argument {@code notBefore}
     * @param slots the argument {@code slots}
     * @return the id of the new job, once deferred
     * @throws IllegalStateException if a connection is set: use {@link #defer} to join a transaction
     */
    public CompletableFuture<Long> deferAsync(long userId, String template,
        List<MailTasks.Recipient> recipients, Map<String, Integer> counters,
        Optional<Instant> notBefore, int[] slots) {
      if (this.connection != null) {
        throw new IllegalStateException("deferAsync cannot join the caller's transaction; use defer(...) with a connection");
      }
      return jobManager().deferAsync(newJob(userId, template, recipients, counters, notBefore, slots));
    }

    /**
     * Starts a batch of jobs with these options, deferred in one round trip.
     *
     * @return an empty batch
     */
    public Batch batch() {
      return new Batch(this);
    }

    private NewJob newJob(long userId, String template, List<MailTasks.Recipient> recipients,
        Map<String, Integer> counters, Optional<Instant> notBefore, int[] slots) {
      return NewJob.builder(TASK_NAME)
          .queue(this.queue)
          .priority(this.priority)
          .lock(this.lock)
          .queueingLock(this.queueingLock)
          .scheduleAt(this.scheduleAt)
          .scheduleIn(this.scheduleIn)
          .arg("user_id", userId)
          .arg("template", template)
          .arg("recipients", recipients)
          .arg("counters", counters)
          .arg("notBefore", notBefore)
          .arg("slots", slots)
          .build();
    }

    private JobManager jobManager() {
      App app = this.app;
      return (app == null ? App.getDefault() : app).jobManager();
    }
  }

  /**
   * Jobs deferred together in one round trip, all or none. Not thread-safe; {@link #add} returns
   * this object.
   */
  public static final class Batch {
    private final Options options;

    private final List<NewJob> jobs = new ArrayList<>();

    private Batch(Options options) {
      this.options = options;
    }

    /**
     * Adds a job to the batch.
     *
     * @param userId the argument {@code user_id}
     * @param template the argument {@code template}
     * @param recipients the argument {@code recipients}
     * @param counters the argument {@code counters}
     * @param notBefore the argument {@code notBefore}
     * @param slots the argument {@code slots}
     * @return this batch
     */
    public Batch add(long userId, String template, List<MailTasks.Recipient> recipients,
        Map<String, Integer> counters, Optional<Instant> notBefore, int[] slots) {
      this.jobs.add(this.options.newJob(userId, template, recipients, counters, notBefore, slots));
      return this;
    }

    /**
     * Returns the number of jobs added.
     *
     * @return the number of jobs
     */
    public int size() {
      return jobs.size();
    }

    /**
     * Defers every job added, in one round trip.
     *
     * @return the ids of the new jobs, in the order they were added
     */
    public long[] defer() {
      Connection connection = options.connection;
      return connection == null
              ? options.jobManager().deferBatch(jobs)
              : options.jobManager().deferBatch(connection, jobs);
    }
  }
}
