package dev.procrastinate;

import dev.procrastinate.internal.migrate.Migrator;
import dev.procrastinate.internal.sql.Database;
import java.util.List;
import java.util.Objects;
import org.jspecify.annotations.Nullable;

/**
 * Creates and upgrades the Procrastinate schema through versioned migrations recorded in {@code
 * procrastinate_schema_history}. Thread-safe; get it from {@link App#schemaManager()}.
 *
 * <p>A schema created by Python Procrastinate (which records no versions) is recognised by its
 * objects: at upstream level 3.4 or later it is adopted as it is; at an older level, or when only
 * part of it exists, {@link #migrate()} refuses with a message naming what is missing, and changes
 * nothing.
 */
public final class SchemaManager {
  private final Migrator migrator;

  SchemaManager(Database database, @Nullable String schema) {
    this.migrator = new Migrator(Objects.requireNonNull(database, "database"), schema);
  }

  /**
   * Applies every pending migration to the current schema of the app's connections. Running it
   * again is a no-op; processes migrating at once are serialised by a PostgreSQL advisory lock.
   *
   * @return what was done
   * @throws SchemaException if the schema cannot be migrated safely, saying why and what to do
   * @throws DatabaseUnavailableException if PostgreSQL cannot be reached
   */
  public MigrationResult migrate() {
    Migrator.Outcome outcome = migrator.migrate();
    return new MigrationResult(
        MigrationResult.Outcome.valueOf(outcome.outcome().name()),
        outcome.schema(),
        outcome.applied(),
        outcome.version());
  }

  /**
   * Returns the newest applied migration version.
   *
   * @return the version, or null when the schema was never migrated by this runtime
   */
  public @Nullable String currentVersion() {
    return migrator.currentVersion();
  }

  /**
   * Returns the newest migration version this runtime carries.
   *
   * @return the version, such as {@code 2}
   */
  public String latestVersion() {
    List<Migrator.Script> scripts = Migrator.scripts();
    return scripts.get(scripts.size() - 1).version();
  }

  /**
   * Returns the SQL of the whole schema: every migration script, oldest first, each after a comment
   * line naming its file. Needs no database. This is what {@code schema --read} prints; applying it
   * by hand records no version, so prefer {@link #migrate()}.
   *
   * @return the SQL text
   */
  public String schemaSql() {
    return render(toPublic(Migrator.scripts()));
  }

  /**
   * Returns the scripts that {@link #migrate()} would apply now, oldest first, changing nothing: a
   * dry run.
   *
   * @return the scripts, empty when the schema is up to date
   * @throws SchemaException if {@link #migrate()} would refuse the schema, with the same message
   * @throws DatabaseUnavailableException if PostgreSQL cannot be reached
   */
  public List<MigrationScript> pendingScripts() {
    return toPublic(migrator.plan());
  }

  /**
   * Joins scripts into one SQL text, each after a comment line naming its file.
   *
   * @param scripts the scripts, in order
   * @return the SQL text
   */
  public static String render(List<MigrationScript> scripts) {
    StringBuilder sql = new StringBuilder();
    for (MigrationScript script : scripts) {
      sql.append("-- ").append(script.fileName()).append('\n').append(script.sql());
      if (!script.sql().endsWith("\n")) {
        sql.append('\n');
      }
      sql.append('\n');
    }
    return sql.toString();
  }

  private static List<MigrationScript> toPublic(List<Migrator.Script> scripts) {
    return scripts.stream()
        .map(s -> new MigrationScript(s.version(), s.description(), s.fileName(), s.sql()))
        .toList();
  }

  /**
   * One versioned migration script.
   *
   * @param version its version, such as {@code 2}
   * @param description what it does, from its file name
   * @param fileName its file name under {@code db/procrastinate/} in the runtime jar
   * @param sql its SQL text
   */
  public record MigrationScript(String version, String description, String fileName, String sql) {}

  /**
   * Lists the versions of migrations not yet applied.
   *
   * @return pending versions, oldest first
   */
  public List<String> pendingVersions() {
    return migrator.pending().stream().map(m -> m.getVersion().getVersion()).toList();
  }

  /**
   * What a call of {@link #migrate()} did.
   *
   * @param outcome what happened
   * @param schema the PostgreSQL schema that was migrated
   * @param appliedVersions versions applied by this call, oldest first
   * @param version the schema's version afterwards
   */
  public record MigrationResult(
      Outcome outcome, String schema, List<String> appliedVersions, String version) {

    /** What happened. */
    public enum Outcome {
      /** The schema was created from nothing. */
      CREATED,
      /** A schema made by Python Procrastinate was recognised and recorded, unchanged. */
      ADOPTED,
      /** Newer migrations were applied. */
      UPGRADED,
      /** Nothing to do. */
      UP_TO_DATE
    }
  }
}
