package dev.procrastinate.relations;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.procrastinate.App;
import dev.procrastinate.DeleteJobs;
import dev.procrastinate.NewJob;
import dev.procrastinate.Worker;
import dev.procrastinate.WorkerOptions;
import dev.procrastinate.spi.TaskDescriptor;
import dev.procrastinate.spi.TaskRegistrar;
import dev.procrastinate.testing.Sql;
import dev.procrastinate.testing.TestDatabase;
import java.io.IOException;
import java.nio.file.Path;
import java.sql.SQLException;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.atomic.AtomicInteger;
import org.flywaydb.core.Flyway;
import org.flywaydb.core.api.output.MigrateResult;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.junit.jupiter.api.io.TempDir;

/**
 * The generated SQL does what the seed says: applied to real tables, deleting a job sets the
 * reference to NULL, deletes the row, sets the default, or is refused; the reverse SQL removes the
 * constraint.
 */
class RelationBehaviourTest {
  @RegisterExtension static final TestDatabase DB = TestDatabase.migrated();

  private static final AtomicInteger TABLES = new AtomicInteger();
  private static final RelationSql RENDERER = RelationSql.builder().build();

  private final Sql sql = new Sql(DB.dataSource());

  private String table(String jobColumn) throws SQLException {
    String name = "orders_" + TABLES.incrementAndGet();
    sql.execute("CREATE TABLE " + name + " (id serial PRIMARY KEY, job_id " + jobColumn + ")");
    return name;
  }

  private long job() {
    return DB.app().jobManager().defer(NewJob.builder("behaviour.task").build());
  }

  private long order(String table, long jobId) throws SQLException {
    return Long.parseLong(
        sql.value("INSERT INTO " + table + " (job_id) VALUES (?) RETURNING id", jobId));
  }

  /** Deletes a job the way a worker with a delete-jobs policy does. */
  private void finishAndDelete(long jobId) throws SQLException {
    sql.execute(
        "SELECT procrastinate_finish_job_v1(?, 'succeeded'::procrastinate_job_status, true)",
        jobId);
  }

  private boolean jobExists(long jobId) throws SQLException {
    return sql.value("SELECT count(*) FROM procrastinate_jobs WHERE id = ?", jobId).equals("1");
  }

  private int constraints(String table) throws SQLException {
    return Integer.parseInt(
        sql.value(
            "SELECT count(*) FROM pg_constraint WHERE conrelid = ?::regclass AND contype = 'f'",
            table));
  }

  @Test
  void setNullLeavesTheRowWithANullReference() throws SQLException {
    String table = table("bigint");
    long jobId = job();
    long kept = job();
    long orderId = order(table, jobId);
    long other = order(table, kept);
    Relation relation = Relation.of(table, "job_id", ReferentialAction.SET_NULL);
    sql.execute(RENDERER.forward(relation, false));

    finishAndDelete(jobId);

    assertThat(jobExists(jobId)).isFalse();
    assertThat(sql.value("SELECT job_id FROM " + table + " WHERE id = ?", orderId)).isNull();
    assertThat(sql.value("SELECT job_id FROM " + table + " WHERE id = ?", other))
        .isEqualTo(Long.toString(kept));
  }

  @Test
  void cascadeDeletesTheRow() throws SQLException {
    String table = table("bigint NOT NULL");
    long jobId = job();
    long orderId = order(table, jobId);
    long other = order(table, job());
    sql.execute(RENDERER.forward(Relation.of(table, "job_id", ReferentialAction.CASCADE), false));

    sql.execute("DELETE FROM procrastinate_jobs WHERE id = ?", jobId);

    assertThat(sql.value("SELECT count(*) FROM " + table + " WHERE id = ?", orderId))
        .isEqualTo("0");
    assertThat(sql.value("SELECT count(*) FROM " + table + " WHERE id = ?", other)).isEqualTo("1");
  }

