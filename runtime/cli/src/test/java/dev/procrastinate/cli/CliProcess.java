package dev.procrastinate.cli;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;

/**
 * The {@code procrastinate} command line in a process of its own: {@code java -cp <the test class
 * path> dev.procrastinate.cli.Main ...}, with an environment free of the caller's {@code
 * PROCRASTINATE_*} variables.
 */
final class CliProcess {
  private final Process process;
  private final Capture out;
  private final Capture err;

  private CliProcess(Process process) {
    this.process = process;
    this.out = new Capture(process.getInputStream());
    this.err = new Capture(process.getErrorStream());
  }

  /** What a finished process printed and returned. */
  record Result(int exitCode, String out, String err) {
    List<String> outLines() {
      return out.isEmpty() ? List.of() : List.of(out.split("\n", -1));
    }

    List<String> errLines() {
      return err.isEmpty() ? List.of() : List.of(err.strip().split("\n"));
    }

    @Override
    public String toString() {
      return "exit " + exitCode + "\n--- stdout\n" + out + "\n--- stderr\n" + err;
    }
  }

  /** Builds and starts processes. */
  static final class Launcher {
    private final Map<String, String> environment = new LinkedHashMap<>();
    private final List<String> jvmOptions = new ArrayList<>();

    Launcher env(String name, String value) {
      environment.put(name, value);
      return this;
    }

    Launcher jvm(String option) {
      jvmOptions.add(option);
      return this;
    }

    CliProcess start(String... args) throws IOException {
      List<String> command = new ArrayList<>();
      command.add(Path.of(System.getProperty("java.home"), "bin", "java").toString());
      command.addAll(jvmOptions);
      command.add("-cp");
      command.add(System.getProperty("java.class.path"));
      command.add(Main.class.getName());
      command.addAll(List.of(args));
      ProcessBuilder builder = new ProcessBuilder(command);
      builder.environment().keySet().removeIf(name -> name.startsWith("PROCRASTINATE_"));
      builder.environment().putAll(environment);
      return new CliProcess(builder.start());
    }

    Result runWithInput(String stdin, String... args) throws Exception {
      CliProcess process = start(args);
      try (OutputStream in = process.process.getOutputStream()) {
        in.write(stdin.getBytes(StandardCharsets.UTF_8));
      }
      return process.await(Duration.ofSeconds(60));
    }

    Result run(String... args) throws Exception {
      return runWithInput("", args);
    }
  }

  static Launcher launcher() {
    return new Launcher();
  }

  /** Writes a services file listing {@link CliTestTasks} under a directory, for --class-path. */
  static Path taskClassPath(Path directory) throws IOException {
    Path services = directory.resolve("META-INF/services");
    Files.createDirectories(services);
    Files.writeString(
        services.resolve("dev.procrastinate.spi.TaskRegistrar"),
        CliTestTasks.class.getName() + "\n",
        StandardCharsets.UTF_8);
    return directory;
  }

  Process process() {
    return process;
  }

  String err() {
    return err.text();
  }

  /** Waits until standard error contains a text. */
  void awaitErr(String text, Duration timeout) throws InterruptedException {
    long deadline = System.nanoTime() + timeout.toNanos();
    while (!err.text().contains(text)) {
      if (!process.isAlive() && !err.text().contains(text)) {
        throw new AssertionError(
            "the process ended (exit "
                + process.exitValue()
                + ") without printing '"
                + text
                + "'\n--- stderr\n"
                + err.text()
                + "\n--- stdout\n"
                + out.text());
      }
      if (System.nanoTime() > deadline) {
        throw new AssertionError("timed out waiting for '" + text + "' in\n" + err.text());
      }
      Thread.sleep(20);
    }
  }

  Result await(Duration timeout) throws Exception {
    if (!process.waitFor(timeout.toMillis(), TimeUnit.MILLISECONDS)) {
      process.destroyForcibly();
      throw new AssertionError("the process did not end in " + timeout + "\n" + err.text());
    }
    out.thread.join(5_000);
    err.thread.join(5_000);
    return new Result(process.exitValue(), out.text(), err.text());
  }

  /** Drains a stream on a thread of its own. */
  private static final class Capture {
    private final ByteArrayOutputStream bytes = new ByteArrayOutputStream();
    private final Thread thread;

    Capture(InputStream in) {
      thread =
          new Thread(
              () -> {
                byte[] buffer = new byte[8192];
                try {
                  int n;
                  while ((n = in.read(buffer)) >= 0) {
                    synchronized (bytes) {
                      bytes.write(buffer, 0, n);
                    }
                  }
                } catch (IOException e) {
                  // the process ended
                }
              },
              "cli-capture");
      thread.setDaemon(true);
      thread.start();
    }

    String text() {
      synchronized (bytes) {
        return bytes.toString(StandardCharsets.UTF_8);
      }
    }
  }
}
