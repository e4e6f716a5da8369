package dev.procrastinate.internal.registry;

import dev.procrastinate.spi.TaskDescriptor;
import dev.procrastinate.spi.TaskRegistrar;
import java.util.ArrayList;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import java.util.ServiceConfigurationError;
import java.util.ServiceLoader;

/**
 * The tasks known to an application, by name and alias. Immutable and thread-safe once built. Not
 * API.
 */
public final class TaskRegistry {
  private final List<TaskDescriptor> tasks;
  private final Map<String, TaskDescriptor> byName;

  private TaskRegistry(List<TaskDescriptor> tasks, Map<String, TaskDescriptor> byName) {
    this.tasks = Collections.unmodifiableList(tasks);
    this.byName = Collections.unmodifiableMap(byName);
  }

  /**
   * Loads every {@link TaskRegistrar} listed in {@code META-INF/services} on a class loader.
   *
   * @param classLoader where to look
   * @return the registry
   * @throws IllegalStateException if a registrar cannot be loaded, or if two tasks share a name or
   *     alias; the message names both sources
   */
  public static TaskRegistry load(ClassLoader classLoader) {
    Objects.requireNonNull(classLoader, "classLoader");
    List<TaskRegistrar> registrars = new ArrayList<>();
    try {
      ServiceLoader.load(TaskRegistrar.class, classLoader).forEach(registrars::add);
    } catch (ServiceConfigurationError e) {
      throw new IllegalStateException(
          "cannot load a task registrar listed in META-INF/services/"
              + TaskRegistrar.class.getName()
              + ": "
              + e.getMessage()
              + "; recompile the project so that the processor writes it again, and keep"
              + " procrastinate-processor and procrastinate-runtime at the same version",
          e);
    }
    return of(registrars);
  }

  /**
   * Builds a registry from registrars.
   *
   * @param registrars the registrars, in order
   * @return the registry
   * @throws IllegalStateException if two tasks share a name or alias; the message names both
   *     sources
   */
  public static TaskRegistry of(Iterable<? extends TaskRegistrar> registrars) {
    List<TaskDescriptor> tasks = new ArrayList<>();
    Map<String, TaskDescriptor> byName = new LinkedHashMap<>();
    for (TaskRegistrar registrar : registrars) {
      for (TaskDescriptor task : registrar.tasks()) {
        tasks.add(task);
        register(byName, task.name(), task);
        for (String alias : task.aliases()) {
          register(byName, alias, task);
        }
      }
    }
    return new TaskRegistry(tasks, byName);
  }

  private static void register(
      Map<String, TaskDescriptor> byName, String key, TaskDescriptor task) {
    TaskDescriptor previous = byName.putIfAbsent(key, task);
    if (previous != null) {
      throw new IllegalStateException(
          "task name '"
              + key
              + "' is registered twice: by "
              + previous.source()
              + " and by "
              + task.source()
              + "; give one of them another @Task(name = ...) or alias, or remove the jar that"
              + " holds a second copy from the classpath");
    }
  }

  /**
   * Finds a task by name or alias.
   *
   * @param name a task name or alias
   * @return the task, or empty if none is registered under this name
   */
  public Optional<TaskDescriptor> find(String name) {
    return Optional.ofNullable(byName.get(name));
  }

  /**
   * Returns every task, in registrar then declaration order.
   *
   * @return an unmodifiable list
   */
  public List<TaskDescriptor> tasks() {
    return tasks;
  }

  /**
   * Returns every name and alias.
   *
   * @return an unmodifiable map of name or alias to task
   */
  public Map<String, TaskDescriptor> byName() {
    return byName;
  }
}
