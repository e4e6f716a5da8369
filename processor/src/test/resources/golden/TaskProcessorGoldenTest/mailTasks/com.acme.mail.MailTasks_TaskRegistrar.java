package com.acme.mail;

import dev.procrastinate.RetryStrategy;
import dev.procrastinate.spi.PeriodicSchedule;
import dev.procrastinate.spi.TaskDescriptor;
import dev.procrastinate.spi.TaskGenerated;
import dev.procrastinate.spi.TaskParameter;
import dev.procrastinate.spi.TaskRegistrar;
import dev.procrastinate.spi.TypeRef;
import java.io.IOException;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import javax.annotation.processing.Generated;

/**
 * Hands the tasks of {@link MailTasks} to the runtime; listed in
 * {@code META-INF/services/dev.procrastinate.spi.TaskRegistrar}.
 */
@Generated(
    value = "dev.procrastinate.processor.TaskProcessor",
    comments = "https://github.com/procrastinate-java/procrastinate-java"
)
@TaskGenerated
public final class MailTasks_TaskRegistrar implements TaskRegistrar {
  /**
   * Creates the registrar; called by {@link java.util.ServiceLoader}.
   */
  public MailTasks_TaskRegistrar() {
  }

  private static TaskDescriptor sendWelcomeTask() {
    return TaskDescriptor.builder("myapp.tasks.send_welcome")
        .aliases("mail.welcome")
        .queue("emails")
        .priority(5)
        .queueingLock("welcome")
        .retryStrategy(RetryStrategy.builder().maxAttempts(5).exponentialWait(2).retryOn(IOException.class).build())
        .parameter(TaskParameter.required("user_id", "long"))
        .parameter(TaskParameter.required("template", "java.lang.String"))
        .parameter(TaskParameter.required("recipients", "java.util.List<com.acme.mail.MailTasks.Recipient>"))
        .parameter(TaskParameter.required("counters", "java.util.Map<java.lang.String, java.lang.Integer>"))
        .parameter(TaskParameter.optional("notBefore", "java.util.Optional<java.time.Instant>"))
        .parameter(TaskParameter.required("slots", "int[]"))
        .source("com.acme.mail.MailTasks.sendWelcome(long, java.lang.String, java.util.List<com.acme.mail.MailTasks.Recipient>, java.util.Map<java.lang.String, java.lang.Integer>, java.util.Optional<java.time.Instant>, int[]) via com.acme.mail.MailTasks_TaskRegistrar")
        .build((context, args) -> {
          return MailTasks.sendWelcome(
              args.getLong("user_id"),
              args.get("template", String.class),
              args.get("recipients", new TypeRef<List<MailTasks.Recipient>>() {}),
              args.get("counters", new TypeRef<Map<String, Integer>>() {}),
              args.getOptional("notBefore", Instant.class),
              args.get("slots", int[].class));
        });
  }

  private static TaskDescriptor nightlyReportTask() {
    return TaskDescriptor.builder("mail.nightly_report")
        .queue("default")
        .priority(0)
        .lock("reports")
        .timeout(Duration.ofSeconds(600))
        .parameter(TaskParameter.required("timestamp", "long"))
        .parameter(TaskParameter.optional("region", "java.util.Optional<java.lang.String>"))
        .periodic(PeriodicSchedule.of("0 3 * * *", "", "{}"))
        .periodic(PeriodicSchedule.of("0 4 * * * 30", "late", "{\"region\": \"eu\"}"))
        .source("com.acme.mail.MailTasks.nightlyReport(dev.procrastinate.JobContext, long, java.util.Optional<java.lang.String>) via com.acme.mail.MailTasks_TaskRegistrar")
        .build((context, args) -> {
          MailTasks.nightlyReport(
              context,
              args.getLong("timestamp"),
              args.getOptional("region", String.class));
          return null;
        });
  }

  private static TaskDescriptor retryForeverTask() {
    return TaskDescriptor.builder("mail.forever")
        .queue("default")
        .priority(0)
        .retryStrategy(RetryStrategy.builder().forever().fixedWait(10).linearWait(3).build())
        .parameter(TaskParameter.optional("tags", "java.util.Optional<java.util.List<java.lang.String>>"))
        .source("com.acme.mail.MailTasks.retryForever(java.util.Optional<java.util.List<java.lang.String>>) via com.acme.mail.MailTasks_TaskRegistrar")
        .build((context, args) -> {
          MailTasks.retryForever(
              args.getOptional("tags", new TypeRef<List<String>>() {}));
          return null;
        });
  }

  @Override
  public List<TaskDescriptor> tasks() {
    return List.of(sendWelcomeTask(), nightlyReportTask(), retryForeverTask());
  }
}
