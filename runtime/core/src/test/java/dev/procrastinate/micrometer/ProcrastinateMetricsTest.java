package dev.procrastinate.micrometer;

import static org.assertj.core.api.Assertions.assertThat;

import dev.procrastinate.App;
import dev.procrastinate.NewJob;
import dev.procrastinate.RetryStrategy;
import dev.procrastinate.WorkerOptions;
import dev.procrastinate.spi.TaskDescriptor;
import dev.procrastinate.spi.TaskRegistrar;
import dev.procrastinate.testing.Sql;
import dev.procrastinate.testing.TestDatabase;
import io.micrometer.core.instrument.Meter;
import io.micrometer.core.instrument.search.RequiredSearch;
import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

/** Every meter moves when jobs are deferred and run on a real PostgreSQL. */
class ProcrastinateMetricsTest {
  @RegisterExtension static final TestDatabase DB = TestDatabase.migrated();

  private final SimpleMeterRegistry registry = new SimpleMeterRegistry();
  private final ProcrastinateMetrics metrics = new ProcrastinateMetrics(registry);
  private App app;

  @BeforeEach
  void setUp() throws Exception {
    new Sql(DB.dataSource()).execute("DELETE FROM procrastinate_jobs");
    TaskRegistrar tasks =
        () ->
            List.of(
                TaskDescriptor.builder("m.ok").source("test").build((context, args) -> "ok"),
                TaskDescriptor.builder("m.flaky")
                    .retryStrategy(RetryStrategy.builder().maxAttempts(1).build())
                    .source("test")
                    .build(
                        (context, args) -> {
                          throw new IllegalStateException("flaky");
                        }),
                TaskDescriptor.builder("m.aborted")
                    .source("test")
                    .build(
                        (context, args) -> {
                          context.app().jobManager().abort(context.job().id());
                          Thread.sleep(10_000);
                          return null;
                        }));
    app =
        App.builder()
            .dataSource(DB.dataSource())
            .taskRegistrars(List.of(tasks))
            .observer(metrics)
            .build();
  }

  private double count(String name, String task) {
    RequiredSearch search = registry.get(name).tag("task", task).tag("queue", "default");
    return search.counter().count();
  }

  @Test
  void countersAndTimerMoveWithEachOutcome() throws Exception {
    app.jobManager().defer(NewJob.builder("m.ok").build());
    app.jobManager().deferBatch(List.of(NewJob.builder("m.ok").build()));
    app.jobManager().defer(NewJob.builder("m.flaky").build());
    app.jobManager().defer(NewJob.builder("m.aborted").build());
    assertThat(count(ProcrastinateMetrics.DEFERRED, "m.ok")).isEqualTo(2);
    assertThat(count(ProcrastinateMetrics.DEFERRED, "m.flaky")).isEqualTo(1);

    app.worker(
            WorkerOptions.builder()
                .installSignalHandlers(false)
                .waitForJobs(false)
                .abortJobPollingInterval(Duration.ofMillis(100))
                .build())
        .run();

    assertThat(count(ProcrastinateMetrics.STARTED, "m.ok")).isEqualTo(2);
    assertThat(count(ProcrastinateMetrics.SUCCEEDED, "m.ok")).isEqualTo(2);
    assertThat(count(ProcrastinateMetrics.STARTED, "m.flaky")).isEqualTo(2);
    assertThat(count(ProcrastinateMetrics.RETRIED, "m.flaky")).isEqualTo(1);
    assertThat(count(ProcrastinateMetrics.FAILED, "m.flaky")).isEqualTo(1);
    assertThat(count(ProcrastinateMetrics.ABORTED, "m.aborted")).isEqualTo(1);
    var timer =
        registry
            .get(ProcrastinateMetrics.RUN_TIME)
            .tags("task", "m.ok", "queue", "default", "outcome", "succeeded")
            .timer();
    assertThat(timer.count()).isEqualTo(2);
    assertThat(timer.totalTime(TimeUnit.NANOSECONDS)).isPositive();
  }

  @Test
  void queueGaugesFollowTheBacklog() throws Exception {
    app.jobManager().defer(NewJob.builder("m.ok").queue("reports").build());
    app.jobManager().defer(NewJob.builder("m.ok").queue("reports").build());
    app.jobManager()
        .defer(
            NewJob.builder("m.ok")
                .queue("reports")
                .scheduleAt(Instant.now().plus(Duration.ofHours(1)))
                .build());
    // The due jobs were deferred a minute ago, as far as the events tell.
    new Sql(DB.dataSource())
        .execute("UPDATE procrastinate_events SET at = at - interval '1 minute'");
    metrics.monitorQueues(app, Duration.ofMillis(100));
    try {
      awaitGauge(ProcrastinateMetrics.QUEUE_DEPTH, "reports", 3);
      assertThat(gauge(ProcrastinateMetrics.QUEUE_DUE, "reports")).isEqualTo(2);
      assertThat(gauge(ProcrastinateMetrics.QUEUE_OLDEST_AGE, "reports")).isGreaterThan(1.0);
      assertThat(registry.get(ProcrastinateMetrics.QUEUE_OLDEST_AGE).gauge().getId().getBaseUnit())
          .isEqualTo("seconds");

      new Sql(DB.dataSource()).execute("DELETE FROM procrastinate_jobs");
      long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(10);
      while (!registry.find(ProcrastinateMetrics.QUEUE_DEPTH).gauges().isEmpty()
          && System.nanoTime() < deadline) {
        Thread.sleep(50);
      }
      assertThat(registry.find(ProcrastinateMetrics.QUEUE_DEPTH).meters())
          .extracting(Meter::getId)
          .isEmpty();
    } finally {
      metrics.close();
    }
  }

  private double gauge(String name, String queue) {
    return registry.get(name).tag("queue", queue).gauge().value();
  }

  private void awaitGauge(String name, String queue, double expected) throws Exception {
    long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(10);
    while (System.nanoTime() < deadline) {
      if (registry.find(name).tag("queue", queue).gauge() != null
          && gauge(name, queue) == expected) {
        return;
      }
      Thread.sleep(50);
    }
    assertThat(gauge(name, queue)).isEqualTo(expected);
  }
}
