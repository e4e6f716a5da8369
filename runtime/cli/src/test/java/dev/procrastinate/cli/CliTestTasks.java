package dev.procrastinate.cli;

import dev.procrastinate.spi.TaskDescriptor;
import dev.procrastinate.spi.TaskParameter;
import dev.procrastinate.spi.TaskRegistrar;
import java.util.List;

/**
 * The tasks a command-line process under test knows, when a services file listing this class is on
 * its {@code --class-path}: what the annotation processor would generate for an application.
 */
public final class CliTestTasks implements TaskRegistrar {
  /** Called by the service loader. */
  public CliTestTasks() {}

  @Override
  public List<TaskDescriptor> tasks() {
    return List.of(
        TaskDescriptor.builder("cli.sum")
            .queue("sums")
            .priority(3)
            .parameter(TaskParameter.required("a", "int"))
            .parameter(TaskParameter.required("b", "int"))
            .source("CliTestTasks#sum")
            .build((context, args) -> args.getInt("a") + args.getInt("b")),
        TaskDescriptor.builder("cli.sleep")
            .parameter(TaskParameter.required("millis", "long"))
            .source("CliTestTasks#sleep")
            .build(
                (context, args) -> {
                  Thread.sleep(args.getLong("millis"));
                  return null;
                }));
  }
}
