package dev.procrastinate.internal.migrate;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.zaxxer.hikari.HikariDataSource;
import dev.procrastinate.App;
import dev.procrastinate.NewJob;
import dev.procrastinate.SchemaException;
import dev.procrastinate.SchemaManager.MigrationResult;
import dev.procrastinate.SchemaManager.MigrationResult.Outcome;
import dev.procrastinate.testing.Catalog;
import dev.procrastinate.testing.TestDatabase;
import java.sql.Connection;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.Callable;
import java.util.concurrent.CyclicBarrier;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.atomic.AtomicInteger;
import org.flywaydb.core.Flyway;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

/**
 * Migrations in every starting state: empty, ours, created by Python Procrastinate, older, partial.
 * Each test works in a schema of its own.
 */
class MigratorTest {
  @RegisterExtension static final TestDatabase DB = TestDatabase.empty();

  private static final AtomicInteger SCHEMAS = new AtomicInteger();

  /** The V1 script, applied without Flyway: what {@code procrastinate schema --apply} leaves. */
  private static final String UPSTREAM_SCHEMA_SQL =
      Catalog.resource("/db/procrastinate/V1__procrastinate_3_9_schema.sql");

  private static String newSchema() throws SQLException {
    String schema = "m" + SCHEMAS.incrementAndGet();
    execute(null, "CREATE SCHEMA " + schema);
    return schema;
  }

  private static void execute(String schema, String sql) throws SQLException {
    try (Connection connection = DB.newConnection();
        Statement statement = connection.createStatement()) {
      if (schema != null) {
        statement.execute("SET search_path TO " + schema);
      }
      statement.execute(sql);
    }
  }

  private static List<String> query(String schema, String sql) throws SQLException {
    List<String> rows = new ArrayList<>();
    try (Connection connection = DB.newConnection();
        Statement statement = connection.createStatement()) {
      statement.execute("SET search_path TO " + schema);
      try (ResultSet result = statement.executeQuery(sql)) {
        while (result.next()) {
          rows.add(result.getString(1));
        }
      }
    }
    return rows;
  }

  private static List<String> catalog(String schema) throws SQLException {
    try (Connection connection = DB.newConnection();
        Statement statement = connection.createStatement()) {
      statement.execute("SET search_path TO " + schema);
      return Catalog.describe(connection);
    }
  }

  private static boolean historyExists(String schema) throws SQLException {
    return !query(schema, "SELECT to_regclass('procrastinate_schema_history')::text")
        .contains(null);
  }

  private static MigrationResult migrate(String schema) {
    try (HikariDataSource dataSource = DB.newDataSource(schema);
        App app = App.builder().dataSource(dataSource).build()) {
      return app.schemaManager().migrate();
    }
  }

  @Test
  void freshSchemaIsCreatedAndSecondMigrationIsANoOp() throws Exception {
    String schema = newSchema();
    MigrationResult first = migrate(schema);
    assertThat(first.outcome()).isEqualTo(Outcome.CREATED);
    assertThat(first.schema()).isEqualTo(schema);
    assertThat(first.appliedVersions()).contains("1");
    assertThat(catalog(schema)).containsExactlyElementsOf(Catalog.expected());
    List<String> history = query(schema, "SELECT version FROM procrastinate_schema_history");

    MigrationResult second = migrate(schema);
    assertThat(second.outcome()).isEqualTo(Outcome.UP_TO_DATE);
    assertThat(second.appliedVersions()).isEmpty();
    assertThat(second.version()).isEqualTo(first.version());
    assertThat(query(schema, "SELECT version FROM procrastinate_schema_history"))
        .isEqualTo(history);
    assertThat(catalog(schema)).containsExactlyElementsOf(Catalog.expected());
  }

