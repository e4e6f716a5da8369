package dev.procrastinate;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.procrastinate.model.FinishedJobs;
import dev.procrastinate.model.JobCounts;
import dev.procrastinate.model.JobStatus;
import dev.procrastinate.model.ProcrastinateJob;
import dev.procrastinate.testing.Sql;
import dev.procrastinate.testing.TestDatabase;
import java.time.Duration;
import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

/**
 * The queries and bulk actions {@link JobManager} gives the dashboard: capped counts per queue and
 * task, jobs finished per minute, running jobs per worker, newest-first paging, and retry, cancel
 * and abort of every job a filter selects.
 */
class DashboardQueriesTest {
  @RegisterExtension static final TestDatabase DB = TestDatabase.migrated();

  private JobManager jobs;
  private Sql sql;
  private long worker;

  @BeforeEach
  void setUp() throws Exception {
    jobs = DB.app().jobManager();
    sql = new Sql(DB.dataSource());
    sql.execute("DELETE FROM procrastinate_jobs");
    sql.execute("DELETE FROM procrastinate_workers");
    worker = Long.parseLong(sql.value("SELECT worker_id FROM procrastinate_register_worker_v1()"));
  }

  /** Defers {@code count} jobs of a task on a queue, and runs them to a status. */
  private List<Long> jobsIn(String queue, String task, int count, JobStatus status)
      throws Exception {
    List<Long> ids = new ArrayList<>();
    for (int i = 0; i < count; i++) {
      long id = jobs.defer(NewJob.builder(task).queue(queue).build());
      ids.add(id);
      if (status == JobStatus.TODO) {
        continue;
      }
      sql.execute(
          "UPDATE procrastinate_jobs SET status = 'doing', worker_id = ? WHERE id = ?", worker, id);
      if (status == JobStatus.CANCELLED) {
        sql.execute("UPDATE procrastinate_jobs SET status = 'cancelled' WHERE id = ?", id);
      } else if (status != JobStatus.DOING) {
        sql.finish(id, status.dbValue());
      }
    }
    return ids;
  }

  @Test
  void countsPerQueueAndTaskStopAtTheCap() throws Exception {
    jobsIn("qa", "t.one", 12, JobStatus.SUCCEEDED);
    jobsIn("qa", "t.two", 3, JobStatus.FAILED);
    jobsIn("qa", "t.one", 2, JobStatus.TODO);
    jobsIn("qb", "t.two", 1, JobStatus.DOING);
    jobsIn("qb", "t.two", 2, JobStatus.CANCELLED);

    List<JobCounts> queues = jobs.countByQueue(5);
    assertThat(queues).extracting(JobCounts::name).containsExactly("qa", "qb");
    JobCounts qa = queues.get(0);
    assertThat(qa.count(JobStatus.SUCCEEDED)).isEqualTo(5);
    assertThat(qa.count(JobStatus.FAILED)).isEqualTo(3);
    assertThat(qa.count(JobStatus.TODO)).isEqualTo(2);
    assertThat(qa.total()).isEqualTo(10);
    JobCounts qb = queues.get(1);
    assertThat(qb.count(JobStatus.DOING)).isEqualTo(1);
    assertThat(qb.count(JobStatus.CANCELLED)).isEqualTo(2);

    assertThat(jobs.countByQueue(100).get(0).count(JobStatus.SUCCEEDED)).isEqualTo(12);
    assertThat(jobs.countByQueue(100))
        .usingRecursiveFieldByFieldElementComparator()
        .isEqualTo(jobs.countByQueue(JobFilter.all()));

    List<JobCounts> tasks = jobs.countByTask(5);
    assertThat(tasks).extracting(JobCounts::name).containsExactly("t.one", "t.two");
    assertThat(tasks.get(0).byStatus())
        .containsEntry(JobStatus.SUCCEEDED, 5L)
        .containsEntry(JobStatus.TODO, 2L);
    assertThat(tasks.get(1).byStatus())
        .containsEntry(JobStatus.FAILED, 3L)
        .containsEntry(JobStatus.DOING, 1L)
        .containsEntry(JobStatus.CANCELLED, 2L);
    assertThat(jobs.countByTask(100))
        .usingRecursiveFieldByFieldElementComparator()
        .isEqualTo(jobs.countByTask(JobFilter.all()));

    assertThatThrownBy(() -> jobs.countByQueue(0))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessage("atMost must be at least 1, got 0");
  }

