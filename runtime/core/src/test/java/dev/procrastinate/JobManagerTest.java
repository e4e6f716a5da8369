package dev.procrastinate;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.procrastinate.model.JobStatus;
import dev.procrastinate.model.ProcrastinateJob;
import dev.procrastinate.testing.Sql;
import dev.procrastinate.testing.TestDatabase;
import java.io.InputStream;
import java.math.BigDecimal;
import java.sql.Connection;
import java.time.Duration;
import java.time.Instant;
import java.time.LocalDate;
import java.time.OffsetDateTime;
import java.time.ZoneOffset;
import java.time.temporal.ChronoUnit;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.Executor;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.RejectedExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.stream.IntStream;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

/** Deferring, reading, cancelling, retrying and cleaning up jobs on a real PostgreSQL. */
class JobManagerTest {
  @RegisterExtension static final TestDatabase DB = TestDatabase.migrated();

  private JobManager jobs;
  private Sql sql;
  private final ObjectMapper json = new ObjectMapper();

  @BeforeEach
  void setUp() throws Exception {
    jobs = DB.app().jobManager();
    sql = new Sql(DB.dataSource());
    // Jobs of earlier tests would disturb counts and fetch order.
    sql.execute("DELETE FROM procrastinate_periodic_defers");
    sql.execute("DELETE FROM procrastinate_jobs");
  }

  private static String unique(String prefix) {
    return prefix + "-" + UUID.randomUUID();
  }

  @Test
  void deferStoresATodoJobWithItsOptionsAndADeferredEvent() throws Exception {
    Map<String, Object> payload = new LinkedHashMap<>();
    payload.put("count", 3);
    long id =
        jobs.defer(
            NewJob.builder("com.acme.MailTasks.sendWelcome")
                .queue("emails")
                .priority(7)
                .lock("user-1")
                .queueingLock("welcome-1")
                .arg("user_id", 42L)
                .arg("when", LocalDate.of(2026, 5, 1))
                .arg("at", Instant.parse("2026-05-01T09:30:00Z"))
                .arg("ratio", new BigDecimal("1.25"))
                .arg("tags", List.of("a", "b"))
                .arg("payload", payload)
                .arg("nothing", null)
                .build());

    ProcrastinateJob job = jobs.getJob(id).orElseThrow();
    assertThat(job.status()).isEqualTo(JobStatus.TODO);
    assertThat(job.queueName()).isEqualTo("emails");
    assertThat(job.taskName()).isEqualTo("com.acme.MailTasks.sendWelcome");
    assertThat(job.priority()).isEqualTo(7);
    assertThat(job.lock()).isEqualTo("user-1");
    assertThat(job.queueingLock()).isEqualTo("welcome-1");
    assertThat(job.attempts()).isZero();
    assertThat(job.abortRequested()).isFalse();
    assertThat(job.scheduledAt()).isNull();
    assertThat(job.workerId()).isNull();
    JsonNode args = json.readTree(job.argsJson());
    assertThat(args.get("user_id").asLong()).isEqualTo(42L);
    assertThat(args.get("when").asText()).isEqualTo("2026-05-01");
    assertThat(args.get("at").asText()).isEqualTo("2026-05-01T09:30:00Z");
    assertThat(args.get("ratio").decimalValue()).isEqualByComparingTo("1.25");
    assertThat(args.get("tags").toString()).isEqualTo("[\"a\",\"b\"]");
    assertThat(args.get("payload").get("count").asInt()).isEqualTo(3);
    assertThat(args.get("nothing").isNull()).isTrue();
    assertThat(sql.events(id)).containsExactly("deferred");
    assertThat(jobs.getStatus(id)).contains(JobStatus.TODO);
  }

