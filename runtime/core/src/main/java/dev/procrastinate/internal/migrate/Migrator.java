package dev.procrastinate.internal.migrate;

import dev.procrastinate.SchemaException;
import dev.procrastinate.internal.sql.Database;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Set;
import org.flywaydb.core.Flyway;
import org.flywaydb.core.api.MigrationInfo;
import org.flywaydb.core.api.callback.Callback;
import org.flywaydb.core.api.callback.Context;
import org.flywaydb.core.api.callback.Event;
import org.flywaydb.core.api.output.MigrateResult;
import org.jspecify.annotations.Nullable;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Applies the schema migrations with Flyway, after deciding from the catalog whether the schema is
 * new, ours, adoptable (created by Python Procrastinate at level 3.4 or later) or to be refused.
 * Not API.
 */
public final class Migrator {
  /** Flyway's history table; never the application's own {@code flyway_schema_history}. */
  public static final String HISTORY_TABLE = "procrastinate_schema_history";

  /** Where the scripts live on the class path. */
  public static final String LOCATION = "classpath:db/procrastinate";

  /** Our migration version that equals upstream's 3.4 to 3.9 schema. */
  public static final String UPSTREAM_SCHEMA_VERSION = "1";

  /**
   * The migration scripts under {@link #LOCATION}, oldest first. A test checks that Flyway finds
   * exactly these, so the list cannot drift from the folder.
   */
  public static final List<String> SCRIPTS =
      List.of(
          "V1__procrastinate_3_9_schema.sql",
          "V2__java_indexes.sql",
          "V3__java_functions_and_headers.sql",
          "V4__java_drained_queue_plans.sql",
          "V5__java_job_failures.sql",
          "V6__java_running_jobs_index.sql",
          "V7__java_flow_controls.sql",
          "V8__java_job_results.sql",
          "V9__java_rate_pace.sql",
          "V10__java_workflows.sql",
          "V11__java_fetch_plans.sql",
          "V12__java_lean_events.sql");

  /**
   * The scripts of pre-release snapshots of this runtime, by version: their description in the
   * history table. They made the objects that V2 and V3 now make, in six steps, some of which
   * locked {@code procrastinate_jobs} against writers; a schema they migrated gets V2 and V3
   * applied again, which finds their objects in place.
   */
  static final Map<String, String> PRE_RELEASE_SCRIPTS =
      Map.of(
          "2", "java batch fetch",
          "3", "java job headers",
          "4", "java batch fetch v2",
          "5", "java batch fetch v3",
          "6", "java dashboard indexes",
          "7", "java fetch lock head");

  /** The scripts that build indexes online, outside a transaction. */
  static final Set<String> INDEX_VERSIONS = Set.of("2", "6");

  private static final String RESOURCE_FOLDER = "db/procrastinate/";

  private static final Logger LOG = LoggerFactory.getLogger("procrastinate.migrate");

  private final Database database;
  private final @Nullable String schema;

  /**
   * Creates a migrator.
   *
   * @param database the database to migrate
   * @param schema the schema the app's connections use, created if missing, or null for the
   *     connection's current schema
   */
  public Migrator(Database database, @Nullable String schema) {
    this.database = database;
    this.schema = schema;
  }

  /**
   * What a migration did.
   *
   * @param outcome what happened
   * @param schema the schema migrated
   * @param applied versions applied by this call, in order
   * @param version the schema's version afterwards
   */
  public record Outcome(Kind outcome, String schema, List<String> applied, String version) {
    /** What happened. */
    public enum Kind {
      /** The schema was created from nothing. */
      CREATED,
      /** A schema made by Python Procrastinate was recognised and baselined. */
      ADOPTED,
      /** Newer migrations were applied to a schema of ours. */
      UPGRADED,
      /** Nothing to do. */
      UP_TO_DATE
    }
  }

  /**
   * Brings the current schema to the newest version.
   *
   * @return what was done
   * @throws SchemaException if the schema is partial, unknown, or an older upstream level, saying
   *     what was found and what to do; nothing is changed then
   */
  public Outcome migrate() {
    for (int attempt = 1; ; attempt++) {
      try {
        return migrateOnce();
      } catch (ConcurrentMigrationException e) {
        if (attempt >= MAX_ATTEMPTS) {
          throw new SchemaException(
              "Migrating the procrastinate schema of "
                  + database.description()
                  + " kept racing with another migrating process; run it again.",
              e.getCause());
        }
        LOG.debug("another process is migrating the schema; retrying", e);
        try {
          Thread.sleep(100L * attempt);
        } catch (InterruptedException interrupted) {
          Thread.currentThread().interrupt();
          throw new SchemaException("interrupted while migrating", interrupted);
        }
      }
    }
  }

