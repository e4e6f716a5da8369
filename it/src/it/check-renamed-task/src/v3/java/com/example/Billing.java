package com.example;

import dev.procrastinate.Task;

/** The new code, fixed: the renamed task keeps its old name as an alias. */
public final class Billing {
  private Billing() {}

  /** Charges an invoice. */
  @Task(name = "billing.charge_invoice", aliases = "billing.charge", queue = "billing")
  public static void chargeInvoice(long invoiceId) {}
}