  @Test
  void deferUsesTheDefaultQueueAndPriority() {
    long id = jobs.defer(NewJob.builder("t.defaults").build());
    ProcrastinateJob job = jobs.getJob(id).orElseThrow();
    assertThat(job.queueName()).isEqualTo("default");
    assertThat(job.priority()).isZero();
    assertThat(job.argsJson()).isEqualTo("{}");
  }

  @Test
  void scheduledJobGetsAScheduledEventAtItsTime() throws Exception {
    Instant at = Instant.now().plus(1, ChronoUnit.HOURS).truncatedTo(ChronoUnit.MICROS);
    long id = jobs.defer(NewJob.builder("t.scheduled").scheduleAt(at).build());
    assertThat(jobs.getJob(id).orElseThrow().scheduledAt()).isEqualTo(at);
    assertThat(sql.events(id)).containsExactlyInAnyOrder("deferred", "scheduled");
    assertThat(
            sql.value(
                "SELECT at = (SELECT scheduled_at FROM procrastinate_jobs WHERE id = ?)"
                    + " FROM procrastinate_events WHERE job_id = ? AND type = 'scheduled'",
                id,
                id))
        .isEqualTo("t");
    // A job scheduled in the future is not fetched.
    assertThat(sql.fetch(null)).isNull();
  }

  @Test
  void scheduleInCountsFromTheDeferCall() {
    Instant before = Instant.now();
    long id = jobs.defer(NewJob.builder("t.in").scheduleIn(Duration.ofMinutes(10)).build());
    Instant scheduled = jobs.getJob(id).orElseThrow().scheduledAt();
    assertThat(scheduled).isBetween(before.plusSeconds(599), Instant.now().plusSeconds(601));
  }

  @Test
  void scheduleAtTakesOffsetDateTimes() {
    OffsetDateTime at = OffsetDateTime.of(2030, 1, 2, 3, 4, 5, 0, ZoneOffset.ofHours(2));
    long id = jobs.defer(NewJob.builder("t.offset").scheduleAt(at).build());
    assertThat(jobs.getJob(id).orElseThrow().scheduledAt())
        .isEqualTo(Instant.parse("2030-01-02T01:04:05Z"));
  }

  @Test
  void queueingLockClashNamesTheLockAndFreesOnceTheJobStarts() throws Exception {
    String lock = unique("ql");
    long first = jobs.defer(NewJob.builder("t.ql").queueingLock(lock).build());
    assertThatThrownBy(() -> jobs.defer(NewJob.builder("t.ql").queueingLock(lock).build()))
        .isInstanceOfSatisfying(
            AlreadyEnqueuedException.class, e -> assertThat(e.queueingLock()).isEqualTo(lock))
        .hasMessageContaining("'" + lock + "'");
    assertThat(sql.fetch(null)).isEqualTo(first);
    long second = jobs.defer(NewJob.builder("t.ql").queueingLock(lock).build());
    assertThat(second).isGreaterThan(first);
  }

  @Test
  void batchDeferReturnsIdsInOrderAcrossChunks() throws Exception {
    int count = JobManager.BATCH_CHUNK_SIZE * 2 + 17;
    long[] ids =
        jobs.deferBatch(
            () ->
                IntStream.range(0, count)
                    .mapToObj(i -> NewJob.builder("t.batch").priority(i % 5).arg("n", i).build())
                    .iterator());
    assertThat(ids).hasSize(count);
    for (int i = 1; i < ids.length; i++) {
      assertThat(ids[i]).isGreaterThan(ids[i - 1]);
    }
    assertThat(sql.value("SELECT (args->>'n') FROM procrastinate_jobs WHERE id = ?", ids[5]))
        .isEqualTo("5");
    assertThat(
            sql.value("SELECT (args->>'n') FROM procrastinate_jobs WHERE id = ?", ids[count - 1]))
        .isEqualTo(String.valueOf(count - 1));
    assertThat(sql.value("SELECT count(*) FROM procrastinate_events WHERE type = 'deferred'"))
        .isEqualTo(String.valueOf(count));
  }

