package dev.procrastinate.internal.sql;

import dev.procrastinate.JobFilter;
import dev.procrastinate.internal.json.Json;
import dev.procrastinate.model.FailureCounts;
import dev.procrastinate.model.FinishedJobs;
import dev.procrastinate.model.JobCounts;
import dev.procrastinate.model.JobEventType;
import dev.procrastinate.model.JobFailure;
import dev.procrastinate.model.JobStatus;
import dev.procrastinate.model.ProcrastinateEvent;
import dev.procrastinate.model.ProcrastinateJob;
import dev.procrastinate.model.ProcrastinatePeriodicDefer;
import dev.procrastinate.model.ProcrastinateWorker;
import dev.procrastinate.model.QueueBacklog;
import java.sql.Connection;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.EnumMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import java.util.TreeMap;
import org.jspecify.annotations.Nullable;

/**
 * The read-only queries: one job, jobs by {@link JobFilter}, counts per status, queue, task or
 * lock, events, periodic defers, workers, the queue backlog and the server version. Nothing here
 * changes a row. Stateless and thread-safe; every method takes the connection to use and fails with
 * the driver's {@link SQLException} for the caller's {@link Database} to translate. Not API.
 */
public final class QueryDao {
  /** Creates the DAO. */
  public QueryDao() {}

  /**
   * Reads the server's version, to check that the database answers.
   *
   * @param connection the connection
   * @return the version, such as {@code 15.4}
   * @throws SQLException if the query fails
   */
  public String serverVersion(Connection connection) throws SQLException {
    return Jdbc.queryOne(
        connection, JobSql.SERVER_VERSION, Jdbc.NO_PARAMETERS, row -> row.getString(1));
  }

  /**
   * Reads one job.
   *
   * @param connection the connection
   * @param id the job id
   * @return the job, or empty if there is none with this id
   * @throws SQLException if the query fails
   */
  public Optional<ProcrastinateJob> get(Connection connection, long id) throws SQLException {
    return Jdbc.queryFirst(connection, JobSql.JOB_GET, p -> p.setLong(id), Jdbc::readJob);
  }

  /**
   * A job a waiter waits for, once it has ended or is gone.
   *
   * @param id the job's id
   * @param job the ended job, or null when it no longer exists
   */
  public record Ended(long id, @Nullable ProcrastinateJob job) {}

  /**
   * Reads those of some jobs that have ended or no longer exist; see {@link JobSql#JOB_LIST_ENDED}.
   *
   * @param connection the connection
   * @param ids the jobs waited for
   * @return one entry per ended or missing job
   * @throws SQLException if the query fails
   */
  public List<Ended> listEnded(Connection connection, long[] ids) throws SQLException {
    return Jdbc.query(
        connection,
        JobSql.JOB_LIST_ENDED,
        p -> p.setLongArray(ids),
        row ->
            new Ended(
                row.getLong("awaited"), row.getObject("id") == null ? null : Jdbc.readJob(row)));
  }

  /**
   * Reads one job's status.
   *
   * @param connection the connection
   * @param id the job id
   * @return the status, or empty if there is no job with this id
   * @throws SQLException if the query fails
   */
  public Optional<JobStatus> getStatus(Connection connection, long id) throws SQLException {
    return Jdbc.queryFirst(
        connection,
        JobSql.JOB_GET_STATUS,
        p -> p.setLong(id),
        row -> JobStatus.fromDb(row.getString("status")));
  }

  /**
   * Lists the jobs matching a filter, by id, from the filter's {@code afterId} and up to its limit.
   *
   * @param connection the connection
   * @param filter the criteria and page
   * @return the jobs, by id
   * @throws SQLException if the query fails
   */
  public List<ProcrastinateJob> list(Connection connection, JobFilter filter) throws SQLException {
    Long beforeId = filter.beforeId();
    if (beforeId != null) {
      JobFilterSql.Where where = JobFilterSql.where(JobSql.JOB_LIST_NEWEST_FIRST, filter);
      return Jdbc.query(
          connection,
          where.sql(),
          p -> {
            p.setLong(beforeId); // id <
            p.setLong(filter.afterId()); // id >
            where.bind(p); // the filter's conditions
            p.setInt(filter.limit()); // LIMIT
          },
          Jdbc::readJob);
    }
    JobFilterSql.Where where = JobFilterSql.where(JobSql.JOB_LIST, filter);
    return Jdbc.query(
        connection,
        where.sql(),
        p -> {
          p.setLong(filter.afterId()); // id >
          where.bind(p); // the filter's conditions
          p.setInt(filter.limit()); // LIMIT
        },
        Jdbc::readJob);
  }

