package dev.procrastinate.internal.sql;

import dev.procrastinate.JobFilter;
import dev.procrastinate.RetryDecision;
import dev.procrastinate.model.JobCounts;
import dev.procrastinate.model.JobEventType;
import dev.procrastinate.model.JobStatus;
import dev.procrastinate.model.ProcrastinateEvent;
import dev.procrastinate.model.ProcrastinateJob;
import dev.procrastinate.model.ProcrastinatePeriodicDefer;
import dev.procrastinate.model.ProcrastinateWorker;
import dev.procrastinate.model.QueueBacklog;
import java.sql.Array;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Types;
import java.time.Duration;
import java.time.Instant;
import java.time.OffsetDateTime;
import java.time.ZoneOffset;
import java.util.ArrayList;
import java.util.EnumMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import org.jspecify.annotations.Nullable;

/**
 * The only class that runs job statements over JDBC. Stateless and thread-safe; every method takes
 * the connection to use, so callers choose pooled, transactional or their own. Not API.
 */
public final class JobDao {
  /** Creates the DAO. */
  public JobDao() {}

  /**
   * A job ready for the database: every value already checked and serialised.
   *
   * @param queue queue name
   * @param taskName task name
   * @param priority priority
   * @param lock lock or null
   * @param queueingLock queueing lock or null
   * @param argsJson arguments as JSON object text
   * @param scheduledAt due instant or null
   * @param headersJson headers of a context propagator as a JSON object, or null for none
   */
  public record Row(
      String queue,
      String taskName,
      int priority,
      @Nullable String lock,
      @Nullable String queueingLock,
      String argsJson,
      @Nullable Instant scheduledAt,
      @Nullable String headersJson) {

    /**
     * A job without headers.
     *
     * @param queue queue name
     * @param taskName task name
     * @param priority priority
     * @param lock lock or null
     * @param queueingLock queueing lock or null
     * @param argsJson arguments as JSON object text
     * @param scheduledAt due instant or null
     */
    public Row(
        String queue,
        String taskName,
        int priority,
        @Nullable String lock,
        @Nullable String queueingLock,
        String argsJson,
        @Nullable Instant scheduledAt) {
      this(queue, taskName, priority, lock, queueingLock, argsJson, scheduledAt, null);
    }
  }

  /**
   * Defers jobs in one statement.
   *
   * @param connection the connection
   * @param rows the jobs, at least one
   * @return the new ids, in the order of {@code rows}
   * @throws SQLException if PostgreSQL refuses, e.g. on a queueing-lock clash
   */
  public long[] deferMany(Connection connection, List<Row> rows) throws SQLException {
    int size = rows.size();
    String[] queues = new String[size];
    String[] tasks = new String[size];
    Integer[] priorities = new Integer[size];
    String[] locks = new String[size];
    String[] queueingLocks = new String[size];
    String[] args = new String[size];
    String[] scheduledAt = new String[size];
    String[] headers = new String[size];
    boolean anyHeaders = false;
    for (int i = 0; i < size; i++) {
      Row row = rows.get(i);
      queues[i] = row.queue();
      tasks[i] = row.taskName();
      priorities[i] = row.priority();
      locks[i] = row.lock();
      queueingLocks[i] = row.queueingLock();
      args[i] = row.argsJson();
      scheduledAt[i] = row.scheduledAt() == null ? null : row.scheduledAt().toString();
      headers[i] = row.headersJson();
      anyHeaders |= headers[i] != null;
    }
    long[] ids = new long[size];
    String sql = anyHeaders ? JobSql.JOB_DEFER_MANY_WITH_HEADERS : JobSql.JOB_DEFER_MANY;
    try (PreparedStatement statement = connection.prepareStatement(sql)) {
      int i = 0;
      statement.setArray(++i, connection.createArrayOf("text", queues)); // queue_name
      statement.setArray(++i, connection.createArrayOf("text", tasks)); // task_name
      statement.setArray(++i, connection.createArrayOf("int4", priorities)); // priority
      statement.setArray(++i, connection.createArrayOf("text", locks)); // lock
      statement.setArray(++i, connection.createArrayOf("text", queueingLocks)); // queueing_lock
      statement.setArray(++i, connection.createArrayOf("text", args)); // args
      statement.setArray(++i, connection.createArrayOf("text", scheduledAt)); // scheduled_at
      if (anyHeaders) {
        statement.setArray(++i, connection.createArrayOf("text", headers)); // headers
      }
      try (ResultSet result = statement.executeQuery()) {
        int n = 0;
        while (result.next()) {
          ids[n++] = result.getLong(1);
        }
        if (n != size) {
          throw new SQLException(
              "procrastinate_defer_jobs_v1 returned " + n + " ids for " + size + " jobs");
        }
      }
    }
    return ids;
  }