  @Test
  void queueingLockClashInABatchRollsTheWholeBatchBack() throws Exception {
    String lock = unique("ql");
    jobs.defer(NewJob.builder("t.ql").queueingLock(lock).build());
    List<NewJob> batch = new ArrayList<>();
    for (int i = 0; i < JobManager.BATCH_CHUNK_SIZE + 5; i++) {
      batch.add(NewJob.builder("t.batch").arg("n", i).build());
    }
    // The clash is in the second statement: the first one's jobs must go too.
    batch.add(NewJob.builder("t.ql").queueingLock(lock).build());
    assertThatThrownBy(() -> jobs.deferBatch(batch))
        .isInstanceOf(AlreadyEnqueuedException.class)
        .hasMessageContaining(lock);
    assertThat(sql.value("SELECT count(*) FROM procrastinate_jobs")).isEqualTo("1");
  }

  @Test
  void deferOnTheCallersConnectionJoinsItsTransaction() throws Exception {
    try (Connection connection = DB.newConnection()) {
      connection.setAutoCommit(false);
      long rolledBack = jobs.defer(connection, NewJob.builder("t.tx").build());
      long[] batch =
          jobs.deferBatch(
              connection, List.of(NewJob.builder("t.tx").build(), NewJob.builder("t.tx").build()));
      assertThat(jobs.getStatus(connection, rolledBack)).contains(JobStatus.TODO);
      assertThat(jobs.getStatus(rolledBack)).isEmpty();
      connection.rollback();
      assertThat(jobs.getStatus(rolledBack)).isEmpty();
      assertThat(jobs.getStatus(batch[1])).isEmpty();

      long committed = jobs.defer(connection, NewJob.builder("t.tx").build());
      connection.commit();
      assertThat(jobs.getStatus(committed)).contains(JobStatus.TODO);
      assertThat(connection.getAutoCommit()).isFalse();
    }
    try (Connection connection = DB.newConnection()) {
      long autoCommitted = jobs.defer(connection, NewJob.builder("t.tx").build());
      assertThat(connection.getAutoCommit()).isTrue();
      assertThat(jobs.getStatus(autoCommitted)).contains(JobStatus.TODO);
    }
  }

  @Test
  void deferAsyncCompletesWithTheIdOrTheFailure() throws Exception {
    long id = jobs.deferAsync(NewJob.builder("t.async").build()).get();
    assertThat(jobs.getStatus(id)).contains(JobStatus.TODO);
    String lock = unique("ql");
    jobs.defer(NewJob.builder("t.async").queueingLock(lock).build());
    assertThatThrownBy(
            () -> jobs.deferAsync(NewJob.builder("t.async").queueingLock(lock).build()).get())
        .isInstanceOf(ExecutionException.class)
        .hasCauseInstanceOf(AlreadyEnqueuedException.class);
  }

  @Test
  void deferAsyncRunsOnTheExecutorGivenToTheBuilderWhichTheAppLeavesOpen() throws Exception {
    AtomicInteger submitted = new AtomicInteger();
    ExecutorService pool =
        Executors.newSingleThreadExecutor(runnable -> new Thread(runnable, "callers-defer"));
    Executor counting =
        command -> {
          submitted.incrementAndGet();
          pool.execute(command);
        };
    try {
      App app = App.builder().dataSource(DB.dataSource()).deferExecutor(counting).build();
      JobManager manager = app.jobManager();
      CompletableFuture<String> thread =
          manager
              .deferAsync(NewJob.builder("t.async").build())
              .thenApply(id -> Thread.currentThread().getName());
      assertThat(thread.get(10, TimeUnit.SECONDS)).isEqualTo("callers-defer");
      assertThat(submitted).hasValue(1);

      app.close();
      assertThat(pool.isShutdown()).isFalse();
      long id = manager.deferAsync(NewJob.builder("t.async").build()).get(10, TimeUnit.SECONDS);
      assertThat(jobs.getStatus(id)).contains(JobStatus.TODO);
      assertThat(submitted).hasValue(2);
    } finally {
      pool.shutdownNow();
    }
  }

