package dev.procrastinate;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.procrastinate.model.JobFailure;
import dev.procrastinate.model.JobStatus;
import dev.procrastinate.spi.TaskDescriptor;
import dev.procrastinate.spi.TaskHandler;
import dev.procrastinate.spi.TaskRegistrar;
import dev.procrastinate.testing.Await;
import dev.procrastinate.testing.Sql;
import dev.procrastinate.testing.TestDatabase;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

/**
 * What tasks return is stored with their success, in {@code procrastinate_java_job_results}, and
 * read back through the job manager: records, lists and maps round-trip; none is stored for a void
 * task, a null or an empty {@code Optional}; a result too large or not writable as JSON fails the
 * run with a message; a job the delete policy removes takes its result with it.
 */
class JobResultsTest {
  @RegisterExtension static final TestDatabase DB = TestDatabase.migrated();

  /** A result of a record type. */
  record Invoice(long id, String customer, List<String> lines) {}

  private Sql sql;
  private App app;

  @BeforeEach
  void setUp() throws Exception {
    sql = new Sql(DB.dataSource());
    sql.execute("DELETE FROM procrastinate_jobs");
    sql.execute("DELETE FROM procrastinate_workers");
    List<TaskDescriptor> tasks = new ArrayList<>();
    tasks.add(task("r.record", (c, a) -> new Invoice(7, "ACME", List.of("one", "two"))));
    tasks.add(task("r.list", (c, a) -> List.of("a", "b", "c")));
    tasks.add(task("r.map", (c, a) -> Map.of("sent", 3, "bounced", 1)));
    tasks.add(task("r.void", (c, a) -> null));
    tasks.add(task("r.empty", (c, a) -> Optional.empty()));
    tasks.add(task("r.present", (c, a) -> Optional.of("here")));
    tasks.add(task("r.huge", (c, a) -> "x".repeat(JobManager.MAX_RESULT_BYTES)));
    tasks.add(task("r.object", (c, a) -> new Object()));
    TaskRegistrar registrar = () -> tasks;
    app = App.builder().dataSource(DB.dataSource()).taskRegistrars(List.of(registrar)).build();
  }

  @AfterEach
  void tearDown() {
    app.close();
  }

  private static TaskDescriptor task(String name, TaskHandler handler) {
    return TaskDescriptor.builder(name).source("JobResultsTest").build(handler);
  }

  private long run(String task, DeleteJobs policy) throws InterruptedException {
    long id = app.jobManager().defer(NewJob.builder(task).build());
    try (Worker worker =
        app.worker(
            WorkerOptions.builder()
                .installSignalHandlers(false)
                .waitForJobs(false)
                .deleteJobs(policy)
                .build())) {
      worker.run();
    }
    Await.until(
        Duration.ofSeconds(30),
        () -> app.jobManager().getStatus(id).map(s -> s != JobStatus.DOING).orElse(true),
        "job " + id + " to end");
    return id;
  }

  private long run(String task) throws InterruptedException {
    return run(task, DeleteJobs.NEVER);
  }

  @Test
  void recordsListsAndMapsRoundTrip() throws Exception {
    long invoice = run("r.record");
    long list = run("r.list");
    long map = run("r.map");

    assertThat(app.jobManager().result(invoice, Invoice.class))
        .contains(new Invoice(7, "ACME", List.of("one", "two")));
    assertThat(app.jobManager().resultJson(invoice))
        .contains("{\"id\": 7, \"lines\": [\"one\", \"two\"], \"customer\": \"ACME\"}");
    assertThat(app.jobManager().result(list, List.class)).contains(List.of("a", "b", "c"));
    assertThat(app.jobManager().result(map, Map.class)).contains(Map.of("sent", 3, "bounced", 1));
    assertThat(app.jobManager().getStatus(map)).contains(JobStatus.SUCCEEDED);
  }

  @Test
  void aVoidTaskANullAndAnEmptyOptionalStoreNoneAPresentOneStoresItsValue() throws Exception {
    assertThat(app.jobManager().resultJson(run("r.void"))).isEmpty();
    assertThat(app.jobManager().resultJson(run("r.empty"))).isEmpty();
    assertThat(app.jobManager().result(run("r.present"), String.class)).contains("here");
    assertThat(app.jobManager().resultJson(424242)).as("no such job").isEmpty();
  }

  @Test
  void aResultThatDoesNotDecodeIntoTheAskedTypeSaysSo() throws Exception {
    long list = run("r.list");
    assertThatThrownBy(() -> app.jobManager().result(list, Invoice.class))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessageContaining("the result of job " + list + " does not decode into")
        .hasMessageContaining("Invoice");
  }

  @Test
  void aResultOverTheBoundOrNotJsonFailsTheRunWithAMessageAndTheWorkerGoesOn() throws Exception {
    long huge = run("r.huge");
    long object = run("r.object");
    long after = run("r.record");

    assertThat(app.jobManager().getStatus(huge)).contains(JobStatus.FAILED);
    assertThat(app.jobManager().resultJson(huge)).isEmpty();
    assertThat(app.jobManager().failures(huge))
        .singleElement()
        .extracting(JobFailure::message)
        .asString()
        .contains("the result of task r.huge is")
        .contains("over the " + JobManager.MAX_RESULT_BYTES + " bytes a result may hold")
        .contains("return its key");
    assertThat(app.jobManager().getStatus(object)).contains(JobStatus.FAILED);
    assertThat(app.jobManager().failures(object))
        .singleElement()
        .extracting(JobFailure::message)
        .asString()
        .contains("the result of task r.object (a java.lang.Object) cannot be written as JSON");
    assertThat(app.jobManager().getStatus(after)).contains(JobStatus.SUCCEEDED);
  }

  @Test
  void aJobTheDeletePolicyRemovesTakesItsResultWithIt() throws Exception {
    long deleted = run("r.record", DeleteJobs.SUCCESSFUL);
    assertThat(app.jobManager().getJob(deleted)).isEmpty();
    assertThat(app.jobManager().resultJson(deleted)).isEmpty();
    assertThat(sql.value("SELECT count(*) FROM procrastinate_java_job_results")).isEqualTo("0");

    long kept = run("r.record");
    sql.execute("DELETE FROM procrastinate_jobs WHERE id = ?", kept);
    assertThat(app.jobManager().resultJson(kept)).as("removed with its job").isEmpty();
  }
}
