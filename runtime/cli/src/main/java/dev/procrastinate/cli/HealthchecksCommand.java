package dev.procrastinate.cli;

import dev.procrastinate.App;
import dev.procrastinate.HealthReport;
import dev.procrastinate.operations.Operations;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.ParentCommand;

/** {@code procrastinate healthchecks}: one line per check; exit 1 if one fails. */
@Command(
    name = "healthchecks",
    description = {
      "Check that the database answers, that its Procrastinate schema is migrated and up to date,"
          + " and that tasks are found; one line per check.",
      "Exits 0 when every check passes, 1 otherwise."
    })
final class HealthchecksCommand implements Callable<Integer> {
  @ParentCommand Main main;

  /** Called by picocli. */
  HealthchecksCommand() {}

  @Override
  public Integer call() {
    try (App app = main.openApp()) {
      HealthReport report = new Operations(app).healthChecks();
      System.out.print(report);
      System.out.flush();
      return report.healthy() ? Main.EXIT_OK : Main.EXIT_FAILURE;
    }
  }
}