  /**
   * Reads the server's version, to check that the database answers.
   *
   * @param connection the connection
   * @return the version, such as {@code 15.4}
   * @throws SQLException if the query fails
   */
  public String serverVersion(Connection connection) throws SQLException {
    try (PreparedStatement statement = connection.prepareStatement(JobSql.SERVER_VERSION);
        ResultSet result = statement.executeQuery()) {
      result.next();
      return result.getString(1);
    }
  }

  /**
   * Reads the backlog of each queue with waiting jobs.
   *
   * @param connection the connection
   * @return one entry per queue, by name
   * @throws SQLException if the query fails
   */
  public List<QueueBacklog> queueBacklog(Connection connection) throws SQLException {
    try (PreparedStatement statement = connection.prepareStatement(JobSql.QUEUE_BACKLOG)) {
      return readAll(
          statement,
          result ->
              new QueueBacklog(
                  result.getString("queue_name"),
                  result.getLong("waiting"),
                  result.getLong("due"),
                  Duration.ofNanos((long) (result.getDouble("oldest_due_age") * 1e9))));
    }
  }

  /**
   * Reads the headers stored with jobs by a context propagator.
   *
   * @param connection the connection
   * @param ids the job ids
   * @return JSON object text by job id, for the jobs that have headers
   * @throws SQLException if the query fails
   */
  public java.util.Map<Long, String> headers(Connection connection, long[] ids)
      throws SQLException {
    java.util.Map<Long, String> headers = new java.util.HashMap<>();
    try (PreparedStatement statement = connection.prepareStatement(JobSql.JOB_HEADERS)) {
      statement.setArray(1, connection.createArrayOf("int8", box(ids))); // job_id = ANY
      try (ResultSet result = statement.executeQuery()) {
        while (result.next()) {
          headers.put(result.getLong("job_id"), result.getString("headers"));
        }
      }
    }
    return headers;
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
    try (PreparedStatement statement = connection.prepareStatement(JobSql.JOB_GET)) {
      statement.setLong(1, id); // id
      try (ResultSet result = statement.executeQuery()) {
        return result.next() ? Optional.of(readJob(result)) : Optional.empty();
      }
    }
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
    try (PreparedStatement statement = connection.prepareStatement(JobSql.JOB_GET_STATUS)) {
      statement.setLong(1, id); // id
      try (ResultSet result = statement.executeQuery()) {
        return result.next()
            ? Optional.of(JobStatus.fromDb(result.getString(1)))
            : Optional.empty();
      }
    }
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
    try (PreparedStatement statement = connection.prepareStatement(JobSql.JOB_LIST)) {
      int i = bindFilter(connection, statement, 0, filter);
      statement.setLong(++i, filter.afterId()); // id >
      statement.setInt(++i, filter.limit()); // LIMIT
      return readJobs(statement);
    }
  }

  /**
   * Binds the parameters of {@code JobSql.JOB_FILTER}.
   *
   * @return the index of the last parameter bound
   */
  private static int bindFilter(
      Connection connection, PreparedStatement statement, int index, JobFilter filter)
      throws SQLException {
    int i = index;
    i = bindTwice(statement, i, filter.id(), Types.BIGINT); // id
    i = bindTwice(statement, i, filter.queue(), Types.VARCHAR); // queue_name
    i = bindTwice(statement, i, filter.task(), Types.VARCHAR); // task_name
    Array statuses =
        filter.statuses().isEmpty()
            ? null
            : connection.createArrayOf(
                "text", filter.statuses().stream().map(JobStatus::dbValue).toArray());
    statement.setArray(++i, statuses); // status null test
    statement.setArray(++i, statuses); // status = ANY
    i = bindTwice(statement, i, filter.lock(), Types.VARCHAR); // lock
    i = bindTwice(statement, i, filter.queueingLock(), Types.VARCHAR); // queueing_lock
    i = bindTwice(statement, i, filter.workerId(), Types.BIGINT); // worker_id
    i = bindTwice(statement, i, timestamp(filter.scheduledFrom()), Types.TIMESTAMP_WITH_TIMEZONE);
    i = bindTwice(statement, i, timestamp(filter.scheduledTo()), Types.TIMESTAMP_WITH_TIMEZONE);
    OffsetDateTime deferredFrom = timestamp(filter.deferredFrom());
    OffsetDateTime deferredTo = timestamp(filter.deferredTo());
    setNullable(statement, ++i, deferredFrom, Types.TIMESTAMP_WITH_TIMEZONE); // from null test
    setNullable(statement, ++i, deferredTo, Types.TIMESTAMP_WITH_TIMEZONE); // to null test
    i = bindTwice(statement, i, deferredFrom, Types.TIMESTAMP_WITH_TIMEZONE); // deferred at >=
    i = bindTwice(statement, i, deferredTo, Types.TIMESTAMP_WITH_TIMEZONE); // deferred at <
    return i;
  }