  @Test
  void withoutAnExecutorTheAppRunsDefersOnItsOwnPoolAndClosesIt() throws Exception {
    App app = App.builder().dataSource(DB.dataSource()).build();
    JobManager manager = app.jobManager();
    String thread =
        manager
            .deferAsync(NewJob.builder("t.async").build())
            .thenApply(id -> Thread.currentThread().getName())
            .get(10, TimeUnit.SECONDS);
    assertThat(thread).startsWith("procrastinate-defer-");

    app.close();
    assertThatThrownBy(() -> manager.deferAsync(NewJob.builder("t.async").build()))
        .isInstanceOf(RejectedExecutionException.class)
        .hasMessageContaining("App is closed")
        .hasMessageContaining("App.Builder.deferExecutor");
  }

  @Test
  void argumentThatCannotBeSerialisedFailsBeforeTheDatabaseNamingIt() throws Exception {
    InputStream stream = InputStream.nullInputStream();
    assertThatThrownBy(
            () -> jobs.defer(NewJob.builder("t.bad").arg("ok", 1).arg("stream", stream).build()))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessageContaining("argument 'stream' of task 't.bad'")
        .hasMessageContaining(stream.getClass().getName());
    assertThatThrownBy(
            () ->
                jobs.deferBatch(
                    List.of(
                        NewJob.builder("t.bad").build(),
                        NewJob.builder("t.bad").arg("thing", new Object()).build())))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessageContaining("argument 'thing'");
    assertThat(sql.value("SELECT count(*) FROM procrastinate_jobs")).isEqualTo("0");
  }

  @Test
  void argumentsAsJsonTextMustBeAnObject() throws Exception {
    long id = jobs.defer(NewJob.builder("py.task").argsJson("{\"obj_pk\": 12}").build());
    assertThat(json.readTree(jobs.getJob(id).orElseThrow().argsJson()).get("obj_pk").asInt())
        .isEqualTo(12);
    assertThatThrownBy(() -> jobs.defer(NewJob.builder("py.task").argsJson("[1, 2]").build()))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessageContaining("must be a JSON object");
    assertThatThrownBy(() -> jobs.defer(NewJob.builder("py.task").argsJson("{oops").build()))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessageContaining("not valid JSON");
  }

  @Test
  void invalidJobsAreRefusedWithTheFix() {
    String longQueue = "q".repeat(41);
    assertThatThrownBy(() -> NewJob.builder("t").queue(longQueue).build())
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessageContaining("41 bytes")
        .hasMessageContaining("NOTIFY");
    // 40 bytes fit, even in multi-byte characters: 20 two-byte characters.
    assertThat(NewJob.builder("t").queue("é".repeat(20)).build().queue()).hasSize(20);
    assertThatThrownBy(() -> NewJob.builder("t").queue("é".repeat(21)).build())
        .hasMessageContaining("42 bytes");
    assertThatThrownBy(() -> NewJob.builder(" ").build())
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessageContaining("task name is empty");
    assertThatThrownBy(() -> NewJob.builder("t".repeat(129)).build())
        .hasMessageContaining("at most 128");
    assertThatThrownBy(
            () ->
                NewJob.builder("t")
                    .scheduleAt(Instant.now())
                    .scheduleIn(Duration.ofSeconds(1))
                    .build())
        .hasMessageContaining("set one of them");
    assertThatThrownBy(() -> NewJob.parseInstant("2026-05-01T09:30:00"))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessageContaining("no time zone offset");
    assertThat(NewJob.parseInstant("2026-05-01T09:30:00+02:00"))
        .isEqualTo(Instant.parse("2026-05-01T07:30:00Z"));
    assertThat(NewJob.parseInstant("2026-05-01T09:30:00+02:00[Europe/Paris]"))
        .isEqualTo(Instant.parse("2026-05-01T07:30:00Z"));
  }

