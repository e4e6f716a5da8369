-- Flow control across the fleet: paused queues, concurrency limits and rate limits, stored where
-- every worker of this runtime reads them, and obeyed by its fetch function.
--
-- Additive to the Procrastinate 3.9 schema, under the procrastinate_java_ prefix. Python workers
-- neither read this table nor obey it: a paused queue or a limit holds for this runtime's workers
-- only, while the jobs that Python workers run count against the concurrency limits. No statement
-- here locks a table of the contract: the new table has no foreign key, and the functions are this
-- runtime's own. Every statement can run again.

-- One row per queue or task with a control. Limits come from two places: set live (the shell, the
-- job manager, the dashboard), or declared in code (@Task(concurrencyLimit, rateLimit)) and written
-- by every worker that registers the task. The live one wins; clearing it goes back to the declared
-- one. A row with no control left is deleted.
--
-- next_start_at is the rate limit's state (the earliest moment the next job may start, kept by the
-- fetch function): starts are spread evenly, one at most every rate_period / rate_permits.
CREATE TABLE IF NOT EXISTS procrastinate_java_flow_controls (
    scope text NOT NULL CHECK (scope IN ('queue', 'task')),
    name text NOT NULL CHECK (name <> ''),
    paused boolean NOT NULL DEFAULT false CHECK (NOT paused OR scope = 'queue'),
    concurrency integer CHECK (concurrency > 0),
    rate_permits integer CHECK (rate_permits > 0),
    rate_period interval CHECK (rate_period >= interval '1 millisecond'),
    declared_concurrency integer CHECK (declared_concurrency > 0),
    declared_rate_permits integer CHECK (declared_rate_permits > 0),
    declared_rate_period interval CHECK (declared_rate_period >= interval '1 millisecond'),
    next_start_at timestamp with time zone,
    updated_at timestamp with time zone NOT NULL DEFAULT now(),
    PRIMARY KEY (scope, name),
    CHECK ((rate_permits IS NULL) = (rate_period IS NULL)),
    CHECK ((declared_rate_permits IS NULL) = (declared_rate_period IS NULL))
);

-- A change of a control wakes every worker at once (a resume, a limit raised or lifted), instead of
-- at its next polling interval: one notification per transaction that changed a row (PostgreSQL
-- folds equal ones). A statement that changed no row, and the fetch function's own writes
-- (next_start_at), send nothing.
CREATE OR REPLACE FUNCTION procrastinate_java_notify_flow_controls_v1()
    RETURNS trigger
    LANGUAGE plpgsql
AS $$
BEGIN
    PERFORM pg_notify('procrastinate_java_flow_controls_v1', '{"type": "flow_controls_changed"}');
    RETURN NULL;
END;
$$;

DROP TRIGGER IF EXISTS procrastinate_java_flow_controls_changed_v1
    ON procrastinate_java_flow_controls;
CREATE TRIGGER procrastinate_java_flow_controls_changed_v1
    AFTER INSERT OR DELETE OR UPDATE OF paused, concurrency, rate_permits, rate_period,
        declared_concurrency, declared_rate_permits, declared_rate_period
    ON procrastinate_java_flow_controls
    FOR EACH ROW
    EXECUTE FUNCTION procrastinate_java_notify_flow_controls_v1();

-- The choice of procrastinate_java_fetch_jobs_v3 (see V3 for its steps and their reasons), without
-- taking anything, and leaving out the jobs of some queues, some tasks and some ids: up to p_limit
-- runnable jobs, at most p_lock_limit of them with a lock, returned as the ids without a lock and
-- the ids with one. A left-out job with a lock still blocks its lock's later jobs, as any waiting
-- job does.
CREATE OR REPLACE FUNCTION procrastinate_java_choose_jobs_v1(
    target_queue_names character varying[],
    p_limit integer,
    p_lock_limit integer,
    excluded_queues character varying[],
    excluded_tasks character varying[],
    excluded_ids bigint[],
    OUT free_ids bigint[],
    OUT locked_ids bigint[]
)
    LANGUAGE plpgsql
    SET enable_sort TO off
    SET enable_seqscan TO off
AS $$
DECLARE
    chunk_size constant integer := greatest(p_limit * 2, 100);
    candidate record;
    head_ids bigint[];
    chosen bigint[];
    seen_locks text[] := '{}';
    seen integer := 0;