  @Test
  void setDefaultPointsTheRowToTheDefaultJob() throws SQLException {
    long sentinel = job();
    String table = table("bigint NOT NULL DEFAULT " + sentinel);
    long jobId = job();
    long orderId = order(table, jobId);
    sql.execute(
        RENDERER.forward(Relation.of(table, "job_id", ReferentialAction.SET_DEFAULT), false));

    finishAndDelete(jobId);

    assertThat(jobExists(jobId)).isFalse();
    assertThat(sql.value("SELECT job_id FROM " + table + " WHERE id = ?", orderId))
        .isEqualTo(Long.toString(sentinel));
    // Deleting the default job itself is refused: its rows would point to it again.
    assertThatThrownBy(() -> finishAndDelete(sentinel))
        .isInstanceOf(SQLException.class)
        .extracting(e -> ((SQLException) e).getSQLState())
        .isEqualTo("23503");
  }

  @Test
  void restrictRefusesTheDeleteUntilTheReverseSqlDropsTheConstraint() throws SQLException {
    String table = table("bigint");
    long jobId = job();
    long orderId = order(table, jobId);
    Relation relation = Relation.of(table, "job_id", ReferentialAction.RESTRICT);
    sql.execute(RENDERER.forward(relation, false));
    assertThat(constraints(table)).isEqualTo(1);

    assertThatThrownBy(() -> finishAndDelete(jobId))
        .isInstanceOf(SQLException.class)
        .hasMessageContaining("violates foreign key constraint \"" + relation.constraint() + "\"")
        .extracting(e -> ((SQLException) e).getSQLState())
        .isEqualTo("23503");
    assertThat(jobExists(jobId)).isTrue();

    sql.execute(RENDERER.reverse(relation));
    assertThat(constraints(table)).isZero();
    finishAndDelete(jobId);
    assertThat(jobExists(jobId)).isFalse();
    assertThat(sql.value("SELECT job_id FROM " + table + " WHERE id = ?", orderId))
        .isEqualTo(Long.toString(jobId));
    // The reverse SQL may run again: IF EXISTS.
    sql.execute(RENDERER.reverse(relation));
  }

  @Test
  void noActionRefusesTheDeleteToo() throws SQLException {
    String table = table("bigint");
    long jobId = job();
    order(table, jobId);
    Relation relation = Relation.of(table, "job_id", ReferentialAction.NO_ACTION);
    sql.execute(RENDERER.forward(relation, false));

    assertThatThrownBy(() -> sql.execute("DELETE FROM procrastinate_jobs WHERE id = ?", jobId))
        .isInstanceOf(SQLException.class)
        .extracting(e -> ((SQLException) e).getSQLState())
        .isEqualTo("23503");
    assertThatThrownBy(() -> finishAndDelete(jobId)).isInstanceOf(SQLException.class);
    assertThat(jobExists(jobId)).isTrue();

    sql.execute(RENDERER.reverse(relation));
    assertThat(constraints(table)).isZero();
  }

  @Test
  void notValidFormAddsAValidatedConstraint() throws SQLException {
    String table = table("bigint");
    long jobId = job();
    order(table, jobId);
    Relation relation = Relation.of(table, "job_id", ReferentialAction.CASCADE);
    sql.execute(RENDERER.forward(relation, true));
    assertThat(
            sql.value(
                "SELECT convalidated FROM pg_constraint WHERE conname = ?", relation.constraint()))
        .isEqualTo("t");
  }

