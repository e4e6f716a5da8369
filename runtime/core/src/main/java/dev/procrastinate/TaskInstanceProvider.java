package dev.procrastinate;

import org.jspecify.annotations.Nullable;

/**
 * Supplies the objects whose {@code @Task} instance methods the worker calls: a dependency
 * injection container's beans, such as Spring's (the Spring Boot starter installs one). Set it with
 * {@link App.Builder#taskInstances(TaskInstanceProvider)}.
 *
 * <p>Without a provider, or when it has no instance, a class with a constructor without parameters
 * is created anew for each job; a class built by constructor injection cannot be, and its jobs fail
 * with a message that says so. Implementations must be thread-safe: jobs run concurrently.
 */
@FunctionalInterface
public interface TaskInstanceProvider {
  /**
   * Returns the instance to run a task method on.
   *
   * @param type the class declaring the {@code @Task} instance method
   * @return the instance, or null when this provider has none
   */
  @Nullable Object instanceOf(Class<?> type);
}
