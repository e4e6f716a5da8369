package dev.procrastinate.maven;

import dev.procrastinate.App;
import dev.procrastinate.operations.CheckFinding;
import dev.procrastinate.operations.CheckReport;
import dev.procrastinate.operations.Operations;
import java.io.File;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import org.apache.maven.plugin.MojoExecutionException;
import org.apache.maven.plugin.MojoFailureException;
import org.apache.maven.plugins.annotations.Mojo;
import org.apache.maven.plugins.annotations.Parameter;
import org.apache.maven.plugins.annotations.ResolutionScope;
import org.jspecify.annotations.Nullable;

/**
 * Checks the project's compiled tasks against the jobs waiting in the database, before deploying
 * the code: waiting jobs of a task the code no longer declares (renamed without an alias, or
 * removed) and arguments that no longer decode into their task's parameters fail the build; jobs
 * left on an old default queue that no worker serves, and periodic ticks of a gone task, are
 * warnings. Read-only.
 *
 * <pre>mvn compile procrastinate:check -Dprocrastinate.url=jdbc:postgresql://db/app</pre>
 */
@Mojo(name = "check", requiresDependencyResolution = ResolutionScope.RUNTIME, threadSafe = true)
public final class CheckMojo extends AbstractProcrastinateMojo {
  /**
   * Also writes the report as one JSON object to this file, for CI. Also configurable with
   * -Dprocrastinate.checkReport
   */
  @Parameter(property = "procrastinate.checkReport")
  @Nullable File checkReport;

  /** How many job ids each finding shows. Also configurable with -Dprocrastinate.examples */
  @Parameter(property = "procrastinate.examples", defaultValue = "" + Operations.CHECK_EXAMPLES)
  int examples = Operations.CHECK_EXAMPLES;

  /** Creates the goal. */
  public CheckMojo() {}

  @Override
  protected boolean usesRuntimeClasspath() {
    return true;
  }

  @Override
  protected void doExecute() throws Exception {
    if (examples < 1) {
      throw new MojoExecutionException(
          "procrastinate.examples must be at least 1, got " + examples);
    }
    try (App app = openApp()) {
      CheckReport report = new Operations(app).check(examples);
      for (CheckFinding finding : report.findings()) {
        switch (finding.severity()) {
          case ERROR -> getLog().error(finding.message());
          case WARNING -> getLog().warn(finding.message());
          default -> getLog().info(finding.message());
        }
      }
      if (checkReport != null) {
        Path file = checkReport.toPath();
        if (file.getParent() != null) {
          Files.createDirectories(file.getParent());
        }
        Files.writeString(file, report.toJson() + "\n", StandardCharsets.UTF_8);
        getLog().info("Check report written to " + file);
      }
      if (!report.passed()) {
        throw new MojoFailureException(
            report.summary()
                + ": "
                + report.errors().stream()
                    .map(CheckFinding::message)
                    .reduce((a, b) -> a + "; " + b)
                    .orElse(""));
      }
      getLog().info(report.summary());
    }
  }
}
