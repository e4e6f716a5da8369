package dev.procrastinate.internal.sql;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.procrastinate.JobFilter;
import dev.procrastinate.model.JobCounts;
import dev.procrastinate.model.JobEventType;
import dev.procrastinate.model.JobStatus;
import dev.procrastinate.model.ProcrastinateJob;
import dev.procrastinate.testing.Sql;
import dev.procrastinate.testing.TestDatabase;
import java.sql.Connection;
import java.time.Instant;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

/**
 * The conditions of a {@link JobFilter}: only the criteria that are set reach the statement, and
 * every criterion, alone or with others, selects on PostgreSQL exactly the jobs that a plain Java
 * reading of the filter selects from the same rows.
 */
class JobFilterSqlTest {
  @RegisterExtension static final TestDatabase DB = TestDatabase.migrated();

  private static final Instant T0 = Instant.parse("2030-01-01T00:00:00Z");

  private static final JobDao JOBS = new JobDao();
  private static final QueryDao QUERIES = new QueryDao();
  private static Connection connection;
  private static long worker;
  private static List<ProcrastinateJob> rows;
  private static final Map<Long, Instant> DEFERRED_AT = new HashMap<>();

  /**
   * Twelve jobs over two queues, three tasks, two locks and queueing locks, five statuses, with and
   * without a worker and a schedule; job {@code i} was deferred at {@code T0 + i hours} and, if
   * scheduled, is due at {@code T0 + i days}.
   */
  @BeforeAll
  static void jobs() throws Exception {
    Sql sql = new Sql(DB.dataSource());
    connection = DB.newConnection();
    worker = new WorkerDao().register(connection);
    JobStatus[] statuses = {
      JobStatus.TODO, JobStatus.DOING, JobStatus.SUCCEEDED, JobStatus.FAILED, JobStatus.CANCELLED
    };
    for (int i = 0; i < 12; i++) {
      long id =
          JOBS.deferMany(
                  connection,
                  List.of(
                      new JobDao.Row(
                          i % 2 == 0 ? "qa" : "qb",
                          "t" + (i % 3),
                          0,
                          i % 4 == 0 ? "l" + (i % 8) : null,
                          i % 5 == 0 ? "ql" + i : null,
                          "{}",
                          i % 3 == 1 ? T0.plusSeconds(86_400L * i) : null)))[0];
      JobStatus status = statuses[i % statuses.length];
      if (status != JobStatus.TODO) {
        sql.execute(
            "UPDATE procrastinate_jobs SET status = ?::procrastinate_job_status, worker_id = ?"
                + " WHERE id = ?",
            status.dbValue(),
            status == JobStatus.DOING ? worker : null,
            id);
      }
      Instant deferred = T0.plusSeconds(3600L * i);
      sql.execute(
          "UPDATE procrastinate_events SET at = ?::timestamptz WHERE job_id = ? AND type = ?"
              + "::procrastinate_job_event_type",
          deferred.toString(),
          id,
          JobEventType.DEFERRED.dbValue());
      DEFERRED_AT.put(id, deferred);
    }
    rows = QUERIES.list(connection, JobFilter.all());
    assertThat(rows).hasSize(12);
  }

  @AfterAll
  static void close() throws Exception {
    connection.close();
  }

  /** The filter's meaning, read plainly. */
  private static boolean matches(JobFilter f, ProcrastinateJob job) {
    Instant scheduled = job.scheduledAt();
    Instant deferred = DEFERRED_AT.get(job.id());
    return (f.id() == null || f.id() == job.id())
        && (f.queue() == null || f.queue().equals(job.queueName()))
        && (f.task() == null || f.task().equals(job.taskName()))
        && (f.statuses().isEmpty() || f.statuses().contains(job.status()))
        && (f.lock() == null || f.lock().equals(job.lock()))
        && (f.queueingLock() == null || f.queueingLock().equals(job.queueingLock()))
        && (f.workerId() == null || f.workerId().equals(job.workerId()))
        && (f.scheduledFrom() == null
            || (scheduled != null && !scheduled.isBefore(f.scheduledFrom())))
        && (f.scheduledTo() == null || (scheduled != null && scheduled.isBefore(f.scheduledTo())))
        && (f.deferredFrom() == null || !deferred.isBefore(f.deferredFrom()))
        && (f.deferredTo() == null || deferred.isBefore(f.deferredTo()));
  }

  private static Map<String, JobFilter> alone() {
    JobFilter all = JobFilter.all();
    ProcrastinateJob third = rows.get(2);
    Map<String, JobFilter> filters = new LinkedHashMap<>();
    filters.put("id", all.id(third.id()));
    filters.put("queue", all.queue("qa"));
    filters.put("task", all.task("t1"));
    filters.put("status", all.status(JobStatus.TODO));
    filters.put("statuses", all.statusIn(JobStatus.DOING, JobStatus.FAILED));
    filters.put("lock", all.lock("l4"));
    filters.put("queueing lock", all.queueingLock("ql5"));
    filters.put("worker", all.workerId(worker));
    filters.put("scheduled from", all.scheduledBetween(T0.plusSeconds(86_400L * 4), null));
    filters.put("scheduled to", all.scheduledBetween(null, T0.plusSeconds(86_400L * 7)));
    filters.put("deferred from", all.deferredBetween(T0.plusSeconds(3600L * 5), null));
    filters.put("deferred to", all.deferredBetween(null, T0.plusSeconds(3600L * 5)));
    return filters;
  }

