package dev.procrastinate;

import dev.procrastinate.model.ProcrastinateJob;
import java.time.Duration;

/**
 * Hears what happens to jobs, for metrics: what {@link JobManager} defers and what workers start
 * and end. Register with {@link App.Builder#observer(JobObserver)}; {@code
 * dev.procrastinate.micrometer.ProcrastinateMetrics} is one.
 *
 * <p>Methods are called on the thread that does the work (the deferring thread, the job's thread),
 * from many threads at once: implementations must be thread-safe and quick. An exception thrown by
 * an observer is logged and otherwise ignored; it never changes a job's fate.
 */
public interface JobObserver {
  /**
   * A job was inserted. On the caller's connection the insert may still be rolled back.
   *
   * @param job the job as deferred
   * @param id its id
   */
  default void deferred(NewJob job, long id) {}

  /**
   * A worker took a job and is about to run it.
   *
   * @param job the job, {@code doing}
   */
  default void started(ProcrastinateJob job) {}

  /**
   * A job's run ended; its outcome is about to be written.
   *
   * @param job the job as it was fetched
   * @param outcome how it ended
   * @param runTime how long the run took, middleware included
   */
  default void ended(ProcrastinateJob job, Outcome outcome, Duration runTime) {}

  /** How a run ended. */
  enum Outcome {
    /** The task returned: the job ends {@code succeeded}. */
    SUCCEEDED,
    /** The task threw and is not retried, or is unknown, or its arguments did not decode. */
    FAILED,
    /** The job was aborted on request, or by shutdown without retry. */
    ABORTED,
    /** The task threw and its retry policy scheduled another run. */
    RETRIED
  }
}
