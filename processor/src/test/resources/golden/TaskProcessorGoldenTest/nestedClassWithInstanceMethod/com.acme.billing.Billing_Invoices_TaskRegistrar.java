package com.acme.billing;

import dev.procrastinate.spi.TaskDescriptor;
import dev.procrastinate.spi.TaskGenerated;
import dev.procrastinate.spi.TaskInstances;
import dev.procrastinate.spi.TaskParameter;
import dev.procrastinate.spi.TaskRegistrar;
import java.util.List;
import javax.annotation.processing.Generated;

/**
 * Hands the tasks of {@link Billing.Invoices} to the runtime; listed in
 * {@code META-INF/services/dev.procrastinate.spi.TaskRegistrar}.
 */
@Generated(
    value = "dev.procrastinate.processor.TaskProcessor",
    comments = "https://github.com/procrastinate-java/procrastinate-java"
)
@TaskGenerated
public final class Billing_Invoices_TaskRegistrar implements TaskRegistrar {
  /**
   * Creates the registrar; called by {@link java.util.ServiceLoader}.
   */
  public Billing_Invoices_TaskRegistrar() {
  }

  private static TaskDescriptor chargeTask() {
    return TaskDescriptor.builder("billing.charge")
        .queue("default")
        .priority(0)
        .parameter(TaskParameter.required("invoiceId", "long"))
        .parameter(TaskParameter.required("dryRun", "boolean"))
        .source("com.acme.billing.Billing.Invoices.charge(long, boolean) via com.acme.billing.Billing_Invoices_TaskRegistrar")
        .build((context, args) -> {
          TaskInstances.get(context, Billing.Invoices.class, Billing.Invoices::new).charge(
              args.getLong("invoiceId"),
              args.getBoolean("dryRun"));
          return null;
        });
  }

  @Override
  public List<TaskDescriptor> tasks() {
    return List.of(chargeTask());
  }
}
