package dev.procrastinate.internal.sql;

/**
 * Every statement the DAOs send, as text blocks named entity-then-verb, in one section per DAO.
 * Each names its {@code ?} parameters in order. DDL lives only in the Flyway migrations under
 * {@code db/procrastinate}. Not API.
 */
final class JobSql {
  private JobSql() {}

  /** The columns of {@code procrastinate_jobs}, selected by name: column order varies. */
  static final String JOB_COLUMNS =
      "id, queue_name, task_name, priority, lock, queueing_lock, args, status, scheduled_at,"
          + " attempts, abort_requested, worker_id";

  // ---------------------------------------------------------------------------------------------
  // Jobs: defer, fetch, finish, retry, cancel, delete ({@link JobDao}).

  /**
   * Defers N jobs in one call of {@code procrastinate_defer_jobs_v1}; returns their ids in input
   * order. Parameters, each an array of N elements: 1 queue names (text[]), 2 task names (text[]),
   * 3 priorities (int4[]), 4 locks (text[]), 5 queueing locks (text[]), 6 args JSON (text[]), 7
   * scheduled_at ISO-8601 (text[]).
   */
  public static final String JOB_DEFER_MANY =
      """
      SELECT unnest(procrastinate_defer_jobs_v1(ARRAY(
          SELECT ROW(j.queue_name, j.task_name, j.priority, j.lock, j.queueing_lock,
                     j.args::jsonb, j.scheduled_at::timestamptz)::procrastinate_job_to_defer_v1
          FROM unnest(?::text[], ?::text[], ?::int4[], ?::text[], ?::text[], ?::text[], ?::text[])
               WITH ORDINALITY AS j(queue_name, task_name, priority, lock, queueing_lock, args,
                                    scheduled_at, n)
          ORDER BY j.n))) AS id
      """;

  /**
   * Defers N jobs like {@link #JOB_DEFER_MANY} and stores their headers in {@code
   * procrastinate_java_job_headers}, in one statement. Parameters: 1-7 as {@link #JOB_DEFER_MANY},
   * 8 headers JSON objects or nulls (text[]).
   */
  public static final String JOB_DEFER_MANY_WITH_HEADERS =
      """
      WITH deferred AS (
          SELECT deferred.id, deferred.n
            FROM unnest(procrastinate_defer_jobs_v1(ARRAY(
                SELECT ROW(j.queue_name, j.task_name, j.priority, j.lock, j.queueing_lock,
                           j.args::jsonb, j.scheduled_at::timestamptz)::procrastinate_job_to_defer_v1
                FROM unnest(?::text[], ?::text[], ?::int4[], ?::text[], ?::text[], ?::text[],
                            ?::text[])
                     WITH ORDINALITY AS j(queue_name, task_name, priority, lock, queueing_lock,
                                          args, scheduled_at, n)
                ORDER BY j.n))) WITH ORDINALITY AS deferred(id, n)
      ), stored AS (
          INSERT INTO procrastinate_java_job_headers (job_id, headers)
          SELECT deferred.id, h.headers::jsonb
            FROM deferred
            JOIN unnest(?::text[]) WITH ORDINALITY AS h(headers, n) USING (n)
           WHERE h.headers IS NOT NULL
      )
      SELECT id FROM deferred ORDER BY n
      """;

  /**
   * Defers one tick of a periodic task through {@code procrastinate_defer_periodic_job_v2}, which
   * claims (task, periodic id, timestamp) in {@code procrastinate_periodic_defers}; returns the new
   * job's id, or null if the tick was already deferred. Parameters: 1 queue name, 2 lock or null, 3
   * queueing lock or null, 4 task name, 5 priority, 6 periodic id, 7 tick in epoch seconds, 8 args
   * JSON (with {@code timestamp}).
   */
  public static final String PERIODIC_DEFER =
      """
      SELECT procrastinate_defer_periodic_job_v2(?::varchar, ?::varchar, ?::varchar, ?::varchar,
                                                 ?::int4, ?::varchar, ?::int8, ?::jsonb) AS id
      """;

  /**
   * Takes up to N runnable jobs for a worker, at most M of them with a lock, with upstream's fetch
   * rules and obeying the flow controls, through {@code procrastinate_java_fetch_jobs_v4}.
   * Parameters: 1 queue names (varchar[]) or null for all, 2 worker id, 3 N, 4 M.
   */
  public static final String JOB_FETCH_MANY =
      "SELECT " + JOB_COLUMNS + " FROM procrastinate_java_fetch_jobs_v4(?::varchar[], ?, ?, ?)";

  /** Reads the headers of jobs. Parameters: 1 job ids (int8[]). */
  public static final String JOB_HEADERS =
      """
      SELECT job_id, headers::text AS headers FROM procrastinate_java_job_headers
       WHERE job_id = ANY (?::int8[])
      """;

