package com.example;

import dev.procrastinate.Task;

public final class Ops {
  private Ops() {}

  @Task(name = "ops.ping")
  public static void ping() {}
}
