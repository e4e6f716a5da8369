package dev.procrastinate.maven;

import dev.procrastinate.App;
import dev.procrastinate.dashboard.Dashboard;
import dev.procrastinate.dashboard.DashboardCredentials;
import dev.procrastinate.dashboard.DashboardServer;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.atomic.AtomicBoolean;
import org.apache.maven.plugins.annotations.Mojo;
import org.apache.maven.plugins.annotations.Parameter;
import org.apache.maven.plugins.annotations.ResolutionScope;

/**
 * Serves the web dashboard over the project's database and tasks until Ctrl-C: queues, jobs, tasks,
 * locks, periodic schedules and workers, with retry, cancel and abort. It listens on 127.0.0.1 by
 * default; any other address needs a user and password ({@code procrastinate.dashboard.user} and
 * {@code procrastinate.dashboard.password}, or {@code PROCRASTINATE_DASHBOARD_USER} and {@code
 * PROCRASTINATE_DASHBOARD_PASSWORD}) or a token ({@code procrastinate.dashboard.token}), as the
 * command line's {@code dashboard} does. Without credentials it answers only to the host names
 * {@code localhost}, {@code 127.0.0.1} and {@code [::1]}, against DNS rebinding; {@code
 * -Dprocrastinate.dashboard.allowed-hosts=queue.example.com} (comma-separated) adds others.
 * Interrupting the goal's thread stops it too.
 *
 * <pre>mvn compile procrastinate:dashboard -Dprocrastinate.port=8080 -Dprocrastinate.readOnly=true
 * </pre>
 */
@Mojo(name = "dashboard", requiresDependencyResolution = ResolutionScope.RUNTIME, threadSafe = true)
public final class DashboardMojo extends AbstractProcrastinateMojo {
  /** The port to listen on; 0 for any free one. Also configurable with -Dprocrastinate.port. */
  @Parameter(property = "procrastinate.port", defaultValue = "8080")
  private int port = DashboardServer.DEFAULT_PORT;

  /** The address to listen on. Also configurable with -Dprocrastinate.bind. */
  @Parameter(property = "procrastinate.bind", defaultValue = "127.0.0.1")
  private String bind = DashboardServer.DEFAULT_BIND;

  /**
   * Whether to show jobs without the retry, cancel and abort actions. Also configurable with
   * -Dprocrastinate.readOnly.
   */
  @Parameter(property = "procrastinate.readOnly", defaultValue = "false")
  private boolean readOnly;

  /** Creates the goal. */
  public DashboardMojo() {}

  @Override
  protected boolean usesRuntimeClasspath() {
    return true;
  }

  @Override
  protected void doExecute() throws Exception {
    DashboardServer.Options options =
        new DashboardServer.Options(
            bind,
            port,
            DashboardCredentials.fromSettings(projectClassLoader()),
            DashboardServer.allowedHostsFromSettings(projectClassLoader()));
    App app = openApp();
    DashboardServer server;
    try {
      server = DashboardServer.start(Dashboard.builder(app).readOnly(readOnly).build(), options);
    } catch (RuntimeException e) {
      app.close();
      throw e;
    }
    AtomicBoolean closed = new AtomicBoolean();
    Runnable stop =
        () -> {
          if (closed.compareAndSet(false, true)) {
            server.close();
            app.close();
          }
        };
    Thread hook = new Thread(stop, "procrastinate-dashboard-shutdown");
    Runtime.getRuntime().addShutdownHook(hook);
    getLog()
        .info(
            "Dashboard at "
                + server.uri()
                + " over "
                + app.databaseDescription()
                + (readOnly ? " (read-only)" : "")
                + "; Ctrl-C stops it");
    try {
      // Until the JVM stops (Ctrl-C: the hook closes the server) or the thread is interrupted.
      new CountDownLatch(1).await();
    } finally {
      try {
        Runtime.getRuntime().removeShutdownHook(hook);
      } catch (IllegalStateException shuttingDown) {
        // the hook runs, or ran
      }
      stop.run();
    }
  }
}
