package dev.procrastinate.operations;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.procrastinate.App;
import dev.procrastinate.AppConfig;
import dev.procrastinate.ArgumentsException;
import dev.procrastinate.HealthReport;
import dev.procrastinate.NewJob;
import dev.procrastinate.SchemaException;
import dev.procrastinate.SchemaManager;
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
        .contains("-- V2__java_indexes.sql\n");
    assertThat(sql.indexOf("V1__")).isLessThan(sql.indexOf("V2__"));
    assertThat(DB.app().schemaManager().latestVersion()).isEqualTo("12");

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
          .containsExactly("2", "3", "4", "5", "6", "7", "8", "9", "10", "11", "12");
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
      HealthReport before = new Operations(app).healthChecks();
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
      HealthReport after = new Operations(app).healthChecks();
      assertThat(after.healthy()).isTrue();
      assertThat(after.toString())
          .contains(
              "schema: OK (migrated, version 12 (the latest))\n",
              "events: OK (full, every status change writes an event row)\n");
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
      HealthReport report = new Operations(app).healthChecks();
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
    Operations app =
        new Operations(
            App.builder().dataSource(DB.dataSource()).taskRegistrars(List.of(TASKS)).build());
    NewJob known =
        app.configureTask("mail.welcome_old", false, InputNames.KEYS).arg("user_id", 3).build();
    assertThat(known.taskName()).isEqualTo("mail.welcome_old");
    assertThat(known.queue()).isEqualTo("emails");
    assertThat(known.priority()).isEqualTo(5);
    assertThat(known.lock()).isEqualTo("mail");
    assertThat(known.queueingLock()).isEqualTo("welcome");
    NewJob overridden =
        app.configureTask("mail.send_welcome", false, InputNames.KEYS).priority(9).build();
    assertThat(overridden.priority()).isEqualTo(9);

    assertThatThrownBy(() -> app.configureTask("python.only", false, InputNames.KEYS))
        .isInstanceOf(InputException.class)
        .hasMessageContaining("'python.only' is not known here")
        .hasMessageContaining("mail.send_welcome")
        .hasMessageContaining("allow unknown tasks with unknown=true");
    NewJob unknown = app.configureTask("python.only", true, InputNames.KEYS).build();
    assertThat(unknown.queue()).isEqualTo(NewJob.DEFAULT_QUEUE);
    assertThat(unknown.priority()).isZero();
    assertThat(unknown.lock()).isNull();
  }

  @Test
  void checkArgumentsNamesTheMissingOrUnknownArgument() {
    Operations app =
        new Operations(
            App.builder().dataSource(DB.dataSource()).taskRegistrars(List.of(TASKS)).build());
    app.checkArguments(
        app.configureTask("mail.send_welcome", false, InputNames.KEYS)
            .argsJson("{\"user_id\": 3}")
            .build());
    app.checkArguments(
        app.configureTask("mail.send_welcome", false, InputNames.KEYS).arg("user_id", 3).build());
    app.checkArguments(NewJob.builder("python.only").argsJson("{\"anything\": 1}").build());

    assertThatThrownBy(
            () ->
                app.checkArguments(
                    app.configureTask("mail.send_welcome", false, InputNames.KEYS)
                        .argsJson("{}")
                        .build()))
        .isInstanceOf(ArgumentsException.class)
        .hasMessageContaining("user_id");
    assertThatThrownBy(
            () ->
                app.checkArguments(
                    app.configureTask("mail.send_welcome", false, InputNames.KEYS)
                        .argsJson("{\"user_id\": 3, \"userId\": 4}")
                        .build()))
        .isInstanceOf(ArgumentsException.class)
        .hasMessageContaining("has no parameter 'userId'");
    assertThatThrownBy(
            () ->
                app.checkArguments(
                    app.configureTask("mail.send_welcome", false, InputNames.KEYS)
                        .argsJson("[1]")
                        .build()))
        .isInstanceOf(ArgumentsException.class)
        .hasMessageContaining("must be a JSON object");
  }

  @Test
  void schemaSqlNeedsNoAppAndEqualsTheSchemaManagers() {
    assertThat(Operations.schemaSql()).isEqualTo(DB.app().schemaManager().schemaSql());
    assertThat(Operations.migrationScripts())
        .extracting(SchemaManager.MigrationScript::fileName)
        .containsExactlyElementsOf(Migrator.SCRIPTS);
  }

  @Test
  void deferAppliesTheTaskDefaultsThenTheRequestAndReportsAnIgnoredClash() throws Exception {
    try (App app = app("defer_requests")) {
      app.schemaManager().migrate();
      Operations operations = new Operations(app);
      DeferResult result =
          operations.defer(
              DeferRequest.builder(InputNames.KEYS)
                  .task("mail.welcome_old")
                  .args("{\"user_id\": 3}")
                  .priority("-2")
                  .at("2030-01-02T03:04:05")
                  .build());
      assertThat(result.deferred()).isTrue();
      assertThat(result.describe())
          .isEqualTo(
              "Deferred job "
                  + result.id().getAsLong()
                  + " of task mail.welcome_old on queue emails, scheduled at"
                  + " 2030-01-02T03:04:05Z");
      var stored = app.jobManager().getJob(result.id().getAsLong()).orElseThrow();
      assertThat(stored.queueName()).isEqualTo("emails");
      assertThat(stored.priority()).isEqualTo(-2);
      assertThat(stored.lock()).isEqualTo("mail");
      assertThat(stored.queueingLock()).isEqualTo("welcome");

      DeferRequest again =
          DeferRequest.builder(InputNames.KEYS)
              .task("mail.send_welcome")
              .args("{\"user_id\": 4}")
              .build();
      assertThatThrownBy(() -> operations.defer(again))
          .isInstanceOf(dev.procrastinate.AlreadyEnqueuedException.class);
      DeferResult ignored =
          operations.defer(
              DeferRequest.builder(InputNames.KEYS)
                  .task("mail.send_welcome")
                  .args("{\"user_id\": 4}")
                  .ignoreAlreadyEnqueued(true)
                  .build());
      assertThat(ignored.deferred()).isFalse();
      assertThat(ignored.describe())
          .startsWith("A job with queueing lock 'welcome' is already waiting")
          .endsWith(" (ignored)");

      assertThatThrownBy(
              () ->
                  operations.defer(
                      DeferRequest.builder(InputNames.KEYS)
                          .task("mail.send_welcome")
                          .args("{\"userId\": 4}")
                          .build()))
          .isInstanceOf(ArgumentsException.class)
          .hasMessageContaining("has no parameter 'userId'");
    }
  }
}
