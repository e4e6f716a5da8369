package dev.procrastinate;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.procrastinate.model.JobStatus;
import dev.procrastinate.model.WorkflowStep;
import dev.procrastinate.spi.TaskDescriptor;
import dev.procrastinate.spi.TaskParameter;
import dev.procrastinate.spi.TaskRegistrar;
import dev.procrastinate.testing.Await;
import dev.procrastinate.testing.Sql;
import dev.procrastinate.testing.TestDatabase;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.SQLException;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Objects;
import java.util.function.BooleanSupplier;
import java.util.stream.IntStream;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

/**
 * Workflows on PostgreSQL with several workers: chains run in order, a group's callback runs once
 * after its last member, a failure cancels what follows, and a step that waits is never a job
 * before its time. Every run records itself in {@code workflow_runs} (the database's clock), from
 * which the order is read.
 */
class WorkflowTest {
  @RegisterExtension static final TestDatabase DB = TestDatabase.migrated();

  private static final String STEP = "wf.step";
  private static final String SUM = "wf.sum";
  private static final String FAIL = "wf.fail";

  private Sql sql;
  private App app;
  private final List<Worker> workers = new ArrayList<>();

  @BeforeEach
  void setUp() throws Exception {
    sql = new Sql(DB.dataSource());
    // The steps first: a job deleted while a step after it waits would cancel that step, and
    // insert its job as cancelled, past this delete.
    sql.execute("DELETE FROM procrastinate_java_workflow_steps");
    sql.execute("DELETE FROM procrastinate_jobs");
    sql.execute("DELETE FROM procrastinate_workers");
    sql.execute(
        "CREATE TABLE IF NOT EXISTS workflow_runs (job_id bigint, task text, n int,"
            + " started_at timestamptz, ended_at timestamptz, seen text)");
    sql.execute("TRUNCATE workflow_runs");
    TaskRegistrar registrar =
        () ->
            List.of(
                TaskDescriptor.builder(STEP)
                    .parameter(TaskParameter.required("n", "int"))
                    .source("WorkflowTest#step")
                    .build(
                        (context, args) -> {
                          int n = args.getInt("n");
                          long id = context.job().id();
                          record(
                              "INSERT INTO workflow_runs VALUES (?, ?, ?, clock_timestamp(), NULL,"
                                  + " ?)",
                              id,
                              STEP,
                              n,
                              String.valueOf(context.previousResult(Integer.class).orElse(null)));
                          Thread.sleep(n % 3 * 10L);
                          record(
                              "UPDATE workflow_runs SET ended_at = clock_timestamp()"
                                  + " WHERE job_id = ?",
                              id);
                          return n * 10;
                        }),
                TaskDescriptor.builder(SUM)
                    .source("WorkflowTest#sum")
                    .build(
                        (context, args) -> {
                          List<Integer> results = context.resultsBefore(Integer.class);
                          int sum = results.stream().mapToInt(Objects::requireNonNull).sum();
                          record(
                              "INSERT INTO workflow_runs VALUES (?, ?, ?, clock_timestamp(),"
                                  + " clock_timestamp(), ?)",
                              context.job().id(),
                              SUM,
                              results.size(),
                              String.valueOf(sum));
                          return sum;
                        }),
                TaskDescriptor.builder(FAIL)
                    .source("WorkflowTest#fail")
                    .build(
                        (context, args) -> {
                          throw new IllegalStateException("the partner refused the order");
                        }));
    app = App.builder().dataSource(DB.dataSource()).taskRegistrars(List.of(registrar)).build();
  }

  @AfterEach
  void tearDown() {
    workers.forEach(Worker::close);
    app.close();
  }

  private void startWorkers(int count, WorkerOptions.Builder options) {
    for (int i = 0; i < count; i++) {
      Worker worker = app.worker(options.name("wf-" + workers.size()).build());
      workers.add(worker);
      worker.start();
    }
  }

