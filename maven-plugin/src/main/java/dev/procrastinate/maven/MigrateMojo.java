package dev.procrastinate.maven;

import dev.procrastinate.App;
import dev.procrastinate.SchemaManager;
import dev.procrastinate.SchemaManager.MigrationResult;
import java.util.List;
import org.apache.maven.plugins.annotations.Mojo;
import org.apache.maven.plugins.annotations.Parameter;

/**
 * Creates or upgrades the Procrastinate schema of the configured database, through the runtime's
 * versioned migrations (history in {@code procrastinate_schema_history}). A schema created by
 * Python Procrastinate 3.4 or later is adopted unchanged.
 *
 * <p>With {@code -Dprocrastinate.dryRun} nothing is changed: the SQL that would run is printed on
 * standard output ({@code mvn -q procrastinate:migrate -Dprocrastinate.dryRun > pending.sql}).
 *
 * <pre>mvn procrastinate:migrate -Dprocrastinate.url=jdbc:postgresql://localhost:5432/mydb</pre>
 */
@Mojo(name = "migrate", threadSafe = true)
public final class MigrateMojo extends AbstractProcrastinateMojo {
  /**
   * Prints the SQL of the pending migrations instead of applying them. Also configurable with
   * -Dprocrastinate.dryRun.
   */
  @Parameter(property = "procrastinate.dryRun", defaultValue = "false")
  private boolean dryRun;

  /** Creates the goal. */
  public MigrateMojo() {}

  @Override
  protected void doExecute() throws Exception {
    try (App app = openApp()) {
      if (dryRun) {
        List<SchemaManager.MigrationScript> pending = app.schemaManager().pendingScripts();
        if (pending.isEmpty()) {
          getLog()
              .info(
                  "Dry run: the Procrastinate schema of "
                      + app.databaseDescription()
                      + " is up to date; nothing would run");
          return;
        }
        getLog()
            .info(
                "Dry run: "
                    + pending.size()
                    + " migration(s) would run on "
                    + app.databaseDescription()
                    + ": "
                    + pending.stream().map(SchemaManager.MigrationScript::fileName).toList());
        System.out.print(SchemaManager.render(pending));
        System.out.flush();
        return;
      }
      MigrationResult result = app.schemaManager().migrate();
      String where = "schema " + result.schema() + " of " + app.databaseDescription();
      switch (result.outcome()) {
        case CREATED ->
            getLog()
                .info(
                    "Created the Procrastinate schema in "
                        + where
                        + ", version "
                        + result.version());
        case ADOPTED ->
            getLog()
                .info(
                    "Adopted the Procrastinate schema found in "
                        + where
                        + " (created by Python Procrastinate), version "
                        + result.version());
        case UPGRADED ->
            getLog()
                .info(
                    "Upgraded the Procrastinate schema in "
                        + where
                        + " to version "
                        + result.version()
                        + " (applied "
                        + String.join(", ", result.appliedVersions())
                        + ")");
        case UP_TO_DATE ->
            getLog()
                .info(
                    "The Procrastinate schema in "
                        + where
                        + " is up to date, version "
                        + result.version());
      }
    }
  }
}
