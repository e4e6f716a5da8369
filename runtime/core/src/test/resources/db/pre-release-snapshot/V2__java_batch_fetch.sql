-- Batch fetch for procrastinate-java workers.
--
-- Additive to the Procrastinate 3.9 schema: a function and an index whose names start with
-- procrastinate_java_, a prefix upstream never uses, so they cannot collide with a future
-- upstream object. Python workers on the same database do not use them and are unaffected.

-- Finds, for a locked candidate, any job of the same lock waiting ahead of it, with an index
-- range scan instead of a scan of every waiting job.
CREATE INDEX procrastinate_java_jobs_todo_lock_idx_v1
    ON procrastinate_jobs (lock, priority DESC, id)
    WHERE status = 'todo' AND lock IS NOT NULL;

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
CREATE FUNCTION procrastinate_java_fetch_jobs_v1(
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