  private static WorkerOptions.Builder options() {
    return WorkerOptions.builder()
        .installSignalHandlers(false)
        .concurrency(4)
        .fetchJobPollingInterval(Duration.ofHours(1));
  }

  private static NewJob step(int n) {
    return NewJob.builder(STEP).arg("n", n).build();
  }

  private static void record(String statement, Object... params) throws SQLException {
    try (Connection connection = DB.newConnection();
        PreparedStatement prepared = connection.prepareStatement(statement)) {
      for (int i = 0; i < params.length; i++) {
        prepared.setObject(i + 1, params[i]);
      }
      prepared.executeUpdate();
    }
  }

  private static void await(BooleanSupplier condition, String what) throws InterruptedException {
    Await.until(Duration.ofSeconds(60), condition, what);
  }

  private long count(String query) {
    try {
      return Long.parseLong(sql.value(query));
    } catch (SQLException e) {
      throw new IllegalStateException(e);
    }
  }

  private JobStatus status(long id) {
    return app.jobManager().getStatus(id).orElse(null);
  }

  // ------------------------------------------------------------------ chains

  @Test
  void aChainRunsItsStepsOneAfterAnotherEachReadingThePreviousResult() throws Exception {
    List<Long> ids =
        app.jobManager().defer(Workflow.chain(step(1), step(2), step(3), step(4), step(5)));

    assertThat(ids).hasSize(5).isSorted();
    assertThat(count("SELECT count(*) FROM procrastinate_jobs"))
        .as("only the first step is a job before any ran")
        .isEqualTo(1);
    assertThat(status(ids.get(0))).isEqualTo(JobStatus.TODO);
    assertThat(app.jobManager().workflow(ids.get(3)))
        .extracting(WorkflowStep::id, WorkflowStep::waiting, WorkflowStep::waitingFor)
        .containsExactly(
            org.assertj.core.groups.Tuple.tuple(ids.get(0), false, List.of()),
            org.assertj.core.groups.Tuple.tuple(ids.get(1), true, List.of(ids.get(0))),
            org.assertj.core.groups.Tuple.tuple(ids.get(2), true, List.of(ids.get(1))),
            org.assertj.core.groups.Tuple.tuple(ids.get(3), true, List.of(ids.get(2))),
            org.assertj.core.groups.Tuple.tuple(ids.get(4), true, List.of(ids.get(3))));

    startWorkers(2, options());
    await(() -> ids.stream().allMatch(id -> status(id) == JobStatus.SUCCEEDED), "the chain");

    // From the runs' own records: each step started after the one before it ended, and read its
    // result.
    assertThat(sql.column("SELECT n || ':' || seen FROM workflow_runs ORDER BY started_at, n"))
        .containsExactly("1:null", "2:10", "3:20", "4:30", "5:40");
    assertThat(
            count(
                "SELECT count(*) FROM workflow_runs AS later JOIN workflow_runs AS earlier"
                    + " ON earlier.n = later.n - 1 WHERE later.started_at < earlier.ended_at"))
        .isZero();
    // No step was a job before the step it waits for had succeeded: each one's insert ('deferred'
    // event) follows the success of the one before it.
    for (int i = 1; i < ids.size(); i++) {
      assertThat(
              count(
                  "SELECT count(*) FROM procrastinate_events AS deferred,"
                      + " procrastinate_events AS succeeded WHERE deferred.job_id = "
                      + ids.get(i)
                      + " AND deferred.type = 'deferred' AND succeeded.job_id = "
                      + ids.get(i - 1)
                      + " AND succeeded.type = 'succeeded' AND deferred.at >= succeeded.at"))
          .as("step %d became a job after step %d succeeded", i, i - 1)
          .isEqualTo(1);
    }
  }

  // ------------------------------------------------------------------ groups

