package dev.procrastinate.dashboard;

import dev.procrastinate.RetryStrategy;
import dev.procrastinate.spi.PeriodicSchedule;
import dev.procrastinate.spi.TaskDescriptor;
import dev.procrastinate.spi.TaskParameter;
import dev.procrastinate.spi.TaskRegistrar;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.CountDownLatch;

/** The tasks of the dashboard's tests: one that succeeds, one that fails once, one that waits. */
final class DemoTasks {
  static final String WELCOME = "demo.send_welcome";
  static final String FLAKY = "demo.flaky_import";
  static final String REPORT = "demo.long_report";
  static final String NIGHTLY = "demo.nightly_cleanup";

  /**
   * The nightly task's schedule: once a day, twelve hours (UTC, as schedules are read) from when
   * the tests start, so that no worker of a test defers a tick of it. A fixed hour would be
   * deferred by every worker started in the ten minutes after it (the periodic deferrer's default
   * lateness), and the pages would show a tick where the tests expect none.
   */
  static final String NIGHTLY_CRON =
      "0 " + (java.time.ZonedDateTime.now(java.time.ZoneOffset.UTC).getHour() + 12) % 24 + " * * *";

  private DemoTasks() {}

  static TaskRegistrar registrar() {
    return () ->
        List.of(
            TaskDescriptor.builder(WELCOME)
                .queue("emails")
                .parameter(TaskParameter.required("user_id", "long"))
                .parameter(TaskParameter.required("template", "java.lang.String"))
                .source("DemoTasks#welcome")
                .build(
                    (context, args) ->
                        java.util.Map.of(
                            "delivered", true, "template", args.get("template", String.class))),
            // Fails on its first run, succeeds once retried.
            TaskDescriptor.builder(FLAKY)
                .queue("imports")
                .retryStrategy(RetryStrategy.builder().maxAttempts(0).build())
                .parameter(TaskParameter.required("file", "java.lang.String"))
                .source("DemoTasks#flaky")
                .build(
                    (context, args) -> {
                      if (context.job().attempts() == 0) {
                        throw new IllegalStateException("first run fails");
                      }
                      return null;
                    }),
            // Runs until its worker interrupts it, on an abort request.
            TaskDescriptor.builder(REPORT)
                .queue("reports")
                .lock("reports")
                .timeout(Duration.ofMinutes(5))
                .retryStrategy(RetryStrategy.builder().maxAttempts(0).build())
                .source("DemoTasks#report")
                .build(
                    (context, args) -> {
                      new CountDownLatch(1).await();
                      return null;
                    }),
            TaskDescriptor.builder(NIGHTLY)
                .parameter(TaskParameter.required("timestamp", "long"))
                .periodic(PeriodicSchedule.of(NIGHTLY_CRON, "", "{}"))
                .source("DemoTasks#nightly")
                .build((context, args) -> null));
  }
}
