package dev.procrastinate.cli;

import dev.procrastinate.App;
import dev.procrastinate.operations.Shell;
import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStreamReader;
import java.nio.charset.Charset;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Parameters;
import picocli.CommandLine.ParentCommand;

/** {@code procrastinate shell [COMMAND...]}: the administration shell. */
@Command(
    name = "shell",
    description = {
      "Administration shell: list jobs, queues, tasks and locks, cancel, abort and retry jobs;"
          + " pause and resume queues, set, clear and list concurrency and rate limits.",
      "Without COMMAND, reads commands from standard input (type help); with one, runs it and"
          + " exits 1 if it failed."
    })
final class ShellCommand implements Callable<Integer> {
  @ParentCommand Main main;

  @Parameters(
      paramLabel = "COMMAND",
      arity = "0..*",
      description = "One shell command and its arguments, e.g. list_jobs status=failed details.")
  List<String> command = new ArrayList<>();

  /** Called by picocli. */
  ShellCommand() {}

  @Override
  public Integer call() throws IOException {
    try (App app = main.openApp()) {
      Shell shell = new Shell(app.jobManager(), System.out, System.err);
      if (!command.isEmpty()) {
        Shell.Result result = shell.execute(String.join(" ", command));
        return result == Shell.Result.FAILED ? Main.EXIT_FAILURE : Main.EXIT_OK;
      }
      Charset charset =
          System.console() != null ? System.console().charset() : Charset.defaultCharset();
      shell.run(new BufferedReader(new InputStreamReader(System.in, charset)));
      return Main.EXIT_OK;
    }
  }
}
