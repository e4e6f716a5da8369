package dev.procrastinate;

import java.util.Map;

/**
 * Carries a context, such as an OpenTelemetry trace, from the code that defers a job to the thread
 * that runs it. Register one with {@link App.Builder#contextPropagator(ContextPropagator)}.
 *
 * <p>At defer time, {@link #inject} returns headers (for example a W3C {@code traceparent}); they
 * are stored beside the job, in the same statement, in {@code procrastinate_java_job_headers}
 * (never in the job's {@code args}, which Python workers would receive as arguments). When a worker
 * runs the job, {@link #extract} gets them back before any middleware runs and returns a scope that
 * is closed when the run ends. Headers also show in {@link JobContext#headers()}.
 *
 * <pre>{@code
 * final class OtelPropagator implements ContextPropagator {
 *   public Map<String, String> inject(NewJob job) {
 *     Map<String, String> headers = new HashMap<>();
 *     W3CTraceContextPropagator.getInstance().inject(Context.current(), headers, Map::put);
 *     return headers;
 *   }
 *   public Scope extract(Map<String, String> headers, JobContext job) {
 *     Context parent = W3CTraceContextPropagator.getInstance().extract(Context.root(), headers, GETTER);
 *     Span span = tracer.spanBuilder(job.job().taskName()).setParent(parent).startSpan();
 *     io.opentelemetry.context.Scope scope = span.makeCurrent();
 *     return () -> { scope.close(); span.end(); };
 *   }
 * }
 * }</pre>
 *
 * <p>Both methods run from many threads at once: implementations must be thread-safe. An exception
 * from {@link #inject} fails the defer call; one from {@link #extract} or from closing its scope is
 * logged and the job runs anyway.
 */
public interface ContextPropagator {
  /**
   * Returns the headers to store with a job, on the deferring thread.
   *
   * @param job the job being deferred
   * @return headers, empty to store nothing
   */
  Map<String, String> inject(NewJob job);

  /**
   * Restores a context on the job's thread before the job runs.
   *
   * @param headers the headers stored with the job, empty when there are none (a job deferred by
   *     Python, say)
   * @param context the job's context
   * @return what to close once the run has ended
   */
  Scope extract(Map<String, String> headers, JobContext context);

  /** What {@link #extract} opened; closed on the job's thread when the run ends. */
  @FunctionalInterface
  interface Scope extends AutoCloseable {
    /** Closes the scope; must not throw checked exceptions. */
    @Override
    void close();

    /**
     * Learns that the run failed, just before the scope is closed: a tracer records the exception
     * on the run's span. Not called for a run that succeeded. Does nothing by default.
     *
     * @param failure what the run, its middleware or its argument decoding threw
     */
    default void failed(Throwable failure) {}
  }
}
