package com.example;

import dev.procrastinate.Task;

/** The one task of the scenario project. */
public final class Ops {
  private Ops() {}

  /** Does nothing. */
  @Task(name = "ops.ping")
  public static void ping() {}
}
