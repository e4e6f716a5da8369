package dev.procrastinate.opentelemetry;

import com.zaxxer.hikari.HikariDataSource;
import dev.procrastinate.App;
import dev.procrastinate.NewJob;
import io.opentelemetry.api.trace.Span;
import io.opentelemetry.api.trace.propagation.W3CTraceContextPropagator;
import io.opentelemetry.context.Scope;
import io.opentelemetry.context.propagation.ContextPropagators;
import io.opentelemetry.sdk.OpenTelemetrySdk;
import io.opentelemetry.sdk.testing.exporter.InMemorySpanExporter;
import io.opentelemetry.sdk.trace.SdkTracerProvider;
import io.opentelemetry.sdk.trace.data.SpanData;
import io.opentelemetry.sdk.trace.export.SimpleSpanProcessor;

/**
 * The deferring process of {@link TracingAcrossProcessesTest}: inside a span of its own, as a
 * request handler would be, defers one job, then prints the trace id, the request span's id and the
 * producer span's id, one {@code name=value} per line.
 */
public final class DeferInSpan {
  private DeferInSpan() {}

  /**
   * Defers the job.
   *
   * @param args the database's URL, user and password, and the task's name
   */
  public static void main(String[] args) {
    InMemorySpanExporter exporter = InMemorySpanExporter.create();
    try (OpenTelemetrySdk sdk =
            OpenTelemetrySdk.builder()
                .setTracerProvider(
                    SdkTracerProvider.builder()
                        .addSpanProcessor(SimpleSpanProcessor.create(exporter))
                        .build())
                .setPropagators(ContextPropagators.create(W3CTraceContextPropagator.getInstance()))
                .build();
        HikariDataSource pool = new HikariDataSource()) {
      pool.setJdbcUrl(args[0]);
      pool.setUsername(args[1]);
      pool.setPassword(args[2]);
      pool.setMaximumPoolSize(1);
      try (App app =
          App.builder()
              .dataSource(pool)
              .applyConfigurers(false)
              .contextPropagator(new OpenTelemetryTracing(sdk))
              .build()) {
        Span request = sdk.getTracer("shop").spanBuilder("POST /orders").startSpan();
        long id;
        Scope scope = request.makeCurrent();
        try {
          id = app.jobManager().defer(NewJob.builder(args[3]).queue("orders").build());
        } finally {
          scope.close();
          request.end();
        }
        SpanData producer =
            exporter.getFinishedSpanItems().stream()
                .filter(span -> span.getName().equals("send orders"))
                .findFirst()
                .orElseThrow();
        System.out.println("job=" + id);
        System.out.println("trace=" + request.getSpanContext().getTraceId());
        System.out.println("request=" + request.getSpanContext().getSpanId());
        System.out.println("producer=" + producer.getSpanId());
        System.out.println("producerParent=" + producer.getParentSpanId());
      }
    }
  }
}
