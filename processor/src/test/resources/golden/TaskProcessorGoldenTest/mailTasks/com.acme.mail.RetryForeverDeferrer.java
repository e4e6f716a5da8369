package com.acme.mail;

import dev.procrastinate.NewJob;
import dev.procrastinate.spi.DeferrerBatch;
import dev.procrastinate.spi.DeferrerOptions;
import dev.procrastinate.spi.TaskGenerated;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.CompletableFuture;
import javax.annotation.processing.Generated;

/**
 * Defers jobs of the task {@link MailTasks#retryForever}, named {@value #TASK_NAME}.
 * {@link #configure()} changes options, joins a transaction or picks an app.
 */
@Generated(
    value = "dev.procrastinate.processor.TaskProcessor",
    comments = "https://github.com/procrastinate-java/procrastinate-java"
)
@TaskGenerated
final class RetryForeverDeferrer {
  /**
   * The persisted name of the task.
   */
  public static final String TASK_NAME = "mail.forever";

  private RetryForeverDeferrer() {
  }

  /**
   * Defers a job with the task's options, through the default app.
   *
   * @param tags the argument {@code tags}
   * @return the id of the new job
   */
  public static long defer(Optional<List<String>> tags) {
    return configure().defer(tags);
  }

  /**
   * Defers a job with the task's options, through the default app, without blocking.
   *
   * @param tags the argument {@code tags}
   * @return the id of the new job, once deferred
   */
  public static CompletableFuture<Long> deferAsync(Optional<List<String>> tags) {
    return configure().deferAsync(tags);
  }

  /**
   * Returns the job {@link #defer} would defer with the same arguments, with the task's options, without deferring it or needing an app.
   *
   * @param tags the argument {@code tags}
   * @return the job, for a batch or a workflow
   */
  public static NewJob job(Optional<List<String>> tags) {
    return configure().job(tags);
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
   * Options of one defer call, starting from the task's own. Not thread-safe.
   */
  public static final class Options extends DeferrerOptions<Options> {
    private Options() {
      super(TASK_NAME, "default", 0, null, null, List.of("tags"));
    }

    /**
     * Defers a job with these options.
     *
     * @param tags the argument {@code tags}
     * @return the id of the new job
     */
    public long defer(Optional<List<String>> tags) {
      return deferJob(new Object[] {tags});
    }

    /**
     * Defers a job with these options without blocking.
     *
     * @param tags the argument {@code tags}
     * @return the id of the new job, once deferred
     * @throws IllegalStateException if a connection is set
     */
    public CompletableFuture<Long> deferAsync(Optional<List<String>> tags) {
      return deferJobAsync(new Object[] {tags});
    }

    /**
     * Returns the job {@link #defer} would defer with these options and the same arguments, without deferring it; the app and the connection do not affect it.
     *
     * @param tags the argument {@code tags}
     * @return the job, for a batch or a workflow
     */
    public NewJob job(Optional<List<String>> tags) {
      return newJob(new Object[] {tags});
    }

    /**
     * Starts a batch of jobs with these options, deferred in one round trip.
     *
     * @return an empty batch
     */
    public Batch batch() {
      return new Batch(this);
    }
  }

  /**
   * Jobs deferred together in one round trip, all or none. Not thread-safe.
   */
  public static final class Batch extends DeferrerBatch {
    private Batch(Options options) {
      super(options);
    }

    /**
     * Adds a job to the batch.
     *
     * @param tags the argument {@code tags}
     * @return this batch
     */
    public Batch add(Optional<List<String>> tags) {
      addJob(new Object[] {tags});
      return this;
    }
  }
}
