package dev.procrastinate;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.procrastinate.model.EventRecording;
import dev.procrastinate.model.JobStatus;
import dev.procrastinate.model.QueueBacklog;
import dev.procrastinate.operations.Operations;
import dev.procrastinate.spi.TaskDescriptor;
import dev.procrastinate.spi.TaskRegistrar;
import dev.procrastinate.testing.PgLocks;
import dev.procrastinate.testing.Sql;
import dev.procrastinate.testing.TestDatabase;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.SQLException;
import java.sql.Statement;
import java.time.Duration;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

/**
 * Lean event recording (migration V12): the switch goes both ways for every writer, drops exactly
 * the {@code deferred} and {@code started} rows, keeps what deleting old jobs and the backlog read,
 * waits for the job table's lock without holding writers back, and a hand-made arrangement of the
 * triggers shows as mixed in the health check.
 */
class EventRecordingTest {
  @RegisterExtension static final TestDatabase DB = TestDatabase.migrated();

  /** The statuses a job can be updated from and to ({@code aborting} is legacy, never written). */
  private static final List<String> STATUSES =
      List.of("todo", "doing", "succeeded", "failed", "cancelled", "aborted");

  private final TaskRegistrar tasks =
      () ->
          List.of(
              TaskDescriptor.builder("ev.fine").source("test").build((context, args) -> null),
              TaskDescriptor.builder("ev.flaky")
                  .source("test")
                  .retryStrategy(RetryStrategy.builder().maxAttempts(2).build())
                  .build(
                      (context, args) -> {
                        throw new IllegalStateException("down");
                      }));

  private Sql sql;

  @BeforeEach
  void setUp() throws SQLException {
    sql = new Sql(DB.dataSource());
    sql.execute("DELETE FROM procrastinate_jobs");
  }

  @AfterEach
  void backToFull() {
    DB.app().jobManager().setEventRecording(EventRecording.Mode.FULL);
  }

  @Test
  void aMigratedSchemaRecordsEveryStatusChangeAndTheSwitchGoesBothWays() {
    JobManager jobs = DB.app().jobManager();
    assertThat(jobs.eventRecording().mode()).isEqualTo(EventRecording.Mode.FULL);

    EventRecording lean = jobs.setEventRecording(EventRecording.Mode.LEAN);
    assertThat(lean.mode()).isEqualTo(EventRecording.Mode.LEAN);
    assertThat(lean.enabled()).containsExactly(EventRecording.LEAN_UPDATE_TRIGGER);
    assertThat(jobs.eventRecording()).isEqualTo(lean);
    // Setting the mode in place again changes nothing.
    assertThat(jobs.setEventRecording(EventRecording.Mode.LEAN)).isEqualTo(lean);

    EventRecording full = jobs.setEventRecording(EventRecording.Mode.FULL);
    assertThat(full.mode()).isEqualTo(EventRecording.Mode.FULL);
    assertThat(full.disabled()).containsExactly(EventRecording.LEAN_UPDATE_TRIGGER);

    assertThatThrownBy(() -> jobs.setEventRecording(EventRecording.Mode.MIXED))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessageContaining("full or lean");
    assertThatThrownBy(() -> EventRecording.Mode.parse("quiet"))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessageContaining("'quiet' is not a mode", "'full'", "'lean'");
    assertThat(EventRecording.Mode.parse(" Lean ")).isEqualTo(EventRecording.Mode.LEAN);
  }

  /**
   * Every status change, from each status to each other, in both modes: lean recording writes what
   * upstream's trigger writes, but nothing for the start ({@code todo} to {@code doing}) and
   * nothing at the insert of a waiting job.
   */
  @Test
  void leanRecordingWritesTheEventsOfUpstreamsTriggerButTheDeferAndTheStart() throws SQLException {
    Map<String, List<String>> full = eventsOfEveryChange();
    DB.app().jobManager().setEventRecording(EventRecording.Mode.LEAN);
    Map<String, List<String>> lean = eventsOfEveryChange();

    assertThat(full.get("insert todo")).containsExactly("deferred");
    assertThat(lean.get("insert todo")).isEmpty();
    assertThat(full.get("todo -> doing")).containsExactly("started");
    assertThat(lean.get("todo -> doing")).isEmpty();
    // Every other change writes the same events in both modes; several write one.
    assertThat(full.get("doing -> succeeded")).containsExactly("succeeded");
    assertThat(full.get("failed -> todo")).containsExactly("retried");
    Map<String, List<String>> others = new LinkedHashMap<>(full);
    others.remove("insert todo");
    others.remove("todo -> doing");
    assertThat(others.values().stream().filter(events -> !events.isEmpty()).count())
        .isGreaterThanOrEqualTo(7);
    others.forEach((change, events) -> assertThat(lean.get(change)).as(change).isEqualTo(events));
  }

