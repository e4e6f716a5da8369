package dev.procrastinate.maven;

import dev.procrastinate.App;
import dev.procrastinate.SchemaManager.MigrationResult;
import org.apache.maven.plugins.annotations.Mojo;

/**
 * Creates or upgrades the Procrastinate schema of the configured database, through the runtime's
 * versioned migrations (history in {@code procrastinate_schema_history}). A schema created by
 * Python Procrastinate 3.4 or later is adopted unchanged.
 *
 * <pre>mvn procrastinate:migrate -Dprocrastinate.url=jdbc:postgresql://localhost:5432/mydb</pre>
 */
@Mojo(name = "migrate", threadSafe = true)
public final class MigrateMojo extends AbstractProcrastinateMojo {
  /** Creates the goal. */
  public MigrateMojo() {}

  @Override
  protected void doExecute() throws Exception {
    try (App app = openApp()) {
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