  @Test
  void aWorkerDeletingJobsLeavesRowsWithNull() throws Exception {
    String table = table("bigint");
    TaskRegistrar registrar =
        () ->
            List.of(
                TaskDescriptor.builder("behaviour.work")
                    .source("RelationBehaviourTest")
                    .build((context, args) -> null));
    sql.execute(RENDERER.forward(Relation.of(table, "job_id", ReferentialAction.SET_NULL), false));
    try (App app =
        App.builder().dataSource(DB.dataSource()).taskRegistrars(List.of(registrar)).build()) {
      long jobId = app.jobManager().defer(NewJob.builder("behaviour.work").queue("rel").build());
      long orderId = order(table, jobId);
      try (Worker worker =
          app.worker(
              WorkerOptions.builder()
                  .queues("rel")
                  .waitForJobs(false)
                  .deleteJobs(DeleteJobs.ALWAYS)
                  .installSignalHandlers(false)
                  .build())) {
        worker.run();
        assertThat(worker.awaitTermination(Duration.ofSeconds(10))).isTrue();
      }
      assertThat(jobExists(jobId)).isFalse();
      assertThat(sql.value("SELECT job_id FROM " + table + " WHERE id = ?", orderId)).isNull();
    }
  }

  /**
   * What the checker warns about: a worker that deletes ended jobs cannot delete one that a row
   * references under RESTRICT; it keeps the job with its final status instead, so its end is never
   * lost, and the referencing row is untouched.
   */
  @Test
  void restrictMakesADeletingWorkerKeepTheJobWithItsFinalStatus() throws Exception {
    String table = table("bigint");
    TaskRegistrar registrar =
        () ->
            List.of(
                TaskDescriptor.builder("behaviour.kept")
                    .source("RelationBehaviourTest")
                    .build((context, args) -> null));
    sql.execute(RENDERER.forward(Relation.of(table, "job_id", ReferentialAction.RESTRICT), false));
    try (App app =
        App.builder().dataSource(DB.dataSource()).taskRegistrars(List.of(registrar)).build()) {
      long jobId =
          app.jobManager().defer(NewJob.builder("behaviour.kept").queue("restricted").build());
      long orderId = order(table, jobId);
      try (Worker worker =
          app.worker(
              WorkerOptions.builder()
                  .queues("restricted")
                  .waitForJobs(false)
                  .deleteJobs(DeleteJobs.ALWAYS)
                  .installSignalHandlers(false)
                  .build())) {
        worker.run();
      }
      assertThat(jobExists(jobId)).isTrue();
      assertThat(sql.value("SELECT status FROM procrastinate_jobs WHERE id = ?", jobId))
          .isEqualTo("succeeded");
      assertThat(sql.value("SELECT job_id FROM " + table + " WHERE id = ?", orderId))
          .isEqualTo(String.valueOf(jobId));
    }
  }

  @Test
  void flywayAppliesTheGeneratedFiles(@TempDir Path dir) throws IOException, SQLException {
    sql.execute("CREATE SCHEMA fly");
    sql.execute("CREATE TABLE fly.orders (id serial PRIMARY KEY, job_id bigint)");
    sql.execute("CREATE TABLE fly.mails (id serial PRIMARY KEY, job_id bigint NOT NULL)");
    long jobId = job();
    sql.execute("INSERT INTO fly.orders (job_id) VALUES (?)", jobId);
    List<Relation> relations =
        List.of(
            Relation.of("fly.orders", "job_id", ReferentialAction.SET_NULL),
            Relation.of("fly.mails", "job_id", ReferentialAction.CASCADE));
    RelationSql.builder()
        .startVersion("5")
        .build()
        .write(dir, relations, r -> r.tableName().equals("mails"));

    MigrateResult result =
        Flyway.configure()
            .dataSource(DB.dataSource())
            .locations("filesystem:" + dir)
            .table("app_schema_history")
            .schemas("fly")
            .baselineOnMigrate(true)
            .baselineVersion("1")
            .load()
            .migrate();

    assertThat(result.migrationsExecuted).isEqualTo(2);
    assertThat(constraints("fly.orders")).isEqualTo(1);
    assertThat(constraints("fly.mails")).isEqualTo(1);
    finishAndDelete(jobId);
    assertThat(sql.value("SELECT job_id FROM fly.orders")).isNull();
  }
}
