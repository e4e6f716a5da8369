/**
 * OpenTelemetry tracing of jobs ({@code procrastinate-opentelemetry}).
 *
 * <p>Shape: {@link dev.procrastinate.opentelemetry.OpenTelemetryTracing} is a {@link
 * dev.procrastinate.ContextPropagator}. At defer time, on the deferring thread, it starts and ends
 * a {@code PRODUCER} span {@code send <queue>} under the current context and writes that span's
 * context into the job's headers with the configured text-map propagator (W3C {@code traceparent}
 * by default), stored beside the job in the defer's own statement. When a worker runs the job, it
 * reads the headers back and starts a {@code CONSUMER} span {@code process <queue>}, a child of the
 * producer span (so of the trace the defer belonged to), current on the job's thread for the whole
 * run; a failed run records its exception and sets the span's status to error. Every attempt of a
 * job (retries included) is a consumer span under the same producer span. Attributes follow
 * OpenTelemetry's messaging conventions ({@code messaging.system=procrastinate}, {@code
 * messaging.destination.name}, {@code messaging.operation.type}, {@code messaging.message.id}) plus
 * {@code procrastinate.task.name} and {@code procrastinate.job.attempt}.
 *
 * <p>{@link dev.procrastinate.opentelemetry.OpenTelemetryConfigurer}, listed in {@code
 * META-INF/services}, installs it on every app built while this module is on the class path, over
 * {@link io.opentelemetry.api.GlobalOpenTelemetry}, unless the application set a propagator of its
 * own; with no SDK installed, the API is a no-op and nothing is written.
 */
@NullMarked
package dev.procrastinate.opentelemetry;

import org.jspecify.annotations.NullMarked;
