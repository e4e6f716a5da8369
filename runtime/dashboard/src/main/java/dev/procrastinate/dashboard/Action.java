package dev.procrastinate.dashboard;

import dev.procrastinate.model.JobStatus;
import org.jspecify.annotations.Nullable;

/** The actions on a job or on every job of a filter: each applies to jobs of one status. */
enum Action {
  RETRY("retry", "Retry", "retried", "Job retried.", "Retried %s.", JobStatus.FAILED),
  CANCEL("cancel", "Cancel", "cancelled", "Job cancelled.", "Cancelled %s.", JobStatus.TODO),
  ABORT(
      "abort",
      "Abort",
      "aborted",
      "Abort requested: the job stops at its worker's next check.",
      "Requested the abort of %s.",
      JobStatus.DOING);

  /** The action's name in URLs, such as {@code retry}. */
  final String path;

  /** The action as a button's verb, such as {@code Retry}. */
  final String verb;

  /** What the jobs become, such as {@code retried}. */
  final String participle;

  /** The notice once done on one job. */
  final String doneOne;

  /** The notice once done on several jobs: a format for their count. */
  final String doneMany;

  /** The status of the jobs it applies to. */
  final JobStatus appliesTo;

  Action(
      String path,
      String verb,
      String participle,
      String doneOne,
      String doneMany,
      JobStatus appliesTo) {
    this.path = path;
    this.verb = verb;
    this.participle = participle;
    this.doneOne = doneOne;
    this.doneMany = doneMany;
    this.appliesTo = appliesTo;
  }

  /** Returns the jobs it applies to in a word: failed, waiting or running. */
  String adjective() {
    return switch (appliesTo) {
      case FAILED -> "failed";
      case TODO -> "waiting";
      default -> "running";
    };
  }

  static @Nullable Action of(String path) {
    for (Action action : values()) {
      if (action.path.equals(path)) {
        return action;
      }
    }
    return null;
  }
}
