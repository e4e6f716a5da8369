package dev.procrastinate.internal.sql;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.procrastinate.JobFilter;
import dev.procrastinate.RetryDecision;
import dev.procrastinate.model.FailureCounts;
import dev.procrastinate.model.FlowControl;
import dev.procrastinate.model.JobCounts;
import dev.procrastinate.model.JobEventType;
import dev.procrastinate.model.JobFailure;
import dev.procrastinate.model.JobStatus;
import dev.procrastinate.model.LimitTarget;
import dev.procrastinate.model.ProcrastinateEvent;
import dev.procrastinate.model.ProcrastinateJob;
import dev.procrastinate.model.ProcrastinatePeriodicDefer;
import dev.procrastinate.model.ProcrastinateWorker;
import dev.procrastinate.model.QueueBacklog;
import dev.procrastinate.model.RateLimit;
import dev.procrastinate.testing.Sql;
import dev.procrastinate.testing.TestDatabase;
import java.lang.reflect.Field;
import java.lang.reflect.InvocationTargetException;
import java.lang.reflect.Modifier;
import java.lang.reflect.Proxy;
import java.sql.Connection;
import java.sql.SQLException;
import java.sql.Statement;
import java.time.Duration;
import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

/**
 * Runs every statement of {@link JobSql} through {@link JobDao}, {@link WorkerDao}, {@link
 * QueryDao} and {@link FlowControlDao} on PostgreSQL, and checks after the last test that none was
 * left out: the connection the tests hand to the DAOs records each statement it prepares. Run the
 * whole class; one test alone fails that check.
 */
class DaoTest {
  @RegisterExtension static final TestDatabase DB = TestDatabase.migrated();

  private static final Set<String> PREPARED = ConcurrentHashMap.newKeySet();

  private final JobDao jobs = new JobDao();
  private final WorkerDao workers = new WorkerDao();
  private final QueryDao queries = new QueryDao();
  private final FlowControlDao controls = new FlowControlDao();
  private Connection connection;
  private Sql sql;

  @BeforeEach
  void setUp() throws Exception {
    sql = new Sql(DB.dataSource());
    sql.execute("DELETE FROM procrastinate_periodic_defers");
    sql.execute("DELETE FROM procrastinate_jobs");
    sql.execute("DELETE FROM procrastinate_workers");
    sql.execute("DELETE FROM procrastinate_java_flow_controls");
    connection = recording(DB.newConnection());
  }

  @AfterEach
  void tearDown() throws Exception {
    connection.close();
  }

  /** Wraps a connection so that it records the text of every statement it prepares. */
  private static Connection recording(Connection target) {
    return (Connection)
        Proxy.newProxyInstance(
            DaoTest.class.getClassLoader(),
            new Class<?>[] {Connection.class},
            (proxy, method, args) -> {
              if (method.getName().equals("prepareStatement")) {
                PREPARED.add((String) args[0]);
              }
              try {
                return method.invoke(target, args);
              } catch (InvocationTargetException e) {
                throw e.getCause();
              }
            });
  }

  @AfterAll
  static void everyStatementOfJobSqlRan() throws Exception {
    List<String> missing = new ArrayList<>();
    for (Field field : JobSql.class.getDeclaredFields()) {
      if (!Modifier.isStatic(field.getModifiers())
          || field.getType() != String.class
          || field.getName().equals("JOB_COLUMNS")
          || field.getName().startsWith("JOB_FILTER")) {
        continue;
      }
      field.setAccessible(true);
      String statement = (String) field.get(null);
      int marker = statement.indexOf(JobSql.JOB_FILTER);
      boolean ran =
          marker < 0
              ? PREPARED.contains(statement)
              : PREPARED.stream()
                  .anyMatch(
                      prepared ->
                          prepared.startsWith(statement.substring(0, marker))
                              && prepared.endsWith(
                                  statement.substring(marker + JobSql.JOB_FILTER.length())));
      if (!ran) {
        missing.add(field.getName());
      }
    }
    assertThat(missing).as("JobSql statements that no test of DaoTest ran").isEmpty();
  }

  // ---------------------------------------------------------------------------------------------
  // support

  private static JobDao.Row row(String queue, String task) {
    return new JobDao.Row(queue, task, 0, null, null, "{}", null);
  }

  private long defer(JobDao.Row row) throws SQLException {
    return jobs.deferMany(connection, List.of(row))[0];
  }

