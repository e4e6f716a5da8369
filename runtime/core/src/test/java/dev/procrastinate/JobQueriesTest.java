package dev.procrastinate;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.procrastinate.model.JobCounts;
import dev.procrastinate.model.JobEventType;
import dev.procrastinate.model.JobStatus;
import dev.procrastinate.model.ProcrastinateEvent;
import dev.procrastinate.model.ProcrastinateJob;
import dev.procrastinate.model.ProcrastinatePeriodicDefer;
import dev.procrastinate.model.ProcrastinateWorker;
import dev.procrastinate.testing.Sql;
import dev.procrastinate.testing.TestDatabase;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

/**
 * The read-only queries of {@link JobManager} over jobs, events, periodic defers and workers, on
 * fixtures made through the schema's own functions: defer, fetch, finish, retry, cancel, register
 * worker and defer periodic.
 */
class JobQueriesTest {
  @RegisterExtension static final TestDatabase DB = TestDatabase.migrated();

  private static final Instant LATER = Instant.parse("2030-01-01T00:00:00Z");

  private JobManager jobs;
  private Sql sql;

  // The fixture: one job per way a job can be, made by the schema's functions.
  private long worker;
  private long succeeded; // t.a on qa, lock la: fetched by the worker, finished succeeded
  private long scheduled; // t.b on qb, lock la, queueing lock qlb, due in 2030
  private long cancelled; // t.a on qb: cancelled
  private long retried; // t.b on qa, lock lb: fetched, failed, retried by hand
  private long running; // t.c on qa: fetched by the worker, still running
  private Instant beforeRetried;

  @BeforeEach
  void setUp() throws Exception {
    jobs = DB.app().jobManager();
    sql = new Sql(DB.dataSource());
    sql.execute("DELETE FROM procrastinate_periodic_defers");
    sql.execute("DELETE FROM procrastinate_jobs");
    sql.execute("DELETE FROM procrastinate_workers");

    worker = Long.parseLong(sql.value("SELECT worker_id FROM procrastinate_register_worker_v1()"));
    succeeded = jobs.defer(NewJob.builder("t.a").queue("qa").lock("la").build());
    assertThat(fetch("qa")).isEqualTo(succeeded);
    sql.finish(succeeded, "succeeded");
    scheduled =
        jobs.defer(
            NewJob.builder("t.b")
                .queue("qb")
                .lock("la")
                .queueingLock("qlb")
                .scheduleAt(LATER)
                .build());
    cancelled = jobs.defer(NewJob.builder("t.a").queue("qb").build());
    assertThat(jobs.cancel(cancelled)).isTrue();
    Thread.sleep(5); // the deferred events before and after this instant differ
    beforeRetried = Instant.parse(sql.value("SELECT to_json(clock_timestamp())#>>'{}'"));
    Thread.sleep(5);
    retried = jobs.defer(NewJob.builder("t.b").queue("qa").lock("lb").build());
    assertThat(fetch("qa")).isEqualTo(retried);
    sql.finish(retried, "failed");
    sql.execute(
        "SELECT procrastinate_retry_job_v2(?, now() + interval '1 hour', NULL, NULL, NULL)",
        retried);
    running = jobs.defer(NewJob.builder("t.c").queue("qa").build());
    assertThat(fetch("qa")).isEqualTo(running);
  }

  private long fetch(String queue) throws Exception {
    return Long.parseLong(
        sql.value(
            "SELECT id FROM procrastinate_fetch_job_v2(ARRAY[?]::varchar[], ?)", queue, worker));
  }

  private static List<Long> ids(List<ProcrastinateJob> list) {
    return list.stream().map(ProcrastinateJob::id).toList();
  }

  private List<Long> list(JobFilter filter) {
    return ids(jobs.listJobs(filter));
  }

  @Test
  void jobsAreFoundByEveryCriterion() {
    JobFilter all = JobFilter.all();
    assertThat(list(all)).containsExactly(succeeded, scheduled, cancelled, retried, running);
    assertThat(list(all.status(JobStatus.TODO))).containsExactly(scheduled, retried);
    assertThat(list(all.statusIn(JobStatus.DOING, JobStatus.SUCCEEDED)))
        .containsExactly(succeeded, running);
    assertThat(list(all.statusIn())).hasSize(5);
    assertThat(list(all.queue("qa"))).containsExactly(succeeded, retried, running);
    assertThat(list(all.task("t.b"))).containsExactly(scheduled, retried);
    assertThat(list(all.lock("la"))).containsExactly(succeeded, scheduled);
    assertThat(list(all.queueingLock("qlb"))).containsExactly(scheduled);
    assertThat(list(all.workerId(worker))).containsExactly(succeeded, retried, running);
    assertThat(list(all.id(cancelled))).containsExactly(cancelled);
    assertThat(list(all.queue("qa").task("t.b").status(JobStatus.TODO).lock("lb")))
        .containsExactly(retried);
    assertThat(list(all.queue("nowhere"))).isEmpty();
  }

