package dev.procrastinate.example;

import static org.assertj.core.api.Assertions.assertThat;

import dev.procrastinate.App;
import dev.procrastinate.Worker;
import dev.procrastinate.WorkerOptions;
import dev.procrastinate.Workflow;
import dev.procrastinate.model.JobStatus;
import dev.procrastinate.testing.TestDatabase;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

/**
 * The example application's order workflow, built from the generated deferrers' {@code job(...)}
 * and run by a one-shot worker on a real PostgreSQL: the shipping step reads what the packing steps
 * returned.
 */
class WorkflowIT {
  @RegisterExtension static final TestDatabase DB = TestDatabase.migrated();

  @Test
  void anOrdersWorkflowShipsOnceEveryItemIsPackedWithTheParcelsWeights()
      throws InterruptedException {
    App app = DB.app();
    List<Long> ids =
        app.jobManager()
            .defer(
                Workflow.chain(
                    ChargeDeferrer.job(7L, 100L),
                    Workflow.group(PackDeferrer.job(7L, "kettle"), PackDeferrer.job(7L, "mug"))
                        .then(ShipDeferrer.job(7L))));
    assertThat(app.jobManager().getStatus(ids.get(1))).as("a step that waits is no job").isEmpty();

    try (Worker worker =
        app.worker(
            WorkerOptions.builder()
                .queues("orders")
                .concurrency(2)
                .waitForJobs(false)
                .installSignalHandlers(false)
                .build())) {
      worker.run();
      assertThat(worker.processedJobs()).isEqualTo(4);
    }
    assertThat(ids)
        .allSatisfy(id -> assertThat(app.jobManager().getStatus(id)).contains(JobStatus.SUCCEEDED));
    assertThat(app.jobManager().result(ids.get(0), String.class)).contains("payment-7-100");
    assertThat(app.jobManager().result(ids.get(3), String.class))
        .contains("order 7 shipped: 2 parcels, 2250 g");
  }
}
