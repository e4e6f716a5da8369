package dev.procrastinate;

import static org.assertj.core.api.Assertions.assertThat;

import dev.procrastinate.model.FlowControl;
import dev.procrastinate.model.JobStatus;
import dev.procrastinate.model.LimitTarget;
import dev.procrastinate.model.RateLimit;
import dev.procrastinate.spi.TaskDescriptor;
import dev.procrastinate.spi.TaskParameter;
import dev.procrastinate.spi.TaskRegistrar;
import dev.procrastinate.testing.Await;
import dev.procrastinate.testing.Sql;
import dev.procrastinate.testing.TestDatabase;
import dev.procrastinate.testing.WorkerProcess;
import java.io.BufferedReader;
import java.io.InputStreamReader;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.function.BooleanSupplier;
import java.util.stream.IntStream;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

/**
 * Flow control across a fleet of workers on PostgreSQL: paused queues, concurrency limits and rate
 * limits, as {@code procrastinate_java_fetch_jobs_v4} applies them and the workers follow them.
 * Every run records its own start and end in {@code flow_runs} (the database's clock), from which
 * the peaks are measured.
 */
class FlowControlTest {
  @RegisterExtension static final TestDatabase DB = TestDatabase.migrated();

  private static final String LIMITED = "flow.limited";
  private static final String FREE = "flow.free";
  private static final String DECLARED = "flow.declared";

  private final CountDownLatch gate = new CountDownLatch(1);
  private Sql sql;
  private App app;

  @BeforeEach
  void setUp() throws Exception {
    sql = new Sql(DB.dataSource());
    sql.execute("DELETE FROM procrastinate_jobs");
    sql.execute("DELETE FROM procrastinate_workers");
    sql.execute("DELETE FROM procrastinate_java_flow_controls");
    sql.execute(
        "CREATE TABLE IF NOT EXISTS flow_runs (job_id bigint, task text, started_at timestamptz,"
            + " ended_at timestamptz)");
    sql.execute("TRUNCATE flow_runs");
    TaskRegistrar registrar =
        () ->
            List.of(
                recording(TaskDescriptor.builder(LIMITED)),
                recording(TaskDescriptor.builder(FREE)),
                recording(TaskDescriptor.builder(DECLARED).concurrencyLimit(2)));
    app = App.builder().dataSource(DB.dataSource()).taskRegistrars(List.of(registrar)).build();
  }

  @AfterEach
  void tearDown() {
    gate.countDown();
    app.close();
  }

  /**
   * A task that records its run, sleeps for {@code millis} (default 0), and waits at the gate when
   * asked to.
   */
  private TaskDescriptor recording(TaskDescriptor.Builder builder) {
    return builder
        .parameter(TaskParameter.optional("millis", "int"))
        .parameter(TaskParameter.optional("gate", "boolean"))
        .source("FlowControlTest")
        .build(
            (context, args) -> {
              long id = context.job().id();
              String task = context.job().taskName();
              record("INSERT INTO flow_runs VALUES (?, ?, clock_timestamp(), NULL)", id, task);
              Thread.sleep(args.getOptional("millis", Integer.class).orElse(0));
              if (args.getOptional("gate", Boolean.class).orElse(false)) {
                gate.await(60, TimeUnit.SECONDS);
              }
              record("UPDATE flow_runs SET ended_at = clock_timestamp() WHERE job_id = ?", id);
              return null;
            });
  }

  private static void record(String statement, Object... params) throws SQLException {
    try (Connection connection = DB.newConnection();
        PreparedStatement prepared = connection.prepareStatement(statement)) {
      for (int i = 0; i < params.length; i++) {
        prepared.setObject(i + 1, params[i]);
      }
      prepared.executeUpdate();
    }
  }

  private WorkerOptions.Builder options(int concurrency) {
    return WorkerOptions.builder()
        .installSignalHandlers(false)
        .concurrency(concurrency)
        .fetchJobPollingInterval(Duration.ofMillis(500));
  }

  private long[] defer(String task, int count, String queue) {
    return app.jobManager()
        .deferBatch(
            IntStream.range(0, count)
                .mapToObj(i -> NewJob.builder(task).queue(queue).arg("millis", 60).build())
                .toList());
  }

  private static void await(BooleanSupplier condition, String what) throws InterruptedException {
    Await.until(Duration.ofSeconds(60), condition, what);
  }

