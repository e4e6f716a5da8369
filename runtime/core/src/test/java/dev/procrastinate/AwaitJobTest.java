package dev.procrastinate;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.procrastinate.model.JobStatus;
import dev.procrastinate.model.ProcrastinateJob;
import dev.procrastinate.spi.TaskDescriptor;
import dev.procrastinate.spi.TaskParameter;
import dev.procrastinate.spi.TaskRegistrar;
import dev.procrastinate.testing.Sql;
import dev.procrastinate.testing.TestDatabase;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

/**
 * Waiting for jobs to end: woken by the notification of the outcome's transaction (the workers here
 * poll once an hour, and the waiters' own safety look comes once a second, so a wake-up within the
 * test's bounds is the notification's), many waiters on one connection, ends that happened before
 * the wait, deleted jobs, timeouts, and ends that sent no notification (a Python worker's).
 */
class AwaitJobTest {
  @RegisterExtension static final TestDatabase DB = TestDatabase.migrated();

  private final CountDownLatch gate = new CountDownLatch(1);
  private Sql sql;
  private App app;

  @BeforeEach
  void setUp() throws Exception {
    sql = new Sql(DB.dataSource());
    sql.execute("DELETE FROM procrastinate_jobs");
    sql.execute("DELETE FROM procrastinate_workers");
    TaskRegistrar registrar =
        () ->
            List.of(
                TaskDescriptor.builder("a.gated")
                    .parameter(TaskParameter.optional("n", "int"))
                    .source("AwaitJobTest")
                    .build(
                        (context, args) -> {
                          gate.await(60, TimeUnit.SECONDS);
                          return args.getOptional("n", Integer.class).orElse(0) * 2;
                        }));
    app = App.builder().dataSource(DB.dataSource()).taskRegistrars(List.of(registrar)).build();
  }

  @AfterEach
  void tearDown() {
    gate.countDown();
    app.close();
  }

  /** What a test does while a worker runs. */
  private interface WhileRunning {
    void run() throws Exception;
  }

  /** Runs a worker, woken by notifications only, while the body runs. */
  private void withWorker(DeleteJobs policy, WhileRunning body) throws Exception {
    try (Worker worker =
        app.worker(
            WorkerOptions.builder()
                .installSignalHandlers(false)
                .concurrency(60)
                .deleteJobs(policy)
                .fetchJobPollingInterval(Duration.ofHours(1))
                .build())) {
      worker.start();
      body.run();
    }
  }

  @Test
  void manyWaitersAreWokenByTheOutcomesNotificationOnOneConnection() throws Exception {
    long[] ids =
        app.jobManager()
            .deferBatch(
                java.util.stream.IntStream.range(0, 50)
                    .mapToObj(i -> NewJob.builder("a.gated").arg("n", i).build())
                    .toList());
    List<CompletableFuture<Optional<ProcrastinateJob>>> waits = new ArrayList<>();
    for (long id : ids) {
      waits.add(app.jobManager().awaitAsync(id));
    }
    withWorker(
        DeleteJobs.NEVER,
        () -> {
          long listening =
              Long.parseLong(
                  sql.value(
                      "SELECT count(*) FROM pg_stat_activity WHERE datname = current_database()"
                          + " AND query ILIKE 'LISTEN procrastinate_java_jobs_ended_v1%'"));
          assertThat(listening).as("one connection listens for every waiter").isOne();
          assertThat(waits).noneMatch(CompletableFuture::isDone);
          gate.countDown();
          CompletableFuture.allOf(waits.toArray(CompletableFuture[]::new))
              .get(30, TimeUnit.SECONDS);
        });
    for (int i = 0; i < ids.length; i++) {
      ProcrastinateJob job = waits.get(i).get().orElseThrow();
      assertThat(job.id()).isEqualTo(ids[i]);
      assertThat(job.status()).isEqualTo(JobStatus.SUCCEEDED);
      assertThat(app.jobManager().result(ids[i], Integer.class)).contains(2 * i);
    }
  }

  @Test
  void aJobThatEndedBeforeTheWaitIsReturnedAtOnceAndADeletedOneAsEmpty() throws Exception {
    gate.countDown();
    long kept = app.jobManager().defer(NewJob.builder("a.gated").build());
    withWorker(
        DeleteJobs.NEVER,
        () ->
            assertThat(app.jobManager().await(kept, Duration.ofSeconds(30)))
                .hasValueSatisfying(
                    job -> assertThat(job.status()).isEqualTo(JobStatus.SUCCEEDED)));
    assertThat(app.jobManager().await(kept, Duration.ofMillis(1))).isPresent();

    long deleted = app.jobManager().defer(NewJob.builder("a.gated").build());
    withWorker(
        DeleteJobs.SUCCESSFUL,
        () -> assertThat(app.jobManager().await(deleted, Duration.ofSeconds(30))).isEmpty());
  }

  @Test
  void aWaitTimesOutNamingTheJobAndLeavesNoWaiterBehind() throws Exception {
    long waiting = app.jobManager().defer(NewJob.builder("a.gated").build());
    assertThatThrownBy(() -> app.jobManager().await(waiting, Duration.ofMillis(200)))
        .isInstanceOf(TimeoutException.class)
        .hasMessage("job " + waiting + " has not ended within PT0.2S");
  }

  @Test
  void anEndThatSentNoNotificationIsSeenByTheSafetyLook() throws Exception {
    long id = app.jobManager().defer(NewJob.builder("a.gated").build());
    CompletableFuture<Optional<ProcrastinateJob>> waiting = app.jobManager().awaitAsync(id);
    // As a Python worker ends a job: upstream's function, which notifies nothing.
    sql.execute("SELECT id FROM procrastinate_fetch_job_v2(NULL, NULL)");
    sql.execute("SELECT procrastinate_finish_job_v1(?, 'failed', false)", id);
    assertThat(waiting.get(10, TimeUnit.SECONDS))
        .hasValueSatisfying(job -> assertThat(job.status()).isEqualTo(JobStatus.FAILED));
  }

  @Test
  void closingTheAppFailsTheWaitsStillWaiting() throws Exception {
    long id = app.jobManager().defer(NewJob.builder("a.gated").build());
    CompletableFuture<Optional<ProcrastinateJob>> waiting = app.jobManager().awaitAsync(id);
    app.close();
    assertThatThrownBy(() -> waiting.get(10, TimeUnit.SECONDS))
        .hasCauseInstanceOf(ProcrastinateException.class)
        .hasMessageContaining("the app closed while waiting for the job to end");
  }
}