  /**
   * Counts the jobs matching a filter per status.
   *
   * @param connection the connection
   * @param filter the criteria; paging is ignored
   * @return a count for every status, zero where there is none
   * @throws SQLException if the query fails
   */
  public Map<JobStatus, Long> countByStatus(Connection connection, JobFilter filter)
      throws SQLException {
    Map<JobStatus, Long> counts = new EnumMap<>(JobStatus.class);
    for (JobStatus status : JobStatus.values()) {
      counts.put(status, 0L);
    }
    JobFilterSql.Where where = JobFilterSql.where(JobSql.JOB_COUNT_BY_STATUS, filter);
    for (Map.Entry<JobStatus, Long> count :
        Jdbc.query(
            connection,
            where.sql(),
            where::bind,
            row -> Map.entry(JobStatus.fromDb(row.getString("status")), row.getLong("jobs")))) {
      counts.put(count.getKey(), count.getValue());
    }
    return counts;
  }

  /** What jobs are counted by. */
  public enum CountBy {
    /** Per queue. */
    QUEUE(JobSql.JOB_COUNT_BY_QUEUE),
    /** Per task. */
    TASK(JobSql.JOB_COUNT_BY_TASK),
    /** Per lock; jobs without a lock are left out. */
    LOCK(JobSql.JOB_COUNT_BY_LOCK);

    private final String sql;

    CountBy(String sql) {
      this.sql = sql;
    }
  }

  /** What jobs are counted by, with capped counts. */
  public enum CappedCountBy {
    /** Per queue. */
    QUEUE(JobSql.JOB_COUNT_BY_QUEUE_CAPPED),
    /** Per task. */
    TASK(JobSql.JOB_COUNT_BY_TASK_CAPPED);

    private final String sql;

    CappedCountBy(String sql) {
      this.sql = sql;
    }
  }

  /**
   * Counts every job per queue or task, and per status, each count stopping at {@code cap}.
   *
   * @param connection the connection
   * @param by what to count by
   * @param cap the most a count may reach; a count equal to it means at least that many
   * @return one entry per name, by name
   * @throws SQLException if the query fails
   */
  public List<JobCounts> countByCapped(Connection connection, CappedCountBy by, int cap)
      throws SQLException {
    return gather(
        Jdbc.query(
            connection,
            by.sql,
            p -> p.setInt(cap), // LIMIT of each count
            row ->
                new NamedCount(
                    row.getString("name"),
                    JobStatus.fromDb(row.getString("status")),
                    row.getLong("jobs"))));
  }

  /**
   * Counts the jobs that finished per minute since an instant.
   *
   * @param connection the connection
   * @param since the first instant counted
   * @return one entry per minute that has finished jobs, oldest first
   * @throws SQLException if the query fails
   */
  public List<FinishedJobs> countFinishedPerMinute(Connection connection, Instant since)
      throws SQLException {
    List<Map.Entry<Instant, Map.Entry<String, Long>>> rows =
        Jdbc.query(
            connection,
            JobSql.EVENT_COUNT_FINISHED_PER_MINUTE,
            p -> p.setTimestamp(since), // at >=
            row ->
                Map.entry(
                    Objects.requireNonNull(Jdbc.instant(row, "minute"), "minute"),
                    Map.entry(row.getString("type"), row.getLong("jobs"))));
    Map<Instant, long[]> minutes = new TreeMap<>();
    for (Map.Entry<Instant, Map.Entry<String, Long>> row : rows) {
      long[] counts = minutes.computeIfAbsent(row.getKey(), minute -> new long[3]);
      int slot =
          switch (row.getValue().getKey()) {
            case "succeeded" -> 0;
            case "failed" -> 1;
            default -> 2;
          };
      counts[slot] += row.getValue().getValue();
    }
    List<FinishedJobs> result = new ArrayList<>();
    minutes.forEach(
        (minute, counts) -> result.add(new FinishedJobs(minute, counts[0], counts[1], counts[2])));
    return result;
  }