  private static final int MAX_ATTEMPTS = 10;

  /** Another process created the history table while this one was deciding; try again. */
  private static final class ConcurrentMigrationException extends RuntimeException {
    private static final long serialVersionUID = 1L;

    ConcurrentMigrationException(RuntimeException cause) {
      super(cause);
    }
  }

  private Outcome migrateOnce() {
    String action = "migrating the procrastinate schema";
    if (schema != null) {
      database.withConnection(
          action,
          c -> {
            try (java.sql.Statement statement = c.createStatement()) {
              // Quoted, as the connections' search path is (pgjdbc's setSchema): the name is
              // exact, so MySchema is the schema "MySchema", not myschema.
              statement.execute("CREATE SCHEMA IF NOT EXISTS " + quoteIdentifier(schema));
            }
            return null;
          });
    }
    Inspection before = database.withConnection(action, Inspection::read);
    SchemaInspector.Assessment assessment = SchemaInspector.assess(before.objects());
    String baselineVersion = "0";
    Outcome.Kind kind;
    if (before.historyExists()) {
      kind = Outcome.Kind.UPGRADED;
    } else {
      switch (assessment.kind()) {
        case EMPTY -> kind = Outcome.Kind.CREATED;
        case COMPLETE -> {
          kind = Outcome.Kind.ADOPTED;
          baselineVersion = UPSTREAM_SCHEMA_VERSION;
          LOG.info(
              "{} - found a Procrastinate schema created without this runtime (upstream level"
                  + " 3.4 or later); adopting it without changes",
              before.schema());
        }
        case OLDER -> throw olderLevel(before.schema(), assessment);
        default -> throw partial(before.schema(), assessment);
      }
    }
    if (before.historyExists()) {
      prepareHistory(before.schema());
    }
    Flyway flyway = flyway(baselineVersion);
    MigrateResult result;
    try {
      result = flyway.migrate();
    } catch (RuntimeException e) {
      // Flyway checks for its history table and creates it in separate steps; a process that
      // raced another one through that gap fails here and must decide again from the catalog.
      if (!before.historyExists()
          && database.withConnection(action, c -> SchemaInspector.tableExists(c, HISTORY_TABLE))) {
        throw new ConcurrentMigrationException(e);
      }
      throw new SchemaException(
          "Migrating the procrastinate schema of "
              + database.description()
              + " (schema "
              + before.schema()
              + ") failed: "
              + e.getMessage(),
          e);
    }
    List<String> applied = new ArrayList<>();
    result.migrations.forEach(m -> applied.add(m.version));
    if (applied.isEmpty() && kind != Outcome.Kind.ADOPTED) {
      kind = Outcome.Kind.UP_TO_DATE;
    }
    verify(before.schema());
    MigrationInfo current = flyway.info().current();
    String version = current == null ? "none" : current.getVersion().getVersion();
    LOG.info(
        "{} - procrastinate schema {}: version {}{}",
        before.schema(),
        kind.name().toLowerCase(java.util.Locale.ROOT).replace('_', ' '),
        version,
        applied.isEmpty() ? "" : ", applied " + applied);
    return new Outcome(kind, before.schema(), List.copyOf(applied), version);
  }

  /**
   * Makes a schema's history fit for this runtime's scripts before Flyway reads it: forgets the
   * scripts of a pre-release snapshot, and the failed runs of our scripts, so that Flyway applies
   * them (again); each of our scripts after V1 can run again. The INVALID indexes an interrupted
   * build left are dropped later, under Flyway's lock ({@link DropInvalidIndexes}).
   *
   * @param schema the schema name, for the log
   */
  private void prepareHistory(String schema) {
    String action = "preparing the procrastinate schema history";
    HistoryRepair repair =
        database.withConnection(
            action,
            c -> {
              boolean autoCommit = c.getAutoCommit();
              c.setAutoCommit(false);
              try {
                HistoryRepair done = HistoryRepair.apply(c);
                c.commit();
                return done;
              } catch (java.sql.SQLException | RuntimeException e) {
                c.rollback();
                throw e;
              } finally {
                c.setAutoCommit(autoCommit);
              }
            });
    if (repair.preRelease()) {
      LOG.info(
          "{} - the procrastinate schema was migrated by a pre-release snapshot of this runtime"
              + " (versions {} in {}); applying this release's scripts {} again, which keep its"
              + " objects",
          schema,
          repair.forgotten(),
          HISTORY_TABLE,
          SCRIPTS.subList(1, SCRIPTS.size()));
    } else if (!repair.forgotten().isEmpty()) {
      LOG.info(
          "{} - running the procrastinate migrations {} again, which failed or were interrupted"
              + " before",
          schema,
          repair.forgotten());
    }
  }

