package dev.procrastinate.spi;

import org.jspecify.annotations.Nullable;

/**
 * A {@link dev.procrastinate.JobContext} that knows where the objects of {@code @Task} instance
 * methods come from: the contexts a worker gives to tasks implement it, with the app's {@link
 * dev.procrastinate.TaskInstanceProvider}. {@link TaskInstances} asks it first.
 */
public interface TaskInstanceSource {
  /**
   * Returns the instance the app's task instance provider has for a class.
   *
   * @param type the class declaring a task instance method
   * @return the instance, or null without a provider or when it has none
   */
  @Nullable Object taskInstance(Class<?> type);
}
