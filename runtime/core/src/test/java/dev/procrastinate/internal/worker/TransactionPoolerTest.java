package dev.procrastinate.internal.worker;

import static org.assertj.core.api.Assertions.assertThat;

import dev.procrastinate.App;
import dev.procrastinate.AppConfig;
import dev.procrastinate.NewJob;
import dev.procrastinate.RetryStrategy;
import dev.procrastinate.WorkerOptions;
import dev.procrastinate.model.JobStatus;
import dev.procrastinate.spi.TaskDescriptor;
import dev.procrastinate.spi.TaskParameter;
import dev.procrastinate.spi.TaskRegistrar;
import dev.procrastinate.testing.PgBouncer;
import dev.procrastinate.testing.TestDatabase;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.stream.IntStream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

/**
 * Behind PgBouncer in transaction mode, where no session state survives a transaction, a worker
 * with {@code listenNotify(false)} defers, fetches, retries, aborts and ends jobs.
 */
class TransactionPoolerTest {
  @RegisterExtension static final TestDatabase DB = TestDatabase.migrated();

  @Test
  void aPollingWorkerRunsEveryJobThroughATransactionModeBouncer() throws Exception {
    TaskRegistrar tasks =
        () ->
            List.of(
                TaskDescriptor.builder("b.ok")
                    .parameter(TaskParameter.required("n", "int"))
                    .source("test")
                    .build((context, args) -> args.getInt("n")),
                TaskDescriptor.builder("b.flaky")
                    .retryStrategy(RetryStrategy.builder().maxAttempts(1).build())
                    .source("test")
                    .build(
                        (context, args) -> {
                          if (context.attempts() == 0) {
                            throw new IllegalStateException("first run fails");
                          }
                          return null;
                        }),
                TaskDescriptor.builder("b.abortable")
                    .source("test")
                    .build(
                        (context, args) -> {
                          context.app().jobManager().abort(context.job().id());
                          while (!context.shouldAbort()) {
                            Thread.sleep(10);
                          }
                          throw new InterruptedException("aborted");
                        }));
    try (PgBouncer bouncer = PgBouncer.start(DB.url(), DB.user(), DB.password());
        App app =
            App.builder()
                .config(
                    AppConfig.builder()
                        .url(bouncer.url())
                        .user(DB.user())
                        .password(DB.password())
                        .poolSize(6)
                        .build())
                .taskRegistrars(List.of(tasks))
                .build()) {
      app.jobManager()
          .deferBatch(
              IntStream.range(0, 300)
                  .mapToObj(i -> NewJob.builder("b.ok").arg("n", i).build())
                  .toList());
      long flaky = app.jobManager().defer(NewJob.builder("b.flaky").build());
      long aborted = app.jobManager().defer(NewJob.builder("b.abortable").build());

      app.worker(
              WorkerOptions.builder()
                  .installSignalHandlers(false)
                  .listenNotify(false)
                  .waitForJobs(false)
                  .concurrency(4)
                  .fetchBatchSize(20)
                  .fetchJobPollingInterval(Duration.ofMillis(100))
                  .abortJobPollingInterval(Duration.ofMillis(100))
                  .build())
          .run();

      Map<JobStatus, Long> counts = app.jobManager().countByStatus();
      assertThat(counts.get(JobStatus.SUCCEEDED)).isEqualTo(301);
      assertThat(app.jobManager().getJob(flaky).orElseThrow().attempts()).isEqualTo(2);
      assertThat(app.jobManager().getStatus(aborted)).contains(JobStatus.ABORTED);
    }
  }
}
