package dev.procrastinate.test;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.assertj.core.api.Assertions.catchThrowableOfType;

import dev.procrastinate.App;
import dev.procrastinate.model.JobStatus;
import dev.procrastinate.model.ProcrastinateJob;
import dev.procrastinate.test.shop.Checkout;
import dev.procrastinate.test.shop.ExplodeDeferrer;
import dev.procrastinate.test.shop.FlakyDeferrer;
import dev.procrastinate.test.shop.PlaceOrderDeferrer;
import dev.procrastinate.test.shop.RemindDeferrer;
import dev.procrastinate.test.shop.SendReceiptDeferrer;
import dev.procrastinate.test.shop.ShipDeferrer;
import dev.procrastinate.test.shop.ShopTasks;
import java.sql.Connection;
import java.sql.ResultSet;
import java.sql.Statement;
import java.time.Duration;
import java.time.Instant;
import java.util.Map;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Nested;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/**
 * The extension on a real PostgreSQL, with tasks and deferrers the annotation processor generated
 * from {@code dev.procrastinate.test.shop}: the code under test defers through the default app.
 */
@ProcrastinateTest
@Timeout(60)
class ProcrastinateTestTest {
  @BeforeEach
  void clearRecords() {
    ShopTasks.RAN.clear();
    ShopTasks.SHIPPED.clear();
  }

  @Test
  void theDefaultAppIsTheTestsAppOnASchemaOfItsOwn(App app, TestJobs jobs) throws Exception {
    assertThat(App.getDefault()).isSameAs(app).isSameAs(jobs.app());
    try (Connection connection = app.dataSource().getConnection();
        Statement statement = connection.createStatement();
        ResultSet schema = statement.executeQuery("SELECT current_schema()")) {
      schema.next();
      assertThat(schema.getString(1)).startsWith("procrastinate_test_procrastinatetesttest_");
    }
    jobs.assertNothingDeferred();
  }

  @Test
  void assertionsFindWhatTheCodeDeferredByDeferrerOrNameArgsQueueLockAndSchedule(TestJobs jobs) {
    Instant before = Instant.now();
    Checkout.checkout(7, "ada@example.com", "1 Main Street");

    ProcrastinateJob placed =
        jobs.assertDeferred(
            JobMatch.task(PlaceOrderDeferrer.class)
                .args(Map.of("orderId", 7, "email", "ada@example.com"))
                .queue("orders")
                .priority(0)
                .lock(null)
                .notScheduled());
    assertThat(placed.id()).isEqualTo(1); // each test starts on empty tables
    jobs.assertDeferred(
        JobMatch.task(ShipDeferrer.TASK_NAME)
            .argsJson("{\"parcel\": {\"address\": \"1 Main Street\", \"grams\": 1200}}")
            .lock("warehouse")
            .queueingLock("order-7"));
    jobs.assertDeferred(
        JobMatch.task(RemindDeferrer.class)
            .scheduledBetween(
                before.plus(Duration.ofDays(1)), Instant.now().plus(Duration.ofDays(1))),
        1);
    jobs.assertDeferred(JobMatch.any(), 3);
    jobs.assertNotDeferred(JobMatch.task(SendReceiptDeferrer.class));
    assertThat(jobs.deferred(JobMatch.any().queue("mail"))).hasSize(1);

    AssertionError wrongArgs =
        catchThrowableOfType(
            AssertionError.class,
            () ->
                jobs.assertDeferred(
                    JobMatch.task(PlaceOrderDeferrer.class)
                        .args(Map.of("orderId", 8, "email", "ada@example.com"))));
    assertThat(wrongArgs)
        .hasMessageContaining("expected a deferred job with task=" + PlaceOrderDeferrer.TASK_NAME)
        .hasMessageContaining("differs: args {\"email\":\"ada@example.com\",\"orderId\":7}")
        .hasMessageContaining("task=" + ShipDeferrer.TASK_NAME);
    assertThatThrownBy(() -> jobs.assertNothingDeferred())
        .isInstanceOf(AssertionError.class)
        .hasMessageContaining("expected no deferred job, but found");
    assertThatThrownBy(() -> jobs.assertDeferred(JobMatch.any(), 2))
        .hasMessageContaining("expected 2 deferred jobs with task=any, found 3");
    assertThatThrownBy(() -> JobMatch.task(String.class))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessageContaining("java.lang.String is not a generated deferrer");
  }

  @Test
  void runDueRunsEveryDueJobInTheTestsThreadWithTheJobsTheyDefer(TestJobs jobs) {
    Checkout.checkout(7, "ada@example.com", "1 Main Street");
    String thread = Thread.currentThread().getName();

    RunReport report = jobs.runDue();

    // placeOrder deferred sendReceipt, which ran in the same call; remind waits a day.
    assertThat(report.count()).isEqualTo(3);
    assertThat(ShopTasks.RAN)
        .containsExactlyInAnyOrder(
            "placeOrder:7@" + thread, "ship:1 Main Street@" + thread, "sendReceipt:7@" + thread);
    assertThat(ShopTasks.SHIPPED).containsExactly(new ShopTasks.Parcel("1 Main Street", 1200));
    jobs.assertDeferred(JobMatch.task(RemindDeferrer.class), 1);
    assertThat(jobs.runDue().count()).isZero();

    // A day later, the reminder is due.
    assertThat(jobs.advanceTime(Duration.ofDays(1))).isEqualTo(1);
    assertThat(jobs.runDue().runs())
        .singleElement()
        .satisfies(run -> assertThat(run.job().taskName()).isEqualTo(RemindDeferrer.TASK_NAME));
    jobs.assertNothingDeferred();
  }

