package dev.procrastinate.internal.worker;

import static org.assertj.core.api.Assertions.assertThat;

import ch.qos.logback.classic.Level;
import ch.qos.logback.classic.spi.ILoggingEvent;
import ch.qos.logback.core.read.ListAppender;
import dev.procrastinate.App;
import dev.procrastinate.WorkerOptions;
import dev.procrastinate.model.JobStatus;
import dev.procrastinate.model.ProcrastinateJob;
import dev.procrastinate.spi.TaskDescriptor;
import dev.procrastinate.spi.TaskParameter;
import dev.procrastinate.spi.TaskRegistrar;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.postgresql.ds.PGSimpleDataSource;
import org.slf4j.LoggerFactory;
import org.slf4j.MDC;

/**
 * While a job runs, SLF4J's MDC names it (worker, job id, task, queue, attempt), for the task's own
 * log lines and the worker's; after the run the job's keys are gone, however it ended. Here, where
 * an SLF4J binding with a real MDC is on the class path, through the runner that runs jobs on the
 * caller's thread exactly as a worker's executor threads do.
 */
class JobLogContextTest {
  private static final List<String> JOB_KEYS = List.of("job_id", "task", "queue", "attempt");

  @Test
  void theMdcNamesTheJobDuringEveryRunAndIsClearedAfterItOnEveryPath() {
    List<Map<String, String>> seen = new ArrayList<>();
    TaskDescriptor task =
        TaskDescriptor.builder("t.mdc")
            .parameter(TaskParameter.optional("fail", "boolean"))
            .source("JobLogContextTest")
            .build(
                (context, args) -> {
                  seen.add(MDC.getCopyOfContextMap());
                  if (args.has("fail")) {
                    throw new IllegalStateException("fails");
                  }
                  return null;
                });
    TaskRegistrar registrar = () -> List.of(task);
    // Never connected: the runner only runs the jobs it is given.
    App app =
        App.builder()
            .dataSource(new PGSimpleDataSource())
            .taskRegistrars(List.of(registrar))
            .applyConfigurers(false)
            .build();
    CallerThreadRunner runner =
        app.internals()
            .callerThreadRunner(
                WorkerOptions.builder()
                    .name("w")
                    .workerMiddleware(
                        (context, next) -> {
                          seen.add(MDC.getCopyOfContextMap());
                          return next.proceed();
                        })
                    .build());

    ch.qos.logback.classic.Logger jobsLog =
        (ch.qos.logback.classic.Logger) LoggerFactory.getLogger("procrastinate.jobs");
    ListAppender<ILoggingEvent> lines =
        new ListAppender<>() {
          @Override
          protected void append(ILoggingEvent event) {
            event.prepareForDeferredProcessing(); // the MDC as it is now, not when read
            super.append(event);
          }
        };
    lines.start();
    jobsLog.addAppender(lines);
    jobsLog.setLevel(Level.INFO);

    // Succeeds; fails; an unknown task; arguments that do not decode.
    String[][] runs = {
      {"t.mdc", "{}"}, {"t.mdc", "{\"fail\": true}"}, {"t.gone", "{}"}, {"t.mdc", "{\"x\": 1}"}
    };
    for (String[] run : runs) {
      runner.run(
          new ProcrastinateJob(
              7, "default", run[0], 0, null, null, run[1], JobStatus.DOING, null, 2, false, 1L),
          Map.of());
      for (String key : JOB_KEYS) {
        assertThat(MDC.get(key)).as(key + " after " + run[0] + " " + run[1]).isNull();
      }
    }
    // The worker middleware saw every run, the task the two that reached it.
    assertThat(seen).hasSize(6);
    assertThat(seen)
        .allSatisfy(
            mdc ->
                assertThat(mdc)
                    .containsEntry("job_id", "7")
                    .containsEntry("queue", "default")
                    .containsEntry("attempt", "3")
                    .containsEntry("worker", "w")
                    .containsKey("task"));
    // The worker's own lines about each job carry them too: started, succeeded, failed.
    jobsLog.detachAppender(lines);
    assertThat(lines.list).hasSizeGreaterThanOrEqualTo(runs.length);
    assertThat(lines.list)
        .allSatisfy(
            line ->
                assertThat(line.getMDCPropertyMap())
                    .as(line.getFormattedMessage())
                    .containsEntry("job_id", "7")
                    .containsEntry("attempt", "3"));
  }
}
