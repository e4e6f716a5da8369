package dev.procrastinate.testing;

import com.zaxxer.hikari.HikariConfig;
import com.zaxxer.hikari.HikariDataSource;
import dev.procrastinate.App;
import dev.procrastinate.Worker;
import dev.procrastinate.WorkerOptions;
import dev.procrastinate.spi.TaskDescriptor;
import dev.procrastinate.spi.TaskRegistrar;
import java.time.Duration;
import java.util.List;

/**
 * A worker in a process of its own, for tests that kill it: runs task {@code t.sleepy}, which
 * prints {@code STARTED <job id>} and sleeps for a minute. Arguments: JDBC URL, user, password, and
 * optionally another name for the task.
 */
public final class WorkerProcess {
  private WorkerProcess() {}

  /**
   * Runs the worker until the process is killed.
   *
   * @param args URL, user, password, and optionally the task's name
   * @throws Exception if the worker fails
   */
  public static void main(String[] args) throws Exception {
    HikariConfig config = new HikariConfig();
    config.setJdbcUrl(args[0]);
    config.setUsername(args[1]);
    config.setPassword(args[2]);
    config.setMaximumPoolSize(4);
    String task = args.length > 3 ? args[3] : "t.sleepy";
    TaskRegistrar registrar =
        () ->
            List.of(
                TaskDescriptor.builder(task)
                    .source("WorkerProcess#sleepy")
                    .build(
                        (context, arguments) -> {
                          System.out.println("STARTED " + context.job().id());
                          System.out.flush();
                          Thread.sleep(60_000);
                          return null;
                        }));
    try (HikariDataSource dataSource = new HikariDataSource(config);
        App app = App.builder().dataSource(dataSource).taskRegistrars(List.of(registrar)).build()) {
      Worker worker =
          app.worker(
              WorkerOptions.builder()
                  .name("doomed")
                  .updateHeartbeatInterval(Duration.ofMillis(200))
                  .build());
      worker.run();
    }
  }
}
