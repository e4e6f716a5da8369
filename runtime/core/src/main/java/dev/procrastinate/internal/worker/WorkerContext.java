package dev.procrastinate.internal.worker;

import dev.procrastinate.WorkerOptions;
import dev.procrastinate.internal.sql.Database;
import dev.procrastinate.internal.sql.JobDao;
import dev.procrastinate.internal.sql.WorkerDao;
import java.time.Clock;
import java.util.function.LongSupplier;

/**
 * What every part of one worker shares: its options, its database and statements, the test hooks
 * and the clocks. Built once by {@link WorkerEngine}; each part takes it first, then only what is
 * its own (its collaborators and the signals it sends). Not API.
 *
 * @param options the worker's options, its name among them
 * @param database the database, observing connection losses for the whole worker
 * @param jobs the job statements, committing outcomes as the options say
 * @param workers the worker-table statements
 * @param hooks points where a test can act ({@link WorkerHooks#NONE} in production)
 * @param clock the wall clock, for retry times
 * @param nanoTime the monotonic clock, for leases, timeouts and run times
 */
record WorkerContext(
    WorkerOptions options,
    Database database,
    JobDao jobs,
    WorkerDao workers,
    WorkerHooks hooks,
    Clock clock,
    LongSupplier nanoTime) {

  /**
   * Returns a context for a worker with these options, on the system clocks and without hooks.
   *
   * @param options the options
   * @param database the database
   * @param hooks the hooks
   * @return the context
   */
  static WorkerContext of(WorkerOptions options, Database database, WorkerHooks hooks) {
    return new WorkerContext(
        options,
        database,
        new JobDao(options.asynchronousOutcomes()),
        new WorkerDao(),
        hooks,
        Clock.systemUTC(),
        System::nanoTime);
  }

  /**
   * Returns the worker's name, for logs and thread names.
   *
   * @return the name
   */
  String name() {
    return options.name();
  }

  /**
   * Returns this context with another database, the rest unchanged.
   *
   * @param other the database
   * @return the new context
   */
  WorkerContext withDatabase(Database other) {
    return new WorkerContext(options, other, jobs, workers, hooks, clock, nanoTime);
  }

  /**
   * Returns a daemon thread, not started, named {@code procrastinate-<worker name>-<role>} as every
   * thread of a worker is.
   *
   * @param runnable what it runs
   * @param role its role in the worker, such as {@code fetcher} or {@code executor-3}
   * @return the thread
   */
  Thread daemon(Runnable runnable, String role) {
    Thread thread = new Thread(runnable, "procrastinate-" + name() + "-" + role);
    thread.setDaemon(true);
    return thread;
  }
}
