package dev.procrastinate.model;

import java.util.List;

/**
 * How many attempts failed since a moment, as the workers of this runtime recorded them: by task
 * and by exception class, the most frequent first.
 *
 * @param byTask failures per task name
 * @param byException failures per exception class name
 */
public record FailureCounts(List<Count> byTask, List<Count> byException) {
  /** Copies the lists. */
  public FailureCounts {
    byTask = List.copyOf(byTask);
    byException = List.copyOf(byException);
  }

  /**
   * A name and how many failures it had.
   *
   * @param name a task name or an exception class name
   * @param failures how many recorded failures
   */
  public record Count(String name, long failures) {}
}
