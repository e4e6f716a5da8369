package dev.procrastinate.operations;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.zaxxer.hikari.HikariDataSource;
import dev.procrastinate.App;
import dev.procrastinate.NewJob;
import dev.procrastinate.spi.TaskDescriptor;
import dev.procrastinate.spi.TaskParameter;
import dev.procrastinate.spi.TaskRegistrar;
import dev.procrastinate.testing.Sql;
import dev.procrastinate.testing.TestDatabase;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

/**
 * {@link Operations#check()} on real PostgreSQL, one finding at a time: each test defers jobs as
 * the deployed code did, then checks them against the new code's tasks.
 */
class CheckTest {
  @RegisterExtension static final TestDatabase DB = TestDatabase.empty();
  private static final AtomicInteger SCHEMAS = new AtomicInteger();

  private final List<AutoCloseable> open = new ArrayList<>();
  private String schema = "";
  private Sql sql;

  /** A parameter type nested in a class, whose source name differs from its binary name. */
  public record Parcel(String address, int grams) {}

  /** The new code's tasks. */
  private static TaskRegistrar tasks(String... aliasesOfSend) {
    return () ->
        List.of(
            TaskDescriptor.builder("mail.send")
                .aliases(aliasesOfSend)
                .queue("emails")
                .parameter(TaskParameter.required("user_id", "long"))
                .parameter(TaskParameter.optional("cc", "java.util.Optional<java.lang.String>"))
                .parameter(
                    TaskParameter.optional(
                        "tags", "java.util.Optional<java.util.List<java.lang.Integer>>"))
                .build((context, args) -> null),
            TaskDescriptor.builder("shipping.send")
                .parameter(
                    TaskParameter.required(
                        "parcels", "java.util.List<" + Parcel.class.getCanonicalName() + ">"))
                .build((context, args) -> null),
            TaskDescriptor.builder("reports.nightly")
                .parameter(TaskParameter.required("timestamp", "long"))
                .build((context, args) -> null));
  }

  @BeforeEach
  void freshSchema() throws Exception {
    schema = "check_" + SCHEMAS.incrementAndGet();
    App app = app(tasks());
    app.schemaManager().migrate();
    HikariDataSource dataSource = DB.newDataSource(schema);
    open.add(dataSource);
    sql = new Sql(dataSource);
  }

  @AfterEach
  void close() throws Exception {
    for (AutoCloseable closeable : open) {
      closeable.close();
    }
  }

  private App app(TaskRegistrar registrar) {
    App app = App.builder().config(DB.config(schema)).taskRegistrars(List.of(registrar)).build();
    open.add(app);
    return app;
  }

  private long defer(String task, String queue, String args) {
    return app(tasks())
        .jobManager()
        .defer(NewJob.builder(task).queue(queue).argsJson(args).build());
  }

  @Test
  void passesWhenTheCodeCanRunEveryWaitingJob() {
    defer("mail.send", "emails", "{\"user_id\": 1}");
    defer("mail.send", "emails", "{\"user_id\": 2, \"cc\": \"boss\", \"tags\": [1, 2]}");
    defer("reports.nightly", "default", "{\"timestamp\": 1700000000}");

    CheckReport report = new Operations(app(tasks())).check();

    assertThat(report.findings()).isEmpty();
    assertThat(report.passed()).isTrue();
    assertThat(report.waitingJobs()).isEqualTo(3);
    assertThat(report.decodedJobs()).isEqualTo(3);
    assertThat(report.summary())
        .startsWith("check passed: 0 errors, 0 warnings; 3 waiting jobs (0 running)");
  }

  @Test
  void aRenamedTaskWithoutAliasIsAnErrorNamingTheTaskTheCountAndTheFix() {
    long first = defer("mail.send_old", "emails", "{\"user_id\": 1}");
    long second = defer("mail.send_old", "emails", "{\"user_id\": 2}");

    CheckReport report = new Operations(app(tasks())).check();

    assertThat(report.passed()).isFalse();
    assertThat(report.errors()).hasSize(1);
    CheckFinding error = report.errors().get(0);
    assertThat(error.kind()).isEqualTo(CheckFinding.Kind.UNKNOWN_TASK);
    assertThat(error.task()).isEqualTo("mail.send_old");
    assertThat(error.jobs()).isEqualTo(2);
    assertThat(error.exampleJobIds()).containsExactly(first, second);
    assertThat(error.message())
        .contains("task 'mail.send_old' is not declared by the code")
        .contains("2 waiting jobs")
        .contains("ids " + first + ", " + second)
        .contains("@Task(aliases = \"mail.send_old\")");
    assertThat(report.summary()).startsWith("check failed: 1 error, 0 warnings");

    // The alias is the fix: the same jobs now pass, their arguments checked against the new task.
    CheckReport withAlias = new Operations(app(tasks("mail.send_old"))).check();
    assertThat(withAlias.findings()).isEmpty();
    assertThat(withAlias.decodedJobs()).isEqualTo(2);
  }