  /**
   * Ends jobs still in the run a worker fetched, a status each, as {@code
   * procrastinate_finish_job_v1} does one by one: the status is set, the abort request cleared, and
   * the run counted in attempts; returns the ids that were ended. A job no longer in that run is
   * left alone: no longer {@code doing} for the worker (rescued, or ended by a replay of this very
   * write), or {@code doing} again with other attempts (retried by hand or rescued, then fetched
   * again, by this worker or another). Parameters: 1 job ids (int8[]), 2 end statuses (text[]:
   * succeeded, failed or aborted), 3 the attempts each job had when fetched (int4[]), 4 whether to
   * commit without waiting for the disk, 5 the job ids again (so that the plan looks the jobs up by
   * primary key), 6 the worker id ({@code worker_id} must be it or NULL; 0 for NULL only).
   *
   * <p>Like the other outcome statements, it sets {@code enable_seqscan} off for its own
   * transaction ({@code set_config(..., true)} in a one-row {@code FROM} item, evaluated before the
   * triggers run): the triggers' lookups (the event's job, a deleted job's events) are planned with
   * their index even when the statistics are those of a drained queue (see {@code
   * V4__java_drained_queue_plans.sql}). It sets {@code jit} off with it: a lookup with no index to
   * use would be costed past {@code jit_above_cost} and compiled at every run, for far longer than
   * it runs (see {@code V9__java_rate_pace.sql}).
   *
   * <p>By default, like the other outcome statements, it commits as the server's {@code
   * synchronous_commit} says. A worker with asynchronous outcomes (an opt-in) sets it {@code off}
   * for the statement's own transaction ({@code set_config(..., true)} in a one-row {@code FROM}
   * item): a server crash in the next few hundred milliseconds may then lose the outcome and leave
   * the job {@code doing} for its worker, which runs it again once it sees the connection loss or
   * the restart.
   *
   * <p>The status is compared as text here and in the other statements that reach running jobs by
   * id ({@code ... status::text = 'doing'}): so the rows are reached by their key. A partial index
   * of running jobs (the contract's {@code idx_procrastinate_jobs_worker_not_null}, this runtime's
   * {@code procrastinate_java_jobs_doing_queue_idx_v1}) keeps an entry for every job that ever
   * started until VACUUM removes it, and with statistics taken while few jobs ran the planner chose
   * to read such an index whole, for every batch of outcomes, over a few key lookups: after 22,000
   * jobs had run, a lookup of three jobs read 276 buffers that way, and 12 by key ({@code
   * OutcomePlansTest} pins the plans).
   *
   * <p>Its transaction notifies {@code procrastinate_java_jobs_ended_v1} (no payload: PostgreSQL
   * folds the notifications of a transaction into one), which wakes the processes that wait for
   * jobs to end ({@code JobManager.await}) once it commits.
   */
  public static final String JOB_FINISH_RUNNING =
      """
      UPDATE procrastinate_jobs AS jobs
         SET status = ending.status::procrastinate_job_status,
             abort_requested = false,
             attempts = jobs.attempts + 1
        FROM unnest(?::int8[], ?::text[], ?::int4[]) AS ending(id, status, attempts),
             (SELECT set_config('enable_seqscan', 'off', true),
                     set_config('jit', 'off', true),
                     CASE WHEN ?::boolean THEN set_config('synchronous_commit', 'off', true) END,
                     pg_notify('procrastinate_java_jobs_ended_v1', ''))
             AS settings
       WHERE jobs.id = ending.id
         AND jobs.id = ANY (?::int8[])
         AND jobs.status::text = 'doing'
         AND jobs.attempts = ending.attempts
         AND (jobs.worker_id IS NULL OR jobs.worker_id = ?)
      RETURNING jobs.id
      """;

  /**
   * Deletes ended jobs still in the run a worker fetched, as {@code procrastinate_finish_job_v1}
   * with {@code delete_job} does; returns the deleted ids. Parameters: 1 job ids (int8[]), 2 the
   * attempts each had when fetched (int4[]), 3 whether to commit without waiting for the disk (see
   * {@link #JOB_FINISH_RUNNING}), 4 the job ids again, 5 the worker id ({@code worker_id} must be
   * it or NULL).
   */
  public static final String JOB_DELETE_RUNNING =
      """
      DELETE FROM procrastinate_jobs AS jobs
       USING unnest(?::int8[], ?::int4[]) AS ending(id, attempts),
             (SELECT set_config('enable_seqscan', 'off', true),
                     set_config('jit', 'off', true),
                     CASE WHEN ?::boolean THEN set_config('synchronous_commit', 'off', true) END,
                     pg_notify('procrastinate_java_jobs_ended_v1', ''))
             AS settings
       WHERE jobs.id = ending.id
         AND jobs.id = ANY (?::int8[])
         AND jobs.status::text = 'doing'
         AND jobs.attempts = ending.attempts
         AND (jobs.worker_id IS NULL OR jobs.worker_id = ?)
      RETURNING jobs.id
      """;

  /**
   * Records why attempts failed, in the transaction that writes their outcomes, before them (the
   * row names the attempt by the attempts the job had when fetched, plus one); a job deleted
   * meanwhile gets no row, and an attempt recorded already keeps its first row (a replayed write).
   * Plans its check of the job with {@code enable_seqscan} off, as the outcome statements do.
   * Parameters: 1 the worker's name; then arrays of one element per attempt: 2 job ids (int8[]), 3
   * attempts (int4[]), 4 statuses (text[]: failed or aborted), 5 exception classes (text[]), 6
   * messages (text[]), 7 stack traces (text[]), 8 details as JSON objects or nulls (text[]).
   */
  public static final String FAILURE_RECORD =
      """
      INSERT INTO procrastinate_java_job_failures
             (job_id, attempt, status, worker_name, exception_class, message, stack_trace, details)
      SELECT f.job_id, f.attempt, f.status, worker.name, f.exception_class, f.message,
             f.stack_trace, f.details::jsonb
        FROM (SELECT ?::text AS name, set_config('enable_seqscan', 'off', true),
                     set_config('jit', 'off', true)) AS worker,
             unnest(?::int8[], ?::int4[], ?::text[], ?::text[], ?::text[], ?::text[], ?::text[])
             AS f(job_id, attempt, status, exception_class, message, stack_trace, details)
       WHERE EXISTS (SELECT 1 FROM procrastinate_jobs AS jobs WHERE jobs.id = f.job_id)
      ON CONFLICT (job_id, attempt) DO NOTHING
      """;