  @Test
  void jobsAreFoundByScheduledTimeAndByTheTimeTheyWereDeferred() {
    JobFilter all = JobFilter.all();
    // scheduled_at: the job due in 2030, and the retried job, due in an hour.
    assertThat(list(all.scheduledBetween(LATER, null))).containsExactly(scheduled);
    assertThat(list(all.scheduledBetween(null, LATER))).containsExactly(retried);
    assertThat(list(all.scheduledBetween(LATER, LATER.plusSeconds(1)))).containsExactly(scheduled);
    assertThat(list(all.scheduledBetween(LATER.plusSeconds(1), null))).isEmpty();
    // The deferred event: written at insert, whatever happened to the job since.
    assertThat(list(all.deferredBetween(beforeRetried, null))).containsExactly(retried, running);
    assertThat(list(all.deferredBetween(null, beforeRetried)))
        .containsExactly(succeeded, scheduled, cancelled);
    Instant runningDeferred = deferredAt(running);
    assertThat(list(all.deferredBetween(runningDeferred, runningDeferred.plusNanos(1000))))
        .containsExactly(running);
    assertThat(list(all.deferredBetween(runningDeferred, runningDeferred))).isEmpty();
    assertThatThrownBy(() -> all.scheduledBetween(LATER, LATER.minusSeconds(1)))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessageContaining("scheduledBetween");
  }

  private Instant deferredAt(long id) {
    return jobs.listEvents(id).stream()
        .filter(e -> e.type() == JobEventType.DEFERRED)
        .findFirst()
        .orElseThrow()
        .at();
  }

  @Test
  void pagesByIdVisitEveryJobOnce() {
    List<Long> seen = new ArrayList<>();
    JobFilter page = JobFilter.all().limit(2);
    List<ProcrastinateJob> batch;
    int pages = 0;
    do {
      batch = jobs.listJobs(page);
      pages++;
      seen.addAll(ids(batch));
      if (!batch.isEmpty()) {
        page = page.afterId(batch.get(batch.size() - 1).id());
      }
    } while (batch.size() == 2);
    assertThat(seen).containsExactly(succeeded, scheduled, cancelled, retried, running);
    assertThat(pages).isEqualTo(3);
    assertThat(list(JobFilter.all().queue("qa").afterId(succeeded).limit(1)))
        .containsExactly(retried);
  }

  @Test
  void countsPerQueueTaskLockAndStatus() {
    List<JobCounts> queues = jobs.countByQueue(JobFilter.all());
    assertThat(queues).extracting(JobCounts::name).containsExactly("qa", "qb");
    assertThat(queues.get(0).total()).isEqualTo(3);
    assertThat(queues.get(0).count(JobStatus.SUCCEEDED)).isEqualTo(1);
    assertThat(queues.get(0).count(JobStatus.TODO)).isEqualTo(1);
    assertThat(queues.get(0).count(JobStatus.DOING)).isEqualTo(1);
    assertThat(queues.get(0).count(JobStatus.FAILED)).isZero();
    assertThat(queues.get(0).byStatus()).hasSize(JobStatus.values().length);
    assertThat(queues.get(1).total()).isEqualTo(2);
    assertThat(queues.get(1).count(JobStatus.CANCELLED)).isEqualTo(1);

    List<JobCounts> tasks = jobs.countByTask(JobFilter.all());
    assertThat(tasks).extracting(JobCounts::name).containsExactly("t.a", "t.b", "t.c");
    assertThat(tasks).extracting(JobCounts::total).containsExactly(2L, 2L, 1L);
    assertThat(tasks.get(1).count(JobStatus.TODO)).isEqualTo(2);

    // Jobs without a lock are left out, as upstream's list_locks does.
    List<JobCounts> locks = jobs.countByLock(JobFilter.all());
    assertThat(locks).extracting(JobCounts::name).containsExactly("la", "lb");
    assertThat(locks).extracting(JobCounts::total).containsExactly(2L, 1L);

    // Filters apply to counts; paging does not.
    assertThat(jobs.countByQueue(JobFilter.all().status(JobStatus.TODO).limit(1)))
        .extracting(JobCounts::name, JobCounts::total)
        .containsExactly(
            org.assertj.core.groups.Tuple.tuple("qa", 1L),
            org.assertj.core.groups.Tuple.tuple("qb", 1L));
    assertThat(jobs.countByTask(JobFilter.all().queue("qb")))
        .extracting(JobCounts::name)
        .containsExactly("t.a", "t.b");
    assertThat(jobs.countByLock(JobFilter.all().task("nothing"))).isEmpty();

    Map<JobStatus, Long> statuses = jobs.countByStatus(JobFilter.all().queue("qa"));
    assertThat(statuses)
        .containsEntry(JobStatus.SUCCEEDED, 1L)
        .containsEntry(JobStatus.TODO, 1L)
        .containsEntry(JobStatus.DOING, 1L)
        .containsEntry(JobStatus.CANCELLED, 0L);
    assertThat(jobs.countByStatus()).containsEntry(JobStatus.TODO, 2L);
  }

