package com.example;

import dev.procrastinate.Task;
import java.io.InputStream;

/** A task whose parameter cannot travel as JSON: its build must fail. */
public final class Uploads {
  private Uploads() {}

  /**
   * Stores an upload.
   *
   * @param content the bytes, as a stream: not JSON
   */
  @Task(name = "uploads.store")
  public static void store(InputStream content) {}
}