BEGIN
    free_ids := '{}';
    locked_ids := '{}';
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
           AND NOT jobs.queue_name = ANY (excluded_queues)
           AND NOT jobs.task_name = ANY (excluded_tasks)
           AND NOT jobs.id = ANY (excluded_ids)
         ORDER BY jobs.priority DESC, jobs.id ASC
         LIMIT p_limit);

    IF p_lock_limit > 0 THEN
        -- b. the first chunk of the jobs with a lock
        FOR candidate IN
            SELECT jobs.id, jobs.lock, jobs.queue_name, jobs.task_name
              FROM procrastinate_jobs AS jobs
             WHERE jobs.status = 'todo'
               AND jobs.lock IS NOT NULL
               AND (target_queue_names IS NULL OR jobs.queue_name = ANY (target_queue_names))
               AND (jobs.scheduled_at IS NULL OR jobs.scheduled_at <= now())
             ORDER BY jobs.priority DESC, jobs.id ASC
             LIMIT chunk_size
        LOOP
            seen := seen + 1;
            CONTINUE WHEN candidate.lock = ANY (seen_locks);
            seen_locks := seen_locks || candidate.lock;
            -- Left out, it still blocks its lock: only a lock's first sighting counts.
            CONTINUE WHEN candidate.queue_name = ANY (excluded_queues)
                OR candidate.task_name = ANY (excluded_tasks)
                OR candidate.id = ANY (excluded_ids);
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
            PERFORM set_config('enable_sort', 'on', true);
            locked_ids := locked_ids || ARRAY(
                SELECT jobs.id
                  FROM procrastinate_jobs AS jobs
                 WHERE jobs.id = ANY (head_ids)
                   AND jobs.status::text = 'todo'
                   AND (target_queue_names IS NULL OR jobs.queue_name = ANY (target_queue_names))
                   AND (jobs.scheduled_at IS NULL OR jobs.scheduled_at <= now())
                   AND NOT jobs.queue_name = ANY (excluded_queues)
                   AND NOT jobs.task_name = ANY (excluded_tasks)
                   AND NOT jobs.id = ANY (excluded_ids)
                   AND NOT EXISTS (
                        SELECT 1
                          FROM procrastinate_jobs AS running
                         WHERE running.lock = jobs.lock
                           AND running.status = 'doing')
                 ORDER BY jobs.priority DESC, jobs.id ASC
                 LIMIT p_lock_limit - cardinality(locked_ids));
        END IF;
    END IF;

    -- merge: the first p_limit in priority order
    IF cardinality(locked_ids) > 0 AND cardinality(free_ids) > 0 THEN
        PERFORM set_config('enable_sort', 'on', true);
        chosen := ARRAY(
            SELECT jobs.id
              FROM procrastinate_jobs AS jobs
             WHERE jobs.id = ANY (free_ids || locked_ids)
               AND jobs.status::text = 'todo'
             ORDER BY jobs.priority DESC, jobs.id ASC
             LIMIT p_limit);
        free_ids := ARRAY(SELECT unnest(chosen) INTERSECT SELECT unnest(free_ids));
        locked_ids := ARRAY(SELECT unnest(chosen) INTERSECT SELECT unnest(locked_ids));
    END IF;
END;
$$;

-- Marks chosen jobs doing for a worker and returns them: the jobs without a lock in one statement,
-- each job with a lock in its own, which another fetcher's start of the same lock (a unique
-- violation of procrastinate_jobs_lock_idx_v1) skips. A job no longer waiting, or locked by another
-- transaction, is skipped. Rows are reached by key (see V3 for why status is compared as text).
CREATE OR REPLACE FUNCTION procrastinate_java_take_jobs_v1(
    free_ids bigint[],
    locked_ids bigint[],
    p_worker_id bigint
)
    RETURNS SETOF procrastinate_jobs
    LANGUAGE plpgsql
    SET enable_seqscan TO off
AS $$
DECLARE
    locked_id bigint;
BEGIN
    IF cardinality(free_ids) > 0 THEN
        RETURN QUERY
            WITH still AS (
                SELECT waiting.id
                  FROM procrastinate_jobs AS waiting
                 WHERE waiting.id = ANY (free_ids)
                   AND waiting.status::text = 'todo'
                   FOR UPDATE SKIP LOCKED)
            UPDATE procrastinate_jobs AS jobs
               SET status = 'doing',
                   worker_id = p_worker_id
             WHERE jobs.id = ANY (ARRAY(SELECT still.id FROM still))
            RETURNING jobs.*;
    END IF;
    FOREACH locked_id IN ARRAY coalesce(locked_ids, '{}')
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
            NULL;
        END;
    END LOOP;
END;
$$;

