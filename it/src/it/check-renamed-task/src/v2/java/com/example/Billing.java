package com.example;

import dev.procrastinate.Task;

/** The new code: the task was renamed, and its old name forgotten. */
public final class Billing {
  private Billing() {}

  /** Charges an invoice. */
  @Task(name = "billing.charge_invoice", queue = "billing")
  public static void chargeInvoice(long invoiceId) {}
}