  @Test
  void runDueOfOneTaskLeavesTheOthersWaiting(App app, TestJobs jobs) {
    Checkout.checkout(7, "ada@example.com", "1 Main Street");

    RunReport shipped = jobs.runDue(ShipDeferrer.class);

    assertThat(shipped.count()).isEqualTo(1);
    assertThat(ShopTasks.RAN).singleElement().asString().startsWith("ship:");
    ProcrastinateJob placed = jobs.assertDeferred(JobMatch.task(PlaceOrderDeferrer.class));
    assertThat(app.jobManager().getStatus(placed.id())).contains(JobStatus.TODO);
    assertThat(app.jobManager().getJob(placed.id()).orElseThrow().workerId()).isNull();

    assertThat(jobs.runDue(PlaceOrderDeferrer.TASK_NAME).count()).isEqualTo(1);
    jobs.assertDeferred(
        JobMatch.task(SendReceiptDeferrer.class)
            .args(Map.of("orderId", 7, "email", "ada@example.com")));
  }

  @Test
  void aFailedJobIsThrownWithTheTasksExceptionAfterTheOthersRan(App app, TestJobs jobs) {
    long exploding = ExplodeDeferrer.defer("out of stock");
    SendReceiptDeferrer.defer(9, "bob@example.com");

    JobFailuresError error = catchThrowableOfType(JobFailuresError.class, jobs::runDue);

    assertThat(error)
        .hasMessageStartingWith("1 of 2 job runs did not succeed:")
        .hasMessageContaining("job " + exploding + " (" + ExplodeDeferrer.TASK_NAME + ") failed")
        .hasCauseInstanceOf(IllegalStateException.class)
        .hasRootCauseMessage("out of stock");
    assertThat(error.report().succeeded()).isEqualTo(1);
    assertThat(app.jobManager().getStatus(exploding)).contains(JobStatus.FAILED);

    ExplodeDeferrer.defer("again");
    RunReport allowed = jobs.runDueAllowingFailures();
    assertThat(allowed.failures())
        .singleElement()
        .satisfies(run -> assertThat(run.failure()).hasMessage("again"));
  }

  @Test
  void aRetryWaitsUntilTimeMovesForward(App app, TestJobs jobs) {
    long id = FlakyDeferrer.defer("k1");

    JobFailuresError first = catchThrowableOfType(JobFailuresError.class, jobs::runDue);
    assertThat(first).hasMessageContaining("failed, to retry");
    assertThat(first.report().runs().get(0).retry()).isNotNull();
    ProcrastinateJob waiting =
        jobs.assertDeferred(
            JobMatch.task(FlakyDeferrer.class)
                .scheduledBetween(Instant.now(), Instant.now().plus(Duration.ofSeconds(61))));
    assertThat(waiting.id()).isEqualTo(id);
    assertThat(waiting.attempts()).isEqualTo(1);
    assertThat(jobs.runDue().count()).isZero();

    jobs.advanceTime(Duration.ofMinutes(1));
    assertThat(jobs.runDue(FlakyDeferrer.class).succeeded()).isEqualTo(1);
    assertThat(app.jobManager().getStatus(id)).contains(JobStatus.SUCCEEDED);
    assertThat(ShopTasks.RAN).hasSize(2).allSatisfy(run -> assertThat(run).startsWith("flaky:k1#"));
  }

  @Test
  void anUnknownTaskOrBadArgumentsFailAsInAWorker(App app, TestJobs jobs) {
    long unknown = app.jobManager().defer(dev.procrastinate.NewJob.builder("shop.gone").build());
    long badArgs =
        app.jobManager()
            .defer(
                dev.procrastinate.NewJob.builder(SendReceiptDeferrer.TASK_NAME)
                    .argsJson("{\"orderId\": \"seven\", \"email\": \"x\"}")
                    .build());

    RunReport report = jobs.runDueAllowingFailures();

    assertThat(report.failures()).hasSize(2);
    assertThat(report.runs().get(0).job().id()).isEqualTo(unknown);
    assertThat(report.runs().get(0).failure())
        .isInstanceOf(dev.procrastinate.TaskNotFoundException.class);
    assertThat(report.runs().get(1).job().id()).isEqualTo(badArgs);
    assertThat(report.runs().get(1).failure())
        .isInstanceOf(dev.procrastinate.ArgumentsException.class)
        .hasMessageContaining("orderId");
  }

  @Nested
  class NestedTests {
    @Test
    void shareTheEnclosingClassesApp(App app, TestJobs jobs) {
      assertThat(App.getDefault()).isSameAs(app);
      jobs.assertNothingDeferred();
      SendReceiptDeferrer.defer(1, "nested@example.com");
      jobs.assertDeferred(JobMatch.task(SendReceiptDeferrer.class), 1);
    }
  }
}