  private long count(String where) {
    try {
      return Long.parseLong(sql.value("SELECT count(*) FROM procrastinate_jobs WHERE " + where));
    } catch (SQLException e) {
      throw new IllegalStateException(e);
    }
  }

  /** The most runs of a task that overlapped, from the runs' own records. */
  private int peakRunning(String task) throws SQLException {
    List<Instant[]> runs = new ArrayList<>();
    try (Connection connection = DB.newConnection();
        PreparedStatement statement =
            connection.prepareStatement(
                "SELECT started_at, coalesce(ended_at, 'infinity') FROM flow_runs WHERE task = ?")) {
      statement.setString(1, task);
      try (ResultSet rows = statement.executeQuery()) {
        while (rows.next()) {
          Instant end =
              rows.getString(2).equals("infinity")
                  ? Instant.MAX
                  : rows.getObject(2, java.time.OffsetDateTime.class).toInstant();
          runs.add(
              new Instant[] {rows.getObject(1, java.time.OffsetDateTime.class).toInstant(), end});
        }
      }
    }
    int peak = 0;
    for (Instant[] run : runs) {
      int overlapping = 0;
      for (Instant[] other : runs) {
        if (!other[0].isAfter(run[0]) && other[1].isAfter(run[0])) {
          overlapping++;
        }
      }
      peak = Math.max(peak, overlapping);
    }
    return peak;
  }

  // ------------------------------------------------------------------ concurrency limits

  @Test
  void twoFetchesAtTheSameInstantCountOneAfterTheOther() throws Exception {
    app.jobManager().setConcurrencyLimit(LimitTarget.task(LIMITED), 3);
    defer(LIMITED, 10, "default");
    String fetch = "SELECT count(*) FROM procrastinate_java_fetch_jobs_v4(NULL, NULL, 10, 10)";
    try (Connection first = DB.newConnection();
        Connection second = DB.newConnection();
        Statement firstStatement = first.createStatement()) {
      first.setAutoCommit(false);
      assertThat(count(firstStatement, fetch)).isEqualTo(3);

      // The second fetch starts while the first has not committed: it waits for the limit's row.
      int secondPid = pid(second);
      CompletableFuture<Long> racing =
          CompletableFuture.supplyAsync(
              () -> {
                try (Statement statement = second.createStatement()) {
                  return count(statement, fetch);
                } catch (SQLException e) {
                  throw new IllegalStateException(e);
                }
              });
      await(() -> waitsForALock(secondPid), "the second fetch to wait for the first one's commit");
      assertThat(racing).isNotDone();
      first.commit();

      assertThat(racing.get(30, TimeUnit.SECONDS))
          .as("the second fetch saw the first one's three running jobs")
          .isZero();
      assertThat(count("status = 'doing'")).isEqualTo(3);

      // A running job ends: exactly one more may start.
      sql.execute(
          "SELECT procrastinate_finish_job_v1(min(id), 'succeeded', false)"
              + " FROM procrastinate_jobs WHERE status = 'doing'");
      try (Statement statement = second.createStatement()) {
        assertThat(count(statement, fetch)).isEqualTo(1);
        assertThat(count(statement, fetch)).isZero();
      }
    }
  }

  private static long count(Statement statement, String query) throws SQLException {
    try (ResultSet result = statement.executeQuery(query)) {
      result.next();
      return result.getLong(1);
    }
  }

  private static int pid(Connection connection) throws SQLException {
    try (Statement statement = connection.createStatement();
        ResultSet result = statement.executeQuery("SELECT pg_backend_pid()")) {
      result.next();
      return result.getInt(1);
    }
  }

  private boolean waitsForALock(int pid) {
    try {
      return "Lock"
          .equals(
              sql.value(
                  "SELECT coalesce(wait_event_type, '') FROM pg_stat_activity WHERE pid = ?", pid));
    } catch (SQLException e) {
      throw new IllegalStateException(e);
    }
  }

