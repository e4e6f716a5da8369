package dev.procrastinate.model;

import java.util.Objects;

/**
 * What a flow control applies to: every job of a queue, or every job of a task (by its name, in
 * whatever queue).
 *
 * @param scope a queue or a task
 * @param name the queue's or the task's name
 */
public record LimitTarget(Scope scope, String name) {
  /** What a control applies to. */
  public enum Scope {
    /** The jobs of one queue. */
    QUEUE,
    /** The jobs of one task, in every queue. */
    TASK;

    /**
     * Returns the name stored in the database and used by the shell.
     *
     * @return {@code queue} or {@code task}
     */
    public String key() {
      return name().toLowerCase(java.util.Locale.ROOT);
    }
  }

  /**
   * Validates the fields.
   *
   * @param scope a queue or a task
   * @param name the name, not blank
   */
  public LimitTarget {
    Objects.requireNonNull(scope, "scope");
    Objects.requireNonNull(name, "name");
    if (name.isBlank()) {
      throw new IllegalArgumentException("a " + scope.key() + " name is not blank");
    }
  }

  /**
   * Returns the target of every job of a queue.
   *
   * @param queue the queue name
   * @return the target
   */
  public static LimitTarget queue(String queue) {
    return new LimitTarget(Scope.QUEUE, queue);
  }

  /**
   * Returns the target of every job of a task.
   *
   * @param task the task name
   * @return the target
   */
  public static LimitTarget task(String task) {
    return new LimitTarget(Scope.TASK, task);
  }

  /**
   * Writes the target as the shell reads it.
   *
   * @return {@code queue=NAME} or {@code task=NAME}
   */
  @Override
  public String toString() {
    return scope.key() + "=" + name;
  }
}