  private long defer(String queue, String task) throws SQLException {
    return defer(row(queue, task));
  }

  private JobStatus status(long id) throws SQLException {
    return queries.getStatus(connection, id).orElseThrow();
  }

  private static List<Long> ids(List<ProcrastinateJob> jobs) {
    return jobs.stream().map(ProcrastinateJob::id).toList();
  }

  private static List<Long> ids(long[] ids) {
    return Arrays.stream(ids).boxed().toList();
  }

  // ---------------------------------------------------------------------------------------------
  // Failure records

  @Test
  void failuresAreRecordedOncePerAttemptListedCountedAndFilteredOn() throws Exception {
    long failed = defer("q", "t.fails");
    long gone = defer("q", "t.fails");
    sql.execute("DELETE FROM procrastinate_jobs WHERE id = ?", gone);
    JobDao.Failure first =
        new JobDao.Failure(
            failed,
            1,
            JobStatus.FAILED,
            "java.io.IOException",
            "disk full",
            "java.io.IOException: disk full",
            Map.of("file", "a.csv"));
    JobDao.Failure second =
        new JobDao.Failure(failed, 2, JobStatus.ABORTED, "x.Stop", null, "x.Stop", Map.of());
    // A replayed write keeps the first row of an attempt; a deleted job gets none.
    jobs.recordFailures(
        connection,
        "w1",
        List.of(first, new JobDao.Failure(gone, 1, JobStatus.FAILED, "y.Y", "m", "t", Map.of())));
    jobs.recordFailures(
        connection,
        "w2",
        List.of(
            new JobDao.Failure(failed, 1, JobStatus.FAILED, "z.Other", "no", "no", Map.of()),
            second));

    List<JobFailure> listed = queries.listFailures(connection, failed);
    assertThat(listed).extracting(JobFailure::attempt).containsExactly(1, 2);
    assertThat(listed.get(0).exceptionClass()).isEqualTo("java.io.IOException");
    assertThat(listed.get(0).workerName()).isEqualTo("w1");
    assertThat(listed.get(0).details()).containsExactly(Map.entry("file", "a.csv"));
    assertThat(listed.get(1).status()).isEqualTo(JobStatus.ABORTED);
    assertThat(listed.get(1).message()).isNull();
    assertThat(queries.listFailures(connection, gone)).isEmpty();

    assertThat(queries.latestFailures(connection, new long[] {failed, gone}))
        .singleElement()
        .satisfies(latest -> assertThat(latest.attempt()).isEqualTo(2));
    FailureCounts counts = queries.countFailures(connection, Instant.now().minusSeconds(60), 1);
    assertThat(counts.byTask()).containsExactly(new FailureCounts.Count("t.fails", 2));
    assertThat(counts.byException()).hasSize(1);
    assertThat(ids(queries.list(connection, JobFilter.all().failure("DISK"))))
        .containsExactly(failed);
  }

  // ---------------------------------------------------------------------------------------------
  // JobDao

  @Test
  void deferManyStoresEveryColumnAndReturnsIdsInOrder() throws Exception {
    Instant at = Instant.parse("2031-01-02T03:04:05.123456Z");
    long[] plain =
        jobs.deferMany(
            connection,
            List.of(
                new JobDao.Row("qa", "t.one", 5, "l1", "ql1", "{\"a\": 1}", at),
                row("qb", "t.two")));
    assertThat(plain).hasSize(2);
    assertThat(plain[0]).isLessThan(plain[1]);

    ProcrastinateJob one = queries.get(connection, plain[0]).orElseThrow();
    assertThat(one.queueName()).isEqualTo("qa");
    assertThat(one.taskName()).isEqualTo("t.one");
    assertThat(one.priority()).isEqualTo(5);
    assertThat(one.lock()).isEqualTo("l1");
    assertThat(one.queueingLock()).isEqualTo("ql1");
    assertThat(one.argsJson()).isEqualTo("{\"a\": 1}");
    assertThat(one.scheduledAt()).isEqualTo(at);
    assertThat(one.status()).isEqualTo(JobStatus.TODO);
    assertThat(one.workerId()).isNull();
    assertThat(queries.get(connection, plain[1]).orElseThrow().lock()).isNull();
    assertThat(jobs.headers(connection, plain)).isEmpty();

    long[] withHeaders =
        jobs.deferMany(
            connection,
            List.of(
                new JobDao.Row("qa", "t.one", 0, null, null, "{}", null, "{\"trace\": \"x\"}"),
                row("qa", "t.two")));
    Map<Long, String> headers = jobs.headers(connection, withHeaders);
    assertThat(headers).containsOnlyKeys(withHeaders[0]);
    assertThat(headers.get(withHeaders[0])).isEqualTo("{\"trace\": \"x\"}");
  }