  /**
   * Counts the running jobs of each worker.
   *
   * @param connection the connection
   * @return running jobs by worker id, for the workers that have some
   * @throws SQLException if the query fails
   */
  public Map<Long, Long> countRunningByWorker(Connection connection) throws SQLException {
    Map<Long, Long> counts = new TreeMap<>();
    for (Map.Entry<Long, Long> count :
        Jdbc.query(
            connection,
            JobSql.JOB_COUNT_RUNNING_BY_WORKER,
            Jdbc.NO_PARAMETERS,
            row -> Map.entry(row.getLong("worker_id"), row.getLong("jobs")))) {
      counts.put(count.getKey(), count.getValue());
    }
    return counts;
  }

  /** One row of a count by name and status. */
  private record NamedCount(String name, JobStatus status, long jobs) {}

  /**
   * Counts the jobs matching a filter per queue, task or lock, and per status.
   *
   * @param connection the connection
   * @param by what to count by
   * @param filter the criteria; paging is ignored
   * @return one entry per name, by name
   * @throws SQLException if the query fails
   */
  public List<JobCounts> countBy(Connection connection, CountBy by, JobFilter filter)
      throws SQLException {
    JobFilterSql.Where where = JobFilterSql.where(by.sql, filter);
    List<NamedCount> counted =
        Jdbc.query(
            connection,
            where.sql(),
            where::bind,
            row ->
                new NamedCount(
                    row.getString("name"),
                    JobStatus.fromDb(row.getString("status")),
                    row.getLong("jobs")));
    return gather(counted);
  }

  /** Gathers the statuses of each name; rows come ordered by name. */
  private static List<JobCounts> gather(List<NamedCount> counted) {
    List<JobCounts> rows = new ArrayList<>();
    String name = null;
    Map<JobStatus, Long> counts = new EnumMap<>(JobStatus.class);
    long total = 0;
    for (NamedCount count : counted) {
      if (name != null && !name.equals(count.name())) {
        rows.add(new JobCounts(name, total, counts));
        counts = new EnumMap<>(JobStatus.class);
        total = 0;
      }
      name = count.name();
      counts.put(count.status(), count.jobs());
      total += count.jobs();
    }
    if (name != null) {
      rows.add(new JobCounts(name, total, counts));
    }
    return rows;
  }

  /**
   * Lists the events of a job, oldest first.
   *
   * @param connection the connection
   * @param jobId the job id
   * @return the events, empty if the job has none or does not exist
   * @throws SQLException if the query fails
   */
  public List<ProcrastinateEvent> listEvents(Connection connection, long jobId)
      throws SQLException {
    return Jdbc.query(
        connection, JobSql.EVENT_LIST_OF_JOB, p -> p.setLong(jobId), QueryDao::readEvent);
  }

  /**
   * Lists the recorded failures of a job, by attempt.
   *
   * @param connection the connection
   * @param jobId the job
   * @return its failures; empty for a job without any, or run by a Python worker
   * @throws SQLException if the query fails
   */
  public List<JobFailure> listFailures(Connection connection, long jobId) throws SQLException {
    return Jdbc.query(
        connection, JobSql.FAILURE_LIST_OF_JOB, p -> p.setLong(jobId), QueryDao::readFailure);
  }

  /**
   * Reads the latest recorded failure of each of some jobs.
   *
   * @param connection the connection
   * @param jobIds the jobs
   * @return the latest failure of each job that has one
   * @throws SQLException if the query fails
   */
  public List<JobFailure> latestFailures(Connection connection, long[] jobIds) throws SQLException {
    return Jdbc.query(
        connection,
        JobSql.FAILURE_LATEST_OF_JOBS,
        p -> p.setLongArray(jobIds),
        QueryDao::readFailure);
  }