  /**
   * Stores what tasks returned, in the transaction that writes their success, before it, for the
   * jobs still in the run this worker fetched (see {@link #JOB_FINISH_RUNNING}); a replayed write
   * stores the same value again. Plans with {@code enable_seqscan} off, as the outcome statements
   * do. Parameters: 1 the worker id; then one element per job: 2 job ids (int8[]), 3 the attempts
   * each had when fetched (int4[]), 4 the results as JSON texts (text[]).
   */
  public static final String RESULT_RECORD =
      """
      INSERT INTO procrastinate_java_job_results (job_id, result)
      SELECT r.job_id, r.result::jsonb
        FROM (SELECT ?::int8 AS id, set_config('enable_seqscan', 'off', true),
                     set_config('jit', 'off', true)) AS worker,
             unnest(?::int8[], ?::int4[], ?::text[]) AS r(job_id, attempts, result)
       WHERE EXISTS (SELECT 1
                       FROM procrastinate_jobs AS jobs
                      WHERE jobs.id = r.job_id
                        AND jobs.status::text = 'doing'
                        AND jobs.attempts = r.attempts
                        AND (jobs.worker_id IS NULL OR jobs.worker_id = worker.id))
      ON CONFLICT (job_id) DO UPDATE SET result = EXCLUDED.result, stored_at = now()
      """;

  /** Reads a job's stored result as JSON text. Parameters: 1 job id. */
  public static final String RESULT_GET =
      "SELECT result::text AS result FROM procrastinate_java_job_results WHERE job_id = ?";

  /**
   * Reads those of some jobs that have ended (any status but {@code todo} and {@code doing}), and
   * the ids of those that no longer exist, for waiters: a row per ended or missing job, its columns
   * null when it is missing. Parameters: 1 job ids (int8[]).
   */
  static final String JOB_LIST_ENDED =
      """
      SELECT w.id AS awaited, j.id, j.queue_name, j.task_name, j.priority, j.lock,
             j.queueing_lock, j.args, j.status, j.scheduled_at, j.attempts, j.abort_requested,
             j.worker_id
        FROM unnest(?::int8[]) AS w(id)
        LEFT JOIN procrastinate_jobs AS j ON j.id = w.id
       WHERE j.id IS NULL OR j.status NOT IN ('todo', 'doing')
      """;

  /** Reads the latest recorded failure of each of some jobs. Parameters: 1 job ids (int8[]). */
  public static final String FAILURE_LATEST_OF_JOBS =
      """
      SELECT DISTINCT ON (job_id)
             job_id, attempt, failed_at, status, worker_name, exception_class, message,
             stack_trace, details::text AS details
        FROM procrastinate_java_job_failures
       WHERE job_id = ANY (?::int8[])
       ORDER BY job_id, attempt DESC
      """;

  /**
   * Counts the failures recorded since a moment, by task and by exception class, the most frequent
   * first. Parameters: 1 since (timestamptz), 2 the most rows of each kind; 3 and 4 the same again.
   */
  public static final String FAILURE_COUNTS =
      """
      (SELECT 'task' AS kind, j.task_name AS name, count(*) AS failures
         FROM procrastinate_java_job_failures AS f
         JOIN procrastinate_jobs AS j ON j.id = f.job_id
        WHERE f.failed_at >= ?
        GROUP BY j.task_name
        ORDER BY failures DESC, name
        LIMIT ?)
      UNION ALL
      (SELECT 'exception', f.exception_class, count(*) AS failures
         FROM procrastinate_java_job_failures AS f
        WHERE f.failed_at >= ?
        GROUP BY f.exception_class
        ORDER BY failures DESC, 2
        LIMIT ?)
      """;

  /** Lists the recorded failures of a job, by attempt. Parameters: 1 job id. */
  public static final String FAILURE_LIST_OF_JOB =
      """
      SELECT job_id, attempt, failed_at, status, worker_name, exception_class, message,
             stack_trace, details::text AS details
        FROM procrastinate_java_job_failures
       WHERE job_id = ?
       ORDER BY attempt
      """;

  /**
   * Hands jobs a worker fetched but never started back to the queue (a stopping worker's prefetch
   * buffer, or one whose lease ran out): they wait again, or end cancelled if an abort was
   * requested meanwhile; their attempts are unchanged. A job whose queueing lock a newer waiting
   * job took meanwhile (a defer is refused only while a job of the lock waits, not while one runs)
   * waits again without it: the newer job keeps the lock, and neither is lost. Returns the ids
   * handed back. Parameters: 1 job ids (int8[]), 2 the worker id.
   */
  public static final String JOB_RELEASE_UNSTARTED =
      """
      UPDATE procrastinate_jobs AS jobs
         SET status = CASE WHEN jobs.abort_requested THEN 'cancelled'::procrastinate_job_status
                           ELSE 'todo'::procrastinate_job_status END,
             worker_id = NULL,
             queueing_lock =
                 CASE WHEN jobs.queueing_lock IS NOT NULL
                           AND NOT jobs.abort_requested
                           AND EXISTS (SELECT 1 FROM procrastinate_jobs AS newer
                                        WHERE newer.queueing_lock = jobs.queueing_lock
                                          AND newer.status = 'todo')
                      THEN NULL
                      ELSE jobs.queueing_lock END
       WHERE jobs.id = ANY (?::int8[])
         AND jobs.status::text = 'doing'
         AND jobs.worker_id = ?
      RETURNING jobs.id
      """;

