package com.example;

import dev.procrastinate.Task;
import java.io.InputStream;

public final class Uploads {
  private Uploads() {}

  @Task(name = "uploads.store")
  public static void store(InputStream content) {}
}