  /**
   * Counts the failures recorded since a moment, by task and by exception class.
   *
   * @param connection the connection
   * @param since the moment
   * @param limit the most names of each kind
   * @return the counts
   * @throws SQLException if the query fails
   */
  public FailureCounts countFailures(Connection connection, Instant since, int limit)
      throws SQLException {
    List<FailureCounts.Count> byTask = new ArrayList<>();
    List<FailureCounts.Count> byException = new ArrayList<>();
    for (String[] row :
        Jdbc.query(
            connection,
            JobSql.FAILURE_COUNTS,
            p -> {
              p.setTimestamp(since);
              p.setInt(limit);
              p.setTimestamp(since);
              p.setInt(limit);
            },
            r -> new String[] {r.getString(1), r.getString(2), r.getString(3)})) {
      FailureCounts.Count count = new FailureCounts.Count(row[1], Long.parseLong(row[2]));
      (row[0].equals("task") ? byTask : byException).add(count);
    }
    return new FailureCounts(byTask, byException);
  }

  private static JobFailure readFailure(ResultSet row) throws SQLException {
    return new JobFailure(
        row.getLong("job_id"),
        row.getInt("attempt"),
        Objects.requireNonNull(Jdbc.instant(row, "failed_at")),
        JobStatus.fromDb(row.getString("status")),
        row.getString("worker_name"),
        row.getString("exception_class"),
        row.getString("message"),
        row.getString("stack_trace"),
        Json.strings(row.getString("details")));
  }

  private static ProcrastinateEvent readEvent(ResultSet row) throws SQLException {
    String type = row.getString("type");
    return new ProcrastinateEvent(
        row.getLong("id"),
        row.getLong("job_id"),
        type == null ? null : JobEventType.fromDb(type),
        Jdbc.instant(row, "at"));
  }

  /**
   * Lists the claims of periodic ticks.
   *
   * @param connection the connection
   * @param taskName only this task, or null for all
   * @return the claims, by id
   * @throws SQLException if the query fails
   */
  public List<ProcrastinatePeriodicDefer> listPeriodicDefers(
      Connection connection, @Nullable String taskName) throws SQLException {
    return Jdbc.query(
        connection,
        taskName == null ? JobSql.PERIODIC_DEFER_LIST : JobSql.PERIODIC_DEFER_LIST_OF_TASK,
        p -> {
          if (taskName != null) {
            p.setString(taskName); // task_name
          }
        },
        row ->
            new ProcrastinatePeriodicDefer(
                row.getLong("id"),
                row.getString("task_name"),
                Jdbc.nullableLong(row, "defer_timestamp"),
                Jdbc.nullableLong(row, "job_id"),
                row.getString("periodic_id")));
  }

  /**
   * Lists the registered workers.
   *
   * @param connection the connection
   * @return the workers, by id
   * @throws SQLException if the query fails
   */
  public List<ProcrastinateWorker> listWorkers(Connection connection) throws SQLException {
    return Jdbc.query(
        connection,
        JobSql.WORKER_LIST,
        Jdbc.NO_PARAMETERS,
        row -> new ProcrastinateWorker(row.getLong("id"), Jdbc.instant(row, "last_heartbeat")));
  }

  /**
   * Reads how long ago a worker's last heartbeat was, on the database's clock.
   *
   * @param connection the connection
   * @param workerId the worker
   * @return the age, never negative; empty if the worker is not registered
   * @throws SQLException if the query fails
   */
  public Optional<Duration> workerHeartbeatAge(Connection connection, long workerId)
      throws SQLException {
    return Jdbc.queryFirst(
        connection,
        JobSql.WORKER_HEARTBEAT_AGE,
        p -> p.setLong(workerId),
        row -> Duration.ofMillis(Math.max(0, row.getLong("age_ms"))));
  }

  /**
   * Reads the backlog of each queue with waiting jobs.
   *
   * @param connection the connection
   * @return one entry per queue, by name
   * @throws SQLException if the query fails
   */
  public List<QueueBacklog> queueBacklog(Connection connection) throws SQLException {
    return Jdbc.query(
        connection,
        JobSql.QUEUE_BACKLOG,
        Jdbc.NO_PARAMETERS,
        row -> {
          double age = row.getDouble("oldest_due_age");
          boolean known = !row.wasNull();
          return new QueueBacklog(
              row.getString("queue_name"),
              row.getLong("waiting"),
              row.getLong("due"),
              Duration.ofNanos((long) (age * 1e9)),
              known);
        });
  }
}
