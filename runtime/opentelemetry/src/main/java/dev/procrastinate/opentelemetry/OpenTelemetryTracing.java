package dev.procrastinate.opentelemetry;

import dev.procrastinate.ContextPropagator;
import dev.procrastinate.JobContext;
import dev.procrastinate.NewJob;
import io.opentelemetry.api.OpenTelemetry;
import io.opentelemetry.api.common.AttributeKey;
import io.opentelemetry.api.trace.Span;
import io.opentelemetry.api.trace.SpanKind;
import io.opentelemetry.api.trace.StatusCode;
import io.opentelemetry.api.trace.Tracer;
import io.opentelemetry.context.Context;
import io.opentelemetry.context.propagation.TextMapGetter;
import io.opentelemetry.context.propagation.TextMapPropagator;
import java.util.HashMap;
import java.util.Map;
import java.util.Objects;

/**
 * Traces jobs with OpenTelemetry: a producer span where a job is deferred, whose context travels in
 * the job's headers, and a consumer span in the same trace where a worker runs it (see the package
 * description). Install it with {@code App.builder().contextPropagator(new
 * OpenTelemetryTracing(openTelemetry))}, or let {@link OpenTelemetryConfigurer} install it over
 * {@link io.opentelemetry.api.GlobalOpenTelemetry}. Thread-safe.
 */
public final class OpenTelemetryTracing implements ContextPropagator {
  /** The instrumentation scope's name. */
  public static final String INSTRUMENTATION = "dev.procrastinate";

  /** {@code messaging.system}. */
  public static final AttributeKey<String> MESSAGING_SYSTEM =
      AttributeKey.stringKey("messaging.system");

  /** {@code messaging.destination.name}: the queue. */
  public static final AttributeKey<String> DESTINATION =
      AttributeKey.stringKey("messaging.destination.name");

  /** {@code messaging.operation.type}: {@code send} or {@code process}. */
  public static final AttributeKey<String> OPERATION_TYPE =
      AttributeKey.stringKey("messaging.operation.type");

  /** {@code messaging.message.id}: the job's id, known when it runs. */
  public static final AttributeKey<String> MESSAGE_ID =
      AttributeKey.stringKey("messaging.message.id");

  /** {@code procrastinate.task.name}. */
  public static final AttributeKey<String> TASK = AttributeKey.stringKey("procrastinate.task.name");

  /** {@code procrastinate.job.attempt}: the attempt, from 1. */
  public static final AttributeKey<Long> ATTEMPT =
      AttributeKey.longKey("procrastinate.job.attempt");

  private static final TextMapGetter<Map<String, String>> HEADERS =
      (carrier, key) -> carrier == null ? null : carrier.get(key);

  private final Tracer tracer;
  private final TextMapPropagator propagator;

  /**
   * Traces with an OpenTelemetry instance: its tracer provider and its text-map propagator.
   *
   * @param openTelemetry the instance, such as the SDK the application built
   */
  public OpenTelemetryTracing(OpenTelemetry openTelemetry) {
    Objects.requireNonNull(openTelemetry, "openTelemetry");
    this.tracer = openTelemetry.getTracer(INSTRUMENTATION);
    this.propagator = openTelemetry.getPropagators().getTextMapPropagator();
  }

  @Override
  public Map<String, String> inject(NewJob job) {
    Span span =
        tracer
            .spanBuilder("send " + job.queue())
            .setSpanKind(SpanKind.PRODUCER)
            .setAttribute(MESSAGING_SYSTEM, "procrastinate")
            .setAttribute(DESTINATION, job.queue())
            .setAttribute(OPERATION_TYPE, "send")
            .setAttribute(TASK, job.taskName())
            .startSpan();
    try {
      Map<String, String> headers = new HashMap<>();
      propagator.inject(Context.current().with(span), headers, Map::put);
      return headers;
    } finally {
      span.end();
    }
  }

  @Override
  public Scope extract(Map<String, String> headers, JobContext context) {
    Context parent = propagator.extract(Context.root(), headers, HEADERS);
    Span span =
        tracer
            .spanBuilder("process " + context.job().queueName())
            .setSpanKind(SpanKind.CONSUMER)
            .setParent(parent)
            .setAttribute(MESSAGING_SYSTEM, "procrastinate")
            .setAttribute(DESTINATION, context.job().queueName())
            .setAttribute(OPERATION_TYPE, "process")
            .setAttribute(MESSAGE_ID, Long.toString(context.job().id()))
            .setAttribute(TASK, context.job().taskName())
            .setAttribute(ATTEMPT, (long) context.attempts() + 1)
            .startSpan();
    io.opentelemetry.context.Scope current = parent.with(span).makeCurrent();
    return new Scope() {
      @Override
      public void failed(Throwable failure) {
        span.recordException(failure);
        span.setStatus(StatusCode.ERROR, failure.getClass().getName());
      }

      @Override
      public void close() {
        try {
          current.close();
        } finally {
          span.end();
        }
      }
    };
  }
}