  @Test
  void argumentsThatNoLongerDecodeAreAnErrorNamingTheArgumentAndTheJobs() {
    List<Long> wrongType = new ArrayList<>();
    for (int i = 0; i < 7; i++) {
      wrongType.add(defer("mail.send", "emails", "{\"user_id\": \"user-" + i + "\"}"));
    }
    long unknownKey = defer("mail.send", "emails", "{\"user_id\": 1, \"template\": \"x\"}");
    defer("mail.send", "emails", "{\"cc\": \"boss\"}");
    long badList = defer("mail.send", "emails", "{\"user_id\": 1, \"tags\": [\"a\"]}");
    defer("mail.send", "emails", "{\"user_id\": 5}");

    CheckReport report = new Operations(app(tasks())).check();

    assertThat(report.passed()).isFalse();
    assertThat(report.decodedJobs()).isEqualTo(11);
    assertThat(report.errors())
        .allSatisfy(f -> assertThat(f.kind()).isEqualTo(CheckFinding.Kind.UNDECODABLE_ARGUMENTS))
        .extracting(CheckFinding::argument)
        .containsExactlyInAnyOrder("user_id", "template", "tags");
    CheckFinding userId = finding(report, "user_id");
    // Seven jobs, five shown: the lowest ids.
    assertThat(userId.jobs()).isEqualTo(7 + 1);
    assertThat(userId.exampleJobIds()).hasSize(5).isSorted();
    assertThat(userId.message())
        .contains("8 waiting jobs of task 'mail.send'")
        .contains("argument 'user_id'")
        .contains("ids " + wrongType.get(0) + ", ")
        .contains(", ...");
    assertThat(finding(report, "template").exampleJobIds()).containsExactly(unknownKey);
    assertThat(finding(report, "template").message()).contains("has no parameter 'template'");
    assertThat(userId.exampleJobIds()).contains(wrongType.get(0)).doesNotContain(badList);
    assertThat(finding(report, "tags").exampleJobIds()).containsExactly(badList);
    assertThat(finding(report, "tags").message()).contains("java.util.List<java.lang.Integer>");
  }

  @Test
  void argumentsOfANestedTypeAreDecodedIntoIt() {
    defer("shipping.send", "default", "{\"parcels\": [{\"address\": \"a\", \"grams\": 3}]}");
    long bad =
        defer(
            "shipping.send",
            "default",
            "{\"parcels\": [{\"address\": \"a\", \"grams\": \"heavy\"}]}");

    CheckReport report = new Operations(app(tasks())).check();

    assertThat(report.errors())
        .singleElement()
        .satisfies(
            error -> {
              assertThat(error.argument()).isEqualTo("parcels");
              assertThat(error.exampleJobIds()).containsExactly(bad);
              assertThat(error.message()).contains("heavy");
            });
  }

  @Test
  void everyWaitingJobIsStreamedPastTheFetchSize() throws Exception {
    int count = 2 * dev.procrastinate.internal.sql.CheckDao.FETCH_SIZE + 500;
    sql.execute(
        "INSERT INTO procrastinate_jobs (queue_name, task_name, args)"
            + " SELECT 'emails', 'mail.send', jsonb_build_object('user_id', g)"
            + " FROM generate_series(1, ?) g",
        count);
    long bad = defer("mail.send", "emails", "{\"user_id\": 1.5}");

    CheckReport report = new Operations(app(tasks())).check();

    assertThat(report.decodedJobs()).isEqualTo(count + 1);
    assertThat(report.errors())
        .singleElement()
        .satisfies(f -> assertThat(f.exampleJobIds()).containsExactly(bad));
  }

  @Test
  void jobsLeftOnTheOldDefaultQueueWarnUntilAWorkerServesIt() throws Exception {
    long waiting = defer("mail.send", "mail_old", "{\"user_id\": 1}");
    defer("mail.send", "emails", "{\"user_id\": 2}");

    CheckReport report = new Operations(app(tasks())).check();

    assertThat(report.passed()).isTrue();
    assertThat(report.warnings())
        .singleElement()
        .satisfies(
            warning -> {
              assertThat(warning.kind()).isEqualTo(CheckFinding.Kind.QUEUE_WITHOUT_WORKER);
              assertThat(warning.queue()).isEqualTo("mail_old");
              assertThat(warning.exampleJobIds()).containsExactly(waiting);
              assertThat(warning.message())
                  .contains("queue 'mail_old'")
                  .contains("default queue is now 'emails'")
                  .contains("--queues mail_old");
            });

    // A live worker runs a job of that queue: the queue is served.
    defer("mail.send", "mail_old", "{\"user_id\": 3}");
    String worker = sql.value("SELECT worker_id FROM procrastinate_register_worker_v1()");
    long running =
        Long.parseLong(
            sql.value(
                "SELECT id FROM procrastinate_fetch_job_v2(ARRAY['mail_old']::varchar[], ?)",
                Long.valueOf(worker)));
    assertThat(new Operations(app(tasks())).check().warnings()).isEmpty();

    // Its heartbeat goes stale: no longer served.
    sql.execute("UPDATE procrastinate_workers SET last_heartbeat = now() - interval '1 hour'");
    assertThat(new Operations(app(tasks())).check().warnings())
        .extracting(CheckFinding::kind)
        .containsExactly(CheckFinding.Kind.QUEUE_WITHOUT_WORKER);

    // Beating again, the worker ended the job a moment ago, and lean event recording wrote no
    // start: the recorded end says the queue is served.
    sql.execute("UPDATE procrastinate_workers SET last_heartbeat = now()");
    sql.finish(running, "succeeded");
    sql.execute("DELETE FROM procrastinate_events WHERE type = 'started'");
    assertThat(new Operations(app(tasks())).check().warnings()).isEmpty();
  }