  @Test
  void aQueueingLockClashFailsOnTheLockIndex() throws Exception {
    defer(new JobDao.Row("qa", "t", 0, null, "only-one", "{}", null));
    assertThatThrownBy(() -> defer(new JobDao.Row("qa", "t", 0, null, "only-one", "{}", null)))
        .isInstanceOfSatisfying(
            SQLException.class, e -> assertThat(Database.queueingLockOf(e)).isEqualTo("only-one"));
  }

  @Test
  void aPeriodicTickIsDeferredOnceAndItsClaimListed() throws Exception {
    JobDao.Row tick =
        new JobDao.Row("periodic", "t.tick", 0, null, null, "{\"timestamp\": 60}", null);
    long id = jobs.deferPeriodic(connection, tick, "", 60).orElseThrow();
    assertThat(jobs.deferPeriodic(connection, tick, "", 60)).isEmpty();
    long other =
        jobs.deferPeriodic(connection, row("periodic", "t.tock"), "nightly", 60).orElseThrow();

    assertThat(queries.listPeriodicDefers(connection, null))
        .extracting(ProcrastinatePeriodicDefer::jobId)
        .containsExactly(id, other);
    assertThat(queries.listPeriodicDefers(connection, "t.tock"))
        .singleElement()
        .satisfies(
            claim -> {
              assertThat(claim.periodicId()).isEqualTo("nightly");
              assertThat(claim.deferTimestamp()).isEqualTo(60L);
            });
  }

  @Test
  void fetchTakesByPriorityThenIdAndMarksTheJobsRunning() throws Exception {
    long worker = workers.register(connection);
    long low = defer(row("qa", "t"));
    long high = defer(new JobDao.Row("qa", "t", 9, null, null, "{}", null));
    long otherQueue = defer(row("qb", "t"));

    List<ProcrastinateJob> fetched = jobs.fetchMany(connection, new String[] {"qa"}, worker, 10);
    assertThat(ids(fetched)).containsExactly(high, low);
    assertThat(fetched).allSatisfy(job -> assertThat(job.workerId()).isEqualTo(worker));
    assertThat(fetched).allSatisfy(job -> assertThat(job.status()).isEqualTo(JobStatus.DOING));
    assertThat(ids(jobs.fetchMany(connection, null, worker, 10))).containsExactly(otherQueue);
    assertThat(jobs.fetchMany(connection, null, worker, 10)).isEmpty();
  }

  @Test
  void flowControlsArePausedLimitedDeclaredListedAndForgotten() throws Exception {
    long worker = workers.register(connection);
    defer("qa", "t");
    jobs.fetchMany(connection, null, worker, 1);
    LimitTarget queue = LimitTarget.queue("qa");
    LimitTarget task = LimitTarget.task("t");

    assertThat(controls.pause(connection, "qa")).isTrue();
    assertThat(controls.pause(connection, "qa")).isFalse();
    controls.setConcurrency(connection, task, 3);
    controls.setRate(connection, task, RateLimit.parse("50/1s"));
    controls.declare(
        connection,
        List.of(new FlowControlDao.Declared("declared.task", 2, RateLimit.parse("5/m"))),
        List.of("t"));

    assertThat(controls.list(connection))
        .containsExactly(
            new FlowControl(
                queue,
                true,
                null,
                null,
                null,
                null,
                1,
                controls.list(connection).get(0).updatedAt()),
            new FlowControl(
                LimitTarget.task("declared.task"),
                false,
                null,
                null,
                2,
                RateLimit.parse("5/60s"),
                0,
                controls.list(connection).get(1).updatedAt()),
            new FlowControl(
                task,
                false,
                3,
                RateLimit.parse("50/s"),
                null,
                null,
                1,
                controls.list(connection).get(2).updatedAt()));
    assertThat(jobs.nextDue(connection, null).concurrencyLimited()).isTrue();
    assertThat(jobs.nextDue(connection, null).rateLimited()).isTrue();
    // A start that came due a moment ago counts when the look reaches back to it, not otherwise.
    sql.execute(
        "UPDATE procrastinate_java_flow_controls SET next_start_at = now() - interval '2 seconds'"
            + " WHERE name = 't'");
    assertThat(jobs.nextDue(connection, null).millis()).isNull();
    assertThat(jobs.nextDue(connection, null, java.time.Duration.ofSeconds(3)).millis())
        .isBetween(-3_000L, -1_000L);

    assertThat(controls.resume(connection, "qa")).isTrue();
    assertThat(controls.resume(connection, "qa")).isFalse();
    assertThat(controls.clear(connection, task)).isTrue();
    controls.declare(connection, List.of(), List.of("declared.task"));
    assertThat(controls.list(connection)).isEmpty();
    assertThat(jobs.nextDue(connection, null).concurrencyLimited()).isFalse();
  }