  @Test
  void concurrentMigrationsOfOneSchemaApplyEachVersionOnce() throws Exception {
    String schema = newSchema();
    int processes = 4;
    CyclicBarrier start = new CyclicBarrier(processes);
    ExecutorService pool = Executors.newFixedThreadPool(processes);
    try {
      List<Future<MigrationResult>> results = new ArrayList<>();
      for (int i = 0; i < processes; i++) {
        Callable<MigrationResult> task =
            () -> {
              start.await();
              return migrate(schema);
            };
        results.add(pool.submit(task));
      }
      List<Outcome> outcomes = new ArrayList<>();
      for (Future<MigrationResult> result : results) {
        outcomes.add(result.get().outcome());
      }
      assertThat(outcomes).containsOnly(Outcome.CREATED, Outcome.UP_TO_DATE);
      assertThat(outcomes).filteredOn(o -> o == Outcome.CREATED).hasSize(1);
    } finally {
      pool.shutdownNow();
    }
    assertThat(
            query(
                schema,
                "SELECT version || ':' || count(*) FROM procrastinate_schema_history"
                    + " WHERE version IS NOT NULL GROUP BY version ORDER BY version"))
        .allMatch(row -> row.endsWith(":1"));
    assertThat(catalog(schema)).containsExactlyElementsOf(Catalog.expected());
  }

  @Test
  void schemaCreatedByPythonProcrastinateIsAdoptedUnchanged() throws Exception {
    String schema = newSchema();
    execute(schema, UPSTREAM_SCHEMA_SQL);
    execute(
        schema,
        "SELECT procrastinate_defer_jobs_v1(ARRAY[ROW('default', 'python.task', 0, NULL, NULL,"
            + " '{\"a\": 1}', NULL)::procrastinate_job_to_defer_v1])");
    List<String> before = catalog(schema);

    MigrationResult result = migrate(schema);

    assertThat(result.outcome()).isEqualTo(Outcome.ADOPTED);
    assertThat(result.appliedVersions()).doesNotContain("1");
    // Every upstream object is left as it was; only this runtime's own objects are added.
    List<String> after = catalog(schema);
    assertThat(after).containsAll(before).containsExactlyElementsOf(Catalog.expected());
    assertThat(after.stream().filter(line -> !before.contains(line)))
        .isNotEmpty()
        .allMatch(line -> line.contains("procrastinate_java_"));
    assertThat(query(schema, "SELECT task_name || ' ' || args::text FROM procrastinate_jobs"))
        .containsExactly("python.task {\"a\": 1}");
    assertThat(query(schema, "SELECT type::text FROM procrastinate_events")).contains("deferred");
    assertThat(
            query(
                schema,
                "SELECT version || ' ' || type FROM procrastinate_schema_history"
                    + " ORDER BY installed_rank"))
        .startsWith("1 BASELINE")
        .allMatch(row -> row.equals("1 BASELINE") || row.endsWith(" SQL"));
    assertThat(migrate(schema).outcome()).isEqualTo(Outcome.UP_TO_DATE);
  }

  @Test
  void olderUpstreamLevelIsRefusedNamingWhatIsMissingAndChangesNothing() throws Exception {
    String schema = newSchema();
    // A 3.1-level schema: no batch defer (3.2.0) and no manual retry of failed jobs (3.4.0).
    String level31 =
        UPSTREAM_SCHEMA_SQL.replaceFirst(
            "'scheduled',([^\\n]*)\\n\\s*'retried'[^\\n]*", "'scheduled' $1");
    assertThat(level31).isNotEqualTo(UPSTREAM_SCHEMA_SQL);
    execute(schema, level31);
    execute(
        schema,
        "DROP FUNCTION procrastinate_retry_job_v2(bigint, timestamptz, integer, varchar, varchar);"
            + " DROP FUNCTION procrastinate_defer_periodic_job_v2(varchar, varchar, varchar,"
            + " varchar, integer, varchar, bigint, jsonb);"
            + " DROP FUNCTION procrastinate_defer_jobs_v1(procrastinate_job_to_defer_v1[]);"
            + " DROP TYPE procrastinate_job_to_defer_v1;");
    List<String> before = catalog(schema);

    assertThatThrownBy(() -> migrate(schema))
        .isInstanceOf(SchemaException.class)
        .hasMessageContaining("created by Python Procrastinate 3.1.0")
        .hasMessageContaining(
            "function procrastinate_defer_jobs_v1 (added by upstream"
                + " Procrastinate 3.2.0, 03.02.00_01_pre_batch_defer_jobs.sql)")
        .hasMessageContaining(
            "function procrastinate_retry_job_v2 (added by upstream" + " Procrastinate 3.4.0")
        .hasMessageContaining("enum procrastinate_job_event_type.retried")
        .hasMessageContaining("Nothing was changed");

    assertThat(catalog(schema)).isEqualTo(before);
    assertThat(historyExists(schema)).isFalse();
  }

