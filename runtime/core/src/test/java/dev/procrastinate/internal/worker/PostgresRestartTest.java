package dev.procrastinate.internal.worker;

import static org.assertj.core.api.Assertions.assertThat;

import dev.procrastinate.App;
import dev.procrastinate.AppConfig;
import dev.procrastinate.DatabaseUnavailableException;
import dev.procrastinate.NewJob;
import dev.procrastinate.Worker;
import dev.procrastinate.WorkerOptions;
import dev.procrastinate.internal.json.Json;
import dev.procrastinate.internal.observe.Observers;
import dev.procrastinate.internal.registry.TaskRegistry;
import dev.procrastinate.internal.sql.Database;
import dev.procrastinate.model.JobStatus;
import dev.procrastinate.spi.TaskRegistrar;
import dev.procrastinate.testing.Await;
import dev.procrastinate.testing.RunCounter;
import dev.procrastinate.testing.ScratchPostgres;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicLong;
import java.util.function.BooleanSupplier;
import java.util.stream.IntStream;
import org.junit.jupiter.api.Test;

/**
 * A real restart of the PostgreSQL server in the middle of a run: the worker reconnects (pool,
 * listener, housekeeping), every job ends succeeded, and none runs twice.
 */
class PostgresRestartTest {
  private final RunCounter runs = new RunCounter();

  private static void await(BooleanSupplier condition, String what) throws InterruptedException {
    Await.until(Duration.ofSeconds(120), condition, what);
  }

  private long succeeded(App app) {
    try {
      return app.jobManager().countByStatus().getOrDefault(JobStatus.SUCCEEDED, 0L);
    } catch (DatabaseUnavailableException e) {
      return -1; // the server is down or coming back
    }
  }

  /** The {@code t.count} task, counting its runs. */
  private TaskRegistrar registrar(Duration taskTime) {
    return () -> List.of(runs.task("t.count", taskTime));
  }

  /** An app on the scratch server, its schema migrated, running {@code t.count} tasks. */
  private App migratedApp(ScratchPostgres server, Duration taskTime, int poolSize) {
    TaskRegistrar registrar = registrar(taskTime);
    App app =
        App.builder()
            .config(
                AppConfig.builder()
                    .url(server.url())
                    .user("postgres")
                    .poolSize(poolSize)
                    .connectionTimeout(Duration.ofSeconds(2))
                    .build())
            .taskRegistrars(List.of(registrar))
            .build();
    app.schemaManager().migrate();
    return app;
  }

  @Test
  void restartingTheServerMidRunLosesNoJobAndRunsNoneTwice() throws Exception {
    int count = 3_000;
    try (ScratchPostgres server = ScratchPostgres.start();
        App app = migratedApp(server, Duration.ofMillis(2), 8)) {
      long[] ids =
          app.jobManager()
              .deferBatch(
                  () ->
                      IntStream.range(0, count)
                          .mapToObj(i -> NewJob.builder("t.count").arg("n", i).build())
                          .iterator());
      try (Worker worker =
          app.worker(
              WorkerOptions.builder()
                  .installSignalHandlers(false)
                  .concurrency(8)
                  .fetchBatchSize(50)
                  .fetchJobPollingInterval(Duration.ofMillis(500))
                  .updateHeartbeatInterval(Duration.ofMillis(500))
                  .stalledWorkerTimeout(Duration.ofSeconds(30))
                  .build())) {
        worker.start();
        await(() -> runs.jobsRun() >= count / 5, "a fifth of the jobs to run before the restart");
        server.restart(Duration.ofSeconds(2));
        long afterRestart = runs.jobsRun();
        assertThat(afterRestart).as("the restart happened mid-run").isLessThan(count);

        // Deferred after the restart: the listener reconnected or polling finds it. The app's pool
        // may need more than its connection timeout to reconnect on a loaded machine.
        AtomicLong lateId = new AtomicLong();
        await(
            () -> {
              try {
                lateId.set(app.jobManager().defer(NewJob.builder("t.count").arg("n", -1).build()));
                return true;
              } catch (DatabaseUnavailableException e) {
                return false;
              }
            },
            "a defer to go through after the restart");
        long late = lateId.get();
        await(() -> succeeded(app) == count + 1, "every job to succeed after the restart");
        assertThat(runs.runsOf(late)).isEqualTo(1);
      }
      assertThat(runs.notRunExactlyOnce(ids)).as("jobs not run exactly once").isEmpty();
      assertThat(app.jobManager().countByStatus().getOrDefault(JobStatus.DOING, 0L)).isZero();
    }
  }