  /**
   * Returns in how many milliseconds the next scheduled waiting job of some queues becomes due, or
   * null if none is scheduled in the future, counting the next start a rate limit allows as a due
   * job (also one that came due since a moment some seconds ago: the start of the worker's last
   * fetch, so that a start it could not see then is not missed; the delay is then zero or
   * negative), whether a concurrency limit exists, and whether a rate limit does. Parameters: 1-3
   * queue names (varchar[]) or null for all, 4 how many seconds ago the last fetch began (float8).
   *
   * <p>Ordered by {@code scheduled_at} with a limit, so that the plan reads the first entries of
   * {@code procrastinate_java_jobs_todo_scheduled_idx_v1}: with {@code min()} and stale statistics
   * (one waiting job, say, after a burst of defers) the planner walked every waiting job in {@code
   * procrastinate_jobs_priority_idx_v1} instead, 4 to 7 ms behind a queue of 20,000 jobs.
   */
  public static final String JOB_NEXT_DUE =
      """
      SELECT next.millis, next.concurrency_limited, next.rate_limited
        FROM (SELECT ceil(extract(epoch FROM least(
                         (SELECT scheduled_at
                            FROM procrastinate_jobs
                           WHERE status = 'todo'
                             AND scheduled_at IS NOT NULL
                             AND scheduled_at > now()
                             AND (?::varchar[] IS NULL OR queue_name = ANY (?::varchar[]))
                           ORDER BY scheduled_at
                           LIMIT 1),
                         procrastinate_java_next_rate_start_v2(
                             ?::varchar[], now() - make_interval(secs => ?))) - now()) * 1000)::int8
                     AS millis,
                     EXISTS (SELECT 1 FROM procrastinate_java_flow_controls
                              WHERE concurrency IS NOT NULL
                                 OR declared_concurrency IS NOT NULL) AS concurrency_limited,
                     EXISTS (SELECT 1 FROM procrastinate_java_flow_controls
                              WHERE rate_permits IS NOT NULL
                                 OR declared_rate_permits IS NOT NULL) AS rate_limited) AS next
      """;

  /**
   * Locks a job for a manual retry and tells whether it runs on a live worker: {@code doing} for a
   * worker whose last heartbeat is younger than N seconds. Parameters: 1 seconds (float8), 2 job
   * id.
   */
  public static final String JOB_LOCK_FOR_RETRY =
      """
      SELECT jobs.worker_id,
             (jobs.status = 'doing' AND workers.last_heartbeat >= now() - make_interval(secs => ?))
                 IS TRUE AS live,
             (extract(epoch FROM now() - workers.last_heartbeat) * 1000)::int8 AS silent_ms
        FROM procrastinate_jobs AS jobs
        LEFT JOIN procrastinate_workers AS workers ON workers.id = jobs.worker_id
       WHERE jobs.id = ?
         FOR UPDATE OF jobs
      """;

  /**
   * Retries a doing or failed job through {@code procrastinate_retry_job_v2}. Parameters: 1 job id,
   * 2 retry at (timestamptz), 3 new priority or null, 4 new queue or null, 5 new lock or null.
   */
  public static final String JOB_RETRY =
      "SELECT procrastinate_retry_job_v2(?, ?::timestamptz, ?::int4, ?::varchar, ?::varchar)";

  /**
   * Retries jobs still running for a worker through {@code procrastinate_retry_job_v2}, one call
   * per job in one statement; returns the ids retried. The rows are locked and checked first, so a
   * job that is no longer in the run the worker fetched (see {@link #JOB_FINISH_RUNNING}) is left
   * alone. Parameters: 1 ids (int8[]), 2 the worker id ({@code worker_id} must be it or NULL; 0 for
   * NULL only), then arrays of one element per job: 3 ids (int8[]), 4 the attempts each had when
   * fetched (int4[]), 5 retry at (text[] of ISO-8601 instants), 6 new priorities (int4[], null
   * keeps), 7 new queues (text[]), 8 new locks (text[]); then 9 whether to commit without waiting
   * for the disk.
   */
  public static final String JOB_RETRY_RUNNING =
      """
      WITH running AS (
          SELECT id, attempts FROM procrastinate_jobs
           WHERE id = ANY (?::int8[])
             AND status::text = 'doing'
             AND (worker_id IS NULL OR worker_id = ?)
             FOR UPDATE)
      SELECT r.id,
             procrastinate_retry_job_v2(r.id, r.retry_at::timestamptz, r.priority,
                                        r.queue::varchar, r.lock::varchar)
        FROM unnest(?::int8[], ?::int4[], ?::text[], ?::int4[], ?::text[], ?::text[])
             AS r(id, attempts, retry_at, priority, queue, lock)
        JOIN running ON running.id = r.id AND running.attempts = r.attempts
       CROSS JOIN
             (SELECT set_config('enable_seqscan', 'off', true),
                     set_config('jit', 'off', true),
                     CASE WHEN ?::boolean THEN set_config('synchronous_commit', 'off', true) END)
             AS settings
      """;

  /**
   * Cancels or aborts a job through {@code procrastinate_cancel_job_v1}; returns its id, or null if
   * nothing was done. Parameters: 1 job id, 2 abort, 3 delete job.
   */
  public static final String JOB_CANCEL = "SELECT procrastinate_cancel_job_v1(?, ?, ?) AS id";

  /** Lists which of the given running jobs have an abort request. Parameters: 1 ids (int8[]). */
  public static final String JOB_LIST_ABORT_REQUESTED =
      """
      SELECT id FROM procrastinate_jobs
       WHERE id = ANY (?::int8[]) AND status::text = 'doing' AND abort_requested
      """;

  /**
   * Deletes jobs in the given statuses whose latest event is older than an age, like upstream's
   * {@code delete_old_jobs}. Parameters: 1 statuses (text[]), 2-3 queue (null test, value), 4 age
   * in seconds.
   */
  public static final String JOB_DELETE_OLD =
      """
      DELETE FROM procrastinate_jobs
       WHERE id IN (
             SELECT j.id
               FROM procrastinate_jobs j
              WHERE j.status = ANY(?::procrastinate_job_status[])
                AND (?::varchar IS NULL OR j.queue_name = ?)
                AND (SELECT max(e.at) FROM procrastinate_events e WHERE e.job_id = j.id)
                    < now() - make_interval(secs => ?))
      """;

  // ---------------------------------------------------------------------------------------------
  // Workers: registration, heartbeats, stalled workers and their jobs ({@link WorkerDao}).