  @Test
  void resultsAreStoredForJobsStillInTheirRunAndReadBack() throws Exception {
    long worker = workers.register(connection);
    long a = defer("qa", "t");
    long b = defer("qa", "t");
    jobs.fetchMany(connection, null, worker, 2);
    sql.execute("UPDATE procrastinate_jobs SET attempts = 5 WHERE id = ?", b); // another run now

    jobs.recordResults(
        connection,
        worker,
        List.of(new JobDao.Result(a, 0, "{\"n\": 1}"), new JobDao.Result(b, 0, "[2]")));

    assertThat(jobs.result(connection, a)).contains("{\"n\": 1}");
    assertThat(jobs.result(connection, b)).as("not the run that returned it").isEmpty();

    jobs.finishRunning(
        connection, new long[] {a}, new int[1], new JobStatus[] {JobStatus.SUCCEEDED}, worker);
    assertThat(queries.listEnded(connection, new long[] {a, b, 999_999}))
        .extracting(QueryDao.Ended::id, ended -> ended.job() == null ? null : ended.job().status())
        .containsExactlyInAnyOrder(
            org.assertj.core.groups.Tuple.tuple(a, JobStatus.SUCCEEDED),
            org.assertj.core.groups.Tuple.tuple(999_999L, null));
  }

  @Test
  void finishEndsJobsOneByOneOrManyAtOnce() throws Exception {
    long worker = workers.register(connection);
    long a = defer("qa", "t");
    long b = defer("qa", "t");
    long c = defer("qa", "t");
    long waiting = defer("qb", "t");
    jobs.fetchMany(connection, new String[] {"qa"}, worker, 3);

    long[] ended =
        jobs.finishRunning(
            connection,
            new long[] {a, b},
            new int[2],
            new JobStatus[] {JobStatus.SUCCEEDED, JobStatus.FAILED},
            worker);
    assertThat(ids(ended)).containsExactlyInAnyOrder(a, b);
    assertThat(status(a)).isEqualTo(JobStatus.SUCCEEDED);
    assertThat(status(b)).isEqualTo(JobStatus.FAILED);
    assertThat(queries.get(connection, a).orElseThrow().attempts()).isEqualTo(1);
    assertThat(
            jobs.finishRunning(
                connection, new long[] {a}, new int[1], new JobStatus[] {JobStatus.FAILED}, worker))
        .isEmpty();

    assertThat(ids(jobs.releaseUnstarted(connection, new long[] {c}, worker))).containsExactly(c);
    assertThat(status(c)).isEqualTo(JobStatus.TODO);
    assertThat(jobs.nextDue(connection, null).millis()).isNull();
    jobs.fetchMany(connection, new String[] {"qa"}, worker, 1);
    assertThat(ids(jobs.deleteRunning(connection, new long[] {waiting, c}, new int[2], worker)))
        .containsExactly(c);
    assertThat(queries.get(connection, c)).isEmpty();
    assertThat(status(waiting)).isEqualTo(JobStatus.TODO);
  }