  @Test
  void jobsAreListedByFilterAndPagedById() {
    long a = jobs.defer(NewJob.builder("t.list.a").queue("qa").lock("la").build());
    long b = jobs.defer(NewJob.builder("t.list.b").queue("qb").queueingLock("qlb").build());
    long c = jobs.defer(NewJob.builder("t.list.a").queue("qb").build());
    jobs.cancel(c);

    assertThat(ids(jobs.listJobs(JobFilter.all()))).containsExactly(a, b, c);
    assertThat(ids(jobs.listJobs(JobFilter.all().queue("qb")))).containsExactly(b, c);
    assertThat(ids(jobs.listJobs(JobFilter.all().task("t.list.a")))).containsExactly(a, c);
    assertThat(ids(jobs.listJobs(JobFilter.all().status(JobStatus.CANCELLED)))).containsExactly(c);
    assertThat(ids(jobs.listJobs(JobFilter.all().lock("la")))).containsExactly(a);
    assertThat(ids(jobs.listJobs(JobFilter.all().queueingLock("qlb")))).containsExactly(b);
    assertThat(ids(jobs.listJobs(JobFilter.all().id(b)))).containsExactly(b);
    assertThat(ids(jobs.listJobs(JobFilter.all().workerId(1)))).isEmpty();
    assertThat(ids(jobs.listJobs(JobFilter.all().limit(2)))).containsExactly(a, b);
    assertThat(ids(jobs.listJobs(JobFilter.all().afterId(b).limit(2)))).containsExactly(c);
    assertThatThrownBy(() -> JobFilter.all().limit(0)).isInstanceOf(IllegalArgumentException.class);
  }

  @Test
  void countByStatusCountsEveryStatus() throws Exception {
    jobs.defer(NewJob.builder("t.count").build());
    jobs.defer(NewJob.builder("t.count").queue("other").build());
    long cancelled = jobs.defer(NewJob.builder("t.count").build());
    jobs.cancel(cancelled);
    Map<JobStatus, Long> all = jobs.countByStatus();
    assertThat(all).containsEntry(JobStatus.TODO, 2L).containsEntry(JobStatus.CANCELLED, 1L);
    assertThat(all).containsEntry(JobStatus.DOING, 0L).hasSize(JobStatus.values().length);
    assertThat(jobs.countByStatus("other")).containsEntry(JobStatus.TODO, 1L);
  }

  @Test
  void cancelAbortAndDeleteFollowUpstreamRules() throws Exception {
    long todo = jobs.defer(NewJob.builder("t.cancel").build());
    assertThat(jobs.cancel(todo)).isTrue();
    assertThat(jobs.getStatus(todo)).contains(JobStatus.CANCELLED);
    assertThat(sql.events(todo)).containsExactly("deferred", "cancelled");
    assertThat(jobs.cancel(todo)).isFalse();

    long deleted = jobs.defer(NewJob.builder("t.cancel").build());
    assertThat(jobs.cancelAndDelete(deleted)).isTrue();
    assertThat(jobs.getJob(deleted)).isEmpty();
    assertThat(jobs.cancelAndDelete(deleted)).isFalse();
    assertThat(jobs.cancelAndDelete(todo)).isFalse();
    assertThat(jobs.getStatus(todo)).contains(JobStatus.CANCELLED);

    long running = jobs.defer(NewJob.builder("t.cancel").build());
    assertThat(sql.fetch(null)).isEqualTo(running);
    assertThat(jobs.cancel(running)).isFalse();
    assertThat(jobs.cancelAndDelete(running)).isFalse();
    assertThat(jobs.abort(running)).isTrue();
    ProcrastinateJob aborting = jobs.getJob(running).orElseThrow();
    assertThat(aborting.status()).isEqualTo(JobStatus.DOING);
    assertThat(aborting.abortRequested()).isTrue();

    long abortedTodo = jobs.defer(NewJob.builder("t.cancel").build());
    assertThat(jobs.abort(abortedTodo)).isTrue();
    assertThat(jobs.getStatus(abortedTodo)).contains(JobStatus.CANCELLED);

    assertThat(jobs.cancel(Long.MAX_VALUE)).isFalse();

    try (Connection connection = DB.newConnection()) {
      connection.setAutoCommit(false);
      long inTx = jobs.defer(connection, NewJob.builder("t.cancel").build());
      assertThat(jobs.cancel(connection, inTx)).isTrue();
      assertThat(jobs.getStatus(connection, inTx)).contains(JobStatus.CANCELLED);
      connection.rollback();
    }
  }

