package dev.procrastinate.relations;

import static org.assertj.core.api.Assertions.assertThat;

import com.zaxxer.hikari.HikariDataSource;
import dev.procrastinate.DeleteJobs;
import dev.procrastinate.NewJob;
import dev.procrastinate.testing.Sql;
import dev.procrastinate.testing.TestDatabase;
import java.sql.SQLException;
import java.util.List;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

/** Each finding of the checker, on tables made for it in a migrated database. */
class RelationCheckerTest {
  @RegisterExtension static final TestDatabase DB = TestDatabase.migrated();

  private static final AtomicInteger TABLES = new AtomicInteger();

  private final Sql sql = new Sql(DB.dataSource());
  private final RelationChecker checker = RelationChecker.of(DB.app());

  /** Creates a table with a fresh name from a column list, and returns the name. */
  private String table(String columns) throws SQLException {
    String name = "t" + TABLES.incrementAndGet();
    sql.execute("CREATE TABLE " + name + " (id serial PRIMARY KEY, " + columns + ")");
    return name;
  }

  private long job() {
    return DB.app().jobManager().defer(NewJob.builder("checker.task").build());
  }

  private static Finding only(RelationReport report, Severity severity) {
    List<Finding> found = report.findings(severity);
    assertThat(found).as("%s findings of %s", severity, report.findings()).hasSize(1);
    return found.get(0);
  }

  @Test
  void aReadyTableHasNoFinding() throws SQLException {
    String table = table("job_id bigint");
    sql.execute("INSERT INTO " + table + " (job_id) VALUES (?), (NULL)", job());
    Relation relation = Relation.of(table, "job_id", ReferentialAction.SET_NULL);
    RelationReport report = checker.check(List.of(relation));
    assertThat(report.findings()).isEmpty();
    assertThat(report.hasErrors()).isFalse();
    assertThat(report.isLarge(relation)).isFalse();
  }

  @Test
  void missingTableIsAnError() {
    Relation relation = Relation.of("no_such_table", "job_id", ReferentialAction.CASCADE);
    Finding finding = only(checker.check(List.of(relation)), Severity.ERROR);
    assertThat(finding.relation()).isEqualTo(relation);
    assertThat(finding.message())
        .isEqualTo("the table no_such_table does not exist on the search path [public].");
    assertThat(finding.fix()).startsWith("create it before adding the relation");
  }

  @Test
  void aViewIsNotATable() throws SQLException {
    String table = table("job_id bigint");
    sql.execute("CREATE VIEW " + table + "_v AS SELECT * FROM " + table);
    Finding finding =
        only(
            checker.check(List.of(Relation.of(table + "_v", "job_id", ReferentialAction.CASCADE))),
            Severity.ERROR);
    assertThat(finding.message()).contains("is a view, not a table");
  }

  @Test
  void missingColumnIsAnErrorListingTheColumns() throws SQLException {
    String table = table("job bigint");
    Finding finding =
        only(
            checker.check(List.of(Relation.of(table, "job_id", ReferentialAction.CASCADE))),
            Severity.ERROR);
    assertThat(finding.message())
        .isEqualTo("the table " + table + " has no column job_id (its columns: id, job).");
    assertThat(finding.fix()).isEqualTo("ALTER TABLE " + table + " ADD COLUMN job_id bigint;");
  }

  @Test
  void integerColumnIsAnErrorFixedByBigint() throws SQLException {
    String table = table("job_id integer, other smallint");
    RelationReport report =
        checker.check(
            List.of(
                Relation.of(table, "job_id", ReferentialAction.CASCADE),
                Relation.of(table, "other", ReferentialAction.CASCADE)));
    assertThat(report.findings(Severity.ERROR))
        .extracting(Finding::message)
        .containsExactly(
            "the column is integer, but procrastinate_jobs.id is bigint: job ids above 2147483647"
                + " would not fit.",
            "the column is smallint, but procrastinate_jobs.id is bigint: job ids above 32767"
                + " would not fit.");
    String fix = report.findings(Severity.ERROR).get(0).fix();
    assertThat(fix).isEqualTo("ALTER TABLE " + table + " ALTER COLUMN job_id TYPE bigint;");
    sql.execute(fix);
    assertThat(
            checker
                .check(List.of(Relation.of(table, "job_id", ReferentialAction.CASCADE)))
                .findings())
        .isEmpty();
  }

  @Test
  void textColumnCannotReferenceAJob() throws SQLException {
    String table = table("job_id text");
    sql.execute("INSERT INTO " + table + " (job_id) VALUES ('x')");
    Finding finding =
        only(
            checker.check(List.of(Relation.of(table, "job_id", ReferentialAction.CASCADE))),
            Severity.ERROR);
    assertThat(finding.message())
        .isEqualTo("the column is text, which cannot reference procrastinate_jobs.id (bigint).");
    assertThat(finding.fix())
        .isEqualTo(
            "ALTER TABLE " + table + " ALTER COLUMN job_id TYPE bigint USING job_id::bigint;");
  }

