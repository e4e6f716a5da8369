package dev.procrastinate.cli;

import dev.procrastinate.App;
import dev.procrastinate.operations.CheckFinding;
import dev.procrastinate.operations.CheckReport;
import dev.procrastinate.operations.Operations;
import java.io.PrintStream;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.ParameterException;
import picocli.CommandLine.ParentCommand;
import picocli.CommandLine.Spec;

/**
 * {@code procrastinate check}: the deploy check, {@link Operations#check(int)}; one line per
 * finding ({@code ERROR: ...}, {@code WARNING: ...}, {@code INFO: ...}) and a summary line on
 * standard output, or one JSON object with {@code --json}; exit 1 on an error.
 */
@Command(
    name = "check",
    description = {
      "Check the tasks on the class path against the jobs waiting in the database, before"
          + " deploying that code: waiting jobs of a task the code no longer declares, and"
          + " arguments that no longer decode into their task's parameters, are errors; jobs left"
          + " on an old default queue that no worker serves, and periodic ticks of a gone task,"
          + " are warnings.",
      "Exits 0 when no error is found, 1 otherwise."
    },
    sortOptions = false)
final class CheckCommand implements Callable<Integer> {
  @ParentCommand Main main;

  @Spec CommandSpec spec;

  @Option(
      names = "--json",
      description = "Print the report as one JSON object, for CI, instead of lines.")
  boolean json;

  @Option(
      names = "--examples",
      paramLabel = "N",
      defaultValue = "" + Operations.CHECK_EXAMPLES,
      description = "How many job ids each finding shows (default: ${DEFAULT-VALUE}).")
  int examples;

  /** Called by picocli. */
  CheckCommand() {}

  @Override
  public Integer call() {
    if (examples < 1) {
      throw new ParameterException(
          spec.commandLine(), "--examples must be at least 1, got " + examples);
    }
    try (App app = main.openApp()) {
      CheckReport report = new Operations(app).check(examples);
      PrintStream out = System.out;
      if (json) {
        out.println(report.toJson());
      } else {
        for (CheckFinding finding : report.findings()) {
          out.println(finding);
        }
        out.println(report.summary());
      }
      out.flush();
      return report.passed() ? Main.EXIT_OK : Main.EXIT_FAILURE;
    }
  }
}
