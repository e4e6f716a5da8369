package com.acme.mail;

import dev.procrastinate.NewJob;
import dev.procrastinate.spi.DeferrerBatch;
import dev.procrastinate.spi.DeferrerOptions;
import dev.procrastinate.spi.TaskGenerated;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.CompletableFuture;
import javax.annotation.processing.Generated;

/**
 * Defers jobs of the task {@link MailTasks#sendWelcome}, named {@value #TASK_NAME}.
 * {@link #configure()} changes options, joins a transaction or picks an app.
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
   * Returns the job {@link #defer} would defer with the same arguments, with the task's options, without deferring it or needing an app.
   *
   * @param userId the argument {@code user_id}
   * @param template the argument {@code template}
   * @param recipients the argument {@code recipients}
   * @param counters the argument {@code counters}
   * @param notBefore the argument {@code notBefore}
   * @param slots the argument {@code slots}
   * @return the job, for a batch or a workflow
   */
  public static NewJob job(long userId, String template, List<MailTasks.Recipient> recipients,
      Map<String, Integer> counters, Optional<Instant> notBefore, int[] slots) {
    return configure().job(userId, template, recipients, counters, notBefore, slots);
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
      super(TASK_NAME, "emails", 5, null, "welcome", List.of("user_id", "template", "recipients",
          "counters", "notBefore", "slots"));
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
      return deferJob(new Object[] {userId, template, recipients, counters, notBefore, slots});
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
     * @throws IllegalStateException if a connection is set
     */
    public CompletableFuture<Long> deferAsync(long userId, String template,
        List<MailTasks.Recipient> recipients, Map<String, Integer> counters,
        Optional<Instant> notBefore, int[] slots) {
      return deferJobAsync(new Object[] {userId, template, recipients, counters, notBefore, slots});
    }

    /**
     * Returns the job {@link #defer} would defer with these options and the same arguments, without deferring it; the app and the connection do not affect it.
     *
     * @param userId the argument {@code user_id}
     * @param template the argument {@code template}
     * @param recipients the argument {@code recipients}
     * @param counters the argument {@code counters}
     * @param notBefore the argument {@code notBefore}
     * @param slots the argument {@code slots}
     * @return the job, for a batch or a workflow
     */
    public NewJob job(long userId, String template, List<MailTasks.Recipient> recipients,
        Map<String, Integer> counters, Optional<Instant> notBefore, int[] slots) {
      return newJob(new Object[] {userId, template, recipients, counters, notBefore, slots});
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
      addJob(new Object[] {userId, template, recipients, counters, notBefore, slots});
      return this;
    }
  }
}
