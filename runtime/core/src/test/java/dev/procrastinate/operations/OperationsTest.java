package dev.procrastinate;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.procrastinate.internal.migrate.Migrator;
import dev.procrastinate.spi.TaskDescriptor;
import dev.procrastinate.spi.TaskParameter;
import dev.procrastinate.spi.TaskRegistrar;
import dev.procrastinate.testing.Sql;
import dev.procrastinate.testing.TestDatabase;
import java.util.List;
import org.flywaydb.core.Flyway;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

/**
 * The operations that the command line and the Maven plugin share: schema SQL and dry run, health
 * checks, deferring a task by name with its defaults.
 */
class OperationsTest {
  @RegisterExtension static final TestDatabase DB = TestDatabase.empty();

  private static final TaskRegistrar TASKS =
      () ->
          List.of(
              TaskDescriptor.builder("mail.send_welcome")
                  .aliases("mail.welcome_old")
                  .queue("emails")
                  .priority(5)
                  .lock("mail")
                  .queueingLock("welcome")
                  .parameter(TaskParameter.required("user_id", "long"))
                  .parameter(TaskParameter.optional("template", "java.lang.String"))
                  .build((context, args) -> null));

  private App app(String schema) {
    return App.builder().config(DB.config(schema)).taskRegistrars(List.of(TASKS)).build();
  }

  @Test
  void schemaSqlHoldsEveryScriptInOrderAndMatchesWhatFlywayFinds() {
    String sql = DB.app().schemaManager().schemaSql();
    assertThat(sql)
        .startsWith("-- V1__procrastinate_3_9_schema.sql\n")
        .contains("CREATE TABLE procrastinate_jobs")
        .contains("-- V2__java_batch_fetch.sql\n");
    assertThat(sql.indexOf("V1__")).isLessThan(sql.indexOf("V2__"));
    assertThat(DB.app().schemaManager().latestVersion()).isEqualTo("3");

    // The list in Migrator must be exactly what Flyway scans, so it cannot drift from the folder.
    Flyway flyway =
        Flyway.configure()
            .dataSource(DB.dataSource())
            .locations(Migrator.LOCATION)
            .table("scan_only_history")
            .load();
    List<String> scanned =
        java.util.Arrays.stream(flyway.info().all()).map(info -> info.getScript()).toList();
    assertThat(scanned).containsExactlyElementsOf(Migrator.SCRIPTS);
  }

  @Test
  void dryRunListsWhatMigrateWouldApplyAndChangesNothing() throws Exception {
    try (App app = app("dry_run")) {
      SchemaManager schema = app.schemaManager();
      assertThat(schema.pendingScripts())
          .extracting(SchemaManager.MigrationScript::fileName)
          .containsExactlyElementsOf(Migrator.SCRIPTS);
      assertThat(
              new Sql(DB.dataSource())
                  .value("SELECT count(*) FROM pg_namespace WHERE nspname = 'dry_run'"))
          .isEqualTo("0");

      // Once the schema exists but is empty, still everything.
      new Sql(DB.dataSource()).execute("CREATE SCHEMA dry_run");
      assertThat(schema.pendingScripts()).hasSize(Migrator.SCRIPTS.size());

      schema.migrate();
      assertThat(schema.pendingScripts()).isEmpty();
    }
  }

  @Test
  void dryRunOnAnUpstreamSchemaListsOnlyOurAdditions() throws Exception {
    Sql sql = new Sql(DB.dataSource());
    sql.execute("CREATE SCHEMA upstream_made");
    try (App app = app("upstream_made")) {
      // Python Procrastinate's schema: our V1 applied by hand, with no history table.
      String v1 = Migrator.scripts().get(0).sql();
      try (java.sql.Connection c = app.dataSource().getConnection();
          java.sql.Statement statement = c.createStatement()) {
        statement.execute(v1);
      }
      assertThat(app.schemaManager().pendingScripts())
          .extracting(SchemaManager.MigrationScript::version)
          .containsExactly("2", "3");
    }
  }

  @Test
  void dryRunRefusesAPartialSchemaAsMigrateWould() throws Exception {
    Sql sql = new Sql(DB.dataSource());
    sql.execute("CREATE SCHEMA partial_one");
    sql.execute("CREATE TABLE partial_one.procrastinate_jobs (id bigint)");
    try (App app = app("partial_one")) {
      assertThatThrownBy(() -> app.schemaManager().pendingScripts())
          .isInstanceOf(SchemaException.class)
          .hasMessageContaining("missing");
    }
  }