  /** Registers a worker; returns its id. No parameters. */
  public static final String WORKER_REGISTER =
      "SELECT worker_id FROM procrastinate_register_worker_v1()";

  /** Unregisters a worker; its jobs' worker_id becomes null. Parameters: 1 worker id. */
  public static final String WORKER_UNREGISTER = "SELECT procrastinate_unregister_worker_v1(?)";

  /**
   * Records a worker's heartbeat and tells whether the worker is still registered (another worker
   * prunes it after a long silence) and when the server started (see {@link #SERVER_STARTED}).
   * Parameters: 1-2 worker id.
   */
  public static final String WORKER_HEARTBEAT =
      """
      SELECT procrastinate_update_heartbeat_v1(?),
             EXISTS (SELECT 1 FROM procrastinate_workers WHERE id = ?) AS registered,
             (extract(epoch FROM pg_postmaster_start_time()) * 1000000)::int8 AS server_started
      """;

  /**
   * When the server started, in microseconds since the epoch: another value means it restarted in
   * between, and may have lost what it had not yet written to disk. No parameters.
   */
  public static final String SERVER_STARTED =
      "SELECT (extract(epoch FROM pg_postmaster_start_time()) * 1000000)::int8 AS server_started";

  /**
   * Deletes workers whose heartbeat is older than N seconds; returns their ids. Parameters: 1
   * seconds (float8).
   */
  public static final String WORKER_PRUNE_STALLED =
      "SELECT worker_id FROM procrastinate_prune_stalled_workers_v1(?)";

  /**
   * Lists running jobs whose worker is gone: no worker, or one without a heartbeat for N seconds,
   * like upstream's {@code select_stalled_jobs_by_heartbeat}. Parameters: 1 seconds (float8), 2-3
   * queue (null test, value), 4-5 task names (null test, text[]), 6 row limit.
   */
  public static final String JOB_LIST_STALLED =
      "SELECT "
          + JOB_COLUMNS
          + """
           FROM procrastinate_jobs AS jobs
          WHERE jobs.status = 'doing'
            AND NOT EXISTS (
                SELECT 1 FROM procrastinate_workers AS workers
                 WHERE workers.id = jobs.worker_id
                   AND workers.last_heartbeat >= now() - make_interval(secs => ?))
            AND (?::varchar IS NULL OR jobs.queue_name = ?)
            AND (?::text[] IS NULL OR jobs.task_name = ANY (?::text[]))
          ORDER BY jobs.id
          LIMIT ?
          """;

  /**
   * Lists the running jobs of one worker, to take back jobs fetched by a call whose answer was
   * lost. Parameters: 1 worker id.
   */
  public static final String JOB_LIST_OF_WORKER =
      "SELECT "
          + JOB_COLUMNS
          + " FROM procrastinate_jobs WHERE worker_id = ? AND status = 'doing' ORDER BY id";

  /**
   * Gives running jobs that lost their worker (pruned while it could not heartbeat) back to it
   * under its new id. Parameters: 1 worker id, 2 job ids (int8[]).
   */
  public static final String JOB_ADOPT =
      """
      UPDATE procrastinate_jobs SET worker_id = ?
       WHERE id = ANY (?::int8[]) AND status::text = 'doing' AND worker_id IS NULL
      """;

  // ---------------------------------------------------------------------------------------------
  // Read-only queries ({@link QueryDao}).

  /** Reads the server's version, for health checks. No parameters. */
  public static final String SERVER_VERSION = "SHOW server_version";

  /** Reads one job. Parameters: 1 job id. */
  public static final String JOB_GET =
      "SELECT " + JOB_COLUMNS + " FROM procrastinate_jobs WHERE id = ?";

  /** Reads one job's status. Parameters: 1 job id. */
  public static final String JOB_GET_STATUS = "SELECT status FROM procrastinate_jobs WHERE id = ?";

  /**
   * Where the conditions of a {@code JobFilter} go in the statements that take one: {@code
   * JobFilterSql} puts there one {@code JOB_FILTER_*} condition per criterion that is set, in the
   * order of the constants below, and binds one parameter for each; nothing for an empty filter.
   * The conditions are on {@code procrastinate_jobs AS j}, and each starts with {@code AND}.
   */
  static final String JOB_FILTER = "/* job filter */";

  /** Filter on the job id. Parameters: 1 id. */
  static final String JOB_FILTER_ID = " AND j.id = ?";

  /** Filter on the queue. Parameters: 1 queue name. */
  static final String JOB_FILTER_QUEUE = " AND j.queue_name = ?";

  /** Filter on the task. Parameters: 1 task name. */
  static final String JOB_FILTER_TASK = " AND j.task_name = ?";

  /**
   * Filter on statuses. Parameters: 1 statuses, as an array literal of unspecified type, so that
   * the planner sees the enum values (and uses the partial indexes on {@code status = 'todo'}).
   */
  static final String JOB_FILTER_STATUSES = " AND j.status = ANY (?::procrastinate_job_status[])";

  /** Filter on the lock. Parameters: 1 lock. */
  static final String JOB_FILTER_LOCK = " AND j.lock = ?";

  /** Filter on the queueing lock. Parameters: 1 queueing lock. */
  static final String JOB_FILTER_QUEUEING_LOCK = " AND j.queueing_lock = ?";

  /** Filter on the worker. Parameters: 1 worker id. */
  static final String JOB_FILTER_WORKER_ID = " AND j.worker_id = ?";

  /**
   * Filter on a recorded failure whose exception class or message contains a text, any case.
   * Parameters: 1 the text, 2 the text again.
   */
  static final String JOB_FILTER_FAILURE =
      " AND EXISTS (SELECT 1 FROM procrastinate_java_job_failures AS f WHERE f.job_id = j.id"
          + " AND (strpos(lower(f.exception_class), lower(?)) > 0"
          + " OR strpos(lower(coalesce(f.message, '')), lower(?)) > 0))";