  @Test
  void retryPutsJobsBackWithTheirNewPlacement() throws Exception {
    long worker = workers.register(connection);
    long a = defer("qa", "t");
    long b = defer("qa", "t");
    long c = defer("qa", "t");
    jobs.fetchMany(connection, null, worker, 3);
    Instant at = Instant.now().plusSeconds(60).truncatedTo(ChronoUnit.MICROS);

    jobs.retry(connection, new JobDao.Retry(a, 0, at, 7, "qz", "lz"));
    ProcrastinateJob retried = queries.get(connection, a).orElseThrow();
    assertThat(retried.status()).isEqualTo(JobStatus.TODO);
    assertThat(retried.scheduledAt()).isEqualTo(at);
    assertThat(retried.priority()).isEqualTo(7);
    assertThat(retried.queueName()).isEqualTo("qz");
    assertThat(retried.lock()).isEqualTo("lz");

    assertThat(
            ids(
                jobs.retryRunning(
                    connection,
                    List.of(
                        JobDao.Retry.of(
                            queries.get(connection, b).orElseThrow(),
                            RetryDecision.retryAt(at),
                            Instant.now()),
                        new JobDao.Retry(c, 0, at, null, null, null)),
                    worker)))
        .containsExactlyInAnyOrder(b, c);
    assertThat(status(b)).isEqualTo(JobStatus.TODO);
    assertThat(queries.get(connection, c).orElseThrow().queueName()).isEqualTo("qa");
    assertThatThrownBy(() -> jobs.retry(connection, new JobDao.Retry(b, 0, at, null, null, null)))
        .isInstanceOf(SQLException.class);
  }

  @Test
  void aManualRetryLocksAJobUnlessItRunsOnALiveWorker() throws Exception {
    long worker = workers.register(connection);
    long running = defer("qa", "t");
    long waiting = defer("qb", "t");
    jobs.fetchMany(connection, new String[] {"qa"}, worker, 1);
    Duration live = Duration.ofSeconds(30);
    JobDao.RunningOn on = jobs.lockUnlessRunningLive(connection, running, live);
    assertThat(on).isNotNull();
    assertThat(on.workerId()).isEqualTo(worker);
    assertThat(jobs.lockUnlessRunningLive(connection, waiting, live)).isNull();
    assertThat(jobs.lockUnlessRunningLive(connection, Long.MAX_VALUE, live)).isNull();
    sql.execute(
        "UPDATE procrastinate_workers SET last_heartbeat = now() - interval '1 minute'"
            + " WHERE id = ?",
        worker);
    assertThat(jobs.lockUnlessRunningLive(connection, running, live))
        .as("a stalled job may be retried")
        .isNull();
  }

  @Test
  void cancelFollowsTheFlagsOfTheSchemaFunction() throws Exception {
    long worker = workers.register(connection);
    long running = defer("qa", "t");
    jobs.fetchMany(connection, null, worker, 1);
    long todo = defer("qa", "t");
    long deleted = defer("qa", "t");

    assertThat(jobs.cancel(connection, todo, false, false)).isTrue();
    assertThat(status(todo)).isEqualTo(JobStatus.CANCELLED);
    assertThat(jobs.cancel(connection, todo, false, false)).isFalse();
    assertThat(jobs.cancel(connection, deleted, false, true)).isTrue();
    assertThat(queries.get(connection, deleted)).isEmpty();
    assertThat(jobs.cancel(connection, running, false, true)).isFalse();

    assertThat(ids(jobs.listAbortRequested(connection, new long[] {running}))).isEmpty();
    assertThat(jobs.cancel(connection, running, true, false)).isTrue();
    assertThat(ids(jobs.listAbortRequested(connection, new long[] {running, todo})))
        .containsExactly(running);
  }

  @Test
  void oldFinishedJobsAreDeletedByStatusAndQueue() throws Exception {
    long worker = workers.register(connection);
    long succeeded = defer("qa", "t");
    long failed = defer("qa", "t");
    long otherQueue = defer("qb", "t");
    jobs.fetchMany(connection, null, worker, 3);
    jobs.finishRunning(
        connection,
        new long[] {succeeded, failed, otherQueue},
        new int[3],
        new JobStatus[] {JobStatus.SUCCEEDED, JobStatus.FAILED, JobStatus.SUCCEEDED},
        worker);
    long recent = defer("qa", "t");
    jobs.fetchMany(connection, null, worker, 1);
    jobs.finishRunning(
        connection, new long[] {recent}, new int[1], new JobStatus[] {JobStatus.SUCCEEDED}, worker);
    sql.execute(
        "UPDATE procrastinate_events SET at = now() - interval '3 hours' WHERE job_id <> ?",
        recent);

    Duration age = Duration.ofHours(2);
    assertThat(jobs.deleteOld(connection, age, "qa", List.of(JobStatus.SUCCEEDED))).isEqualTo(1);
    assertThat(queries.get(connection, succeeded)).isEmpty();
    assertThat(
            jobs.deleteOld(connection, age, null, List.of(JobStatus.SUCCEEDED, JobStatus.FAILED)))
        .isEqualTo(2);
    assertThat(ids(queries.list(connection, JobFilter.all()))).containsExactly(recent);
  }

