package dev.procrastinate.internal.sql;

/**
 * The statements of workflows (migration V10): reserving ids, storing steps and their dependencies,
 * releasing the first steps, and reading a workflow back. Not API.
 */
final class WorkflowSql {
  private WorkflowSql() {}

  /** Reserves job ids from the jobs' own sequence, in ascending order. Parameters: 1 how many. */
  static final String RESERVE_IDS =
      """
      SELECT nextval(pg_get_serial_sequence('procrastinate_jobs', 'id')) AS id
        FROM generate_series(1, ?)
       ORDER BY 1
      """;

  /**
   * Stores the steps of a workflow, all waiting. Parameters: 1 the workflow's id; then one element
   * per step: 2 ids (int8[]), 3 positions (int4[]), 4 counts of steps waited for (int4[]), 5 queues
   * (text[]), 6 tasks (text[]), 7 priorities (int4[]), 8 locks (text[]), 9 queueing locks (text[]),
   * 10 arguments as JSON objects (text[]), 11 schedules (text[], ISO instants), 12 delays from the
   * release in seconds (float8[]), 13 headers as JSON objects (text[]).
   */
  static final String INSERT_STEPS =
      """
      INSERT INTO procrastinate_java_workflow_steps
             (id, workflow_id, position, state, waiting_for, queue_name, task_name, priority,
              lock, queueing_lock, args, scheduled_at, schedule_in, headers)
      SELECT s.id, ?, s.position, 'waiting', s.waiting_for, s.queue_name, s.task_name, s.priority,
             s.lock, s.queueing_lock, s.args::jsonb, s.scheduled_at::timestamptz,
             make_interval(secs => s.schedule_in), s.headers::jsonb
        FROM unnest(?::int8[], ?::int4[], ?::int4[], ?::text[], ?::text[], ?::int4[], ?::text[],
                    ?::text[], ?::text[], ?::text[], ?::float8[], ?::text[])
             AS s(id, position, waiting_for, queue_name, task_name, priority, lock, queueing_lock,
                  args, scheduled_at, schedule_in, headers)
      """;

  /**
   * Stores the dependencies of a workflow's steps. Parameters: 1 the steps that must succeed first
   * (int8[]), 2 the steps that wait for them (int8[]), one element per dependency.
   */
  static final String INSERT_EDGES =
      """
      INSERT INTO procrastinate_java_workflow_edges (from_id, to_id)
      SELECT * FROM unnest(?::int8[], ?::int8[])
      """;

  /**
   * Releases the steps that wait for nothing, in order: each becomes a job; a queueing lock taken
   * by another waiting job raises the unique violation. Parameters: 1 the step ids (int8[]).
   */
  static final String RELEASE_FIRST =
      """
      SELECT procrastinate_java_workflow_release_v1(first.id, true)
        FROM unnest(?::int8[]) WITH ORDINALITY AS first(id, n)
       ORDER BY first.n
      """;

  /**
   * Ends, for their workflows, jobs about to be deleted by a worker's delete policy, still in the
   * run it fetched: the delete alone would not tell a success from a failure. Parameters: 1 job ids
   * (int8[]), 2 end statuses (text[]), 3 the attempts each had when fetched (int4[]), 4 the worker
   * id ({@code worker_id} must be it or NULL).
   */
  static final String END_BEFORE_DELETE =
      """
      SELECT procrastinate_java_workflow_ended_v1(jobs.id, ending.status, jobs.task_name)
        FROM unnest(?::int8[], ?::text[], ?::int4[]) AS ending(id, status, attempts)
        JOIN procrastinate_jobs AS jobs ON jobs.id = ending.id
       WHERE jobs.status::text = 'doing'
         AND jobs.attempts = ending.attempts
         AND (jobs.worker_id IS NULL OR jobs.worker_id = ?)
         AND EXISTS (SELECT 1
                       FROM procrastinate_java_workflow_edges AS edges
                      WHERE edges.from_id = jobs.id
                        AND NOT edges.done)
      """;

  /**
   * Lists the steps of the workflow a job belongs to, in the order the workflow was written.
   * Parameters: 1 a job id of the workflow.
   */
  static final String STEPS =
      """
      SELECT steps.id, steps.workflow_id, steps.position, steps.task_name, steps.queue_name,
             jobs.status::text AS status, steps.reason, before.after, before.waiting_for
        FROM procrastinate_java_workflow_steps AS steps
        LEFT JOIN procrastinate_jobs AS jobs ON jobs.id = steps.id
        LEFT JOIN LATERAL (
                 SELECT array_agg(edges.from_id ORDER BY earlier.position) AS after,
                        array_agg(edges.from_id ORDER BY earlier.position)
                            FILTER (WHERE NOT edges.done) AS waiting_for
                   FROM procrastinate_java_workflow_edges AS edges
                   JOIN procrastinate_java_workflow_steps AS earlier
                        ON earlier.id = edges.from_id
                  WHERE edges.to_id = steps.id) AS before ON true
       WHERE steps.workflow_id = (SELECT mine.workflow_id
                                    FROM procrastinate_java_workflow_steps AS mine
                                   WHERE mine.id = ?)
       ORDER BY steps.position
      """;

  /**
   * Reads what the steps a step runs after returned, in the order the workflow was written; a step
   * that returned nothing (or whose result is gone with its job) gives a null. Parameters: 1 the
   * step's job id.
   */
  static final String RESULTS_BEFORE =
      """
      SELECT edges.from_id, results.result::text AS result
        FROM procrastinate_java_workflow_edges AS edges
        JOIN procrastinate_java_workflow_steps AS before ON before.id = edges.from_id
        LEFT JOIN procrastinate_java_job_results AS results ON results.job_id = edges.from_id
       WHERE edges.to_id = ?
       ORDER BY before.position
      """;

  /**
   * Deletes the rows of workflows that are over: no step waits, and no step's job is left in {@code
   * procrastinate_jobs} (deleted by age, by a delete policy, or by hand). Their edges go with their
   * steps (ON DELETE CASCADE). Each step's job is looked up by key; at most the given number of
   * workflows go in one call, and the answer is their count. Parameters: 1 the most workflows to
   * delete.
   */
  static final String PRUNE_OVER =
      """
      WITH over AS (
          SELECT steps.workflow_id
            FROM procrastinate_java_workflow_steps AS steps
           GROUP BY steps.workflow_id
          HAVING bool_and(steps.state <> 'waiting')
             AND bool_and(NOT EXISTS (SELECT 1
                                        FROM procrastinate_jobs AS jobs
                                       WHERE jobs.id = steps.id))
           LIMIT ?),
      gone AS (
          DELETE FROM procrastinate_java_workflow_steps AS steps
           USING over
           WHERE steps.workflow_id = over.workflow_id)
      SELECT count(*) FROM over
      """;
}
