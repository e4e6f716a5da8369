package dev.procrastinate.example;

import dev.procrastinate.App;
import dev.procrastinate.Worker;
import dev.procrastinate.WorkerOptions;
import dev.procrastinate.Workflow;
import dev.procrastinate.model.ProcrastinateJob;
import dev.procrastinate.model.WorkflowStep;
import java.sql.Connection;
import java.sql.SQLException;
import java.time.Duration;
import java.util.List;

/**
 * The example application: migrates the database configured in {@code procrastinate.properties},
 * defers typed jobs through the generated deferrers (once directly, once in a batch, once as a
 * workflow, once inside a transaction that is rolled back), then runs a one-shot worker that works
 * every due job. Run it with {@code mvn -B -q -pl it exec:java}.
 */
public final class ExampleApp {
  private ExampleApp() {}

  /**
   * Runs the example.
   *
   * @param args ignored
   * @throws SQLException if the database refuses the transaction of the last step
   * @throws InterruptedException if interrupted while the worker runs
   */
  public static void main(String[] args) throws SQLException, InterruptedException {
    try (App app = App.getDefault()) {
      System.out.println("database: " + app.databaseDescription());
      System.out.println("migrated: " + app.schemaManager().migrate());

      long welcome = SendWelcomeDeferrer.defer(42L, "welcome");
      print(app, "deferred", welcome);

      long later =
          RebuildDeferrer.configure()
              .queueingLock(null)
              .scheduleIn(Duration.ofMinutes(5))
              .defer(7L, true);
      print(app, "scheduled", later);

      long[] batch = SendWelcomeDeferrer.batch().add(1L, "a").add(2L, "b").add(3L, "c").defer();
      System.out.println("batch of " + batch.length + " jobs, first id " + batch[0]);

      // A workflow: charge, then pack both items at once, then ship with the parcels' weights.
      List<Long> order =
          app.jobManager()
              .defer(
                  Workflow.chain(
                      ChargeDeferrer.job(1001L, 4_990L),
                      Workflow.group(
                              PackDeferrer.job(1001L, "kettle"), PackDeferrer.job(1001L, "mug"))
                          .then(ShipDeferrer.job(1001L))));
      System.out.println(
          "workflow of "
              + order.size()
              + " jobs deferred, waiting for their turn: "
              + app.jobManager().workflow(order.get(0)).stream()
                  .filter(WorkflowStep::waiting)
                  .count());

      long rolledBack;
      try (Connection connection = app.dataSource().getConnection()) {
        connection.setAutoCommit(false);
        rolledBack = SendWelcomeDeferrer.configure().connection(connection).defer(99L, "never");
        connection.rollback();
      }
      System.out.println(
          "job "
              + rolledBack
              + " deferred in a rolled-back transaction exists: "
              + app.jobManager().getJob(rolledBack).isPresent());

      // A one-shot worker runs every job that is due, then stops.
      try (Worker worker =
          app.worker(
              WorkerOptions.builder()
                  .name("example")
                  .concurrency(2)
                  .waitForJobs(false)
                  .installSignalHandlers(false)
                  .build())) {
        worker.run();
        System.out.println("worker ran " + worker.processedJobs() + " jobs");
      }
      for (long id : new long[] {welcome, batch[0], batch[1], batch[2], later}) {
        System.out.println("job " + id + ": " + app.jobManager().getStatus(id).orElseThrow());
      }
      System.out.println(app.jobManager().result(order.get(3), String.class).orElseThrow());
    }
  }

  private static void print(App app, String what, long id) {
    ProcrastinateJob job = app.jobManager().getJob(id).orElseThrow();
    System.out.println(
        what
            + " job "
            + id
            + ": task "
            + job.taskName()
            + " on queue "
            + job.queueName()
            + " with args "
            + job.argsJson());
  }
}
