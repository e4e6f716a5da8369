package dev.procrastinate;

import java.lang.annotation.Documented;
import java.lang.annotation.ElementType;
import java.lang.annotation.Retention;
import java.lang.annotation.RetentionPolicy;
import java.lang.annotation.Target;

/**
 * Marks a method as a task. The annotation processor {@code procrastinate-processor} generates, in
 * the same package, a {@code <Method>Deferrer} class whose static {@code defer(...)} takes the
 * method's own parameter types, and a registrar that hands the task to the runtime.
 *
 * <p>The job's arguments are a JSON object keyed by parameter name (see {@link Arg} to choose the
 * JSON name). A parameter of type {@link JobContext} receives the context of the running job and is
 * not an argument. The method may be static, or an instance method of a class with an accessible
 * no-argument constructor (a new instance is made for each job).
 *
 * <pre>{@code
 * @Task(queue = "emails", retry = @Retry(maxAttempts = 5, exponentialWait = 2))
 * public static void sendWelcome(long userId, String template) { ... }
 *
 * SendWelcomeDeferrer.defer(42L, "welcome");
 * }</pre>
 */
@Documented
@Retention(RetentionPolicy.CLASS)
@Target(ElementType.METHOD)
public @interface Task {
  /**
   * The task's persisted name. Defaults to {@code <qualified class name>.<method name>}, which
   * changes when the class is moved or renamed; set it explicitly for tasks that outlive a
   * refactoring or that a Python service defers (e.g. {@code myapp.tasks.send_welcome}).
   *
   * @return the name, or empty for the default
   */
  String name() default "";

  /**
   * Further names this task answers to, so that jobs deferred under an old name still run after a
   * rename.
   *
   * @return the aliases
   */
  String[] aliases() default {};

  /**
   * The queue jobs of this task go to unless a defer call says otherwise; at most {@value
   * NewJob#MAX_QUEUE_NAME_BYTES} UTF-8 bytes.
   *
   * @return the queue name
   */
  String queue() default NewJob.DEFAULT_QUEUE;

  /**
   * The default priority of jobs of this task; higher runs first.
   *
   * @return the priority
   */
  int priority() default NewJob.DEFAULT_PRIORITY;

  /**
   * The default lock: jobs sharing a lock run one at a time.
   *
   * @return the lock, or empty for none
   */
  String lock() default "";

  /**
   * The default queueing lock: at most one waiting job per value.
   *
   * @return the queueing lock, or empty for none
   */
  String queueingLock() default "";

  /**
   * How failed jobs are retried; by default they are not.
   *
   * @return the retry settings
   */
  Retry retry() default @Retry;

  /**
   * A class that decides retries itself, and may move the job to another queue, priority or lock: a
   * public, non-abstract {@link RetryPolicy} with a public constructor without parameters, made
   * once per worker. Exclusive with {@link #retry()}.
   *
   * @return the policy class, or {@code RetryPolicy.class} for none
   */
  Class<? extends RetryPolicy> retryPolicy() default RetryPolicy.class;

  /**
   * Middleware that wraps only this task's jobs, inside the worker's middleware, the first
   * outermost: public, non-abstract {@link JobMiddleware} classes with a public constructor without
   * parameters, each made once per worker and shared by its threads.
   *
   * @return the middleware classes
   */
  Class<? extends JobMiddleware>[] middleware() default {};

  /**
   * How long a job of this task may run before the worker asks it to abort with {@link
   * AbortReason#TIMEOUT}, in seconds.
   *
   * @return the timeout in seconds, or 0 for none
   */
  long timeoutSeconds() default 0;

  /**
   * At most this many jobs of this task run at once, across every worker of this runtime (and
   * whatever queue the jobs are in); further jobs wait until one ends. A limit set live, with the
   * shell's {@code set_limit task=<name> concurrency=<n>}, wins over this one; clearing it comes
   * back to this one. See {@code workers.md#flow-control} in the manual.
   *
   * <p>A negative value is a compile error.
   *
   * @return the limit, at least 1, or 0 for none declared
   */
  int concurrencyLimit() default 0;

  /**
   * At most so many jobs of this task start per period, across every worker of this runtime, spread
   * evenly over the period rather than in bursts. Written {@code N/PERIOD}: {@code N} a positive
   * whole number, {@code PERIOD} a positive number with an optional unit ({@code ms}, {@code s},
   * {@code m}, {@code h}; seconds without one), or a unit alone for one of it: {@code "50/1s"},
   * {@code "50/s"} and {@code "50/1"} are 50 starts a second, {@code "100/60"} and {@code "100/m"}
   * 100 a minute, {@code "5/500ms"} 5 per half second. It is read as {@link
   * dev.procrastinate.model.RateLimit#parse} reads it. A rate limit set live wins over this one;
   * clearing it comes back to this one. See {@code workers.md#flow-control} in the manual.
   *
   * <p>A text that does not read, 0 starts, a period under one millisecond or a count beyond {@link
   * Integer#MAX_VALUE} is a compile error.
   *
   * @return the rate limit, or empty for none
   */
  String rateLimit() default "";

  /**
   * The simple name of the generated deferrer class, to resolve a clash between two tasks whose
   * default names, {@code <Method>Deferrer}, are equal in one package.
   *
   * @return a Java identifier, or empty for the default
   */
  String deferrer() default "";
}