  @Test
  void healthChecksReportEachPartAndTheFix() throws Exception {
    try (App app = app("health")) {
      HealthReport before = app.healthChecks();
      assertThat(before.healthy()).isFalse();
      assertThat(before.checks())
          .extracting(HealthReport.Check::name)
          .containsExactly("database", "schema", "tasks");
      assertThat(before.checks().get(0).ok()).isTrue();
      assertThat(before.checks().get(0).detail()).startsWith("PostgreSQL 1");
      assertThat(before.checks().get(1).ok()).isFalse();
      assertThat(before.checks().get(1).detail())
          .contains("not migrated", "V1__procrastinate_3_9_schema.sql", "procrastinate:migrate");
      assertThat(before.checks().get(2).ok()).isTrue();
      assertThat(before.checks().get(2).detail()).isEqualTo("1 found: [mail.send_welcome]");

      app.schemaManager().migrate();
      HealthReport after = app.healthChecks();
      assertThat(after.healthy()).isTrue();
      assertThat(after.toString()).contains("schema: OK (migrated, version 3 (the latest))\n");
    }
  }

  @Test
  void healthChecksOfAnUnreachableDatabaseAndNoTasksFailWithoutThrowing() {
    AppConfig config =
        AppConfig.builder()
            .url("jdbc:postgresql://127.0.0.1:1/nowhere")
            .connectionTimeout(java.time.Duration.ofMillis(500))
            .build();
    try (App app = App.builder().config(config).taskRegistrars(List.of()).build()) {
      HealthReport report = app.healthChecks();
      assertThat(report.healthy()).isFalse();
      assertThat(report.checks().get(0).toString())
          .startsWith("database: FAILED (")
          .contains("127.0.0.1:1/nowhere");
      assertThat(report.checks().get(1).detail()).contains("unreachable");
      assertThat(report.checks().get(2).ok()).isFalse();
      assertThat(report.checks().get(2).detail()).contains("no @Task found");
    }
  }

  @Test
  void configureTaskAppliesTheTaskDefaultsAndRefusesUnknownNamesUnlessAllowed() {
    App app = App.builder().dataSource(DB.dataSource()).taskRegistrars(List.of(TASKS)).build();
    NewJob known = app.configureTask("mail.welcome_old", false).arg("user_id", 3).build();
    assertThat(known.taskName()).isEqualTo("mail.welcome_old");
    assertThat(known.queue()).isEqualTo("emails");
    assertThat(known.priority()).isEqualTo(5);
    assertThat(known.lock()).isEqualTo("mail");
    assertThat(known.queueingLock()).isEqualTo("welcome");
    NewJob overridden = app.configureTask("mail.send_welcome", false).priority(9).build();
    assertThat(overridden.priority()).isEqualTo(9);

    assertThatThrownBy(() -> app.configureTask("python.only", false))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessageContaining("'python.only' is not known here")
        .hasMessageContaining("mail.send_welcome")
        .hasMessageContaining("allow unknown tasks");
    NewJob unknown = app.configureTask("python.only", true).build();
    assertThat(unknown.queue()).isEqualTo(NewJob.DEFAULT_QUEUE);
    assertThat(unknown.priority()).isZero();
    assertThat(unknown.lock()).isNull();
  }

  @Test
  void checkArgumentsNamesTheMissingOrUnknownArgument() {
    App app = App.builder().dataSource(DB.dataSource()).taskRegistrars(List.of(TASKS)).build();
    app.checkArguments(
        app.configureTask("mail.send_welcome", false).argsJson("{\"user_id\": 3}").build());
    app.checkArguments(app.configureTask("mail.send_welcome", false).arg("user_id", 3).build());
    app.checkArguments(NewJob.builder("python.only").argsJson("{\"anything\": 1}").build());

    assertThatThrownBy(
            () ->
                app.checkArguments(
                    app.configureTask("mail.send_welcome", false).argsJson("{}").build()))
        .isInstanceOf(ArgumentsException.class)
        .hasMessageContaining("user_id");
    assertThatThrownBy(
            () ->
                app.checkArguments(
                    app.configureTask("mail.send_welcome", false)
                        .argsJson("{\"user_id\": 3, \"userId\": 4}")
                        .build()))
        .isInstanceOf(ArgumentsException.class)
        .hasMessageContaining("has no parameter 'userId'");
    assertThatThrownBy(
            () ->
                app.checkArguments(
                    app.configureTask("mail.send_welcome", false).argsJson("[1]").build()))
        .isInstanceOf(ArgumentsException.class)
        .hasMessageContaining("must be a JSON object");
  }
}