  // ---------------------------------------------------------------------------------------------
  // WorkerDao

  @Test
  void aWorkerRegistersBeatsAndUnregisters() throws Exception {
    long worker = workers.register(connection);
    assertThat(workers.heartbeat(connection, worker).registered()).isTrue();
    assertThat(workers.heartbeat(connection, worker).serverStarted())
        .isEqualTo(workers.serverStarted(connection))
        .isPositive();
    assertThat(queries.listWorkers(connection))
        .extracting(ProcrastinateWorker::id)
        .containsExactly(worker);
    // The heartbeat's age is measured on the database's clock; one ahead of it counts as zero.
    try (Statement statement = connection.createStatement()) {
      statement.execute(
          "UPDATE procrastinate_workers SET last_heartbeat = now() - interval '90 seconds'"
              + " WHERE id = "
              + worker);
    }
    assertThat(queries.workerHeartbeatAge(connection, worker).orElseThrow())
        .isBetween(Duration.ofSeconds(89), Duration.ofSeconds(91));
    try (Statement statement = connection.createStatement()) {
      statement.execute(
          "UPDATE procrastinate_workers SET last_heartbeat = now() + interval '1 minute'"
              + " WHERE id = "
              + worker);
    }
    assertThat(queries.workerHeartbeatAge(connection, worker)).contains(Duration.ZERO);
    long job = defer("qa", "t");
    jobs.fetchMany(connection, null, worker, 1);

    workers.unregister(connection, worker);
    assertThat(queries.listWorkers(connection)).isEmpty();
    assertThat(queries.workerHeartbeatAge(connection, worker)).isEmpty();
    assertThat(workers.heartbeat(connection, worker).registered()).isFalse();
    assertThat(queries.get(connection, job).orElseThrow().workerId()).isNull();
  }

  @Test
  void aSilentWorkerIsPrunedAndItsJobsFoundAndAdopted() throws Exception {
    long silent = workers.register(connection);
    long alive = workers.register(connection);
    long stalled = defer("qa", "t.a");
    jobs.fetchMany(connection, null, silent, 1);
    long healthy = defer("qa", "t.a");
    jobs.fetchMany(connection, null, alive, 1);
    sql.execute(
        "UPDATE procrastinate_workers SET last_heartbeat = now() - interval '1 hour' WHERE id = ?",
        silent);

    Duration timeout = Duration.ofSeconds(30);
    assertThat(ids(workers.listStalledJobs(connection, timeout, null, null, 10)))
        .containsExactly(stalled);
    assertThat(ids(workers.listStalledJobs(connection, timeout, "qa", new String[] {"t.a"}, 10)))
        .containsExactly(stalled);
    assertThat(workers.listStalledJobs(connection, timeout, "qb", null, 10)).isEmpty();
    assertThat(workers.listStalledJobs(connection, timeout, null, new String[] {"t.b"}, 10))
        .isEmpty();
    assertThat(ids(workers.listRunningJobs(connection, alive))).containsExactly(healthy);

    assertThat(ids(workers.pruneStalled(connection, timeout))).containsExactly(silent);
    assertThat(queries.get(connection, stalled).orElseThrow().workerId()).isNull();
    long back = workers.register(connection);
    assertThat(workers.adopt(connection, back, new long[] {stalled, healthy})).isEqualTo(1);
    assertThat(ids(workers.listRunningJobs(connection, back))).containsExactly(stalled);
    assertThat(workers.listStalledJobs(connection, timeout, null, null, 10)).isEmpty();
  }

  // ---------------------------------------------------------------------------------------------
  // QueryDao

  @Test
  void aJobItsStatusAndItsEventsAreRead() throws Exception {
    long id = defer("qa", "t");
    jobs.cancel(connection, id, false, false);
    assertThat(queries.get(connection, id).orElseThrow().status()).isEqualTo(JobStatus.CANCELLED);
    assertThat(queries.getStatus(connection, id)).contains(JobStatus.CANCELLED);
    assertThat(queries.get(connection, -1)).isEmpty();
    assertThat(queries.getStatus(connection, -1)).isEmpty();
    assertThat(queries.listEvents(connection, id))
        .extracting(ProcrastinateEvent::type)
        .containsExactly(JobEventType.DEFERRED, JobEventType.CANCELLED);
    assertThat(queries.serverVersion(connection)).matches("\\d+.*");
  }

