package dev.procrastinate.internal.sql;

import dev.procrastinate.RetryDecision;
import dev.procrastinate.internal.json.Json;
import dev.procrastinate.model.JobStatus;
import dev.procrastinate.model.ProcrastinateJob;
import java.sql.Connection;
import java.sql.SQLException;
import java.time.Duration;
import java.time.Instant;
import java.util.Arrays;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import org.jspecify.annotations.Nullable;

/**
 * The statements that change jobs: defer (one, many, periodic), fetch, finish, retry, cancel and
 * delete old ones, plus the reads a worker needs around its fetched jobs (headers, abort requests).
 * Stateless and thread-safe; every method takes the connection to use, so callers choose pooled,
 * transactional or their own, and fails with the driver's {@link SQLException} for the caller's
 * {@link Database} to translate. Not API.
 */
public final class JobDao {
  /**
   * The worker id that guards a write to jobs running for no worker only (a rescue of the jobs of a
   * pruned worker): worker ids start at 1.
   */
  public static final long NO_WORKER = 0;

  private final boolean asynchronousOutcomes;

  /** Creates the DAO; outcomes commit as the server's {@code synchronous_commit} says. */
  public JobDao() {
    this(false);
  }

  /**
   * Creates the DAO.
   *
   * @param asynchronousOutcomes whether the outcome statements commit without waiting for the disk
   *     (see {@link JobSql#JOB_FINISH_RUNNING} for what a server crash may then lose)
   */
  public JobDao(boolean asynchronousOutcomes) {
    this.asynchronousOutcomes = asynchronousOutcomes;
  }

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
     * Returns this row without a schedule: a job due at once, or when something else decides.
     *
     * @return the row, its {@code scheduledAt} null
     */
    public Row unscheduled() {
      return new Row(queue, taskName, priority, lock, queueingLock, argsJson, null, headersJson);
    }

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
    boolean withHeaders = anyHeaders;
    long[] ids =
        Jdbc.queryIds(
            connection,
            withHeaders ? JobSql.JOB_DEFER_MANY_WITH_HEADERS : JobSql.JOB_DEFER_MANY,
            p -> {
              p.setArray("text", queues); // queue_name
              p.setArray("text", tasks); // task_name
              p.setArray("int4", priorities); // priority
              p.setArray("text", locks); // lock
              p.setArray("text", queueingLocks); // queueing_lock
              p.setArray("text", args); // args
              p.setArray("text", scheduledAt); // scheduled_at
              if (withHeaders) {
                p.setArray("text", headers); // headers
              }
            });
    if (ids.length != size) {
      throw new SQLException(
          "procrastinate_defer_jobs_v1 returned " + ids.length + " ids for " + size + " jobs");
    }
    return ids;
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
    return Optional.ofNullable(
        Jdbc.queryOne(
            connection,
            JobSql.PERIODIC_DEFER,
            p -> {
              p.setString(row.queue()); // _queue_name
              p.setString(row.lock()); // _lock
              p.setString(row.queueingLock()); // _queueing_lock
              p.setString(row.taskName()); // _task_name
              p.setInt(row.priority()); // _priority
              p.setString(periodicId); // _periodic_id
              p.setLong(deferTimestamp); // _defer_timestamp
              p.setString(row.argsJson()); // _args
            },
            result -> Jdbc.nullableLong(result, "id")));
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
      Connection connection, String @Nullable [] queues, long workerId, int limit)
      throws SQLException {
    return fetchMany(connection, queues, workerId, limit, limit);
  }

  /**
   * Takes up to {@code limit} runnable jobs for a worker, at most {@code lockLimit} of them with a
   * lock, marking them doing. A job with a lock blocks its lock from the fetch on, so a worker
   * takes them only for slots that can run them at once.
   *
   * @param connection the connection
   * @param queues the queues, or null for all
   * @param workerId the worker's id
   * @param limit the most jobs to take
   * @param lockLimit the most jobs with a lock among them
   * @return the jobs, by priority DESC then id ASC
   * @throws SQLException if the call fails
   */
  public List<ProcrastinateJob> fetchMany(
      Connection connection, String @Nullable [] queues, long workerId, int limit, int lockLimit)
      throws SQLException {
    List<ProcrastinateJob> jobs =
        Jdbc.query(
            connection,
            JobSql.JOB_FETCH_MANY,
            p -> {
              p.setArray("varchar", queues); // p_queues
              p.setLong(workerId); // p_worker_id
              p.setInt(limit); // p_limit
              p.setInt(lockLimit); // p_lock_limit
            },
            Jdbc::readJob);
    jobs.sort(
        (a, b) ->
            a.priority() != b.priority()
                ? Integer.compare(b.priority(), a.priority())
                : Long.compare(a.id(), b.id()));
    return jobs;
  }

  /**
   * Reads the headers stored with jobs by a context propagator.
   *
   * @param connection the connection
   * @param ids the job ids
   * @return JSON object text by job id, for the jobs that have headers
   * @throws SQLException if the query fails
   */
  public Map<Long, String> headers(Connection connection, long[] ids) throws SQLException {
    Map<Long, String> headers = new HashMap<>();
    for (Map.Entry<Long, String> entry :
        Jdbc.query(
            connection,
            JobSql.JOB_HEADERS,
            p -> p.setLongArray(ids), // job_id = ANY
            row -> Map.entry(row.getLong("job_id"), row.getString("headers")))) {
      headers.put(entry.getKey(), entry.getValue());
    }
    return headers;
  }

  /**
   * Ends jobs still in the run a worker fetched, a status each, in one statement. A job no longer
   * in that run is left alone: the write may be a replay of one whose answer was lost, or the job
   * may have been rescued or retried, and fetched again, meanwhile (see {@link
   * JobSql#JOB_FINISH_RUNNING}).
   *
   * @param connection the connection
   * @param ids the job ids
   * @param attempts the attempts of each job when it was fetched, which name its run
   * @param statuses the end status of each (succeeded, failed or aborted)
   * @param workerId the worker the jobs must still run for, or {@link #NO_WORKER}
   * @return the ids that were ended
   * @throws SQLException if the statement fails
   */
  public long[] finishRunning(
      Connection connection, long[] ids, int[] attempts, JobStatus[] statuses, long workerId)
      throws SQLException {
    String[] values = new String[statuses.length];
    for (int i = 0; i < statuses.length; i++) {
      values[i] = statuses[i].dbValue();
    }
    return writeRunning(connection, JobSql.JOB_FINISH_RUNNING, ids, values, attempts, workerId);
  }

  /**
   * The most outcomes one statement writes. The outcome statements join the jobs, found by key,
   * with the arrays of their outcomes; once PostgreSQL keeps a generic plan for such a statement
   * (after five runs on one connection), it estimates ten outcomes whatever their number and joins
   * them by a nested loop that reads the whole array again for each job: a batch of n outcomes
   * costs n squared comparisons. A batch of 2,000 took 680 ms that way, 79 ms by key; cut in chunks
   * of this size, a batch costs at most 10,000 comparisons a chunk.
   */
  static final int OUTCOME_CHUNK = 100;

  /**
   * Runs an outcome statement ({@link JobSql#JOB_FINISH_RUNNING} with statuses, {@link
   * JobSql#JOB_DELETE_RUNNING} without) on each slice of at most {@link #OUTCOME_CHUNK} jobs;
   * returns the ids written.
   */
  private long[] writeRunning(
      Connection connection,
      String sql,
      long[] ids,
      String @Nullable [] statuses,
      int[] attempts,
      long workerId)
      throws SQLException {
    long[] all = new long[ids.length];
    int written = 0;
    int from = 0;
    do {
      int start = from;
      int to = Math.min(ids.length, start + OUTCOME_CHUNK);
      long[] slice = Arrays.copyOfRange(ids, start, to);
      long[] done =
          Jdbc.queryIds(
              connection,
              sql,
              p -> {
                p.setLongArray(slice); // ids
                if (statuses != null) {
                  p.setArray("text", Arrays.copyOfRange(statuses, start, to)); // statuses
                }
                p.setIntArray(Arrays.copyOfRange(attempts, start, to)); // attempts
                p.setBoolean(asynchronousOutcomes); // commit mode
                p.setLongArray(slice); // ids, for the plan
                p.setLong(workerId); // worker_id
              });
      System.arraycopy(done, 0, all, written, done.length);
      written += done.length;
      from = to;
    } while (from < ids.length);
    return Arrays.copyOf(all, written);
  }

  /**
   * Why one attempt failed, ready for {@link #recordFailures}.
   *
   * @param jobId the job
   * @param attempt the attempt, from 1
   * @param status failed or aborted
   * @param exceptionClass the exception's class name
   * @param message its message, bounded, or null
   * @param stackTrace its stack trace, bounded
   * @param details what the task added, or empty
   */
  public record Failure(
      long jobId,
      int attempt,
      JobStatus status,
      String exceptionClass,
      @Nullable String message,
      String stackTrace,
      Map<String, String> details) {}

  /**
   * A result to store: what a task returned for one run of a job.
   *
   * @param jobId the job
   * @param attempts the attempts the job had when fetched, which name its run
   * @param json the value as JSON text
   */
  public record Result(long jobId, int attempts, String json) {}

  /**
   * Stores what tasks returned, in one statement, before their successes are written in the same
   * transaction; see {@link JobSql#RESULT_RECORD}.
   *
   * @param connection the connection
   * @param workerId the worker that ran them
   * @param results the results
   * @throws SQLException if the statement fails
   */
  public void recordResults(Connection connection, long workerId, List<Result> results)
      throws SQLException {
    Long[] ids = new Long[results.size()];
    Integer[] attempts = new Integer[results.size()];
    String[] values = new String[results.size()];
    for (int i = 0; i < ids.length; i++) {
      ids[i] = results.get(i).jobId();
      attempts[i] = results.get(i).attempts();
      values[i] = results.get(i).json();
    }
    Jdbc.execute(
        connection,
        JobSql.RESULT_RECORD,
        p -> {
          p.setLong(workerId);
          p.setArray("int8", ids);
          p.setArray("int4", attempts);
          p.setArray("text", values);
        });
  }

  /**
   * Reads a job's stored result.
   *
   * @param connection the connection
   * @param jobId the job
   * @return the result as JSON text, or empty when none is stored
   * @throws SQLException if the query fails
   */
  public Optional<String> result(Connection connection, long jobId) throws SQLException {
    return Jdbc.queryFirst(
        connection, JobSql.RESULT_GET, p -> p.setLong(jobId), row -> row.getString("result"));
  }

  /**
   * Records why attempts failed, in one statement, before their outcomes are written in the same
   * transaction; see {@link JobSql#FAILURE_RECORD}.
   *
   * @param connection the connection
   * @param workerName the worker that ran the attempts
   * @param failures the attempts
   * @throws SQLException if the statement fails
   */
  public void recordFailures(Connection connection, String workerName, List<Failure> failures)
      throws SQLException {
    int size = failures.size();
    Long[] ids = new Long[size];
    Integer[] attempts = new Integer[size];
    String[] statuses = new String[size];
    String[] classes = new String[size];
    String[] messages = new String[size];
    String[] traces = new String[size];
    String[] details = new String[size];
    for (int i = 0; i < size; i++) {
      Failure failure = failures.get(i);
      ids[i] = failure.jobId();
      attempts[i] = failure.attempt();
      statuses[i] = failure.status().dbValue();
      classes[i] = failure.exceptionClass();
      messages[i] = failure.message();
      traces[i] = failure.stackTrace();
      details[i] = failure.details().isEmpty() ? null : Json.text(failure.details());
    }
    Jdbc.execute(
        connection,
        JobSql.FAILURE_RECORD,
        p -> {
          p.setString(workerName);
          p.setArray("int8", ids);
          p.setArray("int4", attempts);
          p.setArray("text", statuses);
          p.setArray("text", classes);
          p.setArray("text", messages);
          p.setArray("text", traces);
          p.setArray("text", details);
        });
  }

  /**
   * Deletes ended jobs still in the run a worker fetched (the delete-jobs policy); see {@link
   * #finishRunning}.
   *
   * @param connection the connection
   * @param ids the job ids
   * @param attempts the attempts of each job when it was fetched
   * @param workerId the worker the jobs must still run for
   * @return the ids deleted
   * @throws SQLException if the statement fails
   */
  public long[] deleteRunning(Connection connection, long[] ids, int[] attempts, long workerId)
      throws SQLException {
    return writeRunning(connection, JobSql.JOB_DELETE_RUNNING, ids, null, attempts, workerId);
  }

  /**
   * Hands jobs a worker fetched but never started back to the queue, all in one statement, or, if
   * that fails (a defer took a job's queueing lock between the statement's check and its write),
   * one by one, so that a job that cannot go back keeps none of the others from going. A job a
   * newer waiting job took the queueing lock of goes back without it (see {@link
   * JobSql#JOB_RELEASE_UNSTARTED}).
   *
   * @param connection the connection, in autocommit mode
   * @param ids the job ids
   * @param workerId the worker they were fetched for
   * @return the ids handed back
   * @throws SQLException if the database cannot be reached (a job refused on its own is only left
   *     out of the result)
   */
  public long[] releaseUnstarted(Connection connection, long[] ids, long workerId)
      throws SQLException {
    try {
      return releaseUnstartedAtOnce(connection, ids, workerId);
    } catch (SQLException e) {
      if (e.getSQLState() == null || Database.isConnectionFailure(e)) {
        throw e;
      }
      if (ids.length == 1) {
        return new long[0];
      }
    }
    long[] released = new long[ids.length];
    int count = 0;
    for (long id : ids) {
      long[] one = releaseUnstarted(connection, new long[] {id}, workerId);
      if (one.length == 1) {
        released[count++] = one[0];
      }
    }
    return java.util.Arrays.copyOf(released, count);
  }

  private static long[] releaseUnstartedAtOnce(Connection connection, long[] ids, long workerId)
      throws SQLException {
    return Jdbc.queryIds(
        connection,
        JobSql.JOB_RELEASE_UNSTARTED,
        p -> {
          p.setLongArray(ids); // ids
          p.setLong(workerId); // worker_id
        });
  }

  /**
   * When a worker should look for due work next, as far as the database knows.
   *
   * @param millis in how many milliseconds the next scheduled job becomes due or a rate limit lets
   *     the next job start (zero or less: at once), or null if neither is ahead
   * @param concurrencyLimited whether any concurrency limit exists: an outcome may then free
   *     capacity for a waiting job
   * @param rateLimited whether a rate limit exists
   */
  public record NextDue(@Nullable Long millis, boolean concurrencyLimited, boolean rateLimited) {}

  /**
   * Returns in how many milliseconds the next scheduled waiting job of some queues becomes due, or
   * a rate limit they obey lets its next job start, and whether concurrency and rate limits exist;
   * a rate limit's start counts only while it is ahead.
   *
   * @param connection the connection
   * @param queues the queues, or null for all
   * @return the delay (null when nothing is ahead) and whether limits exist
   * @throws SQLException if the query fails
   */
  public NextDue nextDue(Connection connection, String @Nullable [] queues) throws SQLException {
    return nextDue(connection, queues, Duration.ZERO);
  }

  /**
   * Returns in how many milliseconds the next scheduled waiting job of some queues becomes due, or
   * a rate limit they obey lets its next job start, and whether concurrency and rate limits exist.
   * A rate limit's start that came due in the last {@code lookBack} counts too (a delay of zero or
   * less): a worker passes the time since its last fetch began, so that a start that came due after
   * that fetch saw the limit, and before this lookup, wakes it at once.
   *
   * @param connection the connection
   * @param queues the queues, or null for all
   * @param lookBack how far back a rate limit's start still counts
   * @return the delay (null when nothing is ahead) and whether limits exist
   * @throws SQLException if the query fails
   */
  public NextDue nextDue(Connection connection, String @Nullable [] queues, Duration lookBack)
      throws SQLException {
    return Jdbc.queryOne(
        connection,
        JobSql.JOB_NEXT_DUE,
        p -> {
          p.setArray("varchar", queues); // queue_name = ANY, or null
          p.setArray("varchar", queues);
          p.setArray("varchar", queues); // the rate limits of these queues
          p.setSeconds(lookBack); // since the last fetch began
        },
        row ->
            new NextDue(
                Jdbc.nullableLong(row, "millis"),
                row.getBoolean("concurrency_limited"),
                row.getBoolean("rate_limited")));
  }

  /**
   * A retry to write.
   *
   * @param id the job id
   * @param attempts the attempts of the job when it was fetched, which name its run
   * @param retryAt when it becomes due
   * @param priority new priority or null
   * @param queue new queue or null
   * @param lock new lock or null
   */
  public record Retry(
      long id,
      int attempts,
      Instant retryAt,
      @Nullable Integer priority,
      @Nullable String queue,
      @Nullable String lock) {

    /**
     * Builds the retry a strategy decided for a job's run.
     *
     * @param job the job as fetched, whose id and attempts name the run
     * @param decision the strategy's decision
     * @param now the instant a {@code retryIn} delay counts from
     * @return the retry to write
     */
    public static Retry of(ProcrastinateJob job, RetryDecision decision, Instant now) {
      return new Retry(
          job.id(),
          job.attempts(),
          decision.scheduledAt(now),
          decision.priority().isPresent() ? decision.priority().getAsInt() : null,
          decision.queue().orElse(null),
          decision.lock().orElse(null));
    }
  }

  /**
   * A running job's worker and how long ago it recorded its heartbeat.
   *
   * @param workerId the worker
   * @param heartbeatAge the time since its last heartbeat, as the database's clock tells
   */
  public record RunningOn(long workerId, Duration heartbeatAge) {}

  /**
   * Locks a job's row for a manual retry in the caller's transaction, unless the job is running on
   * a live worker.
   *
   * @param connection a connection in a transaction, which keeps the row locked until it ends
   * @param id the job id
   * @param stalledAfter how long a worker may be silent and still count as live
   * @return the live worker the job runs on, or null if the job may be retried (or is missing,
   *     which the retry then reports)
   * @throws SQLException if the statement fails
   */
  public @Nullable RunningOn lockUnlessRunningLive(
      Connection connection, long id, Duration stalledAfter) throws SQLException {
    List<RunningOn> live =
        Jdbc.query(
            connection,
            JobSql.JOB_LOCK_FOR_RETRY,
            p -> {
              p.setSeconds(stalledAfter); // live within
              p.setLong(id); // id
            },
            row ->
                new RunningOn(
                    row.getBoolean("live") ? row.getLong("worker_id") : 0,
                    Duration.ofMillis(row.getLong("silent_ms"))));
    return live.isEmpty() || live.get(0).workerId() == 0 ? null : live.get(0);
  }

  /**
   * Retries a doing or failed job through {@code procrastinate_retry_job_v2}. The retry's {@code
   * attempts} are not checked: a manual retry names a job, not a run.
   *
   * @param connection the connection
   * @param retry the job and its new placement
   * @throws SQLException if the job is missing or in another status
   */
  public void retry(Connection connection, Retry retry) throws SQLException {
    Jdbc.execute(
        connection,
        JobSql.JOB_RETRY,
        p -> {
          p.setLong(retry.id()); // job_id
          p.setTimestamp(retry.retryAt()); // retry_at
          p.setNullableInt(retry.priority()); // new_priority
          p.setString(retry.queue()); // new_queue_name
          p.setString(retry.lock()); // new_lock
        });
  }

  /**
   * Retries jobs still running for a worker through {@code procrastinate_retry_job_v2}, in one
   * statement; a job no longer {@code doing} for that worker (or for none) is left alone, as in
   * {@link #finishRunning}.
   *
   * @param connection the connection
   * @param retries the retries
   * @param workerId the worker the jobs must still run for, or {@link #NO_WORKER}
   * @return the ids retried
   * @throws SQLException if one of them fails (the statement is all or nothing)
   */
  public long[] retryRunning(Connection connection, List<Retry> retries, long workerId)
      throws SQLException {
    int size = retries.size();
    long[] ids = new long[size];
    int[] attempts = new int[size];
    String[] at = new String[size];
    Integer[] priorities = new Integer[size];
    String[] queues = new String[size];
    String[] locks = new String[size];
    for (int i = 0; i < size; i++) {
      Retry retry = retries.get(i);
      ids[i] = retry.id();
      attempts[i] = retry.attempts();
      at[i] = retry.retryAt().toString();
      priorities[i] = retry.priority();
      queues[i] = retry.queue();
      locks[i] = retry.lock();
    }
    return Jdbc.queryIds(
        connection,
        JobSql.JOB_RETRY_RUNNING,
        p -> {
          p.setLongArray(ids); // running: id = ANY
          p.setLong(workerId); // running: worker_id
          p.setLongArray(ids); // job_id
          p.setIntArray(attempts); // attempts when fetched
          p.setArray("text", at); // retry_at
          p.setArray("int4", priorities); // new_priority
          p.setArray("text", queues); // new_queue_name
          p.setArray("text", locks); // new_lock
          p.setBoolean(asynchronousOutcomes); // commit mode
        });
  }

  /**
   * Cancels, aborts or deletes a job through {@code procrastinate_cancel_job_v1}, whose flags these
   * are: with {@code delete}, a waiting job is deleted; otherwise, or if the job was not waiting, a
   * waiting job is cancelled, and with {@code abort} a running job gets an abort request.
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
    return Jdbc.queryOne(
            connection,
            JobSql.JOB_CANCEL,
            p -> {
              p.setLong(id); // job_id
              p.setBoolean(abort); // abort
              p.setBoolean(delete); // delete_job
            },
            row -> Jdbc.nullableLong(row, "id"))
        != null;
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
    return Jdbc.queryIds(connection, JobSql.JOB_LIST_ABORT_REQUESTED, p -> p.setLongArray(ids));
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
    Object[] values = statuses.stream().map(JobStatus::dbValue).toArray();
    return Jdbc.update(
        connection,
        JobSql.JOB_DELETE_OLD,
        p -> {
          p.setArray("text", values); // status = ANY
          p.setString(queue); // queue_name null test
          p.setString(queue); // queue_name
          p.setSeconds(age); // seconds
        });
  }
}