  private static Map<String, JobFilter> together() {
    JobFilter all = JobFilter.all();
    ProcrastinateJob fifth = rows.get(4);
    Map<String, JobFilter> filters = new LinkedHashMap<>();
    filters.put("queue and task", all.queue("qa").task("t0"));
    filters.put("queue, statuses and lock", all.queue("qa").statusIn(JobStatus.TODO).lock("l0"));
    filters.put("task and worker", all.task("t1").workerId(worker));
    filters.put(
        "scheduled range",
        all.scheduledBetween(T0.plusSeconds(86_400L * 2), T0.plusSeconds(86_400L * 8)));
    filters.put(
        "deferred range and queue",
        all.queue("qb").deferredBetween(T0.plusSeconds(3600L * 2), T0.plusSeconds(3600L * 9)));
    filters.put(
        "every criterion, one job",
        all.id(fifth.id())
            .queue(fifth.queueName())
            .task(fifth.taskName())
            .status(fifth.status())
            .lock(fifth.lock())
            .deferredBetween(
                DEFERRED_AT.get(fifth.id()), DEFERRED_AT.get(fifth.id()).plusMillis(1)));
    filters.put("contradiction", all.id(rows.get(0).id()).queue("qb"));
    return filters;
  }

  @Test
  void onlyTheCriteriaThatAreSetReachTheStatement() {
    JobFilterSql.Where none = JobFilterSql.where(JobSql.JOB_COUNT_BY_STATUS, JobFilter.all());
    assertThat(none.values()).isEmpty();
    assertThat(none.sql()).doesNotContain("?").doesNotContain(JobSql.JOB_FILTER);

    alone()
        .forEach(
            (name, filter) -> {
              JobFilterSql.Where where = JobFilterSql.where(JobSql.JOB_COUNT_BY_STATUS, filter);
              assertThat(where.values()).as(name).hasSize(1);
              assertThat(where.sql().chars().filter(c -> c == '?')).as(name).hasSize(1);
            });

    JobFilterSql.Where range =
        JobFilterSql.where(
            JobSql.JOB_LIST, JobFilter.all().deferredBetween(T0, T0.plusSeconds(1)).queue("q"));
    assertThat(range.values()).hasSize(3);
    // The page's id and limit, then the queue and the two bounds of one event sub-query.
    assertThat(range.sql().chars().filter(c -> c == '?')).hasSize(5);
    assertThat(range.sql()).containsOnlyOnce("procrastinate_events").contains("j.queue_name = ?");
    assertThat(range.sql()).doesNotContain("j.task_name").doesNotContain("j.status");

    assertThatThrownBy(() -> JobFilterSql.where(JobSql.JOB_GET, JobFilter.all()))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessageContaining("JOB_FILTER");
  }

  @Test
  void eachCriterionAloneSelectsWhatItSays() throws Exception {
    for (Map.Entry<String, JobFilter> filter : alone().entrySet()) {
      assertSelects(filter.getKey(), filter.getValue());
    }
  }

  @Test
  void criteriaTogetherMustAllMatch() throws Exception {
    for (Map.Entry<String, JobFilter> filter : together().entrySet()) {
      assertSelects(filter.getKey(), filter.getValue());
    }
    assertThat(QUERIES.list(connection, together().get("every criterion, one job"))).hasSize(1);
    assertThat(QUERIES.list(connection, together().get("contradiction"))).isEmpty();
  }

  private static void assertSelects(String name, JobFilter filter) throws Exception {
    List<Long> expected =
        rows.stream().filter(job -> matches(filter, job)).map(ProcrastinateJob::id).toList();
    assertThat(QUERIES.list(connection, filter).stream().map(ProcrastinateJob::id))
        .as(name)
        .containsExactlyElementsOf(expected);
    assertThat(QUERIES.countByStatus(connection, filter).values().stream().mapToLong(n -> n).sum())
        .as(name + ", counted per status")
        .isEqualTo(expected.size());
    assertThat(
            QUERIES.countBy(connection, QueryDao.CountBy.QUEUE, filter).stream()
                .mapToLong(JobCounts::total)
                .sum())
        .as(name + ", counted per queue")
        .isEqualTo(expected.size());
    long locked = rows.stream().filter(job -> matches(filter, job) && job.lock() != null).count();
    assertThat(
            QUERIES.countBy(connection, QueryDao.CountBy.LOCK, filter).stream()
                .mapToLong(JobCounts::total)
                .sum())
        .as(name + ", counted per lock")
        .isEqualTo(locked);
    // Paging keeps its meaning under every filter: the first job, then the rest after it.
    if (expected.size() > 1) {
      assertThat(QUERIES.list(connection, filter.limit(1)).stream().map(ProcrastinateJob::id))
          .as(name + ", first page")
          .containsExactly(expected.get(0));
      assertThat(
              QUERIES.list(connection, filter.afterId(expected.get(0))).stream()
                  .map(ProcrastinateJob::id))
          .as(name + ", after the first")
          .containsExactlyElementsOf(expected.subList(1, expected.size()));
    }
  }

  @Test
  void theFilterHasJobsToSelect() {
    // Guards the fixture: every single criterion picks some jobs and leaves others out.
    alone()
        .forEach(
            (name, filter) ->
                assertThat(rows.stream().filter(job -> matches(filter, job)).count())
                    .as(name)
                    .isBetween(1L, (long) rows.size() - 1));
  }
}
