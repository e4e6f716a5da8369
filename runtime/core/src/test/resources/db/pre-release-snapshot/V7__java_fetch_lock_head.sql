-- Batch fetch, third version, revised: the cost of a fetch no longer grows with the backlog of
-- jobs with a lock.
--
-- V5 chose in one walk over the waiting jobs in priority order, 100 at a time, and went on to the
-- end of the queue whenever it had room for more jobs than it had found. Behind the backlog of a
-- few locks, that is every fetch: while the locks' first jobs run, every other job of those locks
-- is blocked, and the walk read all of them to learn it, testing each lock's first job with an
-- OR that no index serves (the planner read every finished job of the lock from the heap). On 12
-- locks with jobs of 2 to 10 ms, one worker ran a queue of 1,200 jobs at 60 % of what its 8 slots
-- allow and one of 8,000 at 20 %, each fetch taking 15 ms of PostgreSQL's CPU.
--
-- Version 3 revised chooses in three bounded steps, then merges:
--   a. jobs without a lock: the first p_limit of them, from an index of their own
--      (procrastinate_java_jobs_todo_free_idx_v1), whatever the jobs with a lock ahead of them;
--   b. jobs with a lock: one walk over the first chunk of them in priority order, from an index of
--      their own (procrastinate_java_jobs_todo_locked_idx_v1), keeping each lock's first waiting
--      job (one probe of procrastinate_java_jobs_todo_lock_idx_v1) when no job of the lock runs;
--      with many locks, their first jobs are near the front;
--   c. if the walk did not reach the last of them and there is room for more jobs with a
--      lock: every lock's first waiting job, one index descent per lock (a skip scan of
--      procrastinate_java_jobs_todo_lock_idx_v1), the best of the runnable ones. Few locks with
--      deep backlogs are few descents;
--   then the first p_limit of a, b and c in priority order, at most p_lock_limit with a lock.
-- Each waiting job is in one of the two new indexes, which split upstream's
-- procrastinate_jobs_priority_idx_v1 in two.
--
-- The rules are V5's: the same jobs in the same order, a lock's first waiting job (in any queue,
-- due or not) blocking its later ones. So are the arguments, the result and the take step: only
-- the function body changes, and workers of an earlier release keep working during a rolling
-- deploy.

-- The dashboard's index of jobs per task and status, V6's procrastinate_java_jobs_task_idx_v1, ends
-- with id and covers every row, so a lookup by id alone could use it, scanning all of it. With the
-- statistics of a small or empty table the planner did: the foreign key checks of procrastinate_events
-- (one per event, so per defer, start and end of a job), planned once per connection, then read the
-- whole index for every event as the table grew. Its replacement has a predicate that every row
-- meets and that a lookup by task implies, while a lookup by id does not.
DROP INDEX procrastinate_java_jobs_task_idx_v1;

CREATE INDEX procrastinate_java_jobs_task_idx_v2
    ON procrastinate_jobs (task_name, status, id)
    WHERE task_name IS NOT NULL;

CREATE INDEX procrastinate_java_jobs_todo_free_idx_v1
    ON procrastinate_jobs (priority DESC, id)
    WHERE status = 'todo' AND lock IS NULL;

CREATE INDEX procrastinate_java_jobs_todo_locked_idx_v1
    ON procrastinate_jobs (priority DESC, id)
    WHERE status = 'todo' AND lock IS NOT NULL;

CREATE OR REPLACE FUNCTION procrastinate_java_fetch_jobs_v3(
    target_queue_names character varying[],
    p_worker_id bigint,
    p_limit integer,
    p_lock_limit integer
)
    RETURNS SETOF procrastinate_jobs
    LANGUAGE plpgsql
    -- A queue table's statistics are stale most of the time (a burst of inserts can make the
    -- planner believe there is one waiting job); with sorting off, the reads of waiting jobs
    -- follow the indexes' order instead of sorting every waiting job. The setting, and its change
    -- below, last until the function returns.
    SET enable_sort TO off
AS $$
DECLARE
    chunk_size constant integer := greatest(p_limit * 2, 100);
    candidate record;
    free_ids bigint[] := '{}';
    locked_ids bigint[] := '{}';
    head_ids bigint[];
    chosen bigint[];
    chosen_free bigint[] := '{}';
    chosen_locked bigint[] := '{}';
    seen_locks text[] := '{}';
    seen integer := 0;
    locked_id bigint;