  @Test
  void aGroupOfFiftyRunsItsCallbackOnceAfterTheLastMemberWithEveryResult() throws Exception {
    List<Workflow> members = new ArrayList<>();
    for (int n = 1; n <= 50; n++) {
      members.add(step(n));
    }
    List<Long> ids =
        app.jobManager()
            .defer(
                Workflow.group(members.toArray(Workflow[]::new)).then(NewJob.builder(SUM).build()));
    long callback = ids.get(50);

    startWorkers(3, options());
    await(() -> status(callback) == JobStatus.SUCCEEDED, "the callback");

    assertThat(count("SELECT count(*) FROM workflow_runs WHERE task = '" + SUM + "'"))
        .as("the callback ran once")
        .isEqualTo(1);
    assertThat(sql.value("SELECT n || ':' || seen FROM workflow_runs WHERE task = '" + SUM + "'"))
        .as("it read the 50 results")
        .isEqualTo("50:" + IntStream.rangeClosed(1, 50).map(n -> n * 10).sum());
    assertThat(
            count(
                "SELECT count(*) FROM workflow_runs AS member, workflow_runs AS callback"
                    + " WHERE member.task = '"
                    + STEP
                    + "' AND callback.task = '"
                    + SUM
                    + "' AND callback.started_at < member.ended_at"))
        .as("members that ended after the callback started")
        .isZero();
    assertThat(app.jobManager().result(callback, Integer.class)).contains(12_750);
  }

  @Test
  void chainsAndGroupsNestAndTheIdsFollowTheOrderTheyAreWritten() throws Exception {
    Workflow workflow =
        Workflow.chain(
            step(1),
            Workflow.group(Workflow.chain(step(2), step(3)), step(4)).then(step(5)),
            step(6));
    List<Long> ids = app.jobManager().defer(workflow);

    assertThat(workflow.jobs())
        .extracting(job -> job.args().get("n"))
        .containsExactly(1, 2, 3, 4, 5, 6);
    assertThat(app.jobManager().workflow(ids.get(0)))
        .extracting(WorkflowStep::after)
        .containsExactly(
            List.of(),
            List.of(ids.get(0)),
            List.of(ids.get(1)),
            List.of(ids.get(0)),
            List.of(ids.get(2), ids.get(3)),
            List.of(ids.get(4)));

    startWorkers(2, options());
    await(() -> status(ids.get(5)) == JobStatus.SUCCEEDED, "the last step");
    assertThat(sql.column("SELECT n::text FROM workflow_runs ORDER BY ended_at"))
        .startsWith("1")
        .endsWith("5", "6");
  }

  // ------------------------------------------------------------------ failures

  @Test
  void aStepThatFailsForGoodCancelsEveryStepAfterItWithTheReason() throws Exception {
    List<Long> ids =
        app.jobManager()
            .defer(
                Workflow.chain(
                    step(1),
                    NewJob.builder(FAIL).build(),
                    step(3),
                    Workflow.group(step(4), step(5)).then(step(6))));

    startWorkers(2, options());
    await(() -> status(ids.get(5)) == JobStatus.CANCELLED, "the last step to be cancelled");

    assertThat(ids.stream().map(this::status))
        .containsExactly(
            JobStatus.SUCCEEDED,
            JobStatus.FAILED,
            JobStatus.CANCELLED,
            JobStatus.CANCELLED,
            JobStatus.CANCELLED,
            JobStatus.CANCELLED);
    String reason = "job " + ids.get(1) + " (" + FAIL + ") failed";
    assertThat(app.jobManager().workflow(ids.get(0)))
        .extracting(WorkflowStep::reason)
        .containsExactly(null, null, reason, reason, reason, reason);
    assertThat(count("SELECT count(*) FROM workflow_runs")).as("only the first step ran").isOne();
  }