  @Test
  void theBacklogCountsWaitingAndDueJobsPerQueue() throws Exception {
    defer("qa", "t");
    defer("qa", "t");
    defer(new JobDao.Row("qa", "t", 0, null, null, "{}", Instant.now().plusSeconds(3600)));
    defer("qb", "t");
    List<QueueBacklog> backlog = queries.queueBacklog(connection);
    assertThat(backlog).extracting(QueueBacklog::queue).containsExactly("qa", "qb");
    assertThat(backlog.get(0).waiting()).isEqualTo(3);
    assertThat(backlog.get(0).due()).isEqualTo(2);
    assertThat(backlog.get(0).oldestDueAge()).isBetween(Duration.ZERO, Duration.ofMinutes(1));
  }

  @Test
  void countsAreGroupedByNameAndStatus() throws Exception {
    defer(new JobDao.Row("qa", "t.a", 0, "la", null, "{}", null));
    long cancelled = defer(new JobDao.Row("qa", "t.b", 0, "la", null, "{}", null));
    jobs.cancel(connection, cancelled, false, false);
    defer("qb", "t.a");

    assertThat(queries.countBy(connection, QueryDao.CountBy.QUEUE, JobFilter.all()))
        .extracting(JobCounts::name, JobCounts::total)
        .containsExactly(
            org.assertj.core.groups.Tuple.tuple("qa", 2L),
            org.assertj.core.groups.Tuple.tuple("qb", 1L));
    assertThat(queries.countBy(connection, QueryDao.CountBy.TASK, JobFilter.all()))
        .extracting(JobCounts::name, JobCounts::total)
        .containsExactly(
            org.assertj.core.groups.Tuple.tuple("t.a", 2L),
            org.assertj.core.groups.Tuple.tuple("t.b", 1L));
    List<JobCounts> locks = queries.countBy(connection, QueryDao.CountBy.LOCK, JobFilter.all());
    assertThat(locks).extracting(JobCounts::name).containsExactly("la");
    assertThat(locks.get(0).count(JobStatus.TODO)).isEqualTo(1);
    assertThat(locks.get(0).count(JobStatus.CANCELLED)).isEqualTo(1);
    assertThat(queries.countByStatus(connection, JobFilter.all().queue("qa")))
        .containsEntry(JobStatus.TODO, 1L)
        .containsEntry(JobStatus.CANCELLED, 1L)
        .containsEntry(JobStatus.DOING, 0L)
        .hasSize(JobStatus.values().length);
  }

  @Test
  void theDashboardsQueriesCountCappedListNewestFirstAndCountFinishedJobs() throws Exception {
    long worker = workers.register(connection);
    long a = defer("qa", "t.a");
    long b = defer("qa", "t.a");
    long c = defer("qb", "t.b");
    jobs.fetchMany(connection, new String[] {"qa"}, worker, 2);
    jobs.finishRunning(
        connection, new long[] {a}, new int[1], new JobStatus[] {JobStatus.SUCCEEDED}, worker);

    assertThat(ids(queries.list(connection, JobFilter.all().beforeId(Long.MAX_VALUE))))
        .containsExactly(c, b, a);
    assertThat(queries.countByCapped(connection, QueryDao.CappedCountBy.QUEUE, 10))
        .extracting(JobCounts::name, JobCounts::total)
        .containsExactly(
            org.assertj.core.groups.Tuple.tuple("qa", 2L),
            org.assertj.core.groups.Tuple.tuple("qb", 1L));
    assertThat(queries.countByCapped(connection, QueryDao.CappedCountBy.TASK, 1))
        .extracting(JobCounts::name, JobCounts::total)
        .containsExactly(
            org.assertj.core.groups.Tuple.tuple("t.a", 2L),
            org.assertj.core.groups.Tuple.tuple("t.b", 1L));
    assertThat(
            queries.countFinishedPerMinute(
                connection, java.time.Instant.now().minus(java.time.Duration.ofMinutes(5))))
        .singleElement()
        .satisfies(minute -> assertThat(minute.succeeded()).isEqualTo(1));
    assertThat(queries.countRunningByWorker(connection)).containsExactly(Map.entry(worker, 1L));
  }
}