  /**
   * One migration script.
   *
   * @param version its version, such as {@code 2}
   * @param description its description, from the file name
   * @param fileName its file name
   * @param sql its text
   */
  public record Script(String version, String description, String fileName, String sql) {}

  /**
   * Reads every migration script, oldest first; needs no database.
   *
   * @return the scripts
   */
  public static List<Script> scripts() {
    List<Script> scripts = new ArrayList<>();
    for (String fileName : SCRIPTS) {
      String stem = fileName.substring(1, fileName.length() - ".sql".length());
      int separator = stem.indexOf("__");
      scripts.add(
          new Script(
              stem.substring(0, separator),
              stem.substring(separator + 2).replace('_', ' '),
              fileName,
              read(fileName)));
    }
    return List.copyOf(scripts);
  }

  private static String read(String fileName) {
    String resource = RESOURCE_FOLDER + fileName;
    try (java.io.InputStream in = Migrator.class.getClassLoader().getResourceAsStream(resource)) {
      if (in == null) {
        throw new IllegalStateException(resource + " is missing from the runtime jar");
      }
      return new String(in.readAllBytes(), java.nio.charset.StandardCharsets.UTF_8);
    } catch (java.io.IOException e) {
      throw new java.io.UncheckedIOException("cannot read " + resource, e);
    }
  }

  /**
   * Returns the scripts that {@link #migrate()} would apply to the database now, oldest first,
   * without changing anything: all of them on an empty schema, those after the upstream level on a
   * schema made by Python Procrastinate, the pending ones on a schema of ours.
   *
   * @return the scripts to apply, empty when up to date
   * @throws SchemaException if migrate would refuse the schema, with the same message
   */
  public List<Script> plan() {
    String action = "planning a migration";
    if (schema != null
        && !database.withConnection(action, c -> SchemaInspector.schemaExists(c, schema))) {
      return scripts(); // migrate() creates the configured schema, then applies everything
    }
    Inspection before = database.withConnection(action, Inspection::read);
    java.util.function.Predicate<Script> pending;
    if (before.historyExists()
        && database.withConnection(action, c -> HistoryRepair.read(c).preRelease())) {
      pending =
          script -> Integer.parseInt(script.version()) > Integer.parseInt(UPSTREAM_SCHEMA_VERSION);
    } else if (before.historyExists()) {
      Set<String> versions = new java.util.HashSet<>();
      for (MigrationInfo info : flyway("0").info().pending()) {
        versions.add(info.getVersion().getVersion());
      }
      pending = script -> versions.contains(script.version());
    } else {
      SchemaInspector.Assessment assessment = SchemaInspector.assess(before.objects());
      switch (assessment.kind()) {
        case EMPTY -> pending = script -> true;
        case COMPLETE ->
            pending =
                script ->
                    Integer.parseInt(script.version()) > Integer.parseInt(UPSTREAM_SCHEMA_VERSION);
        case OLDER -> throw olderLevel(before.schema(), assessment);
        default -> throw partial(before.schema(), assessment);
      }
    }
    return scripts().stream().filter(pending).toList();
  }

  /**
   * Lists the pending migrations, oldest first, without applying anything.
   *
   * @return versions and descriptions of pending scripts
   */
  public List<MigrationInfo> pending() {
    return List.of(flyway("0").info().pending());
  }

  /**
   * Checks that every contract object this runtime needs exists in the current schema, and logs
   * those it does not use that are absent.
   *
   * @param schema the schema name, for the message
   * @throws SchemaException listing the missing objects
   */
  private void verify(String schema) {
    Inspection after =
        database.withConnection("checking the procrastinate schema", Inspection::read);
    SchemaInspector.Assessment assessment = SchemaInspector.assess(after.objects());
    if (assessment.kind() != SchemaInspector.Assessment.Kind.COMPLETE) {
      throw new SchemaException(
          "The procrastinate schema of "
              + database.description()
              + " (schema "
              + schema
              + ") is recorded as migrated in "
              + HISTORY_TABLE
              + " but objects are missing:"
              + assessment.describeMissing()
              + "\nSomething removed them after migration; restore them from a backup or recreate"
              + " the schema.");
    }
    logAbsentUnused(schema, assessment);
  }

