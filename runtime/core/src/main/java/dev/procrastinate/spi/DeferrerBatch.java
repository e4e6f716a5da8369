package dev.procrastinate.spi;

import dev.procrastinate.NewJob;
import java.sql.Connection;
import java.util.ArrayList;
import java.util.List;
import java.util.Objects;
import org.jspecify.annotations.Nullable;

/**
 * For generated code: jobs of one task deferred together in one round trip, all or none; extended
 * by the {@code Batch} class nested in every generated {@code <Method>Deferrer}, which adds only
 * {@code add} with the task's own parameter types and hands the values to {@link #addJob}.
 *
 * <p>Each job is built when it is added, from the {@link DeferrerOptions} as they are at that
 * moment; {@link #defer()} uses the options' app and connection as they are when it is called. Part
 * of the binary contract between compiled deferrers and the runtime, like {@link DeferrerOptions}.
 *
 * <p>Not thread-safe.
 */
public abstract class DeferrerBatch {
  private final DeferrerOptions<?> options;
  private final List<NewJob> jobs = new ArrayList<>();

  /**
   * Starts an empty batch.
   *
   * @param options the options every job of the batch is built with
   */
  protected DeferrerBatch(DeferrerOptions<?> options) {
    this.options = Objects.requireNonNull(options, "options");
  }

  /**
   * For generated code: adds a job with these argument values.
   *
   * @param arguments the argument values, in the order of the options' argument names
   * @throws IllegalArgumentException if an option is invalid
   */
  protected final void addJob(@Nullable Object[] arguments) {
    jobs.add(options.newJob(arguments));
  }

  /**
   * Returns the number of jobs added.
   *
   * @return the number of jobs
   */
  public final int size() {
    return jobs.size();
  }

  /**
   * Defers every job added, in one round trip: through the options' connection, inside its
   * transaction, if one is set, otherwise in a transaction of its own on the app's pool.
   *
   * @return the ids of the new jobs, in the order they were added
   * @throws dev.procrastinate.AlreadyEnqueuedException if a queueing lock is taken; no job of the
   *     batch is stored
   */
  public final long[] defer() {
    Connection connection = options.connection();
    return connection == null
        ? options.jobManager().deferBatch(jobs)
        : options.jobManager().deferBatch(connection, jobs);
  }
}
