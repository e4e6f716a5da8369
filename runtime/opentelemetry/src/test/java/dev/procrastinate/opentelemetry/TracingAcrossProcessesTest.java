package dev.procrastinate.opentelemetry;

import static org.assertj.core.api.Assertions.assertThat;

import dev.procrastinate.App;
import dev.procrastinate.ContextPropagator;
import dev.procrastinate.DeleteJobs;
import dev.procrastinate.RetryStrategy;
import dev.procrastinate.WorkerOptions;
import dev.procrastinate.model.JobStatus;
import dev.procrastinate.spi.TaskDescriptor;
import dev.procrastinate.spi.TaskRegistrar;
import dev.procrastinate.testing.TestDatabase;
import io.opentelemetry.api.trace.SpanKind;
import io.opentelemetry.api.trace.StatusCode;
import io.opentelemetry.api.trace.propagation.W3CTraceContextPropagator;
import io.opentelemetry.context.propagation.ContextPropagators;
import io.opentelemetry.sdk.OpenTelemetrySdk;
import io.opentelemetry.sdk.testing.exporter.InMemorySpanExporter;
import io.opentelemetry.sdk.trace.SdkTracerProvider;
import io.opentelemetry.sdk.trace.data.SpanData;
import io.opentelemetry.sdk.trace.export.SimpleSpanProcessor;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

/**
 * One trace from a defer in one process to the run in another, through the database: a child JVM
 * defers a job inside a request span, with its own SDK; this JVM's worker runs it, with another
 * SDK, and its consumer spans (the first attempt fails, the retry succeeds) are children of the
 * child's producer span, in the child's trace.
 */
class TracingAcrossProcessesTest {
  @RegisterExtension static final TestDatabase DB = TestDatabase.migrated();

  private static final String TASK = "otel.charge";

  @Test
  void aJobRunsInTheTraceOfItsDeferAcrossProcessesAndItsRetriesStayInIt() throws Exception {
    Map<String, String> deferred = deferInAnotherProcess();

    InMemorySpanExporter exporter = InMemorySpanExporter.create();
    AtomicInteger runs = new AtomicInteger();
    TaskRegistrar tasks =
        () ->
            List.of(
                TaskDescriptor.builder(TASK)
                    .queue("orders")
                    .retryStrategy(RetryStrategy.builder().maxAttempts(1).build())
                    .source("TracingAcrossProcessesTest")
                    .build(
                        (context, args) -> {
                          if (runs.incrementAndGet() == 1) {
                            throw new IllegalStateException("card declined");
                          }
                          return null;
                        }));
    try (OpenTelemetrySdk sdk = sdk(exporter);
        App app =
            App.builder()
                .dataSource(DB.dataSource())
                .applyConfigurers(false)
                .taskRegistrars(List.of(tasks))
                .contextPropagator(new OpenTelemetryTracing(sdk))
                .build()) {
      app.worker(
              WorkerOptions.builder()
                  .installSignalHandlers(false)
                  .waitForJobs(false)
                  .deleteJobs(DeleteJobs.NEVER)
                  .build())
          .run();
      long job = Long.parseLong(deferred.get("job"));
      assertThat(app.jobManager().getStatus(job)).contains(JobStatus.SUCCEEDED);

      List<SpanData> consumers =
          exporter.getFinishedSpanItems().stream()
              .filter(span -> span.getKind() == SpanKind.CONSUMER)
              .toList();
      assertThat(consumers).hasSize(2);
      for (SpanData span : consumers) {
        assertThat(span.getName()).isEqualTo("process orders");
        assertThat(span.getTraceId()).isEqualTo(deferred.get("trace"));
        assertThat(span.getParentSpanId()).isEqualTo(deferred.get("producer"));
        assertThat(span.getAttributes().get(OpenTelemetryTracing.MESSAGE_ID))
            .isEqualTo(String.valueOf(job));
        assertThat(span.getAttributes().get(OpenTelemetryTracing.TASK)).isEqualTo(TASK);
        assertThat(span.getAttributes().get(OpenTelemetryTracing.MESSAGING_SYSTEM))
            .isEqualTo("procrastinate");
      }
      SpanData failed = consumers.get(0);
      assertThat(failed.getAttributes().get(OpenTelemetryTracing.ATTEMPT)).isEqualTo(1L);
      assertThat(failed.getStatus().getStatusCode()).isEqualTo(StatusCode.ERROR);
      assertThat(failed.getEvents())
          .anySatisfy(
              event -> {
                assertThat(event.getName()).isEqualTo("exception");
                assertThat(event.getAttributes().asMap().values())
                    .anySatisfy(value -> assertThat(value.toString()).contains("card declined"));
              });
      SpanData retried = consumers.get(1);
      assertThat(retried.getAttributes().get(OpenTelemetryTracing.ATTEMPT)).isEqualTo(2L);
      assertThat(retried.getStatus().getStatusCode()).isNotEqualTo(StatusCode.ERROR);
    }
    // The producer span is the request's child, in the deferring process.
    assertThat(deferred.get("producerParent")).isEqualTo(deferred.get("request"));
  }

  @Test
  void theConfigurerInstallsTracingOnlyWhenTheApplicationSetNoPropagator() {
    App.Builder bare = App.builder();
    new OpenTelemetryConfigurer().configure(bare);
    assertThat(bare.contextPropagator()).isInstanceOf(OpenTelemetryTracing.class);

    ContextPropagator own =
        new ContextPropagator() {
          @Override
          public Map<String, String> inject(dev.procrastinate.NewJob job) {
            return Map.of();
          }

          @Override
          public Scope extract(Map<String, String> headers, dev.procrastinate.JobContext context) {
            return () -> {};
          }
        };
    App.Builder custom = App.builder().contextPropagator(own);
    new OpenTelemetryConfigurer().configure(custom);
    assertThat(custom.contextPropagator()).isSameAs(own);
  }

  private static OpenTelemetrySdk sdk(InMemorySpanExporter exporter) {
    return OpenTelemetrySdk.builder()
        .setTracerProvider(
            SdkTracerProvider.builder()
                .addSpanProcessor(SimpleSpanProcessor.create(exporter))
                .build())
        .setPropagators(ContextPropagators.create(W3CTraceContextPropagator.getInstance()))
        .build();
  }

  /** Runs {@link DeferInSpan} in a JVM of its own and reads what it printed. */
  private static Map<String, String> deferInAnotherProcess() throws Exception {
    Process child =
        new ProcessBuilder(
                Path.of(System.getProperty("java.home"), "bin", "java").toString(),
                "-cp",
                System.getProperty("java.class.path"),
                DeferInSpan.class.getName(),
                DB.url(),
                DB.user(),
                DB.password(),
                TASK)
            .redirectErrorStream(true)
            .start();
    String out = new String(child.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
    assertThat(child.waitFor(60, TimeUnit.SECONDS)).as(out).isTrue();
    assertThat(child.exitValue()).as(out).isZero();
    Map<String, String> values = new HashMap<>();
    for (String line : out.lines().toList()) {
      int equals = line.indexOf('=');
      if (equals > 0 && !line.contains(" ")) {
        values.put(line.substring(0, equals), line.substring(equals + 1));
      }
    }
    assertThat(values).as(out).containsKeys("job", "trace", "request", "producer");
    return values;
  }
}