  @Test
  void partialSchemaIsRefusedSayingWhatWasFound() throws Exception {
    String schema = newSchema();
    execute(schema, "CREATE TABLE procrastinate_jobs (id bigserial PRIMARY KEY)");

    assertThatThrownBy(() -> migrate(schema))
        .isInstanceOf(SchemaException.class)
        .hasMessageContaining("not a schema of any known upstream level")
        .hasMessageContaining("missing:")
        .hasMessageContaining("table procrastinate_events")
        .hasMessageContaining("Nothing was changed");

    assertThat(query(schema, "SELECT count(*)::text FROM procrastinate_jobs")).containsExactly("0");
    assertThat(historyExists(schema)).isFalse();
  }

  @Test
  void damagedUpstreamSchemaIsRefusedNotRepaired() throws Exception {
    String schema = newSchema();
    execute(schema, UPSTREAM_SCHEMA_SQL);
    execute(schema, "DROP TRIGGER procrastinate_trigger_delete_jobs_v1 ON procrastinate_jobs");

    assertThatThrownBy(() -> migrate(schema))
        .isInstanceOf(SchemaException.class)
        .hasMessageContaining("trigger procrastinate_trigger_delete_jobs_v1");
    assertThat(historyExists(schema)).isFalse();
  }

  @Test
  void objectsRemovedAfterMigrationAreReported() throws Exception {
    String schema = newSchema();
    migrate(schema);
    execute(schema, "DROP FUNCTION procrastinate_update_heartbeat_v1(bigint)");

    assertThatThrownBy(() -> migrate(schema))
        .isInstanceOf(SchemaException.class)
        .hasMessageContaining("recorded as migrated")
        .hasMessageContaining("function procrastinate_update_heartbeat_v1");
  }

  @Test
  void schemaHoldingTheApplicationsOwnTablesGetsTheProcrastinateSchemaBesideThem()
      throws Exception {
    String schema = newSchema();
    execute(schema, "CREATE TABLE orders (id bigint PRIMARY KEY, job_id bigint)");
    execute(schema, "INSERT INTO orders VALUES (1, NULL)");

    MigrationResult result = migrate(schema);

    assertThat(result.outcome()).isEqualTo(Outcome.CREATED);
    assertThat(catalog(schema)).containsExactlyElementsOf(Catalog.expected());
    assertThat(query(schema, "SELECT count(*)::text FROM orders")).containsExactly("1");
    assertThat(query(schema, "SELECT to_regclass('flyway_schema_history')::text"))
        .containsExactly((String) null);
  }

  @Test
  void migratedSchemaTakesJobsThroughTheJobManager() throws Exception {
    String schema = newSchema();
    try (HikariDataSource dataSource = DB.newDataSource(schema);
        App app = App.builder().dataSource(dataSource).build()) {
      app.schemaManager().migrate();
      long id = app.jobManager().defer(NewJob.builder("t.task").build());
      assertThat(app.jobManager().getJob(id)).isPresent();
    }
    assertThat(query(schema, "SELECT count(*)::text FROM procrastinate_jobs")).containsExactly("1");
    assertThat(query("public", "SELECT to_regclass('procrastinate_jobs')::text"))
        .containsExactly((String) null);
  }

  @Test
  void configuredSchemaIsCreatedWhenMissing() throws Exception {
    String schema = "configured_" + SCHEMAS.incrementAndGet();
    try (App app = App.create(DB.config(schema))) {
      assertThat(app.schemaManager().migrate().outcome()).isEqualTo(Outcome.CREATED);
      long id = app.jobManager().defer(NewJob.builder("t.configured").build());
      assertThat(app.jobManager().getJob(id)).isPresent();
    }
    assertThat(catalog(schema)).containsExactlyElementsOf(Catalog.expected());
  }

