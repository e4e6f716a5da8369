package dev.procrastinate.cli;

import dev.procrastinate.spi.TaskDescriptor;
import dev.procrastinate.spi.TaskParameter;
import dev.procrastinate.spi.TaskRegistrar;
import java.nio.file.Files;
import java.nio.file.Path;
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
                }),
        TaskDescriptor.builder("cli.gated")
            .parameter(TaskParameter.required("gate", "java.lang.String"))
            .source("CliTestTasks#gated")
            .build(
                (context, args) -> {
                  // Runs until the test creates the file, for at most five minutes.
                  Path gate = Path.of(args.get("gate", String.class));
                  long deadline = System.nanoTime() + 300_000_000_000L;
                  while (!Files.exists(gate) && System.nanoTime() < deadline) {
                    Thread.sleep(20);
                  }
                  return null;
                }));
  }
}