  private static void logAbsentUnused(String schema, SchemaInspector.Assessment assessment) {
    if (!assessment.absentUnused().isEmpty()) {
      LOG.info(
          "{} - upstream Procrastinate objects that this runtime does not use are absent (Python"
              + " workers of the level named may need them):{}",
          schema,
          assessment.describeAbsentUnused());
    }
  }

  private Flyway flyway(String baselineVersion) {
    ClassLoader loader = Migrator.class.getClassLoader();
    org.flywaydb.core.api.configuration.FluentConfiguration configuration =
        Flyway.configure(loader)
            .dataSource(database.dataSource())
            .table(HISTORY_TABLE)
            .locations(LOCATION)
            .placeholderReplacement(false)
            .baselineOnMigrate(true)
            .baselineVersion(baselineVersion)
            .baselineDescription(
                "1".equals(baselineVersion)
                    ? "Procrastinate 3.x schema created outside (upstream 3.4 or later)"
                    : "<< procrastinate baseline >>")
            .cleanDisabled(true)
            .validateMigrationNaming(true)
            .callbacks(new DropInvalidIndexes(), new QuietSchemaNotices())
            // Another process waits for the first to finish migrating, which on a big table takes
            // as long as the index builds: up to 15 minutes, one try a second.
            .lockRetryCount(900);
    // Flyway's default PostgreSQL lock is an advisory lock held by an open transaction, which
    // CREATE INDEX CONCURRENTLY (V2) would wait for to end, forever; the session-level lock
    // serialises migrating processes the same way without a transaction.
    postgresExtension(configuration).setTransactionalLock(false);
    return configuration.load();
  }

  /**
   * Returns the configuration's PostgreSQL extension, on the Flyway this runtime is built with and
   * on the older ones an application may bring (Spring Boot 3.5 manages Flyway 11, which has no
   * {@code getConfigurationExtension} yet: there the plugin register holds it).
   */
  private static org.flywaydb.database.postgresql.PostgreSQLConfigurationExtension
      postgresExtension(org.flywaydb.core.api.configuration.FluentConfiguration configuration) {
    Class<org.flywaydb.database.postgresql.PostgreSQLConfigurationExtension> type =
        org.flywaydb.database.postgresql.PostgreSQLConfigurationExtension.class;
    try {
      return configuration.getConfigurationExtension(type);
    } catch (NoSuchMethodError older) {
      try {
        Object register =
            configuration.getClass().getMethod("getPluginRegister").invoke(configuration);
        return type.cast(
            register.getClass().getMethod("getPlugin", Class.class).invoke(register, type));
      } catch (ReflectiveOperationException | RuntimeException e) {
        IllegalStateException failure =
            new IllegalStateException(
                "the Flyway on the class path offers no way to use a session-level migration lock;"
                    + " use Flyway 10 or later",
                e);
        failure.addSuppressed(older);
        throw failure;
      }
    }
  }

  /**
   * Quotes a name as a PostgreSQL identifier, keeping its exact spelling.
   *
   * @param name the exact name
   * @return the name in double quotes, inner double quotes doubled
   */
  static String quoteIdentifier(String name) {
    return '"' + name.replace("\"", "\"\"") + '"';
  }

  private SchemaException olderLevel(String schema, SchemaInspector.Assessment assessment) {
    UpstreamLevel level = assessment.level();
    return new SchemaException(
        "The procrastinate schema in "
            + database.description()
            + " (schema "
            + schema
            + ") was created by Python Procrastinate "
            + (level == null
                ? "(unknown level)"
                : level.release() + " or a later 3.x before the next")
            + " level, older than this runtime needs (upstream 3.4.0 or later). Missing:"
            + assessment.describeMissing()
            + "\nApply upstream Procrastinate's migrations up to 3.4.0 or later (the scripts named"
            + " above, from 'procrastinate schema --migrations-path'), then migrate again."
            + " Nothing was changed.");
  }

