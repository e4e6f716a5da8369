package dev.procrastinate.internal.worker;

import dev.procrastinate.AbortReason;
import dev.procrastinate.model.ProcrastinateJob;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/**
 * One run of a job as its {@link dev.procrastinate.JobContext} reads it: the job, the worker that
 * runs it, whether it should stop. The worker's side of a run; the app's {@link JobContexts} turns
 * it into the context the task sees, which adds the app. Thread-safe. Not API.
 */
public interface JobRun {
  /**
   * Returns the job, as it was fetched.
   *
   * @return the job
   */
  ProcrastinateJob job();

  /**
   * Returns the name of the worker running the job.
   *
   * @return the worker's name
   */
  String workerName();

  /**
   * Returns the queues the worker listens to; empty for all.
   *
   * @return the queue names
   */
  List<String> workerQueues();

  /**
   * Returns why the run should stop, once it should.
   *
   * @return the reason, or empty while the run may go on
   */
  Optional<AbortReason> abortReason();

  /**
   * Returns the worker's additional context.
   *
   * @return the entries, unmodifiable
   */
  Map<String, Object> additionalContext();

  /**
   * Returns when the task started; now if it has not started yet.
   *
   * @return the start
   */
  Instant startTimestamp();

  /**
   * Returns the headers stored with the job at defer time.
   *
   * @return the headers; empty without any
   */
  Map<String, String> headers();

  /**
   * Adds a detail to the record kept if this attempt fails; a later value replaces an earlier one.
   *
   * @param key the detail's name
   * @param value its value
   */
  void addFailureDetail(String key, String value);
}
