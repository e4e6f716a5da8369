package dev.procrastinate.maven;

import dev.procrastinate.spi.TaskDescriptor;
import dev.procrastinate.spi.TaskParameter;
import dev.procrastinate.spi.TaskRegistrar;
import java.util.List;

/**
 * The tasks of the project both front ends are run on in {@link FrontEndsAgreeTest}, found through
 * a services file in the project's classes: what the annotation processor would generate.
 */
public final class FrontEndTasks implements TaskRegistrar {
  /** Called by the service loader. */
  public FrontEndTasks() {}

  @Override
  public List<TaskDescriptor> tasks() {
    return List.of(
        TaskDescriptor.builder("fe.sum")
            .queue("sums")
            .priority(3)
            .parameter(TaskParameter.required("a", "int"))
            .parameter(TaskParameter.required("b", "int"))
            .source("FrontEndTasks#sum")
            .build((context, args) -> args.getInt("a") + args.getInt("b")));
  }
}
