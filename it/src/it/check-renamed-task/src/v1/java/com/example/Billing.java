package com.example;

import dev.procrastinate.Task;

/** The deployed code. */
public final class Billing {
  private Billing() {}

  /** Charges an invoice. */
  @Task(name = "billing.charge", queue = "billing")
  public static void charge(long invoiceId) {}
}