  @Test
  void eventsOfAJobTellItsStory() {
    assertThat(jobs.listEvents(succeeded))
        .extracting(ProcrastinateEvent::type)
        .containsExactly(JobEventType.DEFERRED, JobEventType.STARTED, JobEventType.SUCCEEDED);
    assertThat(jobs.listEvents(retried))
        .extracting(ProcrastinateEvent::type)
        .containsExactly(
            JobEventType.DEFERRED,
            JobEventType.STARTED,
            JobEventType.FAILED,
            // Triggers fire in name order: "scheduled" comes before the status change's event.
            JobEventType.SCHEDULED,
            JobEventType.RETRIED);
    List<ProcrastinateEvent> events = jobs.listEvents(scheduled);
    assertThat(events)
        .extracting(ProcrastinateEvent::type)
        .containsExactly(JobEventType.SCHEDULED, JobEventType.DEFERRED);
    assertThat(events.get(0).at()).isEqualTo(LATER);
    assertThat(events).allSatisfy(e -> assertThat(e.jobId()).isEqualTo(scheduled));
    assertThat(events.get(0).id()).isLessThan(events.get(1).id());
    assertThat(jobs.listEvents(cancelled))
        .extracting(ProcrastinateEvent::type)
        .containsExactly(JobEventType.DEFERRED, JobEventType.CANCELLED);
    assertThat(jobs.listEvents(-1)).isEmpty();
  }

  @Test
  void eventTypesAreTheDatabaseEnumInOrder() throws Exception {
    assertThat(sql.column("SELECT unnest(enum_range(NULL::procrastinate_job_event_type))::text"))
        .containsExactlyElementsOf(
            Arrays.stream(JobEventType.values()).map(JobEventType::dbValue).toList());
    assertThat(JobEventType.fromDb("deferred_for_retry"))
        .isEqualTo(JobEventType.DEFERRED_FOR_RETRY);
    assertThatThrownBy(() -> JobEventType.fromDb("exploded"))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessageContaining("abort_requested");
  }

  @Test
  void workersAreListedWithTheirHeartbeat() throws Exception {
    long other =
        Long.parseLong(sql.value("SELECT worker_id FROM procrastinate_register_worker_v1()"));
    sql.execute(
        "UPDATE procrastinate_workers SET last_heartbeat = now() - interval '1 hour' WHERE id = ?",
        other);
    List<ProcrastinateWorker> workers = jobs.listWorkers();
    assertThat(workers).extracting(ProcrastinateWorker::id).containsExactly(worker, other);
    assertThat(Duration.between(workers.get(1).lastHeartbeat(), workers.get(0).lastHeartbeat()))
        .isBetween(Duration.ofMinutes(59), Duration.ofMinutes(61));
    assertThat(jobs.workerHeartbeatAge(other).orElseThrow())
        .isBetween(Duration.ofMinutes(59), Duration.ofMinutes(61));

    // The stalled-jobs query sees the running job once its worker is gone.
    assertThat(ids(jobs.listStalledJobs(Duration.ofSeconds(30), null, null))).isEmpty();
    sql.execute("SELECT procrastinate_unregister_worker_v1(?)", worker);
    assertThat(jobs.listWorkers()).extracting(ProcrastinateWorker::id).containsExactly(other);
    assertThat(ids(jobs.listStalledJobs(Duration.ofSeconds(30), "qa", null)))
        .containsExactly(running);
    assertThat(list(JobFilter.all().workerId(worker))).isEmpty();
  }

  @Test
  void periodicDefersKeepTheLatestClaimPerSchedule() throws Exception {
    String defer =
        "SELECT procrastinate_defer_periodic_job_v2('periodic', NULL, NULL, ?, 0, ?, ?,"
            + " json_build_object('timestamp', ?::bigint)::jsonb)";
    long first = Long.parseLong(sql.value(defer, "t.tick", "", 1_000L, 1_000L));
    long second = Long.parseLong(sql.value(defer, "t.tick", "", 1_060L, 1_060L));
    long other = Long.parseLong(sql.value(defer, "t.tock", "nightly", 1_000L, 1_000L));
    assertThat(first).isNotEqualTo(second);

    List<ProcrastinatePeriodicDefer> all = jobs.listPeriodicDefers(null);
    assertThat(all)
        .extracting(
            ProcrastinatePeriodicDefer::taskName,
            ProcrastinatePeriodicDefer::periodicId,
            ProcrastinatePeriodicDefer::deferTimestamp,
            ProcrastinatePeriodicDefer::jobId)
        .containsExactly(
            org.assertj.core.groups.Tuple.tuple("t.tick", "", 1_060L, second),
            org.assertj.core.groups.Tuple.tuple("t.tock", "nightly", 1_000L, other));
    assertThat(jobs.listPeriodicDefers("t.tock"))
        .extracting(ProcrastinatePeriodicDefer::jobId)
        .containsExactly(other);

    // Deleting the job clears the claim's job id (the schema's delete trigger).
    assertThat(jobs.cancelAndDelete(other)).isTrue();
    assertThat(jobs.listPeriodicDefers("t.tock"))
        .extracting(ProcrastinatePeriodicDefer::jobId)
        .containsExactly((Long) null);
  }
}
