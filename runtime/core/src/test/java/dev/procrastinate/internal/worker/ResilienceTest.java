package dev.procrastinate.internal.worker;

import static org.assertj.core.api.Assertions.assertThat;

import dev.procrastinate.App;
import dev.procrastinate.DatabaseUnavailableException;
import dev.procrastinate.NewJob;
import dev.procrastinate.RetryStrategy;
import dev.procrastinate.Worker;
import dev.procrastinate.WorkerOptions;
import dev.procrastinate.model.JobStatus;
import dev.procrastinate.model.ProcrastinateJob;
import dev.procrastinate.spi.TaskDescriptor;
import dev.procrastinate.spi.TaskRegistrar;
import dev.procrastinate.testing.Await;
import dev.procrastinate.testing.RunCounter;
import dev.procrastinate.testing.Sql;
import dev.procrastinate.testing.TestDatabase;
import dev.procrastinate.testing.WorkerProcess;
import java.io.BufferedReader;
import java.io.InputStreamReader;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.Statement;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.function.BooleanSupplier;
import java.util.stream.IntStream;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

/** Nothing is lost when workers die or connections drop. */
class ResilienceTest {
  @RegisterExtension static final TestDatabase DB = TestDatabase.migrated();

  private final RunCounter runs = new RunCounter();
  private App app;
  private Sql sql;

  @BeforeEach
  void setUp() throws Exception {
    sql = new Sql(DB.dataSource());
    sql.execute("DELETE FROM procrastinate_jobs");
    sql.execute("DELETE FROM procrastinate_workers");
    TaskRegistrar registrar =
        () ->
            List.of(
                runs.task("t.count", Duration.ofMillis(1)),
                TaskDescriptor.builder("t.sleepy")
                    .retryStrategy(RetryStrategy.builder().maxAttempts(1).build())
                    .source("ResilienceTest#sleepy")
                    .build(
                        (context, args) -> {
                          runs.record(context.job().id());
                          return null;
                        }));
    app = App.builder().dataSource(DB.dataSource()).taskRegistrars(List.of(registrar)).build();
  }

  private static void await(BooleanSupplier condition, String what) throws InterruptedException {
    Await.until(Duration.ofSeconds(60), condition, what);
  }

  private WorkerOptions.Builder options() {
    return WorkerOptions.builder()
        .installSignalHandlers(false)
        .fetchJobPollingInterval(Duration.ofMillis(200))
        .abortJobPollingInterval(Duration.ofMillis(200));
  }

  @Test
  void killedWorkersJobIsRescuedAndRunsOnceMore() throws Exception {
    String java = Path.of(System.getProperty("java.home"), "bin", "java").toString();
    Process doomed =
        new ProcessBuilder(
                java,
                "-cp",
                System.getProperty("java.class.path"),
                WorkerProcess.class.getName(),
                DB.url(),
                DB.user(),
                DB.password())
            .redirectErrorStream(true)
            .start();
    long id;
    try {
      id = app.jobManager().defer(NewJob.builder("t.sleepy").build());
      BufferedReader output =
          new BufferedReader(
              new InputStreamReader(doomed.getInputStream(), StandardCharsets.UTF_8));
      String line;
      do {
        line = output.readLine();
      } while (line != null && !line.equals("STARTED " + id));
      assertThat(line).as("the other process started the job").isEqualTo("STARTED " + id);
    } finally {
      doomed.destroyForcibly(); // SIGKILL: no shutdown hook, no unregistering
      doomed.waitFor(20, TimeUnit.SECONDS);
    }
    assertThat(app.jobManager().getStatus(id)).contains(JobStatus.DOING);

    // Its worker went silent a minute ago.
    String dead = sql.value("SELECT worker_id FROM procrastinate_jobs WHERE id = ?", id);
    sql.execute(
        "UPDATE procrastinate_workers SET last_heartbeat = now() - interval '1 minute' WHERE id = ?",
        Long.parseLong(dead));

    // A rescuing worker leaves the job alone while its worker's silence is shorter than the
    // stalled timeout (here an hour). A sentinel job of a worker silent for two hours shows that
    // a rescue pass ran and looked at both: a pass lists the stalled jobs in id order, the killed
    // worker's job first, and only then rescues the sentinel, which the bystander then runs.
    long silent = registerWorker("-2 hours");
    long sentinel = app.jobManager().defer(NewJob.builder("t.sleepy").build());
    assertThat(sql.value("SELECT id FROM procrastinate_fetch_job_v2(NULL, ?)", silent))
        .isEqualTo(String.valueOf(sentinel));
    try (Worker bystander =
        app.worker(
            options()
                .rescueStalledJobs(true)
                .updateHeartbeatInterval(Duration.ofMillis(100))
                .stalledWorkerTimeout(Duration.ofHours(1))
                .build())) {
      bystander.start();
      await(
          () -> app.jobManager().getStatus(sentinel).orElseThrow() == JobStatus.SUCCEEDED,
          "the bystander to rescue and run the sentinel");
    }
    assertThat(app.jobManager().getStatus(id)).contains(JobStatus.DOING);
    assertThat(runs.runsOf(id)).isZero();
    assertThat(sql.events(id)).doesNotContain("deferred_for_retry");

    try (Worker rescuer =
        app.worker(
            options()
                .rescueStalledJobs(true)
                .updateHeartbeatInterval(Duration.ofMillis(200))
                .stalledWorkerTimeout(Duration.ofSeconds(1))
                .build())) {
      rescuer.start();
      await(() -> app.jobManager().getStatus(id).orElseThrow() == JobStatus.SUCCEEDED, "rescue");
    }
    ProcrastinateJob job = app.jobManager().getJob(id).orElseThrow();
    assertThat(job.attempts()).isEqualTo(2);
    assertThat(runs.runsOf(id)).isEqualTo(1);
    assertThat(sql.events(id))
        .containsSubsequence("started", "deferred_for_retry", "started", "succeeded");
  }