  /** The events each insert and each status change writes, by change. */
  private Map<String, List<String>> eventsOfEveryChange() throws SQLException {
    Map<String, List<String>> events = new LinkedHashMap<>();
    long id = insert("todo");
    events.put("insert todo", sql.events(id));
    for (String from : STATUSES) {
      for (String to : STATUSES) {
        if (from.equals(to)) {
          continue;
        }
        long job = insert(from);
        sql.execute("DELETE FROM procrastinate_events WHERE job_id = ?", job);
        sql.execute(
            "UPDATE procrastinate_jobs SET status = ?::procrastinate_job_status WHERE id = ?",
            to,
            job);
        events.put(from + " -> " + to, sql.events(job));
      }
    }
    sql.execute("DELETE FROM procrastinate_jobs");
    return events;
  }

  private long insert(String status) throws SQLException {
    return Long.parseLong(
        sql.value(
            "INSERT INTO procrastinate_jobs (queue_name, task_name, args, status)"
                + " VALUES ('ev', 'ev.fine', '{}', ?::procrastinate_job_status) RETURNING id",
            status));
  }

  /**
   * A worker's run under lean recording leaves each job its retries and its end, so that old jobs
   * are still deleted by the age of their latest event; a due job deferred under lean recording has
   * no wait the backlog can tell, and says so.
   */
  @Test
  void aLeanWorkerRunKeepsTheRetriesAndEndsThatDeletingOldJobsReads() throws Exception {
    DB.app().jobManager().setEventRecording(EventRecording.Mode.LEAN);
    try (App app =
        App.builder().dataSource(DB.dataSource()).taskRegistrars(List.of(tasks)).build()) {
      JobManager jobs = app.jobManager();
      long fine = jobs.defer(NewJob.builder("ev.fine").build());
      long flaky = jobs.defer(NewJob.builder("ev.flaky").build());

      List<QueueBacklog> backlog = jobs.queueBacklog();
      assertThat(backlog).singleElement().satisfies(q -> assertThat(q.due()).isEqualTo(2));
      assertThat(backlog.get(0).oldestDueAgeKnown()).isFalse();

      app.worker(
              WorkerOptions.builder()
                  .installSignalHandlers(false)
                  .waitForJobs(false)
                  .deleteJobs(DeleteJobs.NEVER)
                  .build())
          .run();

      assertThat(jobs.getStatus(fine)).contains(JobStatus.SUCCEEDED);
      assertThat(jobs.getStatus(flaky)).contains(JobStatus.FAILED);
      assertThat(sql.events(fine)).containsExactly("succeeded");
      assertThat(sql.events(flaky))
          .doesNotContain("deferred", "started")
          .contains("deferred_for_retry", "failed");

      assertThat(jobs.deleteOldJobs(Duration.ofHours(1), null, true, false, false)).isZero();
      sql.execute("UPDATE procrastinate_events SET at = at - interval '2 hours'");
      assertThat(jobs.deleteOldJobs(Duration.ofHours(1), null, true, false, false)).isEqualTo(2);

      // Back to full: a job deferred now is dated again.
      jobs.setEventRecording(EventRecording.Mode.FULL);
      jobs.defer(NewJob.builder("ev.fine").build());
      assertThat(jobs.queueBacklog())
          .singleElement()
          .satisfies(q -> assertThat(q.oldestDueAgeKnown()).isTrue());
    }
  }

