-- Rate limits that reach their rate, and fetch plans that are never compiled.
--
-- 1. No JIT in the worker's statements. The fetch functions plan with enable_seqscan off (V4), so a
--    lookup with no index to use (the update of a rate limit's next start read the controls'
--    table whole) was costed at 10^10, far past jit_above_cost: PostgreSQL compiled it, with
--    inlining and optimisation, at every call. That took 70 to 250 ms, a fetch that starts a
--    rate-limited job took as long, and a limit of 50 a second ran about 10. The functions now
--    set jit off for their own statements and the triggers these fire (a SET clause, restored
--    when the call returns), as the outcome statements do for their transaction (JobSql); none
--    of them runs long enough for compiled code to pay back its compilation.
--
-- 2. A rate limit keeps its pace when a worker looks late. Version 4 placed the next start one
--    interval (period / N) after the later of the last planned start and the moment of the start,
--    so every start a worker made late, by its wake-up, its round trips or a busy machine, was
--    lost for good: the rate fell with the load. The next start now keeps to the plan while a start
--    comes at most a small credit late (half an interval, 25 ms at most), and the interval grows
--    by that credit spread over the period: (period + credit) / N. Starts then stay within the
--    limit in every window of the period, whatever their lateness: the N-th start after any start
--    comes at least (N x interval - credit) = period later. For 50/1s, starts come every 20.2 ms,
--    99 % of the limit.
--
-- 3. procrastinate_java_next_rate_start_v2 tells a worker of a start that came due since its
--    fetch began, not only of those still ahead: a worker that fetched just before a start came
--    due, and looked for the next one just after, no longer slept until its polling interval.
--
-- Functions of this runtime only: no table, column or function of the Procrastinate schema
-- changes. CREATE OR REPLACE and ALTER FUNCTION change the catalog alone; every statement can run
-- again.

ALTER FUNCTION procrastinate_java_fetch_jobs_v1(character varying[], bigint, integer)
    SET jit = off;
ALTER FUNCTION procrastinate_java_choose_jobs_v1(
    character varying[], integer, integer, character varying[], character varying[], bigint[])
    SET jit = off;
ALTER FUNCTION procrastinate_java_take_jobs_v1(bigint[], bigint[], bigint)
    SET jit = off;

-- The pace of a rate limit of permits starts per period: the interval between two planned starts,
-- and the credit by which a start may come late without moving the plan (see 2 above). Whole
-- microseconds, the interval rounded up: permits x step - credit >= period.
CREATE OR REPLACE FUNCTION procrastinate_java_rate_step_v1(period interval, permits integer)
    RETURNS TABLE (step interval, credit interval)
    LANGUAGE sql
    IMMUTABLE
AS $$
    SELECT make_interval(secs => ceil((paced.period_us + paced.credit_us) / permits) / 1e6),
           make_interval(secs => paced.credit_us / 1e6)
      FROM (SELECT round(extract(epoch FROM period) * 1e6) AS period_us,
                   least(floor(extract(epoch FROM period) * 1e6 / permits / 2), 25000) AS credit_us)
           AS paced;
$$;

-- Batch fetch, version 4, as in V7, with the pace above: see V7 for its steps and their reasons.
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
    SET jit TO off
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
               coalesce(controls.rate_permits, controls.declared_rate_permits) AS rate_permits,
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
        IF control.rate_permits IS NOT NULL THEN
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
           SET next_start_at = (
                   SELECT greatest(controls.next_start_at, now() - pace.credit) + pace.step
                     FROM procrastinate_java_rate_step_v1(
                              coalesce(controls.rate_period, controls.declared_rate_period),
                              coalesce(controls.rate_permits, controls.declared_rate_permits))
                          AS pace)
         WHERE (controls.scope, controls.name) IN (
                   SELECT split_part(key, ':', 1), substr(key, strpos(key, ':') + 1)
                     FROM unnest(started_keys) AS key);
    END IF;
END;
$$;


-- When the next job held back by a rate limit may start: the earliest next_start_at after a moment
-- (the start of the worker's last fetch, less a margin) among the rate limits this worker's queues
-- obey (NULL: all), or NULL. A start already due is returned too: the worker looks again at once.
CREATE OR REPLACE FUNCTION procrastinate_java_next_rate_start_v2(
    target_queue_names character varying[],
    since timestamp with time zone
)
    RETURNS timestamp with time zone
    LANGUAGE sql
    STABLE
AS $$
    SELECT min(controls.next_start_at)
      FROM procrastinate_java_flow_controls AS controls
     WHERE controls.next_start_at > since
       AND (controls.rate_permits IS NOT NULL OR controls.declared_rate_permits IS NOT NULL)
       AND (controls.scope = 'task'
            OR target_queue_names IS NULL
            OR controls.name = ANY (target_queue_names));
$$;
