package dev.procrastinate.internal.worker;

import dev.procrastinate.JobContext;

/**
 * Turns a worker's run of a job into the context its task, middleware and propagator see. The app
 * supplies it, so that the context can return the app while the worker never names it. Not API.
 */
@FunctionalInterface
public interface JobContexts {
  /**
   * Returns the context of a run; called once per run, before the run starts.
   *
   * @param run the run, which the context reads on each call
   * @return the context
   */
  JobContext of(JobRun run);
}
