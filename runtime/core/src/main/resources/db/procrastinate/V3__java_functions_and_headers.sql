-- The functions and the table of procrastinate-java, created in one short transaction that takes
-- no lock a Python worker or producer waits for, except the brief one of the table's foreign key.
--
-- Additive to the Procrastinate 3.9 schema, under the procrastinate_java_ prefix that upstream never
-- uses. Every statement can run again (CREATE OR REPLACE, IF NOT EXISTS): the runtime's migrator
-- re-applies this script to a schema made by a pre-release snapshot of this runtime.

-- Batch fetch, three versions of one signature family. Version 3 is the one workers of this
-- release call; versions 1 and 2 stay for workers of earlier releases during a rolling deploy,
-- version 2 as a call of version 3 without a lock limit.

-- Takes up to p_limit runnable jobs in one call, with exactly the rules of
-- procrastinate_fetch_job_v2 applied job after job: waiting jobs of the requested queues
-- (NULL: all queues) that are due, by priority DESC then id ASC; a job with a lock is taken only
-- when no job of that lock is running and none is waiting ahead of it (higher priority, or equal
-- priority and smaller id) in any queue and whatever its schedule, and at most one job per lock
-- is taken per call.
--
-- Candidates are read in chunks with LIMIT and a keyset on (priority, id), so that every chunk is
-- an ordered walk of procrastinate_jobs_priority_idx_v1 that stops early, and each lock is
-- checked with index lookups: the cost follows the size of the batch, not of the table, even
-- when the statistics of a busy table are stale. The returned rows are marked doing for
-- p_worker_id; their order is not specified.
CREATE OR REPLACE FUNCTION procrastinate_java_fetch_jobs_v1(
    target_queue_names character varying[],
    p_worker_id bigint,
    p_limit integer
)
    RETURNS SETOF procrastinate_jobs
    LANGUAGE plpgsql
    -- A queue table's statistics are stale most of the time (a burst of inserts can make the
    -- planner believe there is one waiting job); with sorting off, the candidate walk always
    -- follows procrastinate_jobs_priority_idx_v1 instead of sorting every waiting job.
    SET enable_sort TO off
AS $$
DECLARE
    chunk_size constant integer := greatest(p_limit * 2, 100);
    candidate record;
    taken bigint[] := '{}';
    taken_locks text[] := '{}';
    seen integer;
    after_priority integer;
    after_id bigint;
BEGIN
    IF p_limit IS NULL OR p_limit < 1 THEN
        RETURN;
    END IF;
    <<chunks>>
    LOOP
        seen := 0;
        FOR candidate IN
            SELECT jobs.id, jobs.lock, jobs.priority
              FROM procrastinate_jobs AS jobs
             WHERE jobs.status = 'todo'
               AND (target_queue_names IS NULL OR jobs.queue_name = ANY (target_queue_names))
               AND (jobs.scheduled_at IS NULL OR jobs.scheduled_at <= now())
               AND (after_id IS NULL
                    OR jobs.priority < after_priority
                    OR (jobs.priority = after_priority AND jobs.id > after_id))
             ORDER BY jobs.priority DESC, jobs.id ASC
             LIMIT chunk_size
               FOR UPDATE OF jobs SKIP LOCKED
        LOOP
            seen := seen + 1;
            after_priority := candidate.priority;
            after_id := candidate.id;
            IF candidate.lock IS NOT NULL THEN
                CONTINUE WHEN candidate.lock = ANY (taken_locks);
                CONTINUE WHEN EXISTS (
                        SELECT 1
                          FROM procrastinate_jobs AS running
                         WHERE running.lock = candidate.lock
                           AND running.status = 'doing')
                    OR EXISTS (
                        SELECT 1
                          FROM procrastinate_jobs AS ahead
                         WHERE ahead.lock = candidate.lock
                           AND ahead.status = 'todo'
                           AND (ahead.priority > candidate.priority
                                OR (ahead.priority = candidate.priority
                                    AND ahead.id < candidate.id)));
                taken_locks := taken_locks || candidate.lock;
            END IF;
            taken := taken || candidate.id;
            EXIT chunks WHEN cardinality(taken) >= p_limit;
        END LOOP;
        EXIT chunks WHEN seen < chunk_size;
    END LOOP;

    RETURN QUERY
        UPDATE procrastinate_jobs
           SET status = 'doing',
               worker_id = p_worker_id
         WHERE id = ANY (taken)
        RETURNING *;
