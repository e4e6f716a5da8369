package dev.procrastinate.cli;

import dev.procrastinate.App;
import dev.procrastinate.SchemaManager;
import dev.procrastinate.model.EventRecording;
import dev.procrastinate.operations.Operations;
import java.util.concurrent.Callable;
import org.jspecify.annotations.Nullable;
import picocli.CommandLine.ArgGroup;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;
import picocli.CommandLine.ParentCommand;

/** {@code procrastinate schema}: creates, prints or migrates the Procrastinate schema. */
@Command(
    name = "schema",
    description = {
      "Create the Procrastinate schema on a database that has none (--apply, the default), print"
          + " its SQL (--read), apply the versioned migrations (--migrate), or switch which status"
          + " changes write event rows (--events)."
    },
    sortOptions = false)
final class SchemaCommand implements Callable<Integer> {
  @ParentCommand Main main;

  @ArgGroup(exclusive = true)
  @Nullable Action action;

  /** What to do. */
  static final class Action {
    @Option(
        names = "--apply",
        description =
            "Create the schema on a database that has none (the default); refused when a schema"
                + " exists, which --migrate upgrades.")
    boolean apply;

    @Option(
        names = "--read",
        description =
            "Print the SQL of every migration, oldest first; needs no database. Applying it by"
                + " hand records no version: prefer --apply or --migrate.")
    boolean read;

    @Option(
        names = "--migrate",
        description =
            "Apply pending migrations: create the schema, adopt one made by Python Procrastinate"
                + " 3.4 or later, or upgrade one made by this runtime.")
    boolean migrate;

    @Option(
        names = "--events",
        paramLabel = "MODE",
        description =
            "Switch, for every worker and writer of the database, which status changes write a"
                + " row into procrastinate_events: 'full' (every one, the default) or 'lean' (no"
                + " 'deferred' or 'started' rows; retries and ends are kept). Waits at most 100 ms"
                + " at a time for the job table's brief lock, for up to 30 s.")
    @Nullable String events;
  }

  /** Called by picocli. */
  SchemaCommand() {}

  @Override
  public Integer call() {
    if (action != null && action.read) {
      System.out.print(Operations.schemaSql());
      System.out.flush();
      return Main.EXIT_OK;
    }
    EventRecording.Mode events =
        action != null && action.events != null ? EventRecording.Mode.parse(action.events) : null;
    try (App app = main.openApp()) {
      if (events != null) {
        System.out.println(
            "Event recording in "
                + app.databaseDescription()
                + ": "
                + app.jobManager().setEventRecording(events).describe());
        return Main.EXIT_OK;
      }
      SchemaManager schema = app.schemaManager();
      if (action == null || action.apply) {
        String current = schema.currentVersion();
        int pending = schema.pendingScripts().size();
        if (current != null || pending < Operations.migrationScripts().size()) {
          System.err.println(
              "procrastinate: "
                  + app.databaseDescription()
                  + " already has the Procrastinate schema"
                  + (current == null
                      ? " (made by Python Procrastinate)"
                      : " (version " + current + ")")
                  + "; run 'procrastinate schema --migrate' to bring it up to date");
          return Main.EXIT_FAILURE;
        }
      }
      SchemaManager.MigrationResult result = schema.migrate();
      System.out.println(describe(result));
      return Main.EXIT_OK;
    }
  }

  private static String describe(SchemaManager.MigrationResult result) {
    return switch (result.outcome()) {
      case CREATED ->
          "Created the Procrastinate schema in "
              + result.schema()
              + ", version "
              + result.version()
              + " (applied "
              + result.appliedVersions()
              + ")";
      case ADOPTED ->
          "Adopted the Python Procrastinate schema in "
              + result.schema()
              + ", now version "
              + result.version()
              + (result.appliedVersions().isEmpty()
                  ? ""
                  : " (applied " + result.appliedVersions() + ")");
      case UPGRADED ->
          "Upgraded the Procrastinate schema in "
              + result.schema()
              + " to version "
              + result.version()
              + " (applied "
              + result.appliedVersions()
              + ")";
      case UP_TO_DATE ->
          "The Procrastinate schema in "
              + result.schema()
              + " is up to date, version "
              + result.version();
    };
  }
}
