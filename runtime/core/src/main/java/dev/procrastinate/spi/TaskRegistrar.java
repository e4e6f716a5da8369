package dev.procrastinate.spi;

import java.util.List;

/**
 * Hands the runtime the tasks of one annotated class. The processor writes one implementation per
 * class with {@code @Task} methods, named {@code <Enclosing>_TaskRegistrar}, and lists it in {@code
 * META-INF/services/dev.procrastinate.spi.TaskRegistrar}; the runtime loads them with {@link
 * java.util.ServiceLoader}. Implementations need a public no-argument constructor.
 */
public interface TaskRegistrar {
  /**
   * Returns the descriptors of this registrar's tasks.
   *
   * @return the tasks, in declaration order
   */
  List<TaskDescriptor> tasks();
}
