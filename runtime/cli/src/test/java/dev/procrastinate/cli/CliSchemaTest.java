package dev.procrastinate.cli;

import static org.assertj.core.api.Assertions.assertThat;

import com.zaxxer.hikari.HikariDataSource;
import dev.procrastinate.testing.Sql;
import dev.procrastinate.testing.TestDatabase;
import java.util.stream.IntStream;
import org.flywaydb.core.Flyway;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

/** {@code procrastinate schema} run as a process on a database that starts empty. */
class CliSchemaTest {
  @RegisterExtension static final TestDatabase DB = TestDatabase.empty();

  private static String latest() {
    return DB.app().schemaManager().latestVersion();
  }

  /** The migration versions from {@code first} to the latest, as the command prints them. */
  private static String versionsFrom(int first) {
    return IntStream.rangeClosed(first, Integer.parseInt(latest()))
        .mapToObj(String::valueOf)
        .toList()
        .toString();
  }

  private CliProcess.Result cli(String... args) throws Exception {
    String[] all = new String[args.length + 6];
    System.arraycopy(
        new String[] {"--url", DB.url(), "--user", DB.user(), "--password", DB.password()},
        0,
        all,
        0,
        6);
    System.arraycopy(args, 0, all, 6, args.length);
    return CliProcess.launcher().run(all);
  }

  @Test
  void readPrintsEveryScriptWithoutADatabase() throws Exception {
    CliProcess.Result result = CliProcess.launcher().run("schema", "--read");
    assertThat(result.exitCode()).as(result.toString()).isZero();
    assertThat(result.out())
        .startsWith("-- V1__procrastinate_3_9_schema.sql\n")
        .contains("CREATE TABLE procrastinate_jobs")
        .contains("-- V2__java_indexes.sql\n")
        .isEqualTo(DB.app().schemaManager().schemaSql());
  }

  @Test
  void applyCreatesTheSchemaOnceThenMigrateKeepsItUpToDate() throws Exception {
    Sql sql = new Sql(DB.dataSource());
    sql.execute("DROP SCHEMA IF EXISTS cli_applied CASCADE");

    CliProcess.Result applied = cli("--schema", "cli_applied", "schema");
    assertThat(applied.exitCode()).as(applied.toString()).isZero();
    assertThat(applied.errLines())
        .as("a healthy migrate of a fresh database warns of nothing")
        .noneMatch(line -> line.contains(" WARN "));
    assertThat(applied.out())
        .isEqualTo(
            "Created the Procrastinate schema in cli_applied, version "
                + latest()
                + " (applied "
                + versionsFrom(1)
                + ")\n");
    assertThat(sql.value("SELECT to_regclass('cli_applied.procrastinate_jobs')::text"))
        .isEqualTo("cli_applied.procrastinate_jobs");

    CliProcess.Result again = cli("--schema", "cli_applied", "schema", "--apply");
    assertThat(again.exitCode()).as(again.toString()).isEqualTo(1);
    assertThat(again.errLines()).hasSize(1);
    assertThat(again.err())
        .contains("already has the Procrastinate schema (version " + latest() + ")")
        .contains("schema --migrate");

    CliProcess.Result migrated = cli("--schema", "cli_applied", "schema", "--migrate");
    assertThat(migrated.exitCode()).as(migrated.toString()).isZero();
    assertThat(migrated.out())
        .isEqualTo(
            "The Procrastinate schema in cli_applied is up to date, version " + latest() + "\n");
  }

  @Test
  void eventsSwitchesWhatStatusChangesRecordAndHealthchecksShowsIt() throws Exception {
    Sql sql = new Sql(DB.dataSource());
    sql.execute("DROP SCHEMA IF EXISTS cli_events CASCADE");
    CliProcess.Result migrated = cli("--schema", "cli_events", "schema", "--migrate");
    assertThat(migrated.exitCode()).as(migrated.toString()).isZero();
    String leanTrigger =
        "SELECT tgenabled::text FROM pg_trigger"
            + " WHERE tgrelid = 'cli_events.procrastinate_jobs'::regclass"
            + " AND tgname = 'procrastinate_java_status_events_lean_v1'";
    assertThat(sql.value(leanTrigger)).isEqualTo("D");

    CliProcess.Result lean = cli("--schema", "cli_events", "schema", "--events", "lean");
    assertThat(lean.exitCode()).as(lean.toString()).isZero();
    assertThat(lean.out())
        .startsWith("Event recording in ")
        .contains(": lean, no 'deferred' or 'started' event rows");
    assertThat(sql.value(leanTrigger)).isEqualTo("O");
    assertThat(cli("--schema", "cli_events", "healthchecks").out())
        .contains("events: OK (lean, no 'deferred' or 'started' event rows");

    CliProcess.Result bad = cli("--schema", "cli_events", "schema", "--events", "quiet");
    assertThat(bad.exitCode()).as(bad.toString()).isEqualTo(2);
    assertThat(bad.err()).contains("'quiet' is not a mode", "'full'", "'lean'");
    CliProcess.Result both =
        cli("--schema", "cli_events", "schema", "--events", "full", "--migrate");
    assertThat(both.exitCode()).as(both.toString()).isEqualTo(2);
    assertThat(sql.value(leanTrigger)).isEqualTo("O");

    CliProcess.Result full = cli("--schema", "cli_events", "schema", "--events", "full");
    assertThat(full.exitCode()).as(full.toString()).isZero();
    assertThat(full.out()).contains(": full, every status change writes an event row");
    assertThat(sql.value(leanTrigger)).isEqualTo("D");
  }

  @Test
  void migrateCreatesUpgradesAndRefusesAPartialSchema() throws Exception {
    Sql sql = new Sql(DB.dataSource());
    sql.execute("DROP SCHEMA IF EXISTS cli_migrated CASCADE");
    CliProcess.Result created = cli("--schema", "cli_migrated", "schema", "--migrate");
    assertThat(created.exitCode()).as(created.toString()).isZero();
    assertThat(created.out()).startsWith("Created the Procrastinate schema in cli_migrated");

    // A schema this runtime left at version 1, as an older release would have: --migrate upgrades.
    sql.execute("DROP SCHEMA IF EXISTS cli_old CASCADE");
    sql.execute("CREATE SCHEMA cli_old");
    try (HikariDataSource old = DB.newDataSource("cli_old")) {
      Flyway.configure()
          .dataSource(old)
          .table("procrastinate_schema_history")
          .locations("classpath:db/procrastinate")
          .placeholderReplacement(false)
          .target("1")
          .load()
          .migrate();
    }
    CliProcess.Result upgraded = cli("--schema", "cli_old", "schema", "--migrate");
    assertThat(upgraded.exitCode()).as(upgraded.toString()).isZero();
    assertThat(upgraded.out())
        .isEqualTo(
            "Upgraded the Procrastinate schema in cli_old to version "
                + latest()
                + " (applied "
                + versionsFrom(2)
                + ")\n");

    sql.execute("DROP SCHEMA IF EXISTS cli_partial CASCADE");
    sql.execute("CREATE SCHEMA cli_partial");
    sql.execute("CREATE TABLE cli_partial.procrastinate_jobs (id bigint)");
    CliProcess.Result refused = cli("--schema", "cli_partial", "schema", "--migrate");
    assertThat(refused.exitCode()).as(refused.toString()).isEqualTo(1);
    assertThat(refused.errLines()).hasSize(1);
  }
}