BEGIN
    IF p_limit IS NULL OR p_limit < 1 THEN
        RETURN;
    END IF;

    -- a. jobs without a lock
    free_ids := ARRAY(
        SELECT jobs.id
          FROM procrastinate_jobs AS jobs
         WHERE jobs.status = 'todo'
           AND jobs.lock IS NULL
           AND (target_queue_names IS NULL OR jobs.queue_name = ANY (target_queue_names))
           AND (jobs.scheduled_at IS NULL OR jobs.scheduled_at <= now())
         ORDER BY jobs.priority DESC, jobs.id ASC
         LIMIT p_limit);

    IF p_lock_limit > 0 THEN
        -- b. the first chunk of the jobs with a lock
        FOR candidate IN
            SELECT jobs.id, jobs.lock
              FROM procrastinate_jobs AS jobs
             WHERE jobs.status = 'todo'
               AND jobs.lock IS NOT NULL
               AND (target_queue_names IS NULL OR jobs.queue_name = ANY (target_queue_names))
               AND (jobs.scheduled_at IS NULL OR jobs.scheduled_at <= now())
             ORDER BY jobs.priority DESC, jobs.id ASC
             LIMIT chunk_size
        LOOP
            seen := seen + 1;
            -- A lock's later jobs are blocked by its first: only a lock's first sighting counts.
            CONTINUE WHEN candidate.lock = ANY (seen_locks);
            seen_locks := seen_locks || candidate.lock;
            CONTINUE WHEN EXISTS (
                    SELECT 1
                      FROM procrastinate_jobs AS running
                     WHERE running.lock = candidate.lock
                       AND running.status = 'doing')
                OR (SELECT head.id
                      FROM procrastinate_jobs AS head
                     WHERE head.lock = candidate.lock
                       AND head.status = 'todo'
                     ORDER BY head.priority DESC, head.id ASC
                     LIMIT 1) IS DISTINCT FROM candidate.id;
            locked_ids := locked_ids || candidate.id;
            EXIT WHEN cardinality(locked_ids) >= p_lock_limit;
        END LOOP;

        -- c. every lock's first waiting job, when the chunk did not show the whole queue
        IF seen >= chunk_size AND cardinality(locked_ids) < p_lock_limit THEN
            head_ids := ARRAY(
                WITH RECURSIVE heads AS (
                    (SELECT first.lock, first.id
                       FROM procrastinate_jobs AS first
                      WHERE first.status = 'todo'
                        AND first.lock IS NOT NULL
                      ORDER BY first.lock, first.priority DESC, first.id
                      LIMIT 1)
                    UNION ALL
                    SELECT following.lock, following.id
                      FROM heads
                     CROSS JOIN LATERAL (
                        SELECT later.lock, later.id
                          FROM procrastinate_jobs AS later
                         WHERE later.status = 'todo'
                           AND later.lock IS NOT NULL
                           AND later.lock > heads.lock
                         ORDER BY later.lock, later.priority DESC, later.id
                         LIMIT 1) AS following)
                SELECT heads.id FROM heads WHERE NOT (heads.lock = ANY (seen_locks)));
            -- The rows are reached by key (status compared as text keeps the partial indexes on
            -- waiting jobs out, which stale statistics would make look free), then sorted.
            PERFORM set_config('enable_sort', 'on', true);
            locked_ids := locked_ids || ARRAY(
                SELECT jobs.id
                  FROM procrastinate_jobs AS jobs
                 WHERE jobs.id = ANY (head_ids)
                   AND jobs.status::text = 'todo'
                   AND (target_queue_names IS NULL OR jobs.queue_name = ANY (target_queue_names))
                   AND (jobs.scheduled_at IS NULL OR jobs.scheduled_at <= now())
                   AND NOT EXISTS (
                        SELECT 1
                          FROM procrastinate_jobs AS running
                         WHERE running.lock = jobs.lock
                           AND running.status = 'doing')
                 ORDER BY jobs.priority DESC, jobs.id ASC
                 LIMIT p_lock_limit - cardinality(locked_ids));
        END IF;
    END IF;

    -- merge: the first p_limit in priority order; at most p_lock_limit have a lock, as at most
    -- that many were chosen
    IF cardinality(locked_ids) = 0 THEN
        chosen_free := free_ids;
    ELSIF cardinality(free_ids) = 0 THEN
        chosen_locked := locked_ids;
    ELSE
        PERFORM set_config('enable_sort', 'on', true);
        chosen := ARRAY(
            SELECT jobs.id
              FROM procrastinate_jobs AS jobs
             WHERE jobs.id = ANY (free_ids || locked_ids)
               AND jobs.status::text = 'todo'
             ORDER BY jobs.priority DESC, jobs.id ASC
             LIMIT p_limit);
        chosen_free := ARRAY(SELECT unnest(chosen) INTERSECT SELECT unnest(free_ids));
        chosen_locked := ARRAY(SELECT unnest(chosen) INTERSECT SELECT unnest(locked_ids));
    END IF;

    -- take
    IF cardinality(chosen_free) > 0 THEN
        -- The locking read is a CTE, which runs once, and both statements reach the rows by
        -- primary key whatever the statistics say: status is compared as text, so the partial
        -- indexes on waiting jobs (which a stale estimate of one waiting job makes look free)
        -- cannot serve the read, and the UPDATE has no status test (the rows it updates are
        -- locked and were just found waiting).
        RETURN QUERY
            WITH still AS (
                SELECT waiting.id
                  FROM procrastinate_jobs AS waiting
                 WHERE waiting.id = ANY (chosen_free)
                   AND waiting.status::text = 'todo'
                   FOR UPDATE SKIP LOCKED)
            UPDATE procrastinate_jobs AS jobs
               SET status = 'doing',
                   worker_id = p_worker_id
             WHERE jobs.id = ANY (ARRAY(SELECT still.id FROM still))
            RETURNING jobs.*;
    END IF;
    FOREACH locked_id IN ARRAY chosen_locked
    LOOP
        BEGIN
            RETURN QUERY
                UPDATE procrastinate_jobs AS jobs
                   SET status = 'doing',
                       worker_id = p_worker_id
                 WHERE jobs.id = (SELECT still.id
                                    FROM procrastinate_jobs AS still
                                   WHERE still.id = locked_id
                                     AND still.status::text = 'todo'
                                     FOR UPDATE SKIP LOCKED)
                RETURNING jobs.*;
        EXCEPTION WHEN unique_violation THEN
            -- Another fetcher started a job of this lock since it was chosen: this one waits.
            NULL;
        END;
    END LOOP;
END;
$$;
