package dev.procrastinate.maven;

import dev.procrastinate.App;
import dev.procrastinate.HealthReport;
import dev.procrastinate.operations.Operations;
import org.apache.maven.plugin.MojoFailureException;
import org.apache.maven.plugins.annotations.Mojo;
import org.apache.maven.plugins.annotations.ResolutionScope;

/**
 * Checks that the database answers, that its Procrastinate schema is migrated and up to date, and
 * that the project's classes declare tasks; prints one line per check and fails the build when one
 * fails.
 *
 * <pre>mvn compile procrastinate:healthchecks</pre>
 */
@Mojo(
    name = "healthchecks",
    requiresDependencyResolution = ResolutionScope.RUNTIME,
    threadSafe = true)
public final class HealthchecksMojo extends AbstractProcrastinateMojo {
  /** Creates the goal. */
  public HealthchecksMojo() {}

  @Override
  protected boolean usesRuntimeClasspath() {
    return true;
  }

  @Override
  protected void doExecute() throws Exception {
    try (App app = openApp()) {
      HealthReport report = new Operations(app).healthChecks();
      for (HealthReport.Check check : report.checks()) {
        if (check.ok()) {
          getLog().info(check.toString());
        } else {
          getLog().error(check.toString());
        }
      }
      if (!report.healthy()) {
        throw new MojoFailureException(
            "Unhealthy: "
                + report.checks().stream()
                    .filter(c -> !c.ok())
                    .map(HealthReport.Check::toString)
                    .reduce((a, b) -> a + "; " + b)
                    .orElse(""));
      }
      getLog().info("Healthy");
    }
  }
}