  @Test
  void setNullNeedsANullableColumn() throws SQLException {
    String table = table("job_id bigint NOT NULL");
    Finding finding =
        only(
            checker.check(List.of(Relation.of(table, "job_id", ReferentialAction.SET_NULL))),
            Severity.ERROR);
    assertThat(finding.message()).startsWith("ON DELETE SET NULL needs a nullable column");
    assertThat(finding.fix())
        .isEqualTo("ALTER TABLE " + table + " ALTER COLUMN job_id DROP NOT NULL;");
    assertThat(
            checker
                .check(List.of(Relation.of(table, "job_id", ReferentialAction.CASCADE)))
                .findings())
        .isEmpty();
  }

  @Test
  void setDefaultWithoutDefault() throws SQLException {
    String nullable = table("job_id bigint");
    Finding info =
        only(
            checker.check(List.of(Relation.of(nullable, "job_id", ReferentialAction.SET_DEFAULT))),
            Severity.INFO);
    assertThat(info.message()).contains("sets it to NULL, as SET NULL would");

    String notNull = table("job_id bigint NOT NULL");
    Finding error =
        only(
            checker.check(List.of(Relation.of(notNull, "job_id", ReferentialAction.SET_DEFAULT))),
            Severity.ERROR);
    assertThat(error.message()).contains("its default, NULL, but the column is NOT NULL");
    assertThat(error.fix()).contains("SET DEFAULT <id of a job that is never deleted>");
  }

  @Test
  void setDefaultMustPointToAnExistingJob() throws SQLException {
    long sentinel = job();
    String good = table("job_id bigint NOT NULL DEFAULT " + sentinel);
    Finding info =
        only(
            checker.check(List.of(Relation.of(good, "job_id", ReferentialAction.SET_DEFAULT))),
            Severity.INFO);
    assertThat(info.message())
        .startsWith("the column's default is job " + sentinel + ", which exists");

    String bad = table("job_id bigint DEFAULT 987654321");
    Finding error =
        only(
            checker.check(List.of(Relation.of(bad, "job_id", ReferentialAction.SET_DEFAULT))),
            Severity.ERROR);
    assertThat(error.message())
        .isEqualTo(
            "the column's default is 987654321, but no job has that id: deleting a referenced job"
                + " would fail with a foreign key violation.");

    String computed = table("job_id bigint DEFAULT (random() * 10)::bigint");
    Finding warning =
        only(
            checker.check(List.of(Relation.of(computed, "job_id", ReferentialAction.SET_DEFAULT))),
            Severity.WARNING);
    assertThat(warning.message()).contains("which is not a constant");
  }

  @Test
  void danglingReferencesAreCountedAndTheFixWorks() throws SQLException {
    String table = table("job_id bigint");
    long existing = job();
    sql.execute(
        "INSERT INTO " + table + " (job_id) VALUES (?), (999999998), (999999999), (999999999)",
        existing);
    Relation setNull = Relation.of(table, "job_id", ReferentialAction.SET_NULL);
    Finding finding = only(checker.check(List.of(setNull)), Severity.ERROR);
    assertThat(finding.message())
        .isEqualTo(
            "3 rows reference a job that does not exist (ids 999999998, 999999999): adding the"
                + " foreign key would fail.");
    assertThat(finding.fix()).startsWith("UPDATE " + table + " SET job_id = NULL WHERE");

    Relation cascade = Relation.of(table, "job_id", ReferentialAction.CASCADE);
    String delete = only(checker.check(List.of(cascade)), Severity.ERROR).fix();
    assertThat(delete).startsWith("DELETE FROM " + table + " WHERE");
    Relation restrict = Relation.of(table, "job_id", ReferentialAction.RESTRICT);
    assertThat(only(checker.check(List.of(restrict)), Severity.ERROR).fix())
        .contains("UPDATE ")
        .contains(" or, to drop those rows, DELETE FROM ");

    sql.execute(finding.fix());
    assertThat(checker.check(List.of(setNull)).findings()).isEmpty();
    assertThat(sql.value("SELECT count(*) FROM " + table + " WHERE job_id IS NULL")).isEqualTo("3");
    assertThat(sql.value("SELECT count(*) FROM " + table)).isEqualTo("4");
  }

  @Test
  void largeTablesUseNotValid() throws SQLException {
    String table = table("job_id bigint");
    sql.execute("INSERT INTO " + table + " (job_id) SELECT NULL FROM generate_series(1, 50)");
    sql.execute("ANALYZE " + table);
    Relation relation = Relation.of(table, "job_id", ReferentialAction.CASCADE);
    RelationReport report = checker.withLargeTableRows(10).check(List.of(relation));
    assertThat(report.isLarge(relation)).isTrue();
    assertThat(only(report, Severity.INFO).message())
        .startsWith("the table has about 50 rows (pg_class.reltuples, threshold 10)");
    assertThat(checker.check(List.of(relation)).isLarge(relation)).isFalse();
  }