  /** Filter on the start of a {@code scheduled_at} range. Parameters: 1 instant, included. */
  static final String JOB_FILTER_SCHEDULED_FROM = " AND j.scheduled_at >= ?";

  /** Filter on the end of a {@code scheduled_at} range. Parameters: 1 instant, excluded. */
  static final String JOB_FILTER_SCHEDULED_TO = " AND j.scheduled_at < ?";

  /**
   * Filter on the job's {@code deferred} event: opens the sub-query, which {@link
   * #JOB_FILTER_DEFERRED_FROM} and {@link #JOB_FILTER_DEFERRED_TO} narrow and {@link
   * #JOB_FILTER_DEFERRED_END} closes. No parameters.
   */
  static final String JOB_FILTER_DEFERRED =
      " AND j.id = ANY (ARRAY(SELECT e.job_id FROM procrastinate_events AS e"
          + " WHERE e.type = 'deferred'";

  /** Start of the {@code deferred} event's range. Parameters: 1 instant, included. */
  static final String JOB_FILTER_DEFERRED_FROM = " AND e.at >= ?";

  /** End of the {@code deferred} event's range. Parameters: 1 instant, excluded. */
  static final String JOB_FILTER_DEFERRED_TO = " AND e.at < ?";

  /**
   * Closes {@link #JOB_FILTER_DEFERRED}. The events of the range are read first, through {@code
   * procrastinate_java_events_type_at_idx_v1}, and their jobs then by id: the cost follows the
   * number of jobs deferred in the range, whatever their place in the table. No parameters.
   */
  static final String JOB_FILTER_DEFERRED_END = "))";

  /**
   * Lists the jobs matching a filter, by id. Parameters: 1 id after which to start, then those of
   * the filter (see {@link #JOB_FILTER}), then the row limit.
   */
  static final String JOB_LIST =
      "SELECT "
          + JOB_COLUMNS
          + """
           FROM procrastinate_jobs AS j
          WHERE j.id > ? /* job filter */
          ORDER BY j.id
          LIMIT ?
          """;

  /**
   * Lists the jobs matching a filter, newest first. Parameters: 1 id below which to start, 2 id
   * above which to stop, then those of the filter (see {@link #JOB_FILTER}), then the row limit.
   */
  static final String JOB_LIST_NEWEST_FIRST =
      "SELECT "
          + JOB_COLUMNS
          + """
           FROM procrastinate_jobs AS j
          WHERE j.id < ? AND j.id > ? /* job filter */
          ORDER BY j.id DESC
          LIMIT ?
          """;

  /** Counts the jobs matching a filter per status. Parameters: those of the filter. */
  static final String JOB_COUNT_BY_STATUS =
      """
      SELECT j.status::text AS status, count(*) AS jobs
        FROM procrastinate_jobs AS j
       WHERE true /* job filter */
       GROUP BY j.status
      """;

  /**
   * Counts the jobs matching a filter per queue and status, like upstream's {@code list_queues}.
   * Parameters: those of the filter.
   */
  static final String JOB_COUNT_BY_QUEUE =
      """
      SELECT j.queue_name AS name, j.status::text AS status, count(*) AS jobs
        FROM procrastinate_jobs AS j
       WHERE true /* job filter */
       GROUP BY j.queue_name, j.status
       ORDER BY j.queue_name
      """;

  /**
   * Counts the jobs matching a filter per task and status, like upstream's {@code list_tasks}.
   * Parameters: those of the filter.
   */
  static final String JOB_COUNT_BY_TASK =
      """
      SELECT j.task_name AS name, j.status::text AS status, count(*) AS jobs
        FROM procrastinate_jobs AS j
       WHERE true /* job filter */
       GROUP BY j.task_name, j.status
       ORDER BY j.task_name
      """;

  /**
   * Counts the jobs matching a filter per lock and status, jobs without a lock left out, like
   * upstream's {@code list_locks}. Parameters: those of the filter.
   */
  static final String JOB_COUNT_BY_LOCK =
      """
      SELECT j.lock AS name, j.status::text AS status, count(*) AS jobs
        FROM procrastinate_jobs AS j
       WHERE j.lock IS NOT NULL /* job filter */
       GROUP BY j.lock, j.status
       ORDER BY j.lock
      """;

  /** Lists the events of one job, oldest first. Parameters: 1 job id. */
  public static final String EVENT_LIST_OF_JOB =
      """
      SELECT id, job_id, type::text AS type, at
        FROM procrastinate_events
       WHERE job_id = ?
       ORDER BY id
      """;

  /** Lists the claims of periodic ticks, by id. No parameters. */
  static final String PERIODIC_DEFER_LIST =
      """
      SELECT id, task_name, defer_timestamp, job_id, periodic_id
        FROM procrastinate_periodic_defers
       ORDER BY id
      """;

  /** Lists the claims of ticks of one periodic task, by id. Parameters: 1 task name. */
  static final String PERIODIC_DEFER_LIST_OF_TASK =
      """
      SELECT id, task_name, defer_timestamp, job_id, periodic_id
        FROM procrastinate_periodic_defers
       WHERE task_name = ?
       ORDER BY id
      """;

  /** Lists the registered workers, by id. No parameters. */
  public static final String WORKER_LIST =
      "SELECT id, last_heartbeat FROM procrastinate_workers ORDER BY id";

  /**
   * How long ago, in milliseconds on the database's clock, one worker's last heartbeat was: the
   * heartbeat is written with the database's {@code now()}, so its age is measured with it too, not
   * with a clock of another machine. Parameter: the worker id.
   */
  public static final String WORKER_HEARTBEAT_AGE =
      "SELECT (extract(epoch FROM now() - last_heartbeat) * 1000)::bigint AS age_ms"
          + " FROM procrastinate_workers WHERE id = ?";