  @Test
  void finishedJobsAreCountedPerMinuteAndOutcome() throws Exception {
    List<Long> succeeded = jobsIn("q", "t", 3, JobStatus.SUCCEEDED);
    List<Long> failed = jobsIn("q", "t", 1, JobStatus.FAILED);
    List<Long> aborted = jobsIn("q", "t", 1, JobStatus.ABORTED);
    jobsIn("q", "t", 2, JobStatus.TODO);
    Instant now = Instant.now();
    Instant twoMinutesAgo = now.minus(2, ChronoUnit.MINUTES);
    // One success moved two minutes back, one moved out of the window.
    sql.execute(
        "UPDATE procrastinate_events SET at = ? WHERE job_id = ? AND type = 'succeeded'",
        java.sql.Timestamp.from(twoMinutesAgo),
        succeeded.get(0));
    sql.execute(
        "UPDATE procrastinate_events SET at = now() - interval '2 hours'"
            + " WHERE job_id = ? AND type = 'succeeded'",
        succeeded.get(1));

    List<FinishedJobs> minutes = jobs.countFinishedPerMinute(Duration.ofHours(1));
    assertThat(minutes).extracting(FinishedJobs::total).containsExactly(1L, 3L);
    assertThat(minutes.get(0).minute()).isEqualTo(twoMinutesAgo.truncatedTo(ChronoUnit.MINUTES));
    FinishedJobs latest = minutes.get(1);
    assertThat(latest.succeeded()).isEqualTo(1);
    assertThat(latest.failed()).isEqualTo(failed.size());
    assertThat(latest.aborted()).isEqualTo(aborted.size());
    assertThat(jobs.countFinishedPerMinute(Duration.ZERO)).isEmpty();
  }

  @Test
  void runningJobsAreCountedPerWorker() throws Exception {
    jobsIn("q", "t", 2, JobStatus.DOING);
    jobsIn("q", "t", 1, JobStatus.SUCCEEDED);
    assertThat(jobs.countRunningByWorker()).isEqualTo(Map.of(worker, 2L));
  }

  @Test
  void newestFirstPagesVisitEveryJobOnce() throws Exception {
    List<Long> ids = jobsIn("q", "t", 7, JobStatus.TODO);
    List<Long> seen = new ArrayList<>();
    JobFilter page = JobFilter.all().beforeId(Long.MAX_VALUE).limit(3);
    List<ProcrastinateJob> rows;
    do {
      rows = jobs.listJobs(page);
      rows.forEach(job -> seen.add(job.id()));
      if (!rows.isEmpty()) {
        page = page.beforeId(rows.get(rows.size() - 1).id());
      }
    } while (rows.size() == 3);
    List<Long> newestFirst = new ArrayList<>(ids);
    java.util.Collections.reverse(newestFirst);
    assertThat(seen).containsExactlyElementsOf(newestFirst);
    assertThat(
            jobs.listJobs(JobFilter.all().beforeId(ids.get(4)).afterId(ids.get(1))).stream()
                .map(ProcrastinateJob::id))
        .containsExactly(ids.get(3), ids.get(2));
    assertThat(jobs.listJobs(JobFilter.all().beforeId(5).oldestFirst().limit(1)))
        .extracting(ProcrastinateJob::id)
        .containsExactly(ids.get(0));
  }

  @Test
  void bulkActionsTouchTheJobsOfTheFilterInTheirStatus() throws Exception {
    List<Long> failed = jobsIn("qa", "t", 3, JobStatus.FAILED);
    List<Long> waiting = jobsIn("qa", "t", 2, JobStatus.TODO);
    List<Long> running = jobsIn("qa", "t", 2, JobStatus.DOING);
    List<Long> elsewhere = jobsIn("qb", "t", 1, JobStatus.FAILED);
    JobFilter qa = JobFilter.all().queue("qa").beforeId(Long.MAX_VALUE).limit(1);

    assertThat(jobs.retryAll(qa.status(JobStatus.TODO))).isZero();
    assertThat(jobs.retryAll(qa)).isEqualTo(3);
    assertThat(failed).allSatisfy(id -> assertThat(jobs.getStatus(id)).contains(JobStatus.TODO));
    assertThat(jobs.getStatus(elsewhere.get(0))).contains(JobStatus.FAILED);

    assertThat(jobs.cancelAll(qa.id(waiting.get(0)))).isEqualTo(1);
    assertThat(jobs.getStatus(waiting.get(0))).contains(JobStatus.CANCELLED);
    assertThat(jobs.getStatus(waiting.get(1))).contains(JobStatus.TODO);

    assertThat(jobs.abortAll(qa)).isEqualTo(2);
    assertThat(running)
        .allSatisfy(id -> assertThat(jobs.getJob(id).orElseThrow().abortRequested()).isTrue());
  }
}
