-- Batch fetch, second version: locks only the jobs it takes, and a lock race costs one job, not
-- the batch.
--
-- procrastinate_java_fetch_jobs_v1 read its candidates FOR UPDATE and kept every one of them
-- locked until it returned, so a concurrent fetcher (a Python worker's procrastinate_fetch_job_v2
-- say) skipped jobs it was not going to take and took later ones out of priority order; and it
-- marked its jobs doing in one UPDATE, which the unique index procrastinate_jobs_lock_idx_v1 failed
-- as a whole when another fetcher had meanwhile started a job of one of their locks.
--
-- Version 1 stays, unchanged, for workers of an earlier release still running during a rolling
-- deploy. Additive, under the procrastinate_java_ prefix that upstream never uses.

-- Takes up to p_limit runnable jobs in one call, with exactly the rules of
-- procrastinate_fetch_job_v2 applied job after job: waiting jobs of the requested queues (NULL:
-- all queues) that are due, by priority DESC then id ASC; a job with a lock is taken only when no
-- job of that lock is running and none is waiting ahead of it (higher priority, or equal priority
-- and smaller id) in any queue and whatever its schedule, and at most one job per lock is taken
-- per call.
--
-- It works in two steps:
-- 1. choose: candidates are read without locking them, in chunks with LIMIT and a keyset on
--    (priority, id), so that every chunk is an ordered walk of procrastinate_jobs_priority_idx_v1
--    that stops early; each lock is checked with index lookups. The cost follows the size of the
--    batch, not of the table.
-- 2. take: the chosen jobs are locked with SKIP LOCKED and re-checked to be still waiting (another
--    fetcher may have taken one since step 1), then marked doing for p_worker_id. Jobs without a
--    lock are marked in one statement; a job with a lock is marked in a subtransaction of its own,
--    so that if another fetcher started a job of that lock since step 1, the unique index refuses
--    that one job, which stays waiting, and the rest of the batch is taken.
-- The returned rows are marked doing for p_worker_id; their order is not specified. A call may
-- return fewer jobs than are runnable when other fetchers take some of its choices.
CREATE FUNCTION procrastinate_java_fetch_jobs_v2(
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
    chosen_free bigint[] := '{}';
    chosen_locked bigint[] := '{}';
    chosen_locks text[] := '{}';
    blocked_locks text[] := '{}';
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
        EXIT chunks WHEN seen < chunk_size;
    END LOOP;

    -- 2. take
    IF cardinality(chosen_free) > 0 THEN
        RETURN QUERY
            UPDATE procrastinate_jobs AS jobs
               SET status = 'doing',
                   worker_id = p_worker_id
             WHERE jobs.id IN (SELECT still.id
                                 FROM procrastinate_jobs AS still
                                WHERE still.id = ANY (chosen_free)
                                  AND still.status = 'todo'
                                  FOR UPDATE SKIP LOCKED)
               AND jobs.status = 'todo'
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
                                     AND still.status = 'todo'
                                     FOR UPDATE SKIP LOCKED)
                   AND jobs.status = 'todo'
                RETURNING jobs.*;
        EXCEPTION WHEN unique_violation THEN
            -- Another fetcher started a job of this lock since step 1: this one keeps waiting.
            NULL;
        END;
    END LOOP;
END;
$$;

-- Finds when the next scheduled (or retried) job becomes due, so that a worker with free slots
-- wakes up for it instead of waiting for its polling interval: scheduled and retried jobs send no
-- notification.
CREATE INDEX procrastinate_java_jobs_todo_scheduled_idx_v1
    ON procrastinate_jobs (scheduled_at)
    WHERE status = 'todo' AND scheduled_at IS NOT NULL;