  @Test
  void schemaMigratedByAPreReleaseSnapshotMovesToThisReleasesScriptsKeepingItsData()
      throws Exception {
    // Snapshots stopped at their V6 (the first task index) and at their V7 (the last one).
    for (String snapshotVersion : List.of("6", "7")) {
      String schema = newSchema();
      try (HikariDataSource dataSource = DB.newDataSource(schema)) {
        Flyway.configure()
            .dataSource(dataSource)
            .table(Migrator.HISTORY_TABLE)
            .locations(Migrator.LOCATION)
            .target("1")
            .load()
            .migrate();
        Flyway.configure()
            .dataSource(dataSource)
            .table(Migrator.HISTORY_TABLE)
            .locations("classpath:db/pre-release-snapshot")
            .ignoreMigrationPatterns("*:missing")
            .target(snapshotVersion)
            .load()
            .migrate();
      }
      execute(
          schema,
          "SELECT procrastinate_defer_jobs_v1(ARRAY[ROW('default', 'snapshot.task', 0, NULL, NULL,"
              + " '{}', NULL)::procrastinate_job_to_defer_v1]);"
              + " INSERT INTO procrastinate_java_job_headers SELECT id, '{\"trace\": \"t\"}'"
              + " FROM procrastinate_jobs");
      assertThat(
              query(
                  schema,
                  "SELECT max(version::int)::text FROM procrastinate_schema_history"
                      + " WHERE version IS NOT NULL"))
          .containsExactly(snapshotVersion);

      try (HikariDataSource dataSource = DB.newDataSource(schema);
          App app = App.builder().dataSource(dataSource).build()) {
        assertThat(app.schemaManager().pendingScripts())
            .extracting(dev.procrastinate.SchemaManager.MigrationScript::version)
            .containsExactly("2", "3", "4", "5", "6", "7", "8", "9", "10", "11", "12");
      }

      MigrationResult result = migrate(schema);

      assertThat(result.outcome()).isEqualTo(Outcome.UPGRADED);
      assertThat(result.appliedVersions())
          .containsExactly("2", "3", "4", "5", "6", "7", "8", "9", "10", "11", "12");
      assertThat(catalog(schema)).containsExactlyElementsOf(Catalog.expected());
      assertThat(
              query(
                  schema,
                  "SELECT version || ' ' || description || ' ' || success"
                      + " FROM procrastinate_schema_history WHERE version IS NOT NULL"
                      + " ORDER BY installed_rank"))
          .containsExactly(
              "1 procrastinate 3 9 schema true",
              "2 java indexes true",
              "3 java functions and headers true",
              "4 java drained queue plans true",
              "5 java job failures true",
              "6 java running jobs index true",
              "7 java flow controls true",
              "8 java job results true",
              "9 java rate pace true",
              "10 java workflows true",
              "11 java fetch plans true",
              "12 java lean events true");
      assertThat(
              query(
                  schema,
                  "SELECT task_name || ' ' || headers::text FROM procrastinate_jobs"
                      + " JOIN procrastinate_java_job_headers ON job_id = id"))
          .containsExactly("snapshot.task {\"trace\": \"t\"}");
      assertThat(migrate(schema).outcome()).isEqualTo(Outcome.UP_TO_DATE);
    }
  }