  @Test
  void aStepEndedOutsideThisRuntimeReleasesOrCancelsWhatFollows() throws Exception {
    // As a Python worker or an operator would: an update of the job's status, nothing else.
    List<Long> first = app.jobManager().defer(Workflow.chain(step(1), step(2)));
    sql.execute("UPDATE procrastinate_jobs SET status = 'doing' WHERE id = ?", first.get(0));
    sql.execute("UPDATE procrastinate_jobs SET status = 'succeeded' WHERE id = ?", first.get(0));
    assertThat(status(first.get(1))).isEqualTo(JobStatus.TODO);

    List<Long> cancelled = app.jobManager().defer(Workflow.chain(step(1), step(2), step(3)));
    assertThat(app.jobManager().cancel(cancelled.get(0))).isTrue();
    assertThat(cancelled.stream().map(this::status)).containsOnly(JobStatus.CANCELLED);
    assertThat(app.jobManager().workflow(cancelled.get(2)).get(2).reason())
        .isEqualTo("job " + cancelled.get(0) + " (" + STEP + ") was cancelled");

    List<Long> deleted = app.jobManager().defer(Workflow.chain(step(1), step(2)));
    assertThat(app.jobManager().cancelAndDelete(deleted.get(0))).isTrue();
    assertThat(status(deleted.get(1))).isEqualTo(JobStatus.CANCELLED);
  }

  @Test
  void aWorkerThatDeletesSucceededJobsStillReleasesTheNextStep() throws Exception {
    List<Long> ids = app.jobManager().defer(Workflow.chain(step(1), step(2), step(3)));

    startWorkers(1, options().deleteJobs(DeleteJobs.SUCCESSFUL));
    await(
        () -> count("SELECT count(*) FROM workflow_runs WHERE ended_at IS NOT NULL") == 3,
        "the three steps");
    await(() -> count("SELECT count(*) FROM procrastinate_jobs") == 0, "their deletion");
    assertThat(sql.column("SELECT n::text FROM workflow_runs ORDER BY started_at"))
        .containsExactly("1", "2", "3");
  }

  /**
   * Deleting old jobs deletes the rows of the workflows that are over, whatever deleted their jobs,
   * and keeps those of a workflow whose step still waits: the tables do not grow with every
   * workflow ever deferred.
   */
  @Test
  void deletingOldJobsDeletesTheRowsOfWorkflowsThatAreOver() throws Exception {
    List<Long> over = app.jobManager().defer(Workflow.chain(step(1), step(2)));
    List<Long> deletedByPolicy = app.jobManager().defer(Workflow.chain(step(3), step(4)));
    List<Long> waiting =
        app.jobManager()
            .defer(
                Workflow.chain(
                    NewJob.builder(STEP)
                        .arg("n", 5)
                        .scheduleAt(java.time.Instant.now().plusSeconds(3600))
                        .build(),
                    step(6)));
    startWorkers(1, options());
    await(
        () ->
            status(over.get(1)) == JobStatus.SUCCEEDED
                && status(deletedByPolicy.get(1)) == JobStatus.SUCCEEDED,
        "the two runnable workflows");
    // A delete policy, or a Python worker, removed the second workflow's jobs without this call.
    sql.execute(
        "DELETE FROM procrastinate_jobs WHERE id IN ("
            + deletedByPolicy.get(0)
            + ", "
            + deletedByPolicy.get(1)
            + ")");
    String stepsOf = "SELECT count(*) FROM procrastinate_java_workflow_steps WHERE id IN ";
    assertThat(count(stepsOf + "(" + over.get(0) + ", " + over.get(1) + ")")).isEqualTo(2);

    int deleted = app.jobManager().deleteOldJobs(Duration.ZERO, null, false, false, false);

    assertThat(deleted).as("the first workflow's two jobs").isEqualTo(2);
    assertThat(count(stepsOf + "(" + over.get(0) + ", " + over.get(1) + ")"))
        .as("the first workflow's steps")
        .isZero();
    assertThat(count(stepsOf + "(" + deletedByPolicy.get(0) + ", " + deletedByPolicy.get(1) + ")"))
        .as("the steps of the workflow whose jobs were deleted otherwise")
        .isZero();
    assertThat(
            count(
                "SELECT count(*) FROM procrastinate_java_workflow_edges WHERE to_id IN ("
                    + over.get(1)
                    + ", "
                    + deletedByPolicy.get(1)
                    + ")"))
        .as("their edges")
        .isZero();
    assertThat(app.jobManager().workflow(over.get(0))).isEmpty();
    assertThat(app.jobManager().workflow(waiting.get(1)))
        .as("the workflow whose second step waits")
        .hasSize(2);
  }

