package dev.procrastinate.internal.sql;

/**
 * Every statement the job manager sends, as text blocks named entity-then-verb. Each names its
 * {@code ?} parameters in order. DDL lives only in the Flyway migrations under {@code
 * db/procrastinate}. Not API.
 */
public final class JobSql {
  private JobSql() {}

  /** The columns of {@code procrastinate_jobs}, selected by name: column order varies. */
  static final String JOB_COLUMNS =
      "id, queue_name, task_name, priority, lock, queueing_lock, args, status, scheduled_at,"
          + " attempts, abort_requested, worker_id";

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

  /** Reads one job. Parameters: 1 job id. */
  public static final String JOB_GET =
      "SELECT " + JOB_COLUMNS + " FROM procrastinate_jobs WHERE id = ?";

  /** Reads one job's status. Parameters: 1 job id. */
  public static final String JOB_GET_STATUS = "SELECT status FROM procrastinate_jobs WHERE id = ?";

  /**
   * Lists jobs matching every non-null filter, by id. Parameters, each given twice (null test,
   * then value): 1-2 id, 3-4 queue, 5-6 task, 7-8 status, 9-10 lock, 11-12 queueing lock, 13-14
   * worker id; 15 id after which to start, 16 row limit.
   */
  public static final String JOB_LIST =
      "SELECT "
          + JOB_COLUMNS
          + """
           FROM procrastinate_jobs
          WHERE (?::bigint IS NULL OR id = ?)
            AND (?::varchar IS NULL OR queue_name = ?)
            AND (?::varchar IS NULL OR task_name = ?)
            AND (?::procrastinate_job_status IS NULL OR status = ?::procrastinate_job_status)
            AND (?::text IS NULL OR lock = ?)
            AND (?::text IS NULL OR queueing_lock = ?)
            AND (?::bigint IS NULL OR worker_id = ?)
            AND id > ?
          ORDER BY id
          LIMIT ?
          """;

  /**
   * Cancels or aborts a job through {@code procrastinate_cancel_job_v1}; returns its id, or null if
   * nothing was done. Parameters: 1 job id, 2 abort, 3 delete job.
   */
  public static final String JOB_CANCEL = "SELECT procrastinate_cancel_job_v1(?, ?, ?) AS id";

  /**
   * Retries a doing or failed job through {@code procrastinate_retry_job_v2}. Parameters: 1 job
   * id, 2 retry at (timestamptz), 3 new priority or null, 4 new queue or null, 5 new lock or null.
   */
  public static final String JOB_RETRY =
      "SELECT procrastinate_retry_job_v2(?, ?::timestamptz, ?::int4, ?::varchar, ?::varchar)";

  /**
   * Deletes jobs in the given statuses whose latest event is older than an age, like upstream's
   * {@code delete_old_jobs}. Parameters: 1 statuses (text[]), 2-3 queue (null test, value), 4
   * age in seconds.
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

  /**
   * Counts jobs per status, optionally in one queue. Parameters: 1-2 queue (null test, value).
   */
  public static final String JOB_COUNT_BY_STATUS =
      """
      SELECT status, count(*) AS jobs
        FROM procrastinate_jobs
       WHERE (?::varchar IS NULL OR queue_name = ?)
       GROUP BY status
      """;
}