  @Test
  void recentFailuresOfATaskAreANote() throws Exception {
    long failed = defer("mail.send", "emails", "{\"user_id\": 1}");
    long older = defer("mail.send", "emails", "{\"user_id\": 2}");
    sql.execute(
        "INSERT INTO procrastinate_java_job_failures (job_id, attempt, status, exception_class,"
            + " failed_at) VALUES (?, 1, 'failed', 'java.io.IOException', now()),"
            + " (?, 2, 'failed', 'java.io.IOException', now()),"
            + " (?, 1, 'failed', 'java.io.IOException', now() - interval '2 hours')",
        failed,
        failed,
        older);

    CheckReport report = new Operations(app(tasks())).check();

    assertThat(report.passed()).isTrue();
    assertThat(report.findings())
        .filteredOn(finding -> finding.kind() == CheckFinding.Kind.RECENT_FAILURES)
        .singleElement()
        .satisfies(
            note -> {
              assertThat(note.severity()).isEqualTo(CheckFinding.Severity.INFO);
              assertThat(note.task()).isEqualTo("mail.send");
              assertThat(note.jobs()).isEqualTo(2);
              assertThat(note.message())
                  .startsWith("2 attempts of task 'mail.send' failed in the last hour")
                  .contains("list_jobs task=mail.send status=failed details");
            });
  }

  @Test
  void periodicTicksOfAGoneTaskWarn() throws Exception {
    sql.execute(
        "INSERT INTO procrastinate_periodic_defers (task_name, defer_timestamp, periodic_id)"
            + " VALUES ('reports.weekly', 1700000000, ''), ('reports.weekly', 1700600000, 'b'),"
            + " ('reports.nightly', 1700000000, '')");

    CheckReport report = new Operations(app(tasks())).check();

    assertThat(report.passed()).isTrue();
    assertThat(report.warnings())
        .singleElement()
        .satisfies(
            warning -> {
              assertThat(warning.kind()).isEqualTo(CheckFinding.Kind.PERIODIC_TASK_GONE);
              assertThat(warning.task()).isEqualTo("reports.weekly");
              assertThat(warning.jobs()).isEqualTo(2);
              assertThat(warning.message())
                  .contains("periodic task 'reports.weekly' has 2 ticks")
                  .contains("the latest " + java.time.Instant.ofEpochSecond(1700600000));
            });
  }

  @Test
  void runningJobsOfAGoneTaskAreANoteAndTheJsonCarriesEveryFinding() throws Exception {
    defer("mail.gone", "emails", "{}");
    long waiting = defer("mail.gone", "emails", "{}");
    String worker = sql.value("SELECT worker_id FROM procrastinate_register_worker_v1()");
    sql.fetch(Long.valueOf(worker));

    CheckReport report = new Operations(app(tasks())).check();

    assertThat(report.runningJobs()).isEqualTo(1);
    assertThat(report.findings())
        .extracting(CheckFinding::severity, CheckFinding::kind)
        .containsExactly(
            org.assertj.core.groups.Tuple.tuple(
                CheckFinding.Severity.ERROR, CheckFinding.Kind.UNKNOWN_TASK),
            org.assertj.core.groups.Tuple.tuple(
                CheckFinding.Severity.INFO, CheckFinding.Kind.RUNNING_UNKNOWN_TASK));
    JsonNode json = new ObjectMapper().readTree(report.toJson());
    assertThat(json.get("passed").asBoolean()).isFalse();
    assertThat(json.get("errors").asInt()).isEqualTo(1);
    assertThat(json.get("waitingJobs").asLong()).isEqualTo(1);
    assertThat(json.get("summary").asText()).isEqualTo(report.summary());
    assertThat(json.get("findings").get(0).get("exampleJobIds").get(0).asLong()).isEqualTo(waiting);
    assertThat(json.get("findings").get(0).get("kind").asText()).isEqualTo("UNKNOWN_TASK");
    assertThat(report.toString()).endsWith(report.summary() + "\n").startsWith("ERROR: task");
  }

  private static CheckFinding finding(CheckReport report, String argument) {
    return report.findings().stream()
        .filter(f -> argument.equals(f.argument()))
        .findFirst()
        .orElseThrow(() -> new AssertionError("no finding for " + argument + ": " + report));
  }
}
