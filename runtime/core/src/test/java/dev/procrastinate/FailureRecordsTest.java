package dev.procrastinate;

import static org.assertj.core.api.Assertions.assertThat;

import dev.procrastinate.model.FailureCounts;
import dev.procrastinate.model.JobFailure;
import dev.procrastinate.model.JobStatus;
import dev.procrastinate.model.ProcrastinateJob;
import dev.procrastinate.spi.TaskDescriptor;
import dev.procrastinate.spi.TaskRegistrar;
import dev.procrastinate.testing.Sql;
import dev.procrastinate.testing.TestDatabase;
import java.time.Instant;
import java.util.List;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

/**
 * Each failed or aborted attempt of a job run by a worker of this runtime leaves a record of why:
 * the exception's class, message and stack trace with its causes, the attempt, the worker, when,
 * and the details the task added; the records go with their job, and a job run elsewhere has none.
 */
class FailureRecordsTest {
  @RegisterExtension static final TestDatabase DB = TestDatabase.migrated();

  private final AtomicInteger flakyRuns = new AtomicInteger();
  private final List<List<String>> seenEarlier = new java.util.concurrent.CopyOnWriteArrayList<>();
  private Sql sql;

  private final TaskRegistrar tasks =
      () ->
          List.of(
              TaskDescriptor.builder("f.flaky")
                  .source("test")
                  .retryStrategy(RetryStrategy.builder().maxAttempts(1).build())
                  .build(
                      (context, args) -> {
                        int run = flakyRuns.incrementAndGet();
                        context.addFailureDetail("order", "A-" + run);
                        throw new IllegalStateException(
                            "payment refused, run " + run,
                            new java.io.IOException("gateway timed out"));
                      }),
              TaskDescriptor.builder("f.stubborn")
                  .source("test")
                  .retryPolicy(
                      new RetryPolicy() {
                        @Override
                        public RetryDecision decide(Throwable exception, ProcrastinateJob job) {
                          throw new AssertionError("the worker asks with the context");
                        }

                        @Override
                        public RetryDecision decide(Throwable exception, JobContext context) {
                          List<JobFailure> earlier = context.earlierFailures();
                          seenEarlier.add(
                              earlier.stream().map(f -> f.attempt() + ":" + f.message()).toList());
                          // Gives up once the same exception came back twice before.
                          long same =
                              earlier.stream()
                                  .filter(
                                      f ->
                                          f.exceptionClass().equals(exception.getClass().getName()))
                                  .count();
                          return same >= 2 ? null : RetryDecision.retryIn(java.time.Duration.ZERO);
                        }
                      })
                  .build(
                      (context, args) -> {
                        throw new IllegalStateException("still down");
                      }),
              TaskDescriptor.builder("f.fine")
                  .source("test")
                  .build(
                      (context, args) -> {
                        context.addFailureDetail("dropped", "on success");
                        return "ok";
                      }),
              TaskDescriptor.builder("f.aborts")
                  .source("test")
                  .build(
                      (context, args) -> {
                        // Asks for its own abort, as an operator would, and stops when told.
                        context.app().jobManager().abort(context.job().id());
                        long deadline = System.nanoTime() + 10_000_000_000L;
                        while (!context.shouldAbort() && System.nanoTime() < deadline) {
                          Thread.onSpinWait();
                        }
                        throw new JobAbortedException();
                      }),
              TaskDescriptor.builder("f.huge")
                  .source("test")
                  .build(
                      (context, args) -> {
                        throw new IllegalArgumentException("x".repeat(50_000));
                      }));

  @BeforeEach
  void setUp() throws Exception {
    sql = new Sql(DB.dataSource());
    sql.execute("DELETE FROM procrastinate_jobs");
  }

  private App app() {
    return App.builder().dataSource(DB.dataSource()).taskRegistrars(List.of(tasks)).build();
  }

  private void runWorker(App app, DeleteJobs delete) throws InterruptedException {
    app.worker(
            WorkerOptions.builder()
                .name("recorder")
                .installSignalHandlers(false)
                .waitForJobs(false)
                .deleteJobs(delete)
                .build())
        .run();
  }

