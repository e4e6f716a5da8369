package dev.procrastinate.cli;

import dev.procrastinate.WorkerOptions;
import dev.procrastinate.operations.InputNames;
import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.util.List;
import picocli.CommandLine;

/**
 * The command line run in the test's own process, for {@code FrontEndsAgreeTest}: it sits in the
 * command line's package to reach what the commands keep package-private.
 */
public final class CliFrontEnd {
  private CliFrontEnd() {}

  /**
   * What a run printed and returned.
   *
   * @param exitCode the exit code
   * @param out standard output
   * @param errors the lines of standard error that the command line wrote ({@code procrastinate:
   *     ...}), without that prefix; log lines are left out
   */
  public record Run(int exitCode, String out, List<String> errors) {}

  /**
   * Returns how the command line names its inputs.
   *
   * @return the names
   */
  public static InputNames inputNames() {
    return Main.INPUT_NAMES;
  }

  /**
   * Runs the command line as {@link Main#run(String...)} does, capturing its output.
   *
   * @param args the arguments
   * @return what it printed and returned
   */
  public static synchronized Run run(String... args) {
    PrintStream out = System.out;
    PrintStream err = System.err;
    ClassLoader loader = Thread.currentThread().getContextClassLoader();
    ByteArrayOutputStream outBytes = new ByteArrayOutputStream();
    ByteArrayOutputStream errBytes = new ByteArrayOutputStream();
    int code;
    try (PrintStream capturedOut = new PrintStream(outBytes, true, StandardCharsets.UTF_8);
        PrintStream capturedErr = new PrintStream(errBytes, true, StandardCharsets.UTF_8)) {
      System.setOut(capturedOut);
      System.setErr(capturedErr);
      code = Main.run(args);
    } finally {
      System.setOut(out);
      System.setErr(err);
      Thread.currentThread().setContextClassLoader(loader);
    }
    String errText = errBytes.toString(StandardCharsets.UTF_8);
    return new Run(
        code,
        outBytes.toString(StandardCharsets.UTF_8),
        errText
            .lines()
            .filter(line -> line.startsWith("procrastinate: "))
            .map(line -> line.substring("procrastinate: ".length()))
            .toList());
  }

  /**
   * Parses {@code procrastinate worker} arguments and returns the options the command would run
   * with, without starting a worker.
   *
   * @param args the arguments, starting with {@code worker}
   * @return the options
   */
  public static WorkerOptions workerOptions(String... args) {
    CommandLine.ParseResult parsed = new CommandLine(new Main()).parseArgs(args);
    WorkerCommand command = (WorkerCommand) parsed.subcommand().commandSpec().userObject();
    return command.options();
  }
}