  @Test
  void aLimitOfThreeHoldsAcrossAFleetAndAWorkerKilledMidRun() throws Exception {
    app.jobManager().setConcurrencyLimit(LimitTarget.task(LIMITED), 3);
    String java = Path.of(System.getProperty("java.home"), "bin", "java").toString();
    Process doomed =
        new ProcessBuilder(
                java,
                "-cp",
                System.getProperty("java.class.path"),
                WorkerProcess.class.getName(),
                DB.url(),
                DB.user(),
                DB.password(),
                LIMITED)
            .redirectErrorStream(true)
            .start();
    long doomedJob;
    try (Worker first = app.worker(rescuing().name("first").build());
        Worker second = app.worker(rescuing().name("second").build())) {
      try {
        doomedJob = app.jobManager().defer(NewJob.builder(LIMITED).build());
        BufferedReader output =
            new BufferedReader(
                new InputStreamReader(doomed.getInputStream(), StandardCharsets.UTF_8));
        String line;
        do {
          line = output.readLine();
        } while (line != null && !line.equals("STARTED " + doomedJob));
        assertThat(line).as("the other process started a job").isEqualTo("STARTED " + doomedJob);

        defer(LIMITED, 40, "default");
        first.start();
        second.start();
        // While the other process runs its job, the two workers (8 slots) run two at most.
        await(() -> count("status = 'succeeded'") >= 6, "jobs to run beside the other process");
        assertThat(peakRunning(LIMITED)).isEqualTo(2);
      } finally {
        doomed.destroyForcibly(); // SIGKILL: no shutdown hook, no unregistering
        doomed.waitFor(20, TimeUnit.SECONDS);
      }
      assertThat(doomed.isAlive()).isFalse();
      await(
          () -> count("id = " + doomedJob + " AND status <> 'doing'") == 1,
          "the killed worker's job to be rescued");
      await(
          () -> count("status IN ('todo', 'doing')") == 0 && count("status = 'succeeded'") >= 40,
          "every job to end");
    }
    assertThat(sql.events(doomedJob)).contains("started");
    assertThat(peakRunning(LIMITED))
        .as("runs of the task at once, on every worker, the killed one's job rescued")
        .isEqualTo(3);
  }

  private WorkerOptions.Builder rescuing() {
    return options(4)
        .rescueStalledJobs(true)
        .updateHeartbeatInterval(Duration.ofMillis(100))
        .stalledWorkerTimeout(Duration.ofSeconds(1));
  }

  @Test
  void capacityALimitLeavesIsUsedByOtherWorkAtOnce() throws Exception {
    app.jobManager().setConcurrencyLimit(LimitTarget.task(LIMITED), 1);
    // The limited jobs come first: a fetch walks past them to the free ones.
    app.jobManager()
        .deferBatch(
            IntStream.range(0, 5)
                .mapToObj(i -> NewJob.builder(LIMITED).arg("gate", true).build())
                .toList());
    defer(FREE, 12, "default");
    try (Worker worker =
        app.worker(options(4).fetchJobPollingInterval(Duration.ofHours(1)).build())) {
      worker.start();
      await(
          () -> count("task_name = '" + FREE + "' AND status = 'succeeded'") == 12,
          "every free job to run while one limited job holds its slot");
      assertThat(count("task_name = '" + LIMITED + "' AND status = 'doing'")).isEqualTo(1);
      assertThat(peakRunning(FREE)).isGreaterThanOrEqualTo(2);
      gate.countDown();
      await(
          () -> count("task_name = '" + LIMITED + "' AND status = 'succeeded'") == 5,
          "the limited jobs to run one after the other, each end fetching the next");
    }
    assertThat(peakRunning(LIMITED)).isEqualTo(1);
  }

  @Test
  void aLimitDeclaredInCodeIsStoredAtTheWorkersStartAndALiveOneWinsUntilCleared() throws Exception {
    LimitTarget declared = LimitTarget.task(DECLARED);
    defer(DECLARED, 12, "default");
    try (Worker worker = app.worker(options(6).build())) {
      worker.start();
      await(() -> count("status = 'succeeded'") == 12, "the declared task's jobs to run");
    }
    assertThat(peakRunning(DECLARED)).isEqualTo(2);
    FlowControl stored = app.jobManager().flowControls().get(0);
    assertThat(stored.target()).isEqualTo(declared);
    assertThat(stored.declaredConcurrency()).isEqualTo(2);
    assertThat(stored.effectiveConcurrency()).isEqualTo(2);

    app.jobManager().setConcurrencyLimit(declared, 5);
    assertThat(app.jobManager().flowControls().get(0).effectiveConcurrency()).isEqualTo(5);
    assertThat(app.jobManager().clearLimits(declared)).isTrue();
    assertThat(app.jobManager().flowControls())
        .singleElement()
        .satisfies(control -> assertThat(control.effectiveConcurrency()).isEqualTo(2));
  }

