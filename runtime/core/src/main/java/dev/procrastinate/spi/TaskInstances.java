package dev.procrastinate.spi;

import dev.procrastinate.JobContext;
import java.util.function.Supplier;
import org.jspecify.annotations.Nullable;

/**
 * Finds the object a {@code @Task} instance method runs on; called by generated registrars. The
 * app's {@link dev.procrastinate.TaskInstanceProvider} comes first (a container's bean, with its
 * injected dependencies), reached through the context a worker gives the task, which is a {@link
 * TaskInstanceSource}; otherwise the class is created with its constructor without parameters. A
 * context of your own (calling a handler in a unit test) supplies instances by implementing {@link
 * TaskInstanceSource} too.
 */
public final class TaskInstances {
  private TaskInstances() {}

  /**
   * Returns the instance for one run of a task.
   *
   * @param context the running job's context; a worker's context is a {@link TaskInstanceSource}
   *     over the app's provider
   * @param type the class declaring the task method
   * @param create creates an instance with the constructor without parameters, or null when the
   *     class has none (constructor injection)
   * @param <T> the class
   * @return the instance
   * @throws IllegalStateException if no provider has an instance and the class cannot be created,
   *     saying what to do
   */
  public static <T> T get(
      JobContext context, Class<T> type, @Nullable Supplier<? extends T> create) {
    Object provided =
        context instanceof TaskInstanceSource source ? source.taskInstance(type) : null;
    if (provided != null) {
      if (!type.isInstance(provided)) {
        throw new IllegalStateException(
            "the task instance provider returned a "
                + provided.getClass().getName()
                + " for "
                + type.getName()
                + "; it must return an instance of the class it is asked for");
      }
      return type.cast(provided);
    }
    if (create == null) {
      throw new IllegalStateException(
          "no instance of "
              + type.getName()
              + " to run task "
              + context.job().taskName()
              + " on: the class has no constructor without parameters, so a container must"
              + " supply it. Declare it as a bean of a Spring Boot application that uses"
              + " procrastinate-spring-boot-starter, or install a provider with"
              + " App.builder().taskInstances(...)");
    }
    return create.get();
  }
}
