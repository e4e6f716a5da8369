package dev.procrastinate;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.procrastinate.model.JobStatus;
import dev.procrastinate.spi.TaskDescriptor;
import dev.procrastinate.spi.TaskRegistrar;
import dev.procrastinate.testing.Sql;
import dev.procrastinate.testing.TestDatabase;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import org.jspecify.annotations.Nullable;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

/**
 * A trace context travels from the deferring thread to the job's thread through a {@link
 * ContextPropagator}, stored beside the job, never in its arguments.
 */
class ContextPropagationTest {
  @RegisterExtension static final TestDatabase DB = TestDatabase.migrated();

  /** The "current trace" of a thread, as a tracing library keeps it. */
  private static final ThreadLocal<@Nullable String> TRACE = new ThreadLocal<>();

  private final Map<Long, String> seenTrace = new ConcurrentHashMap<>();
  private final Map<Long, Map<String, String>> seenHeaders = new ConcurrentHashMap<>();
  private Sql sql;

  private final ContextPropagator propagator =
      new ContextPropagator() {
        @Override
        public Map<String, String> inject(NewJob job) {
          String trace = TRACE.get();
          if ("explode".equals(trace)) {
            throw new IllegalStateException("tracer down");
          }
          return trace == null ? Map.of() : Map.of("traceparent", trace);
        }

        @Override
        public Scope extract(Map<String, String> headers, JobContext context) {
          TRACE.set(headers.get("traceparent"));
          return TRACE::remove;
        }
      };

  private final TaskRegistrar tasks =
      () ->
          List.of(
              TaskDescriptor.builder("p.traced")
                  .source("test")
                  .build(
                      (context, args) -> {
                        long id = context.job().id();
                        seenTrace.put(id, String.valueOf(TRACE.get()));
                        seenHeaders.put(id, context.headers());
                        return null;
                      }));

  @BeforeEach
  void setUp() throws Exception {
    sql = new Sql(DB.dataSource());
    sql.execute("DELETE FROM procrastinate_jobs");
  }

  private App app(@Nullable ContextPropagator propagator) {
    return App.builder()
        .dataSource(DB.dataSource())
        .taskRegistrars(List.of(tasks))
        .contextPropagator(propagator)
        .build();
  }

  private void runWorker(App app, DeleteJobs delete) throws InterruptedException {
    app.worker(
            WorkerOptions.builder()
                .installSignalHandlers(false)
                .waitForJobs(false)
                .deleteJobs(delete)
                .build())
        .run();
  }

  @Test
  void theDeferringThreadsTraceReachesTheJobsThread() throws Exception {
    App app = app(propagator);
    TRACE.set("00-trace-one-01");
    long single = app.jobManager().defer(NewJob.builder("p.traced").build());
    TRACE.set("00-trace-batch-01");
    long[] batch =
        app.jobManager()
            .deferBatch(
                List.of(NewJob.builder("p.traced").build(), NewJob.builder("p.traced").build()));
    TRACE.remove();
    long untraced = app.jobManager().defer(NewJob.builder("p.traced").build());
    long fromElsewhere = app(null).jobManager().defer(NewJob.builder("p.traced").build());

    // Beside the job, not in its args: a Python worker sees the arguments it expects.
    assertThat(app.jobManager().getJob(single).orElseThrow().argsJson()).isEqualTo("{}");
    assertThat(sql.value("SELECT count(*) FROM procrastinate_java_job_headers")).isEqualTo("3");

    runWorker(app, DeleteJobs.NEVER);
    assertThat(seenTrace)
        .containsEntry(single, "00-trace-one-01")
        .containsEntry(batch[0], "00-trace-batch-01")
        .containsEntry(batch[1], "00-trace-batch-01")
        .containsEntry(untraced, "null")
        .containsEntry(fromElsewhere, "null");
    assertThat(seenHeaders.get(single))
        .containsExactly(Map.entry("traceparent", "00-trace-one-01"));
    assertThat(seenHeaders.get(untraced)).isEmpty();
    assertThat(app.jobManager().countByStatus().get(JobStatus.SUCCEEDED)).isEqualTo(5);
  }

  @Test
  void headersGoWithTheirJob() throws Exception {
    App app = app(propagator);
    TRACE.set("00-gone-01");
    app.jobManager().defer(NewJob.builder("p.traced").build());
    TRACE.remove();
    runWorker(app, DeleteJobs.ALWAYS);
    assertThat(seenTrace.values()).containsExactly("00-gone-01");
    assertThat(sql.value("SELECT count(*) FROM procrastinate_jobs")).isEqualTo("0");
    assertThat(sql.value("SELECT count(*) FROM procrastinate_java_job_headers")).isEqualTo("0");
  }

  @Test
  void aPropagatorThatFailsAtDeferFailsTheDeferAndStoresNothing() throws Exception {
    App app = app(propagator);
    TRACE.set("explode");
    try {
      assertThatThrownBy(() -> app.jobManager().defer(NewJob.builder("p.traced").build()))
          .isInstanceOf(IllegalStateException.class)
          .hasMessage("tracer down");
    } finally {
      TRACE.remove();
    }
    assertThat(sql.value("SELECT count(*) FROM procrastinate_jobs")).isEqualTo("0");
  }
}