  private static @Nullable OffsetDateTime timestamp(@Nullable Instant instant) {
    return instant == null ? null : OffsetDateTime.ofInstant(instant, ZoneOffset.UTC);
  }

  /**
   * Cancels, aborts or deletes a job through {@code procrastinate_cancel_job_v1}.
   *
   * @param connection the connection
   * @param id the job id
   * @param abort whether to request an abort of a running job
   * @param delete whether to delete a waiting job instead of cancelling it
   * @return whether anything was done
   * @throws SQLException if the call fails
   */
  public boolean cancel(Connection connection, long id, boolean abort, boolean delete)
      throws SQLException {
    try (PreparedStatement statement = connection.prepareStatement(JobSql.JOB_CANCEL)) {
      statement.setLong(1, id); // job_id
      statement.setBoolean(2, abort); // abort
      statement.setBoolean(3, delete); // delete_job
      try (ResultSet result = statement.executeQuery()) {
        result.next();
        result.getLong(1);
        return !result.wasNull();
      }
    }
  }

  /**
   * Retries a doing or failed job through {@code procrastinate_retry_job_v2}.
   *
   * @param connection the connection
   * @param id the job id
   * @param retryAt when it becomes due again
   * @param priority new priority or null to keep
   * @param queue new queue or null to keep
   * @param lock new lock or null to keep
   * @throws SQLException if the job is missing or in another status
   */
  public void retry(
      Connection connection,
      long id,
      Instant retryAt,
      @Nullable Integer priority,
      @Nullable String queue,
      @Nullable String lock)
      throws SQLException {
    try (PreparedStatement statement = connection.prepareStatement(JobSql.JOB_RETRY)) {
      int i = 0;
      statement.setLong(++i, id); // job_id
      statement.setObject(++i, OffsetDateTime.ofInstant(retryAt, ZoneOffset.UTC)); // retry_at
      setNullable(statement, ++i, priority, Types.INTEGER); // new_priority
      setNullable(statement, ++i, queue, Types.VARCHAR); // new_queue_name
      setNullable(statement, ++i, lock, Types.VARCHAR); // new_lock
      statement.execute();
    }
  }