  @Test
  void cancelAbortAndDeleteJoinTheCallersTransaction() throws Exception {
    long running = jobs.defer(NewJob.builder("t.cancel").build());
    long waiting = jobs.defer(NewJob.builder("t.cancel").build());
    assertThat(sql.fetch(null)).isEqualTo(running);
    try (Connection connection = DB.newConnection()) {
      connection.setAutoCommit(false);
      assertThat(jobs.abort(connection, running)).isTrue();
      assertThat(jobs.cancelAndDelete(connection, waiting)).isTrue();
      assertThat(jobs.getStatus(connection, waiting)).isEmpty();
      // Not committed yet: other connections see the jobs as they were.
      assertThat(jobs.getStatus(waiting)).contains(JobStatus.TODO);
      assertThat(jobs.getJob(running).orElseThrow().abortRequested()).isFalse();
      connection.rollback();

      assertThat(jobs.cancelAndDelete(connection, waiting)).isTrue();
      assertThat(jobs.abort(connection, running)).isTrue();
      connection.commit();
    }
    assertThat(jobs.getJob(waiting)).isEmpty();
    assertThat(jobs.getJob(running).orElseThrow().abortRequested()).isTrue();

    // In autocommit mode, each call is a transaction of its own.
    long other = jobs.defer(NewJob.builder("t.cancel").build());
    try (Connection connection = DB.newConnection()) {
      assertThat(jobs.cancel(connection, other)).isTrue();
    }
    assertThat(jobs.getStatus(other)).contains(JobStatus.CANCELLED);
  }

  @Test
  void failedJobIsRetriedManuallyWithNewPlacement() throws Exception {
    long id = jobs.defer(NewJob.builder("t.retry").queue("a").priority(1).lock("l1").build());
    assertThat(sql.fetch(null)).isEqualTo(id);
    sql.finish(id, "failed");
    assertThat(jobs.getStatus(id)).contains(JobStatus.FAILED);

    Instant at = Instant.now().plusSeconds(60).truncatedTo(ChronoUnit.MICROS);
    jobs.retry(id, at, 9, "b", "l2");

    ProcrastinateJob job = jobs.getJob(id).orElseThrow();
    assertThat(job.status()).isEqualTo(JobStatus.TODO);
    assertThat(job.attempts()).isEqualTo(2);
    assertThat(job.queueName()).isEqualTo("b");
    assertThat(job.priority()).isEqualTo(9);
    assertThat(job.lock()).isEqualTo("l2");
    assertThat(job.scheduledAt()).isEqualTo(at);
    assertThat(sql.events(id)).contains("retried", "scheduled");

    assertThatThrownBy(() -> jobs.retry(id))
        .isInstanceOf(ProcrastinateException.class)
        .hasMessageContaining("retrying job " + id);
    assertThatThrownBy(() -> jobs.retry(id, Instant.now(), null, "q".repeat(41), null))
        .isInstanceOf(IllegalArgumentException.class);
  }