  @Test
  void jobOfALiveWorkerIsNeverRescued() throws Exception {
    long alive = registerWorker("1 hour"); // beats, as far as anyone can tell, for an hour yet
    long dead = registerWorker("-1 hour");
    long id = app.jobManager().defer(NewJob.builder("t.sleepy").build());
    assertThat(sql.value("SELECT id FROM procrastinate_fetch_job_v2(NULL, ?)", alive))
        .isEqualTo(String.valueOf(id));
    // A sentinel job of a dead worker: its rescue shows a rescue pass has looked at both.
    long sentinel = app.jobManager().defer(NewJob.builder("t.sleepy").build());
    assertThat(sql.value("SELECT id FROM procrastinate_fetch_job_v2(NULL, ?)", dead))
        .isEqualTo(String.valueOf(sentinel));
    try (Worker rescuer =
        app.worker(
            options()
                .rescueStalledJobs(true)
                .updateHeartbeatInterval(Duration.ofMillis(200))
                .stalledWorkerTimeout(Duration.ofSeconds(1))
                .build())) {
      rescuer.start();
      await(
          () -> app.jobManager().getStatus(sentinel).orElseThrow() == JobStatus.SUCCEEDED,
          "the dead worker's job to be rescued and run");
    }
    assertThat(app.jobManager().getStatus(id)).contains(JobStatus.DOING);
    assertThat(runs.runsOf(id)).isZero();
  }

  /**
   * A rescuing worker looks for stalled workers as often as it beats, so a job is rescued within
   * about a heartbeat of its worker going stale, not a whole stalled timeout later.
   */
  @Test
  void aJobIsRescuedSoonAfterItsWorkerGoesStale() throws Exception {
    long dying = registerWorker("-27 seconds"); // stale 3 s from now, for a 30 s timeout
    long id = app.jobManager().defer(NewJob.builder("t.sleepy").build());
    assertThat(sql.value("SELECT id FROM procrastinate_fetch_job_v2(NULL, ?)", dying))
        .isEqualTo(String.valueOf(id));
    try (Worker rescuer =
        app.worker(
            options()
                .rescueStalledJobs(true)
                .updateHeartbeatInterval(Duration.ofMillis(200))
                .stalledWorkerTimeout(Duration.ofSeconds(30))
                .build())) {
      rescuer.start();
      Await.until(
          Duration.ofSeconds(15),
          () -> app.jobManager().getStatus(id).orElseThrow() == JobStatus.SUCCEEDED,
          "the job rescued within seconds of its worker going stale, not 30 s later");
    }
  }

  /** Registers a worker whose last heartbeat is {@code offset} (an interval) from now. */
  private long registerWorker(String offset) throws Exception {
    long id = Long.parseLong(sql.value("SELECT worker_id FROM procrastinate_register_worker_v1()"));
    sql.execute(
        "UPDATE procrastinate_workers SET last_heartbeat = now() + ?::interval WHERE id = ?",
        offset,
        id);
    return id;
  }

  @Test
  void droppedConnectionsLoseNoJobAndRunNoneTwice() throws Exception {
    int count = 3_000;
    long[] ids =
        app.jobManager()
            .deferBatch(
                () ->
                    IntStream.range(0, count)
                        .mapToObj(i -> NewJob.builder("t.count").arg("n", i).build())
                        .iterator());
    try (Worker worker = app.worker(options().concurrency(8).fetchBatchSize(50).build())) {
      worker.start();
      // Each drop comes once the worker has made progress since the last one.
      for (int round = 1; round <= 5; round++) {
        long progress = round * (count / 8L);
        await(() -> succeeded() >= progress, "progress before drop " + round);
        killConnections();
      }
      await(() -> succeeded() == count, "every job to succeed despite dropped connections");
    }
    assertThat(runs.notRunExactlyOnce(ids)).as("jobs not run exactly once").isEmpty();
    assertThat(sql.value("SELECT count(*) FROM procrastinate_events WHERE type = 'started'"))
        .isEqualTo(String.valueOf(count));
  }

  private long succeeded() {
    try {
      return app.jobManager().countByStatus().getOrDefault(JobStatus.SUCCEEDED, 0L);
    } catch (DatabaseUnavailableException e) {
      return -1; // this check's own pooled connection was one of those dropped
    }
  }

  /** Terminates every other connection to the test database, as a server restart would. */
  private static void killConnections() throws Exception {
    try (Connection admin = DB.newConnection();
        Statement statement = admin.createStatement()) {
      statement.execute(
          "SELECT pg_terminate_backend(pid) FROM pg_stat_activity"
              + " WHERE datname = current_database() AND pid <> pg_backend_pid()");
    }
  }
}