  /**
   * While a writer's transaction holds the job table, the switch asks for its lock 100 ms at a time
   * and other writers go on inserting, none waiting a second; once its longest wait has passed it
   * gives up with a hint, and once the table is free it switches.
   */
  @Test
  void theSwitchWaitsForTheTablesLockWithoutHoldingWritersBack() throws Exception {
    try (Connection holder = DB.newConnection();
        Connection switcher = DB.newConnection();
        Connection writer = DB.newConnection()) {
      holder.setAutoCommit(false);
      try (Statement statement = holder.createStatement()) {
        statement.execute("LOCK TABLE procrastinate_jobs IN ROW EXCLUSIVE MODE");
      }
      CompletableFuture<String> gaveUp =
          CompletableFuture.supplyAsync(() -> trySwitch(switcher, "lean", "2 seconds"));
      PgLocks.awaitWaitingRequest(DB, "procrastinate_jobs");
      try (Statement statement = writer.createStatement()) {
        statement.execute("SET lock_timeout = '1s'");
      }
      int inserted = 0;
      try (PreparedStatement insert =
          writer.prepareStatement(
              "INSERT INTO procrastinate_jobs (queue_name, task_name, args, status)"
                  + " VALUES ('ev', 'ev.fine', '{}', 'todo')")) {
        while (!gaveUp.isDone()) {
          inserted += insert.executeUpdate();
        }
      }
      assertThat(inserted).isPositive();
      assertThat(gaveUp.get(10, TimeUnit.SECONDS))
          .contains("55P03", "was not switched to lean", "pg_stat_activity");
      assertThat(DB.app().jobManager().eventRecording().mode()).isEqualTo(EventRecording.Mode.FULL);

      CompletableFuture<String> switched =
          CompletableFuture.supplyAsync(() -> trySwitch(switcher, "lean", "30 seconds"));
      PgLocks.awaitWaitingRequest(DB, "procrastinate_jobs");
      holder.commit();
      assertThat(switched.get(10, TimeUnit.SECONDS)).isEqualTo("lean");
      assertThat(DB.app().jobManager().eventRecording().mode()).isEqualTo(EventRecording.Mode.LEAN);
    }
  }

  /** Calls the SQL switch; returns its result, or the SQL state and message of its error. */
  private static String trySwitch(Connection connection, String mode, String maxWait) {
    try (PreparedStatement statement =
        connection.prepareStatement(
            "SELECT procrastinate_java_set_event_recording_v1(?, ?::interval)")) {
      statement.setString(1, mode);
      statement.setString(2, maxWait);
      try (var result = statement.executeQuery()) {
        result.next();
        return result.getString(1);
      }
    } catch (SQLException e) {
      return e.getSQLState() + " " + e.getMessage();
    }
  }

  /**
   * A trigger disabled by hand leaves an arrangement that is neither mode: the health check fails
   * with what to do, and setting a mode repairs it. Running the migration script again keeps lean
   * recording in place.
   */
  @Test
  void aHandMadeArrangementIsMixedAndFailsTheHealthCheckUntilAModeIsSet() throws Exception {
    sql.execute(
        "ALTER TABLE procrastinate_jobs DISABLE TRIGGER " + EventRecording.UPSTREAM_UPDATE_TRIGGER);
    EventRecording mixed = DB.app().jobManager().eventRecording();
    assertThat(mixed.mode()).isEqualTo(EventRecording.Mode.MIXED);
    assertThat(mixed.enabled()).containsExactly(EventRecording.UPSTREAM_INSERT_TRIGGER);
    HealthReport report = new Operations(DB.app()).healthChecks();
    assertThat(report.healthy()).isFalse();
    assertThat(report.checks())
        .filteredOn(check -> check.name().equals("events"))
        .singleElement()
        .satisfies(
            check ->
                assertThat(check.detail())
                    .contains("mixed", "twice or not at all", "procrastinate schema --events"));

    DB.app().jobManager().setEventRecording(EventRecording.Mode.LEAN);
    assertThat(new Operations(DB.app()).healthChecks().toString())
        .contains("events: OK (lean, no 'deferred' or 'started' event rows");
    String script =
        Operations.migrationScripts().stream()
            .filter(s -> s.version().equals("12"))
            .findFirst()
            .orElseThrow()
            .sql();
    try (Connection connection = DB.newConnection();
        Statement statement = connection.createStatement()) {
      statement.execute(script);
    }
    assertThat(DB.app().jobManager().eventRecording().mode()).isEqualTo(EventRecording.Mode.LEAN);
  }
}
