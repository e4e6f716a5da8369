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
 * Defers jobs of the task {@link MailTasks#nightlyReport}, named {@value #TASK_NAME}.
 * {@link #configure()} changes options, joins a transaction or picks an app.
 */
@Generated(
    value = "dev.procrastinate.processor.TaskProcessor",
    comments = "https://github.com/procrastinate-java/procrastinate-java"
)
@TaskGenerated
public final class NightlyReportDeferrer {
  /**
   * The persisted name of the task.
   */
  public static final String TASK_NAME = "mail.nightly_report";

  private NightlyReportDeferrer() {
  }

  /**
   * Defers a job with the task's options, through the default app.
   *
   * @param timestamp the argument {@code timestamp}
   * @param region the argument {@code region}
   * @return the id of the new job
   */
  public static long defer(long timestamp, Optional<String> region) {
    return configure().defer(timestamp, region);
  }

  /**
   * Defers a job with the task's options, through the default app, without blocking.
   *
   * @param timestamp the argument {@code timestamp}
   * @param region the argument {@code region}
   * @return the id of the new job, once deferred
   */
  public static CompletableFuture<Long> deferAsync(long timestamp, Optional<String> region) {
    return configure().deferAsync(timestamp, region);
  }

  /**
   * Returns the job {@link #defer} would defer with the same arguments, with the task's options, without deferring it or needing an app.
   *
   * @param timestamp the argument {@code timestamp}
   * @param region the argument {@code region}
   * @return the job, for a batch or a workflow
   */
  public static NewJob job(long timestamp, Optional<String> region) {
    return configure().job(timestamp, region);
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
      super(TASK_NAME, "default", 0, "reports", null, List.of("timestamp", "region"));
    }

    /**
     * Defers a job with these options.
     *
     * @param timestamp the argument {@code timestamp}
     * @param region the argument {@code region}
     * @return the id of the new job
     */
    public long defer(long timestamp, Optional<String> region) {
      return deferJob(new Object[] {timestamp, region});
    }

    /**
     * Defers a job with these options without blocking.
     *
     * @param timestamp the argument {@code timestamp}
     * @param region the argument {@code region}
     * @return the id of the new job, once deferred
     * @throws IllegalStateException if a connection is set
     */
    public CompletableFuture<Long> deferAsync(long timestamp, Optional<String> region) {
      return deferJobAsync(new Object[] {timestamp, region});
    }

    /**
     * Returns the job {@link #defer} would defer with these options and the same arguments, without deferring it; the app and the connection do not affect it.
     *
     * @param timestamp the argument {@code timestamp}
     * @param region the argument {@code region}
     * @return the job, for a batch or a workflow
     */
    public NewJob job(long timestamp, Optional<String> region) {
      return newJob(new Object[] {timestamp, region});
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
     * @param timestamp the argument {@code timestamp}
     * @param region the argument {@code region}
     * @return this batch
     */
    public Batch add(long timestamp, Optional<String> region) {
      addJob(new Object[] {timestamp, region});
      return this;
    }
  }
}
