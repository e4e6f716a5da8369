package dev.procrastinate;

import static org.assertj.core.api.Assertions.assertThat;

import dev.procrastinate.model.JobStatus;
import dev.procrastinate.spi.TaskDescriptor;
import dev.procrastinate.spi.TaskParameter;
import dev.procrastinate.spi.TaskRegistrar;
import dev.procrastinate.testing.Sql;
import dev.procrastinate.testing.TestDatabase;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

/**
 * A configured schema is used by its exact name everywhere: {@code MySchema} is the schema {@code
 * "MySchema"}, created by the migration, then deferred into and worked from, and never confused
 * with {@code myschema}.
 */
class MixedCaseSchemaTest {
  @RegisterExtension static final TestDatabase DB = TestDatabase.empty();

  private final List<Integer> ran = new CopyOnWriteArrayList<>();

  private final TaskRegistrar tasks =
      () ->
          List.of(
              TaskDescriptor.builder("mixed.record")
                  .parameter(TaskParameter.required("n", "int"))
                  .build(
                      (context, args) -> {
                        ran.add(args.getInt("n"));
                        return null;
                      }));

  private App app(String schema) {
    return App.builder().config(DB.config(schema)).taskRegistrars(List.of(tasks)).build();
  }

  @Test
  void aMixedCaseSchemaIsMigratedDeferredIntoAndWorkedFrom() throws Exception {
    Sql sql = new Sql(DB.dataSource());
    try (App app = app("MySchema")) {
      assertThat(app.schemaManager().pendingScripts()).isNotEmpty();

      SchemaManager.MigrationResult created = app.schemaManager().migrate();
      assertThat(created.outcome()).isEqualTo(SchemaManager.MigrationResult.Outcome.CREATED);
      assertThat(created.schema()).isEqualTo("MySchema");
      assertThat(sql.column("SELECT nspname FROM pg_namespace WHERE lower(nspname) = 'myschema'"))
          .containsExactly("MySchema");
      assertThat(sql.value("SELECT to_regclass('\"MySchema\".procrastinate_jobs') IS NOT NULL"))
          .isEqualTo("t");
      assertThat(app.schemaManager().pendingScripts()).isEmpty();
      assertThat(app.schemaManager().migrate().outcome())
          .isEqualTo(SchemaManager.MigrationResult.Outcome.UP_TO_DATE);

      long id = app.jobManager().defer(NewJob.builder("mixed.record").arg("n", 7).build());
      assertThat(
              sql.value("SELECT task_name FROM \"MySchema\".procrastinate_jobs WHERE id = ?", id))
          .isEqualTo("mixed.record");
      app.worker(WorkerOptions.builder().waitForJobs(false).installSignalHandlers(false).build())
          .run();
      assertThat(ran).containsExactly(7);
      assertThat(app.jobManager().getStatus(id)).contains(JobStatus.SUCCEEDED);
    }

    // The lower-case name is another schema: migrating it creates its own tables.
    try (App lower = app("myschema")) {
      assertThat(lower.schemaManager().migrate().outcome())
          .isEqualTo(SchemaManager.MigrationResult.Outcome.CREATED);
      assertThat(lower.jobManager().getStatus(1)).isEmpty();
    }
    assertThat(
            sql.column(
                "SELECT nspname FROM pg_namespace WHERE lower(nspname) = 'myschema' ORDER BY 1"))
        .containsExactly("MySchema", "myschema");
  }
}