-- Batch fetch, version 4: version 3's choice, obeying the flow controls.
--
-- With no control in the table, it is version 3: the choice, then the take. Otherwise:
--   1. The controls that limit anything this call could start (a queue's, for the queues asked for;
--      every task's) are locked, in key order: two fetches that may start limited jobs count one
--      after the other, each seeing the other's started jobs (every statement of a function reads
--      what committed before it began). What each limit allows now:
--        concurrency N: N minus the jobs of it running (status doing, on any worker, Python's too);
--        rate: one start if next_start_at has come, else none.
--      Paused queues, and limits that allow nothing, are left out of the choice.
--   2. The choice; the chosen jobs are walked in priority order, each kept while its queue's and
--      its task's limits allow it, a limit filled by the walk then left out too. When the walk
--      dropped a job and the batch is not full, the choice is made again for the rest without the
--      filled limits: a limit at its cap never leaves a slot idle that other work could take. Each
--      new round leaves out one limit more, so there are at most as many rounds as limits.
--   3. The take, then the rate limits' next_start_at moves one interval past the start.
CREATE OR REPLACE FUNCTION procrastinate_java_fetch_jobs_v4(
    target_queue_names character varying[],
    p_worker_id bigint,
    p_limit integer,
    p_lock_limit integer
)
    RETURNS SETOF procrastinate_jobs
    LANGUAGE plpgsql
    SET enable_sort TO off
    SET enable_seqscan TO off
AS $$
DECLARE
    choice record;
    control record;
    candidate record;
    taken procrastinate_jobs;
    keys text[] := '{}';
    capacities integer[] := '{}';
    rate_keys text[] := '{}';
    started_keys text[] := '{}';
    blocked_queues character varying[] := '{}';
    blocked_tasks character varying[] := '{}';
    kept_free bigint[] := '{}';
    kept_locked bigint[] := '{}';
    dropped boolean;
    running bigint;
    capacity integer;
    queue_at integer;
    task_at integer;
BEGIN
    IF p_limit IS NULL OR p_limit < 1 THEN
        RETURN;
    END IF;

    IF NOT EXISTS (SELECT 1 FROM procrastinate_java_flow_controls) THEN
        SELECT * INTO choice
          FROM procrastinate_java_choose_jobs_v1(
              target_queue_names, p_limit, p_lock_limit, '{}', '{}', '{}');
        RETURN QUERY
            SELECT * FROM procrastinate_java_take_jobs_v1(choice.free_ids, choice.locked_ids, p_worker_id);
        RETURN;
    END IF;

    -- 1. the controls
    blocked_queues := ARRAY(
        SELECT controls.name
          FROM procrastinate_java_flow_controls AS controls
         WHERE controls.scope = 'queue'
           AND controls.paused);
    FOR control IN
        SELECT controls.scope,
               controls.name,
               coalesce(controls.concurrency, controls.declared_concurrency) AS concurrency,
               CASE WHEN controls.rate_permits IS NOT NULL
                    THEN controls.rate_period / controls.rate_permits
                    ELSE controls.declared_rate_period / controls.declared_rate_permits
               END AS rate_interval,
               controls.next_start_at
          FROM procrastinate_java_flow_controls AS controls
         WHERE (controls.concurrency IS NOT NULL
                OR controls.declared_concurrency IS NOT NULL
                OR controls.rate_permits IS NOT NULL
                OR controls.declared_rate_permits IS NOT NULL)
           AND NOT (controls.scope = 'queue'
                    AND (controls.paused
                         OR (target_queue_names IS NOT NULL
                             AND NOT controls.name = ANY (target_queue_names))))
         ORDER BY controls.scope, controls.name
           FOR NO KEY UPDATE
    LOOP
        capacity := NULL;
        IF control.concurrency IS NOT NULL THEN
            IF control.scope = 'queue' THEN
                SELECT count(*) INTO running
                  FROM procrastinate_jobs AS jobs
                 WHERE jobs.status = 'doing'
                   AND jobs.queue_name = control.name;
            ELSE
                SELECT count(*) INTO running
                  FROM procrastinate_jobs AS jobs
                 WHERE jobs.task_name = control.name
                   AND jobs.status = 'doing';
            END IF;
            capacity := greatest(control.concurrency - running, 0);
        END IF;
        IF control.rate_interval IS NOT NULL THEN
            rate_keys := rate_keys || (control.scope || ':' || control.name);
            IF control.next_start_at IS NOT NULL AND control.next_start_at > now() THEN
                capacity := 0;
            ELSE
                capacity := least(coalesce(capacity, 1), 1);
            END IF;
        END IF;
        keys := keys || (control.scope || ':' || control.name);
        capacities := capacities || capacity;
        IF capacity = 0 THEN
            IF control.scope = 'queue' THEN
                blocked_queues := blocked_queues || control.name::character varying;
            ELSE
                blocked_tasks := blocked_tasks || control.name::character varying;
            END IF;
        END IF;
    END LOOP;

    -- 2. the choice, again while a filled limit dropped a job and the batch has room
    LOOP
        SELECT * INTO choice
          FROM procrastinate_java_choose_jobs_v1(
              target_queue_names,
              p_limit - cardinality(kept_free) - cardinality(kept_locked),
              p_lock_limit - cardinality(kept_locked),
              blocked_queues,
              blocked_tasks,
              kept_free || kept_locked);
        dropped := false;
        PERFORM set_config('enable_sort', 'on', true);
        FOR candidate IN
            SELECT jobs.id, jobs.queue_name, jobs.task_name, jobs.lock
              FROM procrastinate_jobs AS jobs
             WHERE jobs.id = ANY (choice.free_ids || choice.locked_ids)
             ORDER BY jobs.priority DESC, jobs.id ASC
        LOOP
            queue_at := array_position(keys, 'queue:' || candidate.queue_name);
            task_at := array_position(keys, 'task:' || candidate.task_name);
            IF (queue_at IS NOT NULL AND capacities[queue_at] <= 0)
                OR (task_at IS NOT NULL AND capacities[task_at] <= 0) THEN
                dropped := true;
                CONTINUE;
            END IF;
            IF candidate.lock IS NULL THEN
                kept_free := kept_free || candidate.id;
            ELSE
                kept_locked := kept_locked || candidate.id;
            END IF;
            IF queue_at IS NOT NULL THEN
                capacities[queue_at] := capacities[queue_at] - 1;
                IF capacities[queue_at] = 0 THEN
                    blocked_queues := blocked_queues || candidate.queue_name;
                END IF;
            END IF;
            IF task_at IS NOT NULL THEN
                capacities[task_at] := capacities[task_at] - 1;
                IF capacities[task_at] = 0 THEN
                    blocked_tasks := blocked_tasks || candidate.task_name;
                END IF;
            END IF;
        END LOOP;
        PERFORM set_config('enable_sort', 'off', true);
        EXIT WHEN NOT dropped
            OR cardinality(kept_free) + cardinality(kept_locked) >= p_limit;
    END LOOP;

    -- 3. the take, and the rate limits' next start
    FOR taken IN
        SELECT * FROM procrastinate_java_take_jobs_v1(kept_free, kept_locked, p_worker_id)
    LOOP
        IF cardinality(rate_keys) > 0 THEN
            IF ('queue:' || taken.queue_name) = ANY (rate_keys) THEN
                started_keys := started_keys || ('queue:' || taken.queue_name);
            END IF;
            IF ('task:' || taken.task_name) = ANY (rate_keys) THEN
                started_keys := started_keys || ('task:' || taken.task_name);
            END IF;
        END IF;
        RETURN NEXT taken;
    END LOOP;
    IF cardinality(started_keys) > 0 THEN
        UPDATE procrastinate_java_flow_controls AS controls
           SET next_start_at = greatest(controls.next_start_at, now())
                   + CASE WHEN controls.rate_permits IS NOT NULL
                          THEN controls.rate_period / controls.rate_permits
                          ELSE controls.declared_rate_period / controls.declared_rate_permits
                     END
         WHERE controls.scope || ':' || controls.name = ANY (started_keys);
    END IF;
END;
$$;

-- Earlier versions obey the flow controls too, so that workers of an earlier release, during a
-- rolling deploy, do not start what the controls hold back.
CREATE OR REPLACE FUNCTION procrastinate_java_fetch_jobs_v3(
    target_queue_names character varying[],
    p_worker_id bigint,
    p_limit integer,
    p_lock_limit integer
)
    RETURNS SETOF procrastinate_jobs
    LANGUAGE sql
AS $$
    SELECT * FROM procrastinate_java_fetch_jobs_v4(target_queue_names, p_worker_id, p_limit, p_lock_limit);
$$;

-- When the next job held back by a rate limit may start: the earliest next_start_at still to come
-- among the rate limits this worker's queues obey (NULL: all), or NULL. A worker with free slots
-- looks again then, instead of at its polling interval.
CREATE OR REPLACE FUNCTION procrastinate_java_next_rate_start_v1(
    target_queue_names character varying[]
)
    RETURNS timestamp with time zone
    LANGUAGE sql
    STABLE
AS $$
    SELECT min(controls.next_start_at)
      FROM procrastinate_java_flow_controls AS controls
     WHERE controls.next_start_at > now()
       AND (controls.rate_permits IS NOT NULL OR controls.declared_rate_permits IS NOT NULL)
       AND (controls.scope = 'task'
            OR target_queue_names IS NULL
            OR controls.name = ANY (target_queue_names));
$$;