  /**
   * Counts the waiting jobs per queue, the due ones, and the wait of the due job with the smallest
   * id since its last defer, retry or schedule: zero when no job is due, null when that job has
   * neither a schedule nor an event that dates it (deferred while event recording was lean). No
   * parameters.
   */
  public static final String QUEUE_BACKLOG =
      """
      SELECT q.queue_name, q.waiting, q.due,
             CASE WHEN q.oldest_id IS NULL THEN 0
                  ELSE extract(epoch FROM now() - greatest(j.scheduled_at, e.at)) END
                 AS oldest_due_age
        FROM (SELECT queue_name,
                     count(*) AS waiting,
                     count(*) FILTER (WHERE scheduled_at IS NULL OR scheduled_at <= now()) AS due,
                     min(id) FILTER (WHERE scheduled_at IS NULL OR scheduled_at <= now())
                         AS oldest_id
                FROM procrastinate_jobs
               WHERE status = 'todo'
               GROUP BY queue_name) AS q
        LEFT JOIN procrastinate_jobs AS j ON j.id = q.oldest_id
        LEFT JOIN LATERAL (
             SELECT max(at) AS at FROM procrastinate_events
              WHERE job_id = q.oldest_id
                AND type IN ('deferred', 'deferred_for_retry', 'retried')) AS e ON true
       ORDER BY q.queue_name
      """;

  /**
   * Counts jobs per queue and status, each count stopping at a cap: the finished statuses through
   * {@code procrastinate_java_jobs_finished_queue_idx_v1}, whose (status, queue) pairs a skip scan
   * finds one index probe each, then one index range per pair read up to the cap; the waiting and
   * running jobs through the contract's partial index on {@code status IN ('todo', 'doing')}. Rows
   * come by name. Parameters: 1 the cap.
   */
  static final String JOB_COUNT_BY_QUEUE_CAPPED =
      """
      WITH RECURSIVE pairs AS (
          (SELECT j.status, j.queue_name AS name
             FROM procrastinate_jobs AS j
            WHERE j.status NOT IN ('todo', 'doing')
            ORDER BY j.status, j.queue_name
            LIMIT 1)
          UNION ALL
          SELECT n.status, n.name
            FROM pairs AS p
           CROSS JOIN LATERAL (
                SELECT j.status, j.queue_name AS name
                  FROM procrastinate_jobs AS j
                 WHERE j.status NOT IN ('todo', 'doing')
                   AND (j.status, j.queue_name) > (p.status, p.name)
                 ORDER BY j.status, j.queue_name
                 LIMIT 1) AS n)
      SELECT p.name, p.status::text AS status,
             (SELECT count(*)
                FROM (SELECT 1
                        FROM procrastinate_jobs AS j
                       WHERE j.status = p.status AND j.queue_name = p.name
                         AND j.status NOT IN ('todo', 'doing')
                       LIMIT ?) AS c) AS jobs
        FROM pairs AS p
      UNION ALL
      SELECT j.queue_name, j.status::text, count(*)
        FROM procrastinate_jobs AS j
       WHERE j.status IN ('todo', 'doing')
       GROUP BY j.queue_name, j.status
       ORDER BY 1
      """;

  /**
   * Counts jobs per task and status, each count stopping at a cap, through {@code
   * procrastinate_java_jobs_task_idx_v2} (whose predicate, {@code task_name IS NOT NULL}, each read
   * repeats): a skip scan finds the (task, status) pairs, one index probe each, then one index
   * range per pair is read up to the cap. Rows come by name. Parameters: 1 the cap.
   */
  static final String JOB_COUNT_BY_TASK_CAPPED =
      """
      WITH RECURSIVE pairs AS (
          (SELECT j.task_name AS name, j.status
             FROM procrastinate_jobs AS j
            WHERE j.task_name IS NOT NULL
            ORDER BY j.task_name, j.status
            LIMIT 1)
          UNION ALL
          SELECT n.name, n.status
            FROM pairs AS p
           CROSS JOIN LATERAL (
                SELECT j.task_name AS name, j.status
                  FROM procrastinate_jobs AS j
                 WHERE j.task_name IS NOT NULL
                   AND (j.task_name, j.status) > (p.name, p.status)
                 ORDER BY j.task_name, j.status
                 LIMIT 1) AS n)
      SELECT p.name, p.status::text AS status,
             (SELECT count(*)
                FROM (SELECT 1
                        FROM procrastinate_jobs AS j
                       WHERE j.task_name = p.name AND j.status = p.status
                       LIMIT ?) AS c) AS jobs
        FROM pairs AS p
       ORDER BY 1
      """;

  /**
   * Counts the jobs that finished (events {@code succeeded}, {@code failed}, {@code aborted}) per
   * minute and outcome, through {@code procrastinate_java_events_type_at_idx_v1}. Parameters: 1 the
   * instant from which to count, included.
   */
  static final String EVENT_COUNT_FINISHED_PER_MINUTE =
      """
      SELECT date_trunc('minute', e.at) AS minute, e.type::text AS type, count(*) AS jobs
        FROM procrastinate_events AS e
       WHERE e.type IN ('succeeded', 'failed', 'aborted')
         AND e.at >= ?
       GROUP BY 1, 2
       ORDER BY 1
      """;

  /**
   * Counts the running jobs of each worker, through the contract's partial index on {@code
   * worker_id}. No parameters.
   */
  static final String JOB_COUNT_RUNNING_BY_WORKER =
      """
      SELECT j.worker_id, count(*) AS jobs
        FROM procrastinate_jobs AS j
       WHERE j.worker_id IS NOT NULL AND j.status = 'doing'
       GROUP BY j.worker_id
      """;

  // ------------------------------------------------------------------ flow controls

