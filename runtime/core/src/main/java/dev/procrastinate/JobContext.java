package dev.procrastinate;

import dev.procrastinate.model.JobFailure;
import dev.procrastinate.model.ProcrastinateJob;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import org.jspecify.annotations.Nullable;

/**
 * What a running task may know about its job and worker. A {@link Task} method receives it by
 * declaring a parameter of this type; deferrers do not take it. Implemented by the worker; one
 * instance per job run, safe to read from the job's thread.
 */
public interface JobContext {
  /**
   * Returns the job being run, as fetched by the worker.
   *
   * @return the job
   */
  ProcrastinateJob job();

  /**
   * Returns the number of runs of this job that finished before this one: 0 on the first run.
   *
   * @return the attempts
   */
  default int attempts() {
    return job().attempts();
  }

  /**
   * Returns the name of the worker running the job.
   *
   * @return the worker name
   */
  String workerName();

  /**
   * Returns the queues the worker listens to.
   *
   * @return the queue names, empty when the worker takes jobs from every queue
   */
  List<String> workerQueues();

  /**
   * Tells whether the job has been asked to abort. A long task should check it now and then and
   * stop, by returning or throwing, when it is true.
   *
   * <p>It also turns true, from the moment it happens, when the worker's lease runs out ({@link
   * AbortReason#LEASE_EXPIRED}): a task that checks it before each step never begins a step after
   * another worker may have taken the job over, not even in a process that was paused and has just
   * resumed.
   *
   * @return true if the job should stop
   */
  boolean shouldAbort();

  /**
   * Returns why the job is asked to abort.
   *
   * @return the reason, or empty if no abort was requested
   */
  Optional<AbortReason> abortReason();

  /**
   * Returns this job's copy of the worker's additional context.
   *
   * @return an unmodifiable map
   */
  Map<String, Object> additionalContext();

  /**
   * Returns the app the worker belongs to, e.g. to defer follow-up jobs.
   *
   * @return the app
   */
  App app();

  /**
   * Returns when the worker started this run of the job.
   *
   * @return the start instant
   */
  Instant startTimestamp();

  /**
   * Returns the headers a {@link ContextPropagator} stored with the job when it was deferred.
   *
   * @return the headers; empty when no propagator is configured or none were stored
   */
  default Map<String, String> headers() {
    return Map.of();
  }

  /**
   * Adds a detail to the record that the worker keeps if this attempt fails or is aborted (see
   * {@link JobManager#failures(long)}), such as the id of the order being processed or the last
   * step reached. A later value of the same key replaces the earlier one; the details of an attempt
   * that succeeds are dropped. A context made by hand (in a unit test) ignores them.
   *
   * @param key the detail's name
   * @param value its value
   */
  default void addFailureDetail(String key, String value) {}

  /**
   * Returns why the job's earlier attempts failed, as workers of this runtime recorded them (see
   * {@link JobManager#failures(long)}), oldest first: read from the database on the first call of
   * this run, for a {@link RetryPolicy} or a task that adapts to them. Empty for a first attempt,
   * for attempts run by Python workers, in an inline app, and in a context made by hand.
   *
   * @return the failures of the attempts before this one
   * @throws DatabaseUnavailableException if the database cannot be reached
   */
  default List<JobFailure> earlierFailures() {
    return List.of();
  }

  /**
   * Reads what the steps this workflow step runs after returned (see {@link Workflow}): for a
   * chain's step, its predecessor's result; for a group's callback, its members' results, in the
   * order the workflow was written. A step that returned nothing gives a null.
   *
   * @param <T> the type
   * @param type the class to decode into
   * @return the results; empty if this job is no workflow step or runs after nothing
   * @throws IllegalArgumentException if a result does not decode into the type
   */
  default <T> List<@Nullable T> resultsBefore(Class<T> type) {
    return app().jobManager().resultsBefore(job().id(), type);
  }

  /**
   * Reads what the step this workflow step runs right after returned: a chain's previous step.
   *
   * @param <T> the type
   * @param type the class to decode into
   * @return the result, or empty if there is none (no step before, a void step, or several steps
   *     before: read those with {@link #resultsBefore(Class)})
   * @throws IllegalArgumentException if the result does not decode into the type
   */
  default <T> Optional<T> previousResult(Class<T> type) {
    List<@Nullable T> results = resultsBefore(type);
    return results.size() == 1 ? Optional.ofNullable(results.get(0)) : Optional.empty();
  }
}
