package dev.procrastinate.cli;

import dev.procrastinate.App;
import dev.procrastinate.dashboard.Dashboard;
import dev.procrastinate.dashboard.DashboardCredentials;
import dev.procrastinate.dashboard.DashboardServer;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.Callable;
import java.util.concurrent.CountDownLatch;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;
import picocli.CommandLine.ParentCommand;

/** {@code procrastinate dashboard}: serves the web dashboard until stopped. */
@Command(
    name = "dashboard",
    description = {
      "Serve the web dashboard (queues, jobs, tasks, locks, periodic schedules, workers; retry,"
          + " cancel and abort) until Ctrl-C.",
      "Any address but a loopback one needs a user and password (PROCRASTINATE_DASHBOARD_USER,"
          + " PROCRASTINATE_DASHBOARD_PASSWORD) or a token (PROCRASTINATE_DASHBOARD_TOKEN).",
      "Without credentials it answers only to the host names localhost, 127.0.0.1 and [::1]"
          + " (against DNS rebinding), and to those given with --allowed-host."
    })
final class DashboardCommand implements Callable<Integer> {
  @ParentCommand Main main;

  @Option(
      names = "--port",
      paramLabel = "PORT",
      description = "Port to listen on (default: ${DEFAULT-VALUE}; 0 for any free port).")
  int port = DashboardServer.DEFAULT_PORT;

  @Option(
      names = "--bind",
      paramLabel = "ADDRESS",
      description = "Address to listen on (default: ${DEFAULT-VALUE}, this machine only).")
  String bind = DashboardServer.DEFAULT_BIND;

  @Option(
      names = "--allowed-host",
      paramLabel = "HOST",
      description =
          "A further host name to answer to (repeatable; .example.com for every name under it, *"
              + " for any), besides localhost, 127.0.0.1 and [::1]; also"
              + " PROCRASTINATE_DASHBOARD_ALLOWED_HOSTS, comma-separated.")
  List<String> allowedHosts = new ArrayList<>();

  @Option(
      names = "--read-only",
      description = "Show jobs without the retry, cancel and abort actions.")
  boolean readOnly;

  /** Called by picocli. */
  DashboardCommand() {}

  @Override
  public Integer call() throws InterruptedException {
    ClassLoader loader = main.applicationClassLoader();
    DashboardServer.Options options =
        new DashboardServer.Options(
                bind,
                port,
                DashboardCredentials.fromSettings(loader),
                DashboardServer.allowedHostsFromSettings(loader))
            .withAllowedHosts(allowedHosts);
    App app = main.openApp();
    DashboardServer server;
    try {
      server = DashboardServer.start(Dashboard.builder(app).readOnly(readOnly).build(), options);
    } catch (RuntimeException e) {
      app.close();
      throw e;
    }
    CountDownLatch stopped = new CountDownLatch(1);
    Runtime.getRuntime()
        .addShutdownHook(
            new Thread(
                () -> {
                  server.close();
                  app.close();
                  stopped.countDown();
                },
                "procrastinate-dashboard-shutdown"));
    System.out.println("Dashboard at " + server.uri() + (readOnly ? " (read-only)" : ""));
    System.out.flush();
    stopped.await();
    return Main.EXIT_OK;
  }
}