  /**
   * Lists the flow controls, queues first, by name, with the running jobs of each. Every count of
   * running jobs is an index range: {@code procrastinate_java_jobs_doing_queue_idx_v1} or {@code
   * procrastinate_java_jobs_task_idx_v2}. No parameters.
   */
  static final String FLOW_CONTROL_LIST =
      """
      SELECT c.scope, c.name, c.paused, c.concurrency,
             c.rate_permits, (extract(epoch FROM c.rate_period) * 1000000)::int8 AS rate_micros,
             c.declared_concurrency, c.declared_rate_permits,
             (extract(epoch FROM c.declared_rate_period) * 1000000)::int8 AS declared_rate_micros,
             c.updated_at,
             CASE WHEN c.scope = 'queue'
                  THEN (SELECT count(*) FROM procrastinate_jobs AS j
                         WHERE j.status = 'doing' AND j.queue_name = c.name)
                  ELSE (SELECT count(*) FROM procrastinate_jobs AS j
                         WHERE j.task_name = c.name AND j.status = 'doing')
             END AS running
        FROM procrastinate_java_flow_controls AS c
       ORDER BY c.scope, c.name
      """;

  /** Pauses a queue. Parameters: 1 queue name. */
  static final String FLOW_CONTROL_PAUSE =
      """
      INSERT INTO procrastinate_java_flow_controls AS c (scope, name, paused)
      VALUES ('queue', ?, true)
      ON CONFLICT (scope, name) DO UPDATE
         SET paused = true, updated_at = now()
       WHERE NOT c.paused
      """;

  /** Resumes a queue. Parameters: 1 queue name. */
  static final String FLOW_CONTROL_RESUME =
      """
      UPDATE procrastinate_java_flow_controls
         SET paused = false, updated_at = now()
       WHERE scope = 'queue' AND name = ? AND paused
      """;

  /**
   * Sets the live concurrency limit of a queue or task. Parameters: 1 scope, 2 name, 3 the limit.
   */
  static final String FLOW_CONTROL_SET_CONCURRENCY =
      """
      INSERT INTO procrastinate_java_flow_controls AS c (scope, name, concurrency)
      VALUES (?, ?, ?)
      ON CONFLICT (scope, name) DO UPDATE
         SET concurrency = EXCLUDED.concurrency, updated_at = now()
      """;

  /**
   * Sets the live rate limit of a queue or task. Parameters: 1 scope, 2 name, 3 permits, 4 period
   * in microseconds.
   */
  static final String FLOW_CONTROL_SET_RATE =
      """
      INSERT INTO procrastinate_java_flow_controls AS c (scope, name, rate_permits, rate_period)
      VALUES (?, ?, ?, ? * interval '1 microsecond')
      ON CONFLICT (scope, name) DO UPDATE
         SET rate_permits = EXCLUDED.rate_permits,
             rate_period = EXCLUDED.rate_period,
             updated_at = now()
      """;

  /** Clears the live limits of a queue or task. Parameters: 1 scope, 2 name. */
  static final String FLOW_CONTROL_CLEAR =
      """
      UPDATE procrastinate_java_flow_controls
         SET concurrency = NULL, rate_permits = NULL, rate_period = NULL, updated_at = now()
       WHERE scope = ? AND name = ?
         AND (concurrency IS NOT NULL OR rate_permits IS NOT NULL)
      """;

  /**
   * Locks the rows of some tasks in the order the fetch function locks them, before a worker writes
   * their declared limits, so that the two never wait for each other in a circle. Parameters: 1
   * task names (varchar[]).
   */
  static final String FLOW_CONTROL_LOCK_TASKS =
      """
      SELECT c.name
        FROM procrastinate_java_flow_controls AS c
       WHERE c.scope = 'task' AND c.name = ANY (?::varchar[])
       ORDER BY c.scope, c.name
         FOR NO KEY UPDATE
      """;

  /**
   * Writes the limits a task declares in code, when they differ from the stored ones. Parameters: 1
   * task name, 2 concurrency or null, 3 rate permits or null, 4 rate period in microseconds or
   * null.
   */
  static final String FLOW_CONTROL_DECLARE =
      """
      INSERT INTO procrastinate_java_flow_controls AS c
             (scope, name, declared_concurrency, declared_rate_permits, declared_rate_period)
      VALUES ('task', ?, ?::int4, ?::int4, ?::int8 * interval '1 microsecond')
      ON CONFLICT (scope, name) DO UPDATE
         SET declared_concurrency = EXCLUDED.declared_concurrency,
             declared_rate_permits = EXCLUDED.declared_rate_permits,
             declared_rate_period = EXCLUDED.declared_rate_period,
             updated_at = now()
       WHERE (c.declared_concurrency, c.declared_rate_permits, c.declared_rate_period)
             IS DISTINCT FROM (EXCLUDED.declared_concurrency, EXCLUDED.declared_rate_permits,
                               EXCLUDED.declared_rate_period)
      """;

  /**
   * Forgets the declared limits of tasks that no longer declare any. Parameters: 1 task names
   * (varchar[]).
   */
  static final String FLOW_CONTROL_UNDECLARE =
      """
      UPDATE procrastinate_java_flow_controls
         SET declared_concurrency = NULL, declared_rate_permits = NULL,
             declared_rate_period = NULL, updated_at = now()
       WHERE scope = 'task' AND name = ANY (?::varchar[])
         AND (declared_concurrency IS NOT NULL OR declared_rate_permits IS NOT NULL)
      """;

  /** Deletes the rows with no control left. No parameters. */
  static final String FLOW_CONTROL_DELETE_EMPTY =
      """
      DELETE FROM procrastinate_java_flow_controls
       WHERE NOT paused
         AND concurrency IS NULL AND rate_permits IS NULL
         AND declared_concurrency IS NULL AND declared_rate_permits IS NULL
      """;
}