  /**
   * Deletes finished jobs whose latest event is older than an age.
   *
   * @param connection the connection
   * @param age minimum age of the latest event
   * @param queue queue filter or null
   * @param statuses statuses to delete
   * @return how many jobs were deleted
   * @throws SQLException if the statement fails
   */
  public int deleteOld(
      Connection connection, Duration age, @Nullable String queue, List<JobStatus> statuses)
      throws SQLException {
    String[] values = statuses.stream().map(JobStatus::dbValue).toArray(String[]::new);
    try (PreparedStatement statement = connection.prepareStatement(JobSql.JOB_DELETE_OLD)) {
      int i = 0;
      Array array = connection.createArrayOf("text", values);
      statement.setArray(++i, array); // status = ANY
      i = bindTwice(statement, i, queue, Types.VARCHAR); // queue_name
      statement.setDouble(++i, age.toNanos() / 1_000_000_000d); // seconds
      return statement.executeUpdate();
    }
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
    try (PreparedStatement statement = connection.prepareStatement(JobSql.JOB_COUNT_BY_STATUS)) {
      bindFilter(connection, statement, 0, filter);
      try (ResultSet result = statement.executeQuery()) {
        while (result.next()) {
          counts.put(JobStatus.fromDb(result.getString("status")), result.getLong("jobs"));
        }
      }
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
    List<JobCounts> rows = new ArrayList<>();
    try (PreparedStatement statement = connection.prepareStatement(by.sql)) {
      bindFilter(connection, statement, 0, filter);
      try (ResultSet result = statement.executeQuery()) {
        String name = null;
        Map<JobStatus, Long> counts = new EnumMap<>(JobStatus.class);
        long total = 0;
        while (result.next()) {
          String rowName = result.getString("name");
          if (name != null && !name.equals(rowName)) {
            rows.add(new JobCounts(name, total, counts));
            counts = new EnumMap<>(JobStatus.class);
            total = 0;
          }
          name = rowName;
          long jobs = result.getLong("jobs");
          counts.put(JobStatus.fromDb(result.getString("status")), jobs);
          total += jobs;
        }
        if (name != null) {
          rows.add(new JobCounts(name, total, counts));
        }
      }
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
    try (PreparedStatement statement = connection.prepareStatement(JobSql.EVENT_LIST_OF_JOB)) {
      statement.setLong(1, jobId); // job_id
      return readAll(
          statement,
          result -> {
            String type = result.getString("type");
            OffsetDateTime at = result.getObject("at", OffsetDateTime.class);
            return new ProcrastinateEvent(
                result.getLong("id"),
                result.getLong("job_id"),
                type == null ? null : JobEventType.fromDb(type),
                at == null ? null : at.toInstant());
          });
    }
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
    try (PreparedStatement statement = connection.prepareStatement(JobSql.PERIODIC_DEFER_LIST)) {
      bindTwice(statement, 0, taskName, Types.VARCHAR); // task_name
      return readAll(
          statement,
          result -> {
            long timestamp = result.getLong("defer_timestamp");
            Long deferTimestamp = result.wasNull() ? null : timestamp;
            long job = result.getLong("job_id");
            Long jobId = result.wasNull() ? null : job;
            return new ProcrastinatePeriodicDefer(
                result.getLong("id"),
                result.getString("task_name"),
                deferTimestamp,
                jobId,
                result.getString("periodic_id"));
          });
    }
  }

  /**
   * Lists the registered workers.
   *
   * @param connection the connection
   * @return the workers, by id
   * @throws SQLException if the query fails
   */
  public List<ProcrastinateWorker> listWorkers(Connection connection) throws SQLException {
    try (PreparedStatement statement = connection.prepareStatement(JobSql.WORKER_LIST)) {
      return readAll(
          statement,
          result ->
              new ProcrastinateWorker(
                  result.getLong("id"),
                  result.getObject("last_heartbeat", OffsetDateTime.class).toInstant()));
    }
  }

  /**
   * Takes up to {@code limit} runnable jobs for a worker, marking them doing.
   *
   * @param connection the connection
   * @param queues the queues, or null for all
   * @param workerId the worker's id
   * @param limit the most jobs to take
   * @return the jobs, by priority DESC then id ASC
   * @throws SQLException if the call fails
   */
  public List<ProcrastinateJob> fetchMany(
      Connection connection, @Nullable String[] queues, long workerId, int limit)
      throws SQLException {
    try (PreparedStatement statement = connection.prepareStatement(JobSql.JOB_FETCH_MANY)) {
      statement.setArray(1, queues == null ? null : connection.createArrayOf("varchar", queues));
      statement.setLong(2, workerId); // p_worker_id
      statement.setInt(3, limit); // p_limit
      List<ProcrastinateJob> jobs = readJobs(statement);
      jobs.sort(
          (a, b) ->
              a.priority() != b.priority()
                  ? Integer.compare(b.priority(), a.priority())
                  : Long.compare(a.id(), b.id()));
      return jobs;
    }
  }

  /**
   * Ends jobs with a status each, in one statement.
   *
   * @param connection the connection
   * @param ids the job ids
   * @param statuses the end status of each (succeeded, failed or aborted)
   * @return the ids that were ended; the others were no longer waiting or running
   * @throws SQLException if the statement fails
   */
  public long[] finishMany(Connection connection, long[] ids, JobStatus[] statuses)
      throws SQLException {
    String[] values = new String[statuses.length];
    for (int i = 0; i < statuses.length; i++) {
      values[i] = statuses[i].dbValue();
    }
    try (PreparedStatement statement = connection.prepareStatement(JobSql.JOB_FINISH_MANY)) {
      statement.setArray(1, connection.createArrayOf("int8", box(ids))); // ids
      statement.setArray(2, connection.createArrayOf("text", values)); // statuses
      statement.setArray(3, connection.createArrayOf("int8", box(ids))); // ids, for the plan
      return readIds(statement);
    }
  }

  /**
   * Ends one job through upstream's {@code procrastinate_finish_job_v1}.
   *
   * @param connection the connection
   * @param id the job id
   * @param status succeeded, failed or aborted
   * @param delete whether to delete the job instead
   * @throws SQLException if the job is missing or neither waiting nor running
   */
  public void finishOne(Connection connection, long id, JobStatus status, boolean delete)
      throws SQLException {
    try (PreparedStatement statement = connection.prepareStatement(JobSql.JOB_FINISH_ONE)) {
      statement.setLong(1, id); // job_id
      statement.setString(2, status.dbValue()); // end_status
      statement.setBoolean(3, delete); // delete_job
      statement.execute();
    }
  }

  /**
   * Deletes ended jobs that are still waiting or running.
   *
   * @param connection the connection
   * @param ids the job ids
   * @return the ids deleted
   * @throws SQLException if the statement fails
   */
  public long[] deleteFinishedMany(Connection connection, long[] ids) throws SQLException {
    try (PreparedStatement statement =
        connection.prepareStatement(JobSql.JOB_DELETE_FINISHED_MANY)) {
      statement.setArray(1, connection.createArrayOf("int8", box(ids))); // ids
      return readIds(statement);
    }
  }

  /**
   * A retry to write.
   *
   * @param id the job id
   * @param retryAt when it becomes due
   * @param priority new priority or null
   * @param queue new queue or null
   * @param lock new lock or null
   */
  public record Retry(
      long id,
      Instant retryAt,
      @Nullable Integer priority,
      @Nullable String queue,
      @Nullable String lock) {

    /**
     * Builds the retry a strategy decided for a job.
     *
     * @param id the job id
     * @param decision the strategy's decision
     * @param now the instant a {@code retryIn} delay counts from
     * @return the retry to write
     */
    public static Retry of(long id, RetryDecision decision, Instant now) {
      return new Retry(
          id,
          decision.scheduledAt(now),
          decision.priority().isPresent() ? decision.priority().getAsInt() : null,
          decision.queue().orElse(null),
          decision.lock().orElse(null));
    }
  }

  /**
   * Retries jobs through {@code procrastinate_retry_job_v2}, in one statement.
   *
   * @param connection the connection
   * @param retries the retries
   * @throws SQLException if one of them fails (the statement is all or nothing)
   */
  public void retryMany(Connection connection, List<Retry> retries) throws SQLException {
    int size = retries.size();
    Long[] ids = new Long[size];
    String[] at = new String[size];
    Integer[] priorities = new Integer[size];
    String[] queues = new String[size];
    String[] locks = new String[size];
    for (int i = 0; i < size; i++) {
      Retry retry = retries.get(i);
      ids[i] = retry.id();
      at[i] = retry.retryAt().toString();
      priorities[i] = retry.priority();
      queues[i] = retry.queue();
      locks[i] = retry.lock();
    }
    try (PreparedStatement statement = connection.prepareStatement(JobSql.JOB_RETRY_MANY)) {
      int i = 0;
      statement.setArray(++i, connection.createArrayOf("int8", ids)); // job_id
      statement.setArray(++i, connection.createArrayOf("text", at)); // retry_at
      statement.setArray(++i, connection.createArrayOf("int4", priorities)); // new_priority
      statement.setArray(++i, connection.createArrayOf("text", queues)); // new_queue_name
      statement.setArray(++i, connection.createArrayOf("text", locks)); // new_lock
      try (ResultSet result = statement.executeQuery()) {
        while (result.next()) {
          // one void row per retried job
        }
      }
    }
  }

  /**
   * Lists which of the given running jobs have an abort request.
   *
   * @param connection the connection
   * @param ids ids of running jobs
   * @return the ids with an abort request
   * @throws SQLException if the query fails
   */
  public long[] listAbortRequested(Connection connection, long[] ids) throws SQLException {
    try (PreparedStatement statement =
        connection.prepareStatement(JobSql.JOB_LIST_ABORT_REQUESTED)) {
      statement.setArray(1, connection.createArrayOf("int8", box(ids))); // ids
      return readIds(statement);
    }
  }

  /**
   * Registers a worker.
   *
   * @param connection the connection
   * @return the new worker id
   * @throws SQLException if the call fails
   */
  public long registerWorker(Connection connection) throws SQLException {
    try (PreparedStatement statement = connection.prepareStatement(JobSql.WORKER_REGISTER);
        ResultSet result = statement.executeQuery()) {
      result.next();
      return result.getLong(1);
    }
  }

  /**
   * Unregisters a worker.
   *
   * @param connection the connection
   * @param workerId the worker id
   * @throws SQLException if the call fails
   */
  public void unregisterWorker(Connection connection, long workerId) throws SQLException {
    try (PreparedStatement statement = connection.prepareStatement(JobSql.WORKER_UNREGISTER)) {
      statement.setLong(1, workerId); // worker_id
      statement.execute();
    }
  }

  /**
   * Records a heartbeat.
   *
   * @param connection the connection
   * @param workerId the worker id
   * @return whether the worker is still registered; false once another worker pruned it
   * @throws SQLException if the call fails
   */
  public boolean heartbeat(Connection connection, long workerId) throws SQLException {
    try (PreparedStatement statement = connection.prepareStatement(JobSql.WORKER_HEARTBEAT)) {
      int i = 0;
      statement.setLong(++i, workerId); // procrastinate_update_heartbeat_v1(worker_id)
      statement.setLong(++i, workerId); // registered: workers.id
      try (ResultSet result = statement.executeQuery()) {
        result.next();
        return result.getBoolean("registered");
      }
    }
  }

  /**
   * Gives running jobs without a worker to a worker, after it registered again.
   *
   * @param connection the connection
   * @param workerId the worker's new id
   * @param jobIds the jobs it runs
   * @return how many jobs were given back
   * @throws SQLException if the update fails
   */
  public int adopt(Connection connection, long workerId, long[] jobIds) throws SQLException {
    try (PreparedStatement statement = connection.prepareStatement(JobSql.JOB_ADOPT)) {
      int i = 0;
      statement.setLong(++i, workerId); // worker_id
      statement.setArray(++i, connection.createArrayOf("int8", box(jobIds))); // id = ANY
      return statement.executeUpdate();
    }
  }

  /**
   * Deletes workers without a recent heartbeat.
   *
   * @param connection the connection
   * @param timeout how old a heartbeat may be
   * @return the ids of deleted workers
   * @throws SQLException if the call fails
   */
  public long[] pruneStalledWorkers(Connection connection, Duration timeout) throws SQLException {
    try (PreparedStatement statement = connection.prepareStatement(JobSql.WORKER_PRUNE_STALLED)) {
      statement.setDouble(1, timeout.toNanos() / 1_000_000_000d); // seconds_since_heartbeat
      return readIds(statement);
    }
  }

  /**
   * Lists running jobs whose worker is gone or silent.
   *
   * @param connection the connection
   * @param heartbeatAge how old a worker's heartbeat may be for it to count as alive
   * @param queue queue filter or null
   * @param taskNames task name filter or null
   * @param limit the most rows
   * @return the stalled jobs, by id
   * @throws SQLException if the query fails
   */
  public List<ProcrastinateJob> listStalled(
      Connection connection,
      Duration heartbeatAge,
      @Nullable String queue,
      @Nullable String[] taskNames,
      int limit)
      throws SQLException {
    try (PreparedStatement statement = connection.prepareStatement(JobSql.JOB_LIST_STALLED)) {
      int i = 0;
      statement.setDouble(++i, heartbeatAge.toNanos() / 1_000_000_000d); // seconds
      i = bindTwice(statement, i, queue, Types.VARCHAR); // queue_name
      java.sql.Array names = taskNames == null ? null : connection.createArrayOf("text", taskNames);
      statement.setArray(++i, names); // task_name null test
      statement.setArray(++i, names); // task_name
      statement.setInt(++i, limit); // LIMIT
      return readJobs(statement);
    }
  }

  /**
   * Lists the running jobs of a worker.
   *
   * @param connection the connection
   * @param workerId the worker id
   * @return its running jobs, by id
   * @throws SQLException if the query fails
   */
  public List<ProcrastinateJob> listOfWorker(Connection connection, long workerId)
      throws SQLException {
    try (PreparedStatement statement = connection.prepareStatement(JobSql.JOB_LIST_OF_WORKER)) {
      statement.setLong(1, workerId); // worker_id
      return readJobs(statement);
    }
  }

  private static List<ProcrastinateJob> readJobs(PreparedStatement statement) throws SQLException {
    return readAll(statement, JobDao::readJob);
  }

  /** Reads one value from the current row of a result. */
  @FunctionalInterface
  private interface RowReader<T> {
    T read(ResultSet result) throws SQLException;
  }

  /** Runs a query and reads every row of its result, in order. */
  private static <T> List<T> readAll(PreparedStatement statement, RowReader<T> reader)
      throws SQLException {
    List<T> rows = new ArrayList<>();
    try (ResultSet result = statement.executeQuery()) {
      while (result.next()) {
        rows.add(reader.read(result));
      }
    }
    return rows;
  }

  private static Long[] box(long[] ids) {
    Long[] boxed = new Long[ids.length];
    for (int i = 0; i < ids.length; i++) {
      boxed[i] = ids[i];
    }
    return boxed;
  }

  private static long[] readIds(PreparedStatement statement) throws SQLException {
    long[] ids = new long[16];
    int count = 0;
    try (ResultSet result = statement.executeQuery()) {
      while (result.next()) {
        if (count == ids.length) {
          ids = java.util.Arrays.copyOf(ids, count * 2);
        }
        ids[count++] = result.getLong(1);
      }
    }
    return java.util.Arrays.copyOf(ids, count);
  }

  /**
   * Reads the current row as a job, by column name.
   *
   * @param result a result set positioned on a row with the job columns
   * @return the job
   * @throws SQLException if a column is missing
   */
  public static ProcrastinateJob readJob(ResultSet result) throws SQLException {
    OffsetDateTime scheduledAt = result.getObject("scheduled_at", OffsetDateTime.class);
    long workerId = result.getLong("worker_id");
    Long worker = result.wasNull() ? null : workerId;
    return new ProcrastinateJob(
        result.getLong("id"),
        result.getString("queue_name"),
        result.getString("task_name"),
        result.getInt("priority"),
        result.getString("lock"),
        result.getString("queueing_lock"),
        result.getString("args"),
        JobStatus.fromDb(result.getString("status")),
        scheduledAt == null ? null : scheduledAt.toInstant(),
        result.getInt("attempts"),
        result.getBoolean("abort_requested"),
        worker);
  }

  private static int bindTwice(
      PreparedStatement statement, int index, @Nullable Object value, int type)
      throws SQLException {
    setNullable(statement, index + 1, value, type);
    setNullable(statement, index + 2, value, type);
    return index + 2;
  }

  private static void setNullable(
      PreparedStatement statement, int index, @Nullable Object value, int type)
      throws SQLException {
    if (value == null) {
      statement.setNull(index, type);
    } else {
      statement.setObject(index, value, type);
    }
  }

  /**
   * Defers one tick of a periodic task, at most once per (task, periodic id, tick) across workers.
   *
   * @param connection the connection
   * @param row the job: queue, task, priority, locks and args (with {@code timestamp}); its
   *     scheduled time is ignored
   * @param periodicId the schedule's periodic id
   * @param deferTimestamp the tick, in epoch seconds
   * @return the new job's id, or empty if the tick was already deferred
   * @throws SQLException if PostgreSQL refuses, e.g. on a queueing-lock clash
   */
  public Optional<Long> deferPeriodic(
      Connection connection, Row row, String periodicId, long deferTimestamp) throws SQLException {
    try (PreparedStatement statement = connection.prepareStatement(JobSql.PERIODIC_DEFER)) {
      int i = 0;
      statement.setString(++i, row.queue()); // _queue_name
      setNullable(statement, ++i, row.lock(), Types.VARCHAR); // _lock
      setNullable(statement, ++i, row.queueingLock(), Types.VARCHAR); // _queueing_lock
      statement.setString(++i, row.taskName()); // _task_name
      statement.setInt(++i, row.priority()); // _priority
      statement.setString(++i, periodicId); // _periodic_id
      statement.setLong(++i, deferTimestamp); // _defer_timestamp
      statement.setString(++i, row.argsJson()); // _args
      try (ResultSet result = statement.executeQuery()) {
        result.next();
        long id = result.getLong(1);
        return result.wasNull() ? Optional.empty() : Optional.of(id);
      }
    }
  }
}