END;
$$;

-- Batch fetch, version 3: the cost of a fetch does not grow with the backlog of jobs with a lock.
--
-- An earlier body chose in one walk over the waiting jobs in priority order, 100 at a time, and went on to the
-- end of the queue whenever it had room for more jobs than it had found. Behind the backlog of a
-- few locks, that is every fetch: while the locks' first jobs run, every other job of those locks
-- is blocked, and the walk read all of them to learn it, testing each lock's first job with an
-- OR that no index serves (the planner read every finished job of the lock from the heap). On 12
-- locks with jobs of 2 to 10 ms, one worker ran a queue of 1,200 jobs at 60 % of what its 8 slots
-- allow and one of 8,000 at 20 %, each fetch taking 15 ms of PostgreSQL's CPU.
--
-- It chooses in three bounded steps, then merges:
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
-- The rules are procrastinate_fetch_job_v2's: the same jobs in the same order, a lock's first
-- waiting job (in any queue, due or not) blocking its later ones.
--
-- It also caps the jobs with a lock: at most p_lock_limit of the jobs taken have one, as a
-- worker asks for jobs with a lock only as many as it has free slots (one waiting in its buffer
-- of prefetched jobs would block its lock for every worker); those beyond are skipped, not
-- blocked, and a later call takes them. The taken rows are reached by key, once.

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

-- Version 2, for workers of an earlier release: version 3 with no lock limit of its own.
CREATE OR REPLACE FUNCTION procrastinate_java_fetch_jobs_v2(
    target_queue_names character varying[],
    p_worker_id bigint,
    p_limit integer
)
    RETURNS SETOF procrastinate_jobs
    LANGUAGE sql
AS $$
    SELECT * FROM procrastinate_java_fetch_jobs_v3(target_queue_names, p_worker_id, p_limit, p_limit);
$$;

-- Headers of a job, written at defer time by a ContextPropagator (a trace context, say) and read
-- by the worker that runs the job. A job without headers has no row here, so deferring costs nothing
-- more unless a propagator is configured. Rows go with their job (ON DELETE CASCADE), however it is
-- deleted: by a worker's delete policy, remove_old_jobs, or a Python service.
--
-- The foreign key takes a SHARE ROW EXCLUSIVE lock on procrastinate_jobs, which writers conflict
-- with, until this transaction commits, a moment later. Asked for while a long transaction writes
-- to procrastinate_jobs, it would wait behind it and make every writer queue behind itself: so it
-- is asked for with a short lock_timeout, and asked again after a pause while the lock is taken.
DO $$
DECLARE
    previous_timeout constant text := current_setting('lock_timeout');
    attempt integer := 0;
BEGIN
    LOOP
        attempt := attempt + 1;
        BEGIN
            PERFORM set_config('lock_timeout', '100ms', true);
            CREATE TABLE IF NOT EXISTS procrastinate_java_job_headers (
                job_id bigint PRIMARY KEY REFERENCES procrastinate_jobs (id) ON DELETE CASCADE,
                headers jsonb NOT NULL CHECK (jsonb_typeof(headers) = 'object')
            );
            EXIT;
        EXCEPTION WHEN lock_not_available THEN
            IF attempt >= 450 THEN
                RAISE EXCEPTION 'procrastinate_java_job_headers was not created: for 3 minutes a'
                    ' transaction kept procrastinate_jobs locked against the brief lock its foreign'
                    ' key needs'
                    USING HINT = 'Find the long transaction in pg_stat_activity, let it end, and'
                        ' migrate again.';
            END IF;
        END;
        PERFORM pg_sleep(0.2 + random() * 0.2);
    END LOOP;
    PERFORM set_config('lock_timeout', previous_timeout, true);
END;
$$;