  /**
   * Outcomes commit without waiting for the disk: a server crash soon after may lose one, and the
   * job is then back to {@code doing} for its worker. The worker sees the server restarted and runs
   * the job again, so it ends. The loss is set up by hand (a crash cannot be timed to fall between
   * a commit and PostgreSQL's WAL writer): the job is put back as the crash would leave it, then
   * the server restarts.
   *
   * <p>A worker also takes back its jobs after a failed fetch (whose answer may have been lost), so
   * this one never fetches after its first: no notifications, no polling, and the job deferred
   * before it starts. Hooks count its fetches and its takebacks: the job's second run must come
   * from a takeback with no fetch since the first run, which only the restart starts: seen by a
   * heartbeat (the server's start time changed), or by the connections it broke.
   */
  @Test
  void aJobWhoseOutcomeTheServerLostRunsAgainOnceTheWorkerSeesTheRestart() throws Exception {
    AtomicInteger fetches = new AtomicInteger();
    List<Integer> fetchesAtTakeBacks = new CopyOnWriteArrayList<>();
    WorkerHooks hooks =
        new WorkerHooks() {
          @Override
          public void beforeFetch() {
            fetches.incrementAndGet();
          }

          @Override
          public void afterOrphanList() {
            fetchesAtTakeBacks.add(fetches.get());
          }
        };
    try (ScratchPostgres server = ScratchPostgres.start();
        App app = migratedApp(server, Duration.ofMillis(1), 6)) {
      long id = app.jobManager().defer(NewJob.builder("t.count").arg("n", 1).build());
      WorkerEngine worker =
          new WorkerEngine(
              WorkerContext.of(
                  WorkerOptions.builder()
                      .installSignalHandlers(false)
                      .listenNotify(false)
                      .concurrency(2)
                      .fetchJobPollingInterval(Duration.ofHours(1))
                      .updateHeartbeatInterval(Duration.ofMillis(200))
                      .build(),
                  new Database(app.dataSource(), "scratch server"),
                  hooks),
              TaskRegistry.of(List.of(registrar(Duration.ofMillis(1)))),
              new WorkerEngine.Collaborators(
                  app.internals().contexts(),
                  new Observers(List.of(), null),
                  Json.newMapper(),
                  Duration.ofMinutes(10)));
      try {
        worker.start();
        await(() -> status(app, id) == JobStatus.SUCCEEDED, "the job to succeed");
        assertThat(fetches.get()).as("fetches before the loss: the first one").isEqualTo(1);
        assertThat(fetchesAtTakeBacks).as("takebacks before the restart").isEmpty();
        try (java.sql.Connection connection =
                java.sql.DriverManager.getConnection(server.url(), "postgres", "");
            java.sql.PreparedStatement lose =
                connection.prepareStatement(
                    "UPDATE procrastinate_jobs SET status = 'doing', attempts = 0 WHERE id = ?")) {
          lose.setLong(1, id);
          assertThat(lose.executeUpdate()).isEqualTo(1);
        }
        server.restart(Duration.ofMillis(200));
        await(
            () -> status(app, id) == JobStatus.SUCCEEDED,
            "the job whose outcome was lost to run again and succeed");
        assertThat(runs.runsOf(id)).isEqualTo(2);
        // Once the server answers, the worker fetches again at once (a heartbeat recorded after
        // an outage wakes the fetcher), and a fetch never returns a job marked doing: the second
        // run came from the first takeback, which came before any fetch but the first.
        assertThat(fetchesAtTakeBacks).as("takebacks after the restart").isNotEmpty();
        assertThat(fetchesAtTakeBacks.get(0))
            .as("fetches before the first takeback after the restart")
            .isEqualTo(1);
      } finally {
        worker.stop();
        worker.awaitTermination(Duration.ofSeconds(30));
      }
    }
  }

  private static @org.jspecify.annotations.Nullable JobStatus status(App app, long id) {
    try {
      return app.jobManager().getStatus(id).orElseThrow();
    } catch (DatabaseUnavailableException e) {
      return null; // the server is down or coming back
    }
  }
}