  @Test
  void retryOfAJobThatFailedAfterAnAbortRequestExplainsWhy() throws Exception {
    long id = jobs.defer(NewJob.builder("t.retry").build());
    assertThat(sql.fetch(null)).isEqualTo(id);
    assertThat(jobs.abort(id)).isTrue();
    // The worker's retry of a job with an abort request ends it as failed, flag kept.
    sql.execute("SELECT procrastinate_retry_job_v2(?, now(), NULL, NULL, NULL)", id);
    assertThat(jobs.getStatus(id)).contains(JobStatus.FAILED);

    assertThatThrownBy(() -> jobs.retry(id))
        .isInstanceOf(ProcrastinateException.class)
        .hasMessageContaining("abort was requested");
  }

  @Test
  void oldFinishedJobsAreDeletedByStatusAndQueue() throws Exception {
    long succeeded = finished("succeeded", "q1");
    long failed = finished("failed", "q1");
    long otherQueue = finished("succeeded", "q2");
    long cancelled = jobs.defer(NewJob.builder("t.old").queue("q1").build());
    jobs.cancel(cancelled);
    long recent = finished("succeeded", "q1");
    long waiting = jobs.defer(NewJob.builder("t.old").queue("q1").build());
    sql.execute(
        "UPDATE procrastinate_events SET at = now() - interval '3 hours' WHERE job_id <> ?",
        recent);

    assertThat(jobs.deleteOldJobs(Duration.ofHours(2), "q1", false, false, false)).isEqualTo(1);
    assertThat(jobs.getJob(succeeded)).isEmpty();
    assertThat(jobs.getJob(failed)).isPresent();
    assertThat(jobs.getJob(otherQueue)).isPresent();

    assertThat(jobs.deleteOldJobs(Duration.ofHours(2), null, true, true, true)).isEqualTo(3);
    assertThat(jobs.getJob(failed)).isEmpty();
    assertThat(jobs.getJob(cancelled)).isEmpty();
    assertThat(jobs.getJob(otherQueue)).isEmpty();
    assertThat(jobs.getJob(recent)).isPresent();
    assertThat(jobs.getJob(waiting)).isPresent();
    assertThat(sql.value("SELECT count(*) FROM procrastinate_events WHERE job_id = ?", failed))
        .isEqualTo("0");
    assertThatThrownBy(() -> jobs.deleteOldJobs(Duration.ofHours(-1), null, false, false, false))
        .isInstanceOf(IllegalArgumentException.class);
  }

  private long finished(String status, String queue) throws Exception {
    long id = jobs.defer(NewJob.builder("t.old").queue(queue).build());
    assertThat(sql.fetch(null)).isEqualTo(id);
    sql.finish(id, status);
    return id;
  }

  private static List<Long> ids(List<ProcrastinateJob> list) {
    return list.stream().map(ProcrastinateJob::id).toList();
  }

  @Test
  void schemaNotAppliedIsReportedWithTheFix() throws Exception {
    try (var dataSource = DB.newDataSource("no_such_schema_here");
        App app = App.builder().dataSource(dataSource).build()) {
      assertThatThrownBy(() -> app.jobManager().defer(NewJob.builder("t").build()))
          .isInstanceOf(SchemaException.class)
          .hasMessageContaining("mvn procrastinate:migrate");
    }
  }

  @Test
  void arraysAndNestedValuesRoundTripAsJson() throws Exception {
    long id =
        jobs.defer(
            NewJob.builder("t.arrays")
                .arg("ints", new int[] {1, 2, 3})
                .arg("nested", Map.of("k", List.of(Map.of("x", 1))))
                .build());
    JsonNode args = json.readTree(jobs.getJob(id).orElseThrow().argsJson());
    assertThat(args.get("ints").toString()).isEqualTo("[1,2,3]");
    assertThat(args.get("nested").toString()).isEqualTo("{\"k\":[{\"x\":1}]}");
    assertThat(Arrays.asList(args.fieldNames().next(), "nested")).contains("ints");
  }
}