  @Test
  void eachFailedAttemptIsRecordedWithItsExceptionItsCausesAndTheTasksDetails() throws Exception {
    App app = app();
    Instant before = Instant.now().minusSeconds(1);
    long flaky = app.jobManager().defer(NewJob.builder("f.flaky").build());
    long fine = app.jobManager().defer(NewJob.builder("f.fine").build());

    runWorker(app, DeleteJobs.NEVER);

    assertThat(app.jobManager().getJob(flaky).orElseThrow().status()).isEqualTo(JobStatus.FAILED);
    List<JobFailure> failures = app.jobManager().failures(flaky);
    assertThat(failures).extracting(JobFailure::attempt).containsExactly(1, 2);
    for (JobFailure failure : failures) {
      int run = failure.attempt();
      assertThat(failure.jobId()).isEqualTo(flaky);
      assertThat(failure.status()).isEqualTo(JobStatus.FAILED);
      assertThat(failure.workerName()).isEqualTo("recorder");
      assertThat(failure.failedAt()).isAfter(before).isBefore(Instant.now().plusSeconds(1));
      assertThat(failure.exceptionClass()).isEqualTo("java.lang.IllegalStateException");
      assertThat(failure.message()).isEqualTo("payment refused, run " + run);
      assertThat(failure.stackTrace())
          .startsWith("java.lang.IllegalStateException: payment refused, run " + run)
          .contains("at dev.procrastinate.FailureRecordsTest")
          .contains("Caused by: java.io.IOException: gateway timed out");
      assertThat(failure.details()).containsExactly(java.util.Map.entry("order", "A-" + run));
    }
    assertThat(app.jobManager().failures(fine)).isEmpty();

    // Found by their exception or message, any case; counted by task and exception class.
    assertThat(app.jobManager().listJobs(JobFilter.all().failure("payment REFUSED")))
        .extracting(job -> job.id())
        .containsExactly(flaky);
    assertThat(app.jobManager().listJobs(JobFilter.all().failure("illegalstate")))
        .extracting(job -> job.id())
        .containsExactly(flaky);
    assertThat(app.jobManager().listJobs(JobFilter.all().failure("gateway"))).isEmpty();
    FailureCounts counts = app.jobManager().countFailures(java.time.Duration.ofHours(1), 5);
    assertThat(counts.byTask()).containsExactly(new FailureCounts.Count("f.flaky", 2));
    assertThat(counts.byException())
        .containsExactly(new FailureCounts.Count("java.lang.IllegalStateException", 2));
    assertThat(app.jobManager().countFailures(java.time.Duration.ZERO, 5).byTask()).isEmpty();
  }

  @Test
  void aRetryPolicySeesTheFailuresOfTheEarlierAttempts() throws Exception {
    App app = app();
    long stubborn = app.jobManager().defer(NewJob.builder("f.stubborn").build());

    runWorker(app, DeleteJobs.NEVER);

    assertThat(seenEarlier)
        .containsExactly(
            List.of(), List.of("1:still down"), List.of("1:still down", "2:still down"));
    assertThat(app.jobManager().getJob(stubborn).orElseThrow().status())
        .isEqualTo(JobStatus.FAILED);
    assertThat(app.jobManager().failures(stubborn))
        .extracting(JobFailure::attempt)
        .containsExactly(1, 2, 3);
  }

  @Test
  void anAbortedAttemptIsRecordedAndAHugeMessageIsBounded() throws Exception {
    App app = app();
    long aborts = app.jobManager().defer(NewJob.builder("f.aborts").build());
    long huge = app.jobManager().defer(NewJob.builder("f.huge").build());

    runWorker(app, DeleteJobs.NEVER);

    assertThat(app.jobManager().failures(aborts))
        .singleElement()
        .satisfies(
            failure -> {
              assertThat(failure.status()).isEqualTo(JobStatus.ABORTED);
              assertThat(failure.exceptionClass()).isEqualTo(JobAbortedException.class.getName());
            });
    JobFailure bounded = app.jobManager().failures(huge).get(0);
    assertThat(bounded.message()).hasSize(2_000).endsWith("(cut at 2000 of 50000 characters)");
    assertThat(bounded.stackTrace()).hasSize(16_000).contains("(cut at 16000 of ");
  }

  @Test
  void recordsGoWithTheirJobAndAJobRunElsewhereHasNone() throws Exception {
    App app = app();
    long flaky = app.jobManager().defer(NewJob.builder("f.flaky").build());
    runWorker(app, DeleteJobs.NEVER);
    assertThat(app.jobManager().failures(flaky)).hasSize(2);

    sql.execute("DELETE FROM procrastinate_jobs WHERE id = ?", flaky);
    assertThat(sql.value("SELECT count(*) FROM procrastinate_java_job_failures")).isEqualTo("0");

    // The delete policy removes a failed job without writing a record first.
    app.jobManager().defer(NewJob.builder("f.flaky").build());
    runWorker(app, DeleteJobs.ALWAYS);
    assertThat(sql.value("SELECT count(*) FROM procrastinate_jobs")).isEqualTo("0");
    assertThat(sql.value("SELECT count(*) FROM procrastinate_java_job_failures")).isEqualTo("0");

    // Failed by a Python worker: upstream's function, no record.
    long python = app.jobManager().defer(NewJob.builder("f.flaky").build());
    Long fetched = sql.fetch(null);
    assertThat(fetched).isEqualTo(python);
    sql.finish(python, "failed");
    assertThat(app.jobManager().getJob(python).orElseThrow().status()).isEqualTo(JobStatus.FAILED);
    assertThat(app.jobManager().failures(python)).isEmpty();
  }
}
