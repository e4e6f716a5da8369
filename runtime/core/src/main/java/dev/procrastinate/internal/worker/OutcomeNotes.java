package dev.procrastinate.internal.worker;

/**
 * What the completer tells the worker once it is done with an outcome: written (or found moot), or
 * dropped for good. Either way the run it ends lets go of its job. Implemented by {@link
 * WorkerEngine}. Not API.
 */
interface OutcomeNotes {
  /**
   * The outcome is written, or there was nothing to write (the job ended elsewhere).
   *
   * @param completion the completion
   */
  void written(Completion completion);

  /**
   * PostgreSQL refused the outcome for good; the job may still be marked doing for this worker.
   *
   * @param completion the completion
   */
  void dropped(Completion completion);
}
