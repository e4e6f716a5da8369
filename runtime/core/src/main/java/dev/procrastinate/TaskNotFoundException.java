package dev.procrastinate;

import java.util.Collection;

/**
 * A worker took a job whose task it does not know: upstream's {@code TaskNotFound}. The job fails
 * and is not retried; worker middleware sees this exception from {@link
 * JobMiddleware.Next#proceed()}.
 */
public final class TaskNotFoundException extends ProcrastinateException {
  private static final long serialVersionUID = 1L;

  private final String taskName;

  /**
   * Creates the exception.
   *
   * @param taskName the job's task name
   * @param known the task names and aliases the worker knows
   */
  public TaskNotFoundException(String taskName, Collection<String> known) {
    super(
        "task '"
            + taskName
            + "' is not known to this worker. Tasks come from @Task methods compiled with"
            + " procrastinate-processor, whose registrars are listed in"
            + " META-INF/services/dev.procrastinate.spi.TaskRegistrar on the worker's class path;"
            + " known tasks: "
            + known);
    this.taskName = taskName;
  }

  /**
   * Returns the task name no registrar declares.
   *
   * @return the name
   */
  public String taskName() {
    return taskName;
  }
}
