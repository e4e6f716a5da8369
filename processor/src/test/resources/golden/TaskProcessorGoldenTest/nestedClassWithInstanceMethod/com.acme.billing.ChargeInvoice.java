package com.acme.billing;

import dev.procrastinate.NewJob;
import dev.procrastinate.spi.DeferrerBatch;
import dev.procrastinate.spi.DeferrerOptions;
import dev.procrastinate.spi.TaskGenerated;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import javax.annotation.processing.Generated;

/**
 * Defers jobs of the task {@link Billing.Invoices#charge}, named {@value #TASK_NAME}.
 * {@link #configure()} changes options, joins a transaction or picks an app.
 */
@Generated(
    value = "dev.procrastinate.processor.TaskProcessor",
    comments = "https://github.com/procrastinate-java/procrastinate-java"
)
@TaskGenerated
public final class ChargeInvoice {
  /**
   * The persisted name of the task.
   */
  public static final String TASK_NAME = "billing.charge";

  private ChargeInvoice() {
  }

  /**
   * Defers a job with the task's options, through the default app.
   *
   * @param invoiceId the argument {@code invoiceId}
   * @param dryRun the argument {@code dryRun}
   * @return the id of the new job
   */
  public static long defer(long invoiceId, boolean dryRun) {
    return configure().defer(invoiceId, dryRun);
  }

  /**
   * Defers a job with the task's options, through the default app, without blocking.
   *
   * @param invoiceId the argument {@code invoiceId}
   * @param dryRun the argument {@code dryRun}
   * @return the id of the new job, once deferred
   */
  public static CompletableFuture<Long> deferAsync(long invoiceId, boolean dryRun) {
    return configure().deferAsync(invoiceId, dryRun);
  }

  /**
   * Returns the job {@link #defer} would defer with the same arguments, with the task's options, without deferring it or needing an app.
   *
   * @param invoiceId the argument {@code invoiceId}
   * @param dryRun the argument {@code dryRun}
   * @return the job, for a batch or a workflow
   */
  public static NewJob job(long invoiceId, boolean dryRun) {
    return configure().job(invoiceId, dryRun);
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
      super(TASK_NAME, "default", 0, null, null, List.of("invoiceId", "dryRun"));
    }

    /**
     * Defers a job with these options.
     *
     * @param invoiceId the argument {@code invoiceId}
     * @param dryRun the argument {@code dryRun}
     * @return the id of the new job
     */
    public long defer(long invoiceId, boolean dryRun) {
      return deferJob(new Object[] {invoiceId, dryRun});
    }

    /**
     * Defers a job with these options without blocking.
     *
     * @param invoiceId the argument {@code invoiceId}
     * @param dryRun the argument {@code dryRun}
     * @return the id of the new job, once deferred
     * @throws IllegalStateException if a connection is set
     */
    public CompletableFuture<Long> deferAsync(long invoiceId, boolean dryRun) {
      return deferJobAsync(new Object[] {invoiceId, dryRun});
    }

    /**
     * Returns the job {@link #defer} would defer with these options and the same arguments, without deferring it; the app and the connection do not affect it.
     *
     * @param invoiceId the argument {@code invoiceId}
     * @param dryRun the argument {@code dryRun}
     * @return the job, for a batch or a workflow
     */
    public NewJob job(long invoiceId, boolean dryRun) {
      return newJob(new Object[] {invoiceId, dryRun});
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
     * @param invoiceId the argument {@code invoiceId}
     * @param dryRun the argument {@code dryRun}
     * @return this batch
     */
    public Batch add(long invoiceId, boolean dryRun) {
      addJob(new Object[] {invoiceId, dryRun});
      return this;
    }
  }
}
