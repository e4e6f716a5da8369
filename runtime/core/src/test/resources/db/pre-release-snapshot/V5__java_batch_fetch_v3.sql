-- Batch fetch, third version: at most p_lock_limit of the jobs taken have a lock, and the taken
-- rows are reached by key, once.
--
-- A lock limit: a worker asks for jobs for its free executor slots and for a small buffer of
-- prefetched jobs. A job with a lock waiting in that buffer blocks its lock for every worker while
-- it waits for a slot, so a worker asks for jobs with a lock only as many as it has free slots.
-- Jobs with a lock beyond that limit are skipped, not blocked: the walk goes on for jobs without a
-- lock to the end of its current chunk of candidates, and a later call takes the skipped ones.
--
-- Taken by key, once: in version 2 the locking read of the take step was an IN (subquery) of the
-- UPDATE. When the table's statistics are stale (after a burst of defers, before autovacuum
-- analyzes the table: every queue's common case), the planner estimated one waiting job, walked
-- every waiting job for the read, and ran it once per row to update: a 500-job fetch over 1,000
-- waiting jobs read 400,000 buffers and took 120 ms to 230 ms instead of 18 ms, over 20,000
-- waiting jobs 1.5 s (EXPLAIN ANALYZE through auto_explain's nested statements).
--
-- Otherwise the rules and the two steps are those of procrastinate_java_fetch_jobs_v2 (V4), which
-- becomes a call of this one without a lock limit, for workers of an earlier release still running
-- during a rolling deploy.

CREATE FUNCTION procrastinate_java_fetch_jobs_v3(
    target_queue_names character varying[],
    p_worker_id bigint,
    p_limit integer,
    p_lock_limit integer
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
    chosen_free bigint[] := '{}';
    chosen_locked bigint[] := '{}';
    chosen_locks text[] := '{}';
    blocked_locks text[] := '{}';
    lock_limit_reached boolean := false;
    chosen_count integer := 0;
    seen integer;
    after_priority integer;
    after_id bigint;
    locked_id bigint;
BEGIN
    IF p_limit IS NULL OR p_limit < 1 THEN
        RETURN;
    END IF;

    -- 1. choose
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
        LOOP
            seen := seen + 1;
            after_priority := candidate.priority;
            after_id := candidate.id;
            IF candidate.lock IS NULL THEN
                chosen_free := chosen_free || candidate.id;
            ELSIF cardinality(chosen_locked) >= p_lock_limit THEN
                -- Enough jobs with a lock for now; a later call takes this one. The walk ends with
                -- this chunk: going on only looks for jobs without a lock, for the prefetch buffer,
                -- and behind a backlog of jobs with a lock it would read that whole backlog.
                lock_limit_reached := true;
                CONTINUE;
            ELSE
                -- Every later job of a lock already chosen or found blocked is blocked too
                -- (one runs or waits ahead of it): an array test instead of two index lookups,
                -- so a walk over a backlog of few locks stays cheap.
                CONTINUE WHEN candidate.lock = ANY (chosen_locks)
                           OR candidate.lock = ANY (blocked_locks);
                IF EXISTS (
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
                                    AND ahead.id < candidate.id))) THEN
                    blocked_locks := blocked_locks || candidate.lock;
                    CONTINUE;
                END IF;
                chosen_locks := chosen_locks || candidate.lock;
                chosen_locked := chosen_locked || candidate.id;
            END IF;
            chosen_count := chosen_count + 1;
            EXIT chunks WHEN chosen_count >= p_limit;
        END LOOP;
        EXIT chunks WHEN seen < chunk_size OR lock_limit_reached;
    END LOOP;

    -- 2. take
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
            -- Another fetcher started a job of this lock since step 1: this one keeps waiting.
            NULL;
        END;
    END LOOP;
END;
$$;

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