  // ------------------------------------------------------------------ rate limits

  @Test
  void aRateOfFiftyASecondHoldsInEveryOneSecondWindowAcrossWorkers() throws Exception {
    app.jobManager().setRateLimit(LimitTarget.task(LIMITED), RateLimit.parse("50/1s"));
    app.jobManager()
        .deferBatch(
            IntStream.range(0, 120).mapToObj(i -> NewJob.builder(LIMITED).build()).toList());
    try (Worker first =
            app.worker(options(4).fetchJobPollingInterval(Duration.ofHours(1)).build());
        Worker second =
            app.worker(options(4).fetchJobPollingInterval(Duration.ofHours(1)).build())) {
      first.start();
      second.start();
      await(() -> count("status = 'succeeded'") == 120, "every job to run");
    }
    List<Instant> starts = new ArrayList<>();
    for (String at :
        sql.column(
            "SELECT to_char(e.at AT TIME ZONE 'UTC', 'YYYY-MM-DD\"T\"HH24:MI:SS.US\"Z\"')"
                + " FROM procrastinate_events AS e WHERE e.type = 'started' ORDER BY e.at")) {
      starts.add(Instant.parse(at));
    }
    assertThat(starts).hasSize(120);
    int busiest = 0;
    for (int i = 0; i < starts.size(); i++) {
      Instant windowEnd = starts.get(i).plusSeconds(1);
      int inWindow = 0;
      for (int j = i; j < starts.size() && starts.get(j).isBefore(windowEnd); j++) {
        inWindow++;
      }
      busiest = Math.max(busiest, inWindow);
    }
    assertThat(busiest).as("starts in the busiest one-second window").isLessThanOrEqualTo(50);
    // 119 intervals of 20 ms at least. That every job ran at all within the wait above shows the
    // workers woke for each next start: their polling interval is an hour.
    assertThat(Duration.between(starts.get(0), starts.get(starts.size() - 1)))
        .isGreaterThanOrEqualTo(Duration.ofMillis(2_380));
  }

  // ------------------------------------------------------------------ paused queues

  @Test
  void aPausedQueueStartsNothingItsRunningJobsFinishAndResumeStartsItsJobsAtOnce()
      throws Exception {
    long running =
        app.jobManager().defer(NewJob.builder(LIMITED).queue("reports").arg("gate", true).build());
    // Woken by notifications only: a polling interval of an hour never comes in this test.
    try (Worker worker =
        app.worker(options(4).fetchJobPollingInterval(Duration.ofHours(1)).build())) {
      worker.start();
      await(() -> count("id = " + running + " AND status = 'doing'") == 1, "the first job to run");

      assertThat(app.jobManager().pauseQueue("reports")).isTrue();
      assertThat(app.jobManager().pauseQueue("reports")).isFalse();
      assertThat(queueControls())
          .singleElement()
          .satisfies(
              control -> {
                assertThat(control.target()).isEqualTo(LimitTarget.queue("reports"));
                assertThat(control.paused()).isTrue();
                assertThat(control.running()).isEqualTo(1);
              });
      long[] held = defer(FREE, 5, "reports");
      long other = app.jobManager().defer(NewJob.builder(FREE).queue("other").build());
      await(
          () -> app.jobManager().getStatus(other).orElseThrow() == JobStatus.SUCCEEDED,
          "a job of another queue to run");
      gate.countDown();
      await(
          () -> app.jobManager().getStatus(running).orElseThrow() == JobStatus.SUCCEEDED,
          "the paused queue's running job to finish");
      // The worker fetched after each of those ends, and started nothing of the paused queue.
      assertThat(count("queue_name = 'reports' AND status = 'todo'")).isEqualTo(held.length);

      assertThat(app.jobManager().resumeQueue("reports")).isTrue();
      await(
          () -> count("queue_name = 'reports' AND status = 'succeeded'") == 1 + held.length,
          "the resumed queue's jobs to run, woken by the notification");
    }
    assertThat(queueControls()).isEmpty();
  }

  /** The controls of queues: every worker of this test also declares the limit of a task. */
  private List<FlowControl> queueControls() {
    return app.jobManager().flowControls().stream()
        .filter(control -> control.target().scope() == LimitTarget.Scope.QUEUE)
        .toList();
  }
}