  // ------------------------------------------------------------------ defer

  @Test
  void aWorkflowDeferredInTheCallersTransactionGoesWithItsRollback() throws Exception {
    try (Connection connection = DB.newConnection()) {
      connection.setAutoCommit(false);
      List<Long> ids =
          app.jobManager().defer(connection, Workflow.group(step(1), step(2)).then(step(3)));
      assertThat(ids).hasSize(3);
      connection.rollback();
    }
    assertThat(count("SELECT count(*) FROM procrastinate_jobs")).isZero();
    assertThat(count("SELECT count(*) FROM procrastinate_java_workflow_steps")).isZero();
  }

  @Test
  void aFirstStepsQueueingLockTakenRefusesTheWholeWorkflowAndALaterOneCancelsItsStep()
      throws Exception {
    app.jobManager().defer(NewJob.builder(STEP).arg("n", 0).queueingLock("only-one").build());
    assertThatThrownBy(
            () ->
                app.jobManager()
                    .defer(
                        Workflow.chain(
                            NewJob.builder(STEP).arg("n", 1).queueingLock("only-one").build(),
                            step(2))))
        .isInstanceOf(AlreadyEnqueuedException.class);
    assertThat(count("SELECT count(*) FROM procrastinate_java_workflow_steps")).isZero();

    List<Long> ids =
        app.jobManager()
            .defer(
                Workflow.chain(
                    step(1),
                    NewJob.builder(STEP).arg("n", 2).queueingLock("only-one").build(),
                    step(3)));
    sql.execute("UPDATE procrastinate_jobs SET status = 'succeeded' WHERE id = ?", ids.get(0));
    assertThat(status(ids.get(1))).isEqualTo(JobStatus.CANCELLED);
    assertThat(status(ids.get(2))).isEqualTo(JobStatus.CANCELLED);
    assertThat(app.jobManager().workflow(ids.get(0)).get(1).reason())
        .isEqualTo(
            "its queueing lock only-one was held by another waiting job when it was released");
  }

  @Test
  void aStepsDelayCountsFromItsReleaseAndItsQueuePriorityAndLockApplyThen() throws Exception {
    List<Long> ids =
        app.jobManager()
            .defer(
                Workflow.chain(
                    step(1),
                    NewJob.builder(STEP)
                        .arg("n", 2)
                        .queue("later")
                        .priority(7)
                        .lock("account-9")
                        .scheduleIn(Duration.ofMinutes(10))
                        .build()));
    assertThat(
            sql.value(
                "SELECT coalesce(scheduled_at::text, 'none') || ' ' || schedule_in::text"
                    + " FROM procrastinate_java_workflow_steps WHERE id = ?",
                ids.get(1)))
        .as("nothing is scheduled before the release")
        .isEqualTo("none 00:10:00");

    sql.execute("UPDATE procrastinate_jobs SET status = 'succeeded' WHERE id = ?", ids.get(0));

    // The release's own transaction inserted the job ('deferred' event) and set its schedule.
    assertThat(
            sql.value(
                "SELECT (j.scheduled_at - e.at)::text || ' ' || j.queue_name || ' ' || j.priority"
                    + " || ' ' || j.lock FROM procrastinate_jobs AS j JOIN procrastinate_events AS"
                    + " e ON e.job_id = j.id AND e.type = 'deferred' WHERE j.id = ?",
                ids.get(1)))
        .isEqualTo("00:10:00 later 7 account-9");
  }

  @Test
  void emptyChainsAndGroupsAreRefused() {
    assertThatThrownBy(Workflow::chain)
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessage("a chain needs at least one step");
    assertThatThrownBy(Workflow::group)
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessage("a group needs at least one member");
  }
}