  @Test
  void existingConstraintsAreReported() throws SQLException {
    String table = table("job_id bigint");
    Relation relation = Relation.of(table, "job_id", ReferentialAction.SET_NULL);
    sql.execute(RelationSql.builder().build().forward(relation, false));

    Finding same = only(checker.check(List.of(relation)), Severity.INFO);
    assertThat(same.message())
        .startsWith(
            "the constraint " + table + "_job_id_procrastinate_fk already exists as configured");

    Relation otherAction = Relation.of(table, "job_id", ReferentialAction.CASCADE);
    Finding changed = only(checker.check(List.of(otherAction)), Severity.WARNING);
    assertThat(changed.message())
        .contains("already exists on " + table + " with another definition");
    assertThat(changed.fix()).contains("DROP CONSTRAINT " + table + "_job_id_procrastinate_fk;");

    Relation otherName = relation.withConstraintName("another_fk");
    Finding second = only(checker.check(List.of(otherName)), Severity.WARNING);
    assertThat(second.message())
        .contains("already references procrastinate_jobs through the constraint " + table);
  }

  @Test
  void restrictWarnsWhenJobsAreDeleted() throws SQLException {
    String table = table("job_id bigint");
    Relation restrict = Relation.of(table, "job_id", ReferentialAction.RESTRICT);
    Finding info = only(checker.check(List.of(restrict)), Severity.INFO);
    assertThat(info.message()).startsWith("ON DELETE RESTRICT keeps referenced jobs");

    Finding policy =
        only(checker.withDeleteJobs(DeleteJobs.ALWAYS).check(List.of(restrict)), Severity.WARNING);
    assertThat(policy.message())
        .contains("jobs are deleted here (workers run with deleteJobs=always)");
    assertThat(policy.fix()).startsWith("use ON DELETE SET NULL (keep the row) or CASCADE");

    Relation noAction = Relation.of(table, "job_id", ReferentialAction.NO_ACTION);
    assertThat(checker.withDeleteJobs(DeleteJobs.SUCCESSFUL).check(List.of(noAction)).findings())
        .extracting(Finding::severity)
        .containsExactly(Severity.WARNING);
    assertThat(
            checker
                .withDeleteJobs(DeleteJobs.ALWAYS)
                .check(List.of(Relation.of(table, "job_id", ReferentialAction.SET_NULL)))
                .findings())
        .isEmpty();
  }

  @Test
  void restrictWarnsWhenRemoveOldJobsIsUsed() throws SQLException {
    String table = table("job_id bigint");
    long id =
        DB.app()
            .jobManager()
            .defer(
                NewJob.builder("builtin:procrastinate.builtin_tasks.remove_old_jobs")
                    .arg("max_hours", 24)
                    .build());
    try {
      Finding warning =
          only(
              checker.check(List.of(Relation.of(table, "job_id", ReferentialAction.NO_ACTION))),
              Severity.WARNING);
      assertThat(warning.message())
          .contains("the builtin task remove_old_jobs is in use in this database");
    } finally {
      sql.execute("DELETE FROM procrastinate_jobs WHERE id = ?", id);
    }
  }

  @Test
  void unmigratedDatabaseSaysToMigrate() throws SQLException {
    sql.execute("CREATE SCHEMA bare");
    sql.execute("CREATE TABLE bare.orders (id serial PRIMARY KEY, job_id integer NOT NULL)");
    try (HikariDataSource bare = DB.newDataSource("bare")) {
      RelationReport report =
          RelationChecker.of(bare)
              .check(List.of(Relation.of("orders", "job_id", ReferentialAction.SET_NULL)));
      assertThat(report.findings(Severity.ERROR))
          .extracting(Finding::relation, Finding::fix)
          .containsExactly(
              org.assertj.core.groups.Tuple.tuple(
                  null, "run mvn procrastinate:migrate (or app.schemaManager().migrate()) first"),
              org.assertj.core.groups.Tuple.tuple(
                  Relation.of("orders", "job_id", ReferentialAction.SET_NULL),
                  "ALTER TABLE orders ALTER COLUMN job_id TYPE bigint;"),
              org.assertj.core.groups.Tuple.tuple(
                  Relation.of("orders", "job_id", ReferentialAction.SET_NULL),
                  "ALTER TABLE orders ALTER COLUMN job_id DROP NOT NULL;"));
      assertThat(report.findings().get(0).message())
          .startsWith("the table procrastinate_jobs does not exist on the search path [bare]");
      assertThat(report.findings().get(0).toString())
          .startsWith("ERROR database: the table procrastinate_jobs")
          .contains("\n  fix: run mvn procrastinate:migrate");
    }
  }

  @Test
  void jobsSchemaIsHonoured() {
    Finding finding = only(checker.withJobsSchema("elsewhere").check(List.of()), Severity.ERROR);
    assertThat(finding.message())
        .startsWith("the table procrastinate_jobs does not exist in schema elsewhere");
    assertThat(checker.withJobsSchema("public").check(List.of()).findings()).isEmpty();
  }
}
