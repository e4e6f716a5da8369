package dev.procrastinate.maven;

import dev.procrastinate.App;
import dev.procrastinate.operations.Shell;
import java.io.BufferedReader;
import java.io.InputStreamReader;
import java.nio.charset.Charset;
import org.apache.maven.plugin.MojoFailureException;
import org.apache.maven.plugins.annotations.Mojo;
import org.apache.maven.plugins.annotations.Parameter;
import org.jspecify.annotations.Nullable;

/**
 * The administration shell of the command line: list jobs, queues, tasks and locks, cancel, abort
 * and retry jobs, pause and resume queues, set, clear and list concurrency and rate limits. Without
 * {@code procrastinate.command} it reads commands from standard input, with the prompt {@code
 * procrastinate> }, until {@code exit} or the end of the input.
 *
 * <pre>
 * mvn procrastinate:shell -Dprocrastinate.command="list_jobs status=failed details"
 * mvn -q procrastinate:shell          (interactive)
 * </pre>
 */
@Mojo(name = "shell", threadSafe = true)
public final class ShellMojo extends AbstractProcrastinateMojo {
  /**
   * One shell command to run, such as {@code list_queues} or {@code retry 42}; the build fails if
   * it fails. Empty to read commands from standard input. Also configurable with {@code
   * -Dprocrastinate.command}.
   */
  @Parameter(property = "procrastinate.command")
  private @Nullable String command;

  /** Creates the goal. */
  public ShellMojo() {}

  @Override
  protected void doExecute() throws Exception {
    try (App app = openApp()) {
      Shell shell = new Shell(app.jobManager(), System.out, System.err);
      if (command == null || command.isBlank()) {
        shell.run(new BufferedReader(new InputStreamReader(System.in, Charset.defaultCharset())));
        return;
      }
      Shell.Result result = shell.execute(command);
      System.out.flush();
      if (result == Shell.Result.FAILED) {
        throw new MojoFailureException("The shell command failed: " + command);
      }
    }
  }
}