  private SchemaException partial(String schema, SchemaInspector.Assessment assessment) {
    return new SchemaException(
        "The schema "
            + schema
            + " of "
            + database.description()
            + " holds some Procrastinate objects but not a schema of any known upstream level,"
            + " and has no "
            + HISTORY_TABLE
            + " table. Found "
            + assessment.found().size()
            + " of "
            + SchemaInspector.EXPECTED.size()
            + " objects; missing:"
            + assessment.describeMissing()
            + "\nNothing was changed. Restore the missing objects (for example by applying the"
            + " upstream migration named beside each), or move the procrastinate_* objects away"
            + " and migrate again to create a fresh schema.");
  }

  /** What the catalog holds before or after a migration. */
  private record Inspection(String schema, boolean historyExists, Set<String> objects) {
    static Inspection read(java.sql.Connection connection) throws java.sql.SQLException {
      return new Inspection(
          SchemaInspector.currentSchema(connection),
          SchemaInspector.tableExists(connection, HISTORY_TABLE),
          SchemaInspector.presentObjects(connection));
    }
  }

  /**
   * Returns the version recorded in the history table, if any.
   *
   * @return the current version, or null if nothing was applied
   */
  public @Nullable String currentVersion() {
    MigrationInfo current = flyway("0").info().current();
    return current == null ? null : current.getVersion().getVersion();
  }

  /**
   * Tells whether a Flyway callback event is the one before the script of {@code version}: Flyway
   * asks first without a context, then once per migration.
   */
  private static boolean beforeMigrating(Event event, @Nullable Context context, String version) {
    if (event != Event.BEFORE_EACH_MIGRATE || context == null) {
      return false;
    }
    MigrationInfo info = context.getMigrationInfo();
    return info != null
        && info.getVersion() != null
        && version.equals(info.getVersion().getVersion());
  }

  /**
   * Keeps the server's notices of the first script from the log: its {@code CREATE EXTENSION IF NOT
   * EXISTS plpgsql} draws a notice that the extension exists on every database (PostgreSQL installs
   * plpgsql), which Flyway prints as a warning. {@code SET LOCAL} lasts until the script's
   * transaction ends, so the pooled connection keeps its own setting; errors and warnings still
   * come through.
   */
  private static final class QuietSchemaNotices implements Callback {
    QuietSchemaNotices() {}

    @Override
    public boolean supports(Event event, @Nullable Context context) {
      return beforeMigrating(event, context, UPSTREAM_SCHEMA_VERSION);
    }

    @Override
    public boolean canHandleInTransaction(Event event, @Nullable Context context) {
      return true;
    }

    @Override
    public void handle(Event event, Context context) {
      try (java.sql.Statement statement = context.getConnection().createStatement()) {
        statement.execute("SET LOCAL client_min_messages = warning");
      } catch (java.sql.SQLException e) {
        throw new SchemaException("setting client_min_messages for the first script failed", e);
      }
    }

    @Override
    public String getCallbackName() {
      return "procrastinate-quiet-schema-notices";
    }
  }

  /**
   * Before each index script, drops the INVALID indexes an interrupted concurrent build left
   * behind, which its {@code IF NOT EXISTS} would otherwise take for built; the script builds them
   * again. It runs under Flyway's lock, so never while another migrating process builds them.
   */
  private static final class DropInvalidIndexes implements Callback {
    DropInvalidIndexes() {}

    @Override
    public boolean supports(Event event, @Nullable Context context) {
      return INDEX_VERSIONS.stream().anyMatch(version -> beforeMigrating(event, context, version));
    }

    @Override
    public boolean canHandleInTransaction(Event event, @Nullable Context context) {
      return false;
    }

    @Override
    public void handle(Event event, Context context) {
      java.sql.Connection connection = context.getConnection();
      try {
        String schema = SchemaInspector.currentSchema(connection);
        for (String index : HistoryRepair.invalidIndexes(connection)) {
          LOG.info(
              "{} - dropping the invalid index {} that an interrupted build left; it is built"
                  + " again",
              schema,
              index);
          try (java.sql.Statement statement = connection.createStatement()) {
            statement.execute(
                "DROP INDEX CONCURRENTLY IF EXISTS "
                    + quoteIdentifier(schema)
                    + "."
                    + quoteIdentifier(index));
          }
        }
      } catch (java.sql.SQLException e) {
        throw new SchemaException("dropping an invalid procrastinate index failed", e);
      }
    }

    @Override
    public String getCallbackName() {
      return "procrastinate-drop-invalid-indexes";
    }
  }
}