  @Test
  void anInterruptedOrFailedIndexBuildIsBuiltAgain() throws Exception {
    for (String how : List.of("interrupted", "failed")) {
      String schema = newSchema();
      migrate(schema);
      // What an interrupted CREATE INDEX CONCURRENTLY leaves: an INVALID index of the right name
      // (made here by a unique build that fails on duplicates, so its definition is wrong too).
      execute(
          schema,
          "DROP INDEX procrastinate_java_jobs_todo_free_idx_v1;"
              + " SELECT procrastinate_defer_jobs_v1(ARRAY[ROW('q', 't', 0, NULL, NULL, '{}',"
              + " NULL)::procrastinate_job_to_defer_v1, ROW('q', 't', 0, NULL, NULL, '{}',"
              + " NULL)::procrastinate_job_to_defer_v1])");
      assertThatThrownBy(
              () ->
                  execute(
                      schema,
                      "CREATE UNIQUE INDEX CONCURRENTLY procrastinate_java_jobs_todo_free_idx_v1"
                          + " ON procrastinate_jobs (queue_name)"))
          .isInstanceOf(SQLException.class);
      assertThat(
              query(
                  schema,
                  "SELECT indisvalid::text FROM pg_index"
                      + " WHERE indexrelid = 'procrastinate_java_jobs_todo_free_idx_v1'::regclass"))
          .containsExactly("false");
      if (how.equals("interrupted")) {
        // The process stopped during the index script: Flyway recorded neither script.
        execute(
            schema,
            "DELETE FROM procrastinate_schema_history WHERE version IN ('2', '3', '4', '5', '6', '7', '8', '9', '10', '11', '12')");
      } else {
        // The script failed: Flyway recorded it as failed, which it refuses to go past.
        execute(
            schema,
            "DELETE FROM procrastinate_schema_history WHERE version IN ('3', '4', '5', '6', '7', '8', '9', '10', '11', '12');"
                + " UPDATE procrastinate_schema_history SET success = false WHERE version = '2'");
      }

      MigrationResult result = migrate(schema);

      assertThat(result.appliedVersions())
          .as(how)
          .containsExactly("2", "3", "4", "5", "6", "7", "8", "9", "10", "11", "12");
      assertThat(catalog(schema)).as(how).containsExactlyElementsOf(Catalog.expected());
      assertThat(
              query(
                  schema,
                  "SELECT count(*)::text FROM pg_index i JOIN pg_class c ON c.oid = i.indexrelid"
                      + " WHERE NOT i.indisvalid"
                      + " AND c.relnamespace = current_schema()::regnamespace"))
          .as(how)
          .containsExactly("0");
      assertThat(migrate(schema).outcome()).isEqualTo(Outcome.UP_TO_DATE);
    }
  }

  @Test
  void upstreamObjectsThisRuntimeNeverCallsMayBeAbsent() throws Exception {
    // Functions only Python workers call, and an index that only speeds queries up: a later
    // upstream migration may replace them, and this runtime must still start.
    String absentUnused =
        "DROP FUNCTION procrastinate_retry_job_v1(bigint, timestamptz, integer, varchar, varchar);"
            + " DROP FUNCTION procrastinate_finish_job_v1(bigint, procrastinate_job_status,"
            + " boolean); DROP INDEX procrastinate_jobs_queue_name_idx_v1";
    String migrated = newSchema();
    migrate(migrated);
    execute(migrated, absentUnused);
    assertThat(migrate(migrated).outcome()).isEqualTo(Outcome.UP_TO_DATE);

    String pythonMade = newSchema();
    execute(pythonMade, UPSTREAM_SCHEMA_SQL);
    execute(pythonMade, absentUnused);
    assertThat(migrate(pythonMade).outcome()).isEqualTo(Outcome.ADOPTED);
    try (HikariDataSource dataSource = DB.newDataSource(pythonMade);
        App app = App.builder().dataSource(dataSource).build()) {
      long id = app.jobManager().defer(NewJob.builder("t.task").build());
      assertThat(app.jobManager().getJob(id)).isPresent();
    }
  }

  @Test
  void anUpstreamFunctionThisRuntimeCallsMustBePresent() throws Exception {
    String migrated = newSchema();
    migrate(migrated);
    execute(migrated, "DROP FUNCTION procrastinate_cancel_job_v1(bigint, boolean, boolean)");
    assertThatThrownBy(() -> migrate(migrated))
        .isInstanceOf(SchemaException.class)
        .hasMessageContaining("objects are missing")
        .hasMessageContaining("function procrastinate_cancel_job_v1 (added by upstream");

    String pythonMade = newSchema();
    execute(pythonMade, UPSTREAM_SCHEMA_SQL);
    execute(
        pythonMade,
        "DROP FUNCTION procrastinate_defer_periodic_job_v2(varchar, varchar, varchar, varchar,"
            + " integer, varchar, bigint, jsonb)");
    assertThatThrownBy(() -> migrate(pythonMade))
        .isInstanceOf(SchemaException.class)
        .hasMessageContaining("function procrastinate_defer_periodic_job_v2")
        .hasMessageContaining("Nothing was changed");
    assertThat(historyExists(pythonMade)).isFalse();
  }
}
