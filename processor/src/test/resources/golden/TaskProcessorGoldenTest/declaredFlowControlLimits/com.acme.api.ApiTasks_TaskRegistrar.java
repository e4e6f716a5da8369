package com.acme.api;

import dev.procrastinate.model.RateLimit;
import dev.procrastinate.spi.TaskDescriptor;
import dev.procrastinate.spi.TaskGenerated;
import dev.procrastinate.spi.TaskParameter;
import dev.procrastinate.spi.TaskRegistrar;
import java.util.List;
import javax.annotation.processing.Generated;

/**
 * Hands the tasks of {@link ApiTasks} to the runtime; listed in
 * {@code META-INF/services/dev.procrastinate.spi.TaskRegistrar}.
 */
@Generated(
    value = "dev.procrastinate.processor.TaskProcessor",
    comments = "https://github.com/procrastinate-java/procrastinate-java"
)
@TaskGenerated
public final class ApiTasks_TaskRegistrar implements TaskRegistrar {
  /**
   * Creates the registrar; called by {@link java.util.ServiceLoader}.
   */
  public ApiTasks_TaskRegistrar() {
  }

  private static TaskDescriptor callTask() {
    return TaskDescriptor.builder("api.call")
        .queue("default")
        .priority(0)
        .concurrencyLimit(3)
        .rateLimit(RateLimit.parse("50/1s"))
        .parameter(TaskParameter.required("endpoint", "java.lang.String"))
        .source("com.acme.api.ApiTasks.call(java.lang.String) via com.acme.api.ApiTasks_TaskRegistrar")
        .build((context, args) -> {
          ApiTasks.call(
              args.get("endpoint", String.class));
          return null;
        });
  }

  private static TaskDescriptor pollTask() {
    return TaskDescriptor.builder("api.poll")
        .queue("default")
        .priority(0)
        .rateLimit(RateLimit.parse("5/500ms"))
        .source("com.acme.api.ApiTasks.poll() via com.acme.api.ApiTasks_TaskRegistrar")
        .build((context, args) -> {
          ApiTasks.poll();
          return null;
        });
  }

  private static TaskDescriptor exportTask() {
    return TaskDescriptor.builder("api.export")
        .queue("default")
        .priority(0)
        .concurrencyLimit(1)
        .source("com.acme.api.ApiTasks.export() via com.acme.api.ApiTasks_TaskRegistrar")
        .build((context, args) -> {
          ApiTasks.export();
          return null;
        });
  }

  @Override
  public List<TaskDescriptor> tasks() {
    return List.of(callTask(), pollTask(), exportTask());
  }
}
