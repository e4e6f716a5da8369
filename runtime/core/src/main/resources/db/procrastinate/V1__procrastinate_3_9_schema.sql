-- Procrastinate 3.9-compatible database schema.
--
-- Creates, in the connection's current schema, the same objects as a fresh
-- installation of Python Procrastinate 3.9.0 (schema level 3.4.0, unchanged up
-- to 3.9). The names, argument names, types, signatures and behaviour of these
-- objects are the contract shared with Python Procrastinate: Python and Java
-- workers can use the same database, so nothing here may be renamed or changed
-- in place. Objects that need to change get a new "_vN" version instead.
--
-- No object is schema-qualified and no function pins a search_path: the schema
-- is chosen by the connection's search_path, as upstream does.


-- plpgsql is required by every function below. On managed services the role
-- may not be allowed to run CREATE EXTENSION; this block can only run when
-- plpgsql is available, so such a failure is safe to ignore.
DO $$
BEGIN
    CREATE EXTENSION IF NOT EXISTS plpgsql;
EXCEPTION
    WHEN insufficient_privilege OR duplicate_object THEN
        RAISE NOTICE 'plpgsql is already available, CREATE EXTENSION skipped (%)', SQLERRM;
END
$$;


-- Enum types. The order of the values is part of the contract.

CREATE TYPE procrastinate_job_status AS ENUM (
    'todo',       -- waiting to be fetched
    'doing',      -- fetched by a worker
    'succeeded',
    'failed',
    'cancelled',
    'aborting',   -- legacy: unused since 3.0.0, kept for compatibility
    'aborted'
);

CREATE TYPE procrastinate_job_event_type AS ENUM (
    'deferred',            -- job inserted as todo
    'started',             -- todo -> doing
    'deferred_for_retry',  -- doing -> todo
    'failed',              -- doing -> failed
    'succeeded',           -- doing -> succeeded
    'cancelled',           -- todo -> cancelled, failed or succeeded
    'abort_requested',     -- abort_requested set to true
    'aborted',             -- doing -> aborted
    'scheduled',           -- job has a scheduled_at (event "at" = scheduled_at)
    'retried'              -- failed -> todo (manual retry)
);


-- Element type of the batch defer function's argument.

CREATE TYPE procrastinate_job_to_defer_v1 AS (
    queue_name character varying,
    task_name character varying,
    priority integer,
    lock text,
    queueing_lock text,
    args jsonb,
    scheduled_at timestamp with time zone
);


-- Tables

CREATE TABLE procrastinate_workers (
    id bigint GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
    last_heartbeat timestamp with time zone NOT NULL DEFAULT now()
);

-- Clients must read columns by name: databases migrated by upstream scripts
-- have a different column order.
CREATE TABLE procrastinate_jobs (
    id bigserial PRIMARY KEY,
    queue_name character varying(128) NOT NULL,
    task_name character varying(128) NOT NULL,
    priority integer NOT NULL DEFAULT 0,
    lock text,
    queueing_lock text,
    args jsonb NOT NULL DEFAULT '{}',
    status procrastinate_job_status NOT NULL DEFAULT 'todo',
    scheduled_at timestamp with time zone,
    attempts integer NOT NULL DEFAULT 0,
    abort_requested boolean NOT NULL DEFAULT false,
    worker_id bigint REFERENCES procrastinate_workers (id) ON DELETE SET NULL,
    CONSTRAINT check_not_todo_abort_requested
        CHECK (NOT (status = 'todo' AND abort_requested = true))
);

-- One row per (task, periodic id, cron tick) ever claimed; older rows of the
-- same task and periodic id are removed when a newer tick is deferred.
-- job_id has no ON DELETE action: the jobs' BEFORE DELETE trigger clears it.
CREATE TABLE procrastinate_periodic_defers (
    id bigserial PRIMARY KEY,
    task_name character varying(128) NOT NULL,
    defer_timestamp bigint,
    job_id bigint REFERENCES procrastinate_jobs (id),
    periodic_id character varying(128) NOT NULL DEFAULT '',
    CONSTRAINT procrastinate_periodic_defers_unique
        UNIQUE (task_name, periodic_id, defer_timestamp)
);

CREATE TABLE procrastinate_events (
    id bigserial PRIMARY KEY,
    job_id bigint NOT NULL REFERENCES procrastinate_jobs (id) ON DELETE CASCADE,
    type procrastinate_job_event_type,
    at timestamp with time zone DEFAULT now()
);


-- Indexes

-- At most one waiting job per queueing lock. Clients recognise "already
-- enqueued" by this name in the unique-violation error.
CREATE UNIQUE INDEX procrastinate_jobs_queueing_lock_idx_v1
    ON procrastinate_jobs (queueing_lock) WHERE status = 'todo';

-- At most one running job per lock (last guard against concurrent fetches).
CREATE UNIQUE INDEX procrastinate_jobs_lock_idx_v1
    ON procrastinate_jobs (lock) WHERE status = 'doing';

CREATE INDEX idx_procrastinate_jobs_worker_not_null
    ON procrastinate_jobs (worker_id) WHERE worker_id IS NOT NULL AND status = 'doing';

CREATE INDEX procrastinate_jobs_queue_name_idx_v1
    ON procrastinate_jobs (queue_name);

CREATE INDEX procrastinate_jobs_id_lock_idx_v1
    ON procrastinate_jobs (id, lock) WHERE status IN ('todo', 'doing');

CREATE INDEX procrastinate_jobs_priority_idx_v1
    ON procrastinate_jobs (priority DESC, id ASC) WHERE status = 'todo';

CREATE INDEX procrastinate_events_job_id_fkey_v1
    ON procrastinate_events (job_id);

CREATE INDEX procrastinate_periodic_defers_job_id_fkey_v1
    ON procrastinate_periodic_defers (job_id);

CREATE INDEX idx_procrastinate_workers_last_heartbeat
    ON procrastinate_workers (last_heartbeat);


-- Functions called by clients

-- Inserts one job per element, in one statement, and returns the new ids in
-- the order of the input array (NULL for an empty array). Columns that are not
-- part of the composite keep their defaults (status todo, attempts 0). Any
-- queueing-lock clash aborts the whole statement, hence the whole batch.
CREATE FUNCTION procrastinate_defer_jobs_v1(jobs procrastinate_job_to_defer_v1[])
    RETURNS bigint[]
    LANGUAGE plpgsql
AS $$
DECLARE
    new_ids bigint[];
BEGIN
    -- Rows are inserted in input order, so the ids drawn from the sequence
    -- increase in input order too.
    WITH inserted AS (
        INSERT INTO procrastinate_jobs
            (queue_name, task_name, priority, lock, queueing_lock, args, scheduled_at)
        SELECT job.queue_name, job.task_name, job.priority, job.lock,
               job.queueing_lock, job.args, job.scheduled_at
        FROM unnest(jobs) WITH ORDINALITY AS job
        ORDER BY job.ordinality
        RETURNING id
    )
    SELECT array_agg(inserted.id ORDER BY inserted.id) INTO new_ids FROM inserted;

    RETURN new_ids;
END;
$$;

-- Defers the job of one cron tick, once across all workers: the first caller
-- claims (task, periodic id, tick) and gets the new job id, later callers get
-- NULL.
CREATE FUNCTION procrastinate_defer_periodic_job_v2(
    _queue_name character varying,
    _lock character varying,
    _queueing_lock character varying,
    _task_name character varying,
    _priority integer,
    _periodic_id character varying,
    _defer_timestamp bigint,
    _args jsonb
)
    RETURNS bigint
    LANGUAGE plpgsql
AS $$
DECLARE
    claim_id bigint;
    new_job_id bigint;
BEGIN
    INSERT INTO procrastinate_periodic_defers (task_name, periodic_id, defer_timestamp)
    VALUES (_task_name, _periodic_id, _defer_timestamp)
    ON CONFLICT (task_name, periodic_id, defer_timestamp) DO NOTHING
    RETURNING id INTO claim_id;

    IF claim_id IS NULL THEN
        -- this tick was already deferred
        RETURN NULL;
    END IF;

    new_job_id := (procrastinate_defer_jobs_v1(ARRAY[
        ROW(_queue_name, _task_name, _priority, _lock, _queueing_lock, _args,
            NULL::timestamp with time zone)::procrastinate_job_to_defer_v1
    ]))[1];

    UPDATE procrastinate_periodic_defers
    SET job_id = new_job_id
    WHERE id = claim_id;

    -- Forget the older ticks of this schedule; rows are locked in id order so
    -- that concurrent callers do not deadlock.
    DELETE FROM procrastinate_periodic_defers AS claim
    USING (
        SELECT older.id
        FROM procrastinate_periodic_defers AS older
        WHERE older.task_name = _task_name
          AND older.periodic_id = _periodic_id
          AND older.defer_timestamp < _defer_timestamp
        ORDER BY older.id
        FOR UPDATE
    ) AS outdated
    WHERE claim.id = outdated.id;

    RETURN new_job_id;
END;
$$;

-- Takes the next runnable job and marks it doing for the given worker.
-- Returns a single row with every column NULL when there is none.
CREATE FUNCTION procrastinate_fetch_job_v2(
    target_queue_names character varying[],
    p_worker_id bigint
)
    RETURNS procrastinate_jobs
    LANGUAGE plpgsql
AS $$
DECLARE
    fetched procrastinate_jobs;
BEGIN
    WITH candidate AS (
        SELECT jobs.id
        FROM procrastinate_jobs AS jobs
        WHERE jobs.status = 'todo'
          AND (target_queue_names IS NULL OR jobs.queue_name = ANY (target_queue_names))
          AND (jobs.scheduled_at IS NULL OR jobs.scheduled_at <= now())
          -- Lock rule: jobs sharing a lock run one at a time, in priority DESC,
          -- id ASC order. A job is not runnable while another job with the
          -- same lock is running, or is waiting and comes before it. The
          -- earlier waiting job counts whatever its queue and its
          -- scheduled_at, so a job scheduled in the future, or sitting in a
          -- queue nobody consumes, blocks the later jobs of its lock.
          AND NOT EXISTS (
              SELECT 1
              FROM procrastinate_jobs AS other
              WHERE jobs.lock IS NOT NULL
                AND other.lock = jobs.lock
                AND other.status IN ('todo', 'doing')
                AND (
                    other.status = 'doing'
                    OR other.priority > jobs.priority
                    OR (other.priority = jobs.priority AND other.id < jobs.id)
                )
          )
        ORDER BY jobs.priority DESC, jobs.id ASC
        LIMIT 1
        FOR UPDATE OF jobs SKIP LOCKED
    )
    UPDATE procrastinate_jobs AS job
    SET status = 'doing',
        worker_id = p_worker_id
    FROM candidate
    WHERE job.id = candidate.id
    RETURNING job.* INTO fetched;

    RETURN fetched;
END;
$$;

-- Ends a todo or doing job with succeeded, failed or aborted, or deletes it.
-- attempts counts finished runs, so it only grows when the job was doing.
CREATE FUNCTION procrastinate_finish_job_v1(
    job_id bigint,
    end_status procrastinate_job_status,
    delete_job boolean
)
    RETURNS void
    LANGUAGE plpgsql
AS $$
DECLARE
    finished_id bigint;
BEGIN
    IF end_status IS NULL OR end_status NOT IN ('succeeded', 'failed', 'aborted') THEN
        RAISE 'End status should be either "succeeded", "failed" or "aborted" (job id: %)', job_id;
    END IF;

    IF delete_job THEN
        DELETE FROM procrastinate_jobs
        WHERE id = job_id AND status IN ('todo', 'doing')
        RETURNING id INTO finished_id;
    ELSE
        UPDATE procrastinate_jobs
        SET status = end_status,
            abort_requested = false,
            attempts = CASE WHEN status = 'doing' THEN attempts + 1 ELSE attempts END
        WHERE id = job_id AND status IN ('todo', 'doing')
        RETURNING id INTO finished_id;
    END IF;

    IF finished_id IS NULL THEN
        RAISE 'Job was not found or not in "doing" or "todo" status (job id: %)', job_id;
    END IF;
END;
$$;

-- Cancels a job. Returns its id, or NULL when nothing was changed.
--  * delete_job: delete it if it is still todo; otherwise fall through.
--  * abort = false: todo -> cancelled.
--  * abort = true: set abort_requested on a todo or doing job; a todo job
--    also becomes cancelled (the check constraint forbids todo + abort).
CREATE FUNCTION procrastinate_cancel_job_v1(job_id bigint, abort boolean, delete_job boolean)
    RETURNS bigint
    LANGUAGE plpgsql
AS $$
DECLARE
    cancelled_id bigint;
BEGIN
    IF delete_job THEN
        DELETE FROM procrastinate_jobs
        WHERE id = job_id AND status = 'todo'
        RETURNING id INTO cancelled_id;

        IF cancelled_id IS NOT NULL THEN
            RETURN cancelled_id;
        END IF;
    END IF;

    IF abort THEN
        UPDATE procrastinate_jobs
        SET abort_requested = true,
            status = CASE WHEN status = 'todo'
                          THEN 'cancelled'::procrastinate_job_status
                          ELSE status END
        WHERE id = job_id AND status IN ('todo', 'doing')
        RETURNING id INTO cancelled_id;
    ELSE
        UPDATE procrastinate_jobs
        SET status = 'cancelled'
        WHERE id = job_id AND status = 'todo'
        RETURNING id INTO cancelled_id;
    END IF;

    RETURN cancelled_id;
END;
$$;

-- Retry used by clients before 3.4: only from doing. A job whose abort was
-- requested becomes failed instead (abort_requested stays true).
CREATE FUNCTION procrastinate_retry_job_v1(
    job_id bigint,
    retry_at timestamp with time zone,
    new_priority integer,
    new_queue_name character varying,
    new_lock character varying
)
    RETURNS void
    LANGUAGE plpgsql
AS $$
DECLARE
    is_abort_requested boolean;
    retried_id bigint;
BEGIN
    SELECT abort_requested INTO is_abort_requested
    FROM procrastinate_jobs
    WHERE id = job_id AND status = 'doing'
    FOR UPDATE;

    IF is_abort_requested THEN
        UPDATE procrastinate_jobs
        SET status = 'failed'
        WHERE id = job_id AND status = 'doing'
        RETURNING id INTO retried_id;
    ELSE
        UPDATE procrastinate_jobs
        SET status = 'todo',
            attempts = attempts + 1,
            scheduled_at = retry_at,
            priority = COALESCE(new_priority, priority),
            queue_name = COALESCE(new_queue_name, queue_name),
            lock = COALESCE(new_lock, lock)
        WHERE id = job_id AND status = 'doing'
        RETURNING id INTO retried_id;
    END IF;

    IF retried_id IS NULL THEN
        RAISE 'Job was not found or not in "doing" status (job id: %)', job_id;
    END IF;
END;
$$;

-- Retry used by 3.4+ clients: from doing (worker retry) or failed (manual
-- retry). A doing job whose abort was requested becomes failed instead, and
-- keeps abort_requested = true.
CREATE FUNCTION procrastinate_retry_job_v2(
    job_id bigint,
    retry_at timestamp with time zone,
    new_priority integer,
    new_queue_name character varying,
    new_lock character varying
)
    RETURNS void
    LANGUAGE plpgsql
AS $$
DECLARE
    current_status procrastinate_job_status;
    is_abort_requested boolean;
    retried_id bigint;
BEGIN
    SELECT status, abort_requested INTO current_status, is_abort_requested
    FROM procrastinate_jobs
    WHERE id = job_id AND status IN ('doing', 'failed')
    FOR UPDATE;

    IF current_status = 'doing' AND is_abort_requested THEN
        UPDATE procrastinate_jobs
        SET status = 'failed'
        WHERE id = job_id AND status = 'doing'
        RETURNING id INTO retried_id;
    ELSE
        UPDATE procrastinate_jobs
        SET status = 'todo',
            attempts = attempts + 1,
            scheduled_at = retry_at,
            priority = COALESCE(new_priority, priority),
            queue_name = COALESCE(new_queue_name, queue_name),
            lock = COALESCE(new_lock, lock)
        WHERE id = job_id AND status IN ('doing', 'failed')
        RETURNING id INTO retried_id;
    END IF;

    IF retried_id IS NULL THEN
        RAISE 'Job was not found or has an invalid status to retry (job id: %)', job_id;
    END IF;
END;
$$;

CREATE FUNCTION procrastinate_register_worker_v1()
    RETURNS TABLE (worker_id bigint)
    LANGUAGE plpgsql
AS $$
BEGIN
    RETURN QUERY
        INSERT INTO procrastinate_workers (last_heartbeat)
        VALUES (now())
        RETURNING procrastinate_workers.id;
END;
$$;

-- Deleting the worker sets worker_id to NULL on its jobs (foreign key action).
CREATE FUNCTION procrastinate_unregister_worker_v1(worker_id bigint)
    RETURNS void
    LANGUAGE plpgsql
AS $$
BEGIN
    DELETE FROM procrastinate_workers
    WHERE id = worker_id;
END;
$$;

CREATE FUNCTION procrastinate_update_heartbeat_v1(worker_id bigint)
    RETURNS void
    LANGUAGE plpgsql
AS $$
BEGIN
    UPDATE procrastinate_workers
    SET last_heartbeat = now()
    WHERE id = worker_id;
END;
$$;

-- Deletes the workers whose last heartbeat is older than the given number of
-- seconds and returns their ids.
CREATE FUNCTION procrastinate_prune_stalled_workers_v1(seconds_since_heartbeat double precision)
    RETURNS TABLE (worker_id bigint)
    LANGUAGE plpgsql
AS $$
BEGIN
    RETURN QUERY
        DELETE FROM procrastinate_workers
        WHERE last_heartbeat < now() - seconds_since_heartbeat * interval '1 second'
        RETURNING procrastinate_workers.id;
END;
$$;


-- Trigger functions

-- NOTIFY channels are "procrastinate_queue_v1#<queue_name>" and
-- "procrastinate_any_queue_v1". PostgreSQL limits channel names to 63 bytes
-- and the prefix takes 23, so inserting a todo job whose queue name is longer
-- than 40 bytes fails with "channel name too long".
CREATE FUNCTION procrastinate_notify_queue_job_inserted_v1()
    RETURNS trigger
    LANGUAGE plpgsql
AS $$
DECLARE
    payload text := json_build_object('type', 'job_inserted', 'job_id', NEW.id)::text;
BEGIN
    PERFORM pg_notify('procrastinate_queue_v1#' || NEW.queue_name, payload);
    PERFORM pg_notify('procrastinate_any_queue_v1', payload);
    RETURN NEW;
END;
$$;

CREATE FUNCTION procrastinate_notify_queue_abort_job_v1()
    RETURNS trigger
    LANGUAGE plpgsql
AS $$
DECLARE
    payload text := json_build_object('type', 'abort_job_requested', 'job_id', NEW.id)::text;
BEGIN
    PERFORM pg_notify('procrastinate_queue_v1#' || NEW.queue_name, payload);
    PERFORM pg_notify('procrastinate_any_queue_v1', payload);
    RETURN NEW;
END;
$$;

CREATE FUNCTION procrastinate_trigger_function_status_events_insert_v1()
    RETURNS trigger
    LANGUAGE plpgsql
AS $$
BEGIN
    INSERT INTO procrastinate_events (job_id, type)
    VALUES (NEW.id, 'deferred');
    RETURN NEW;
END;
$$;

-- Records the event matching a status transition; other transitions (for
-- instance todo -> aborted) record nothing.
CREATE FUNCTION procrastinate_trigger_function_status_events_update_v1()
    RETURNS trigger
    LANGUAGE plpgsql
AS $$
DECLARE
    event procrastinate_job_event_type;
BEGIN
    event := CASE
        WHEN OLD.status = 'todo' AND NEW.status = 'doing'
            THEN 'started'
        WHEN OLD.status = 'doing' AND NEW.status = 'todo'
            THEN 'deferred_for_retry'
        WHEN OLD.status = 'doing' AND NEW.status = 'failed'
            THEN 'failed'
        WHEN OLD.status = 'doing' AND NEW.status = 'succeeded'
            THEN 'succeeded'
        WHEN OLD.status = 'todo' AND NEW.status IN ('cancelled', 'failed', 'succeeded')
            THEN 'cancelled'
        WHEN OLD.status = 'doing' AND NEW.status = 'aborted'
            THEN 'aborted'
        WHEN OLD.status = 'failed' AND NEW.status = 'todo'
            THEN 'retried'
    END::procrastinate_job_event_type;

    IF event IS NOT NULL THEN
        INSERT INTO procrastinate_events (job_id, type)
        VALUES (NEW.id, event);
    END IF;
    RETURN NEW;
END;
$$;

CREATE FUNCTION procrastinate_trigger_function_scheduled_events_v1()
    RETURNS trigger
    LANGUAGE plpgsql
AS $$
BEGIN
    INSERT INTO procrastinate_events (job_id, type, at)
    VALUES (NEW.id, 'scheduled', NEW.scheduled_at);
    RETURN NEW;
END;
$$;

CREATE FUNCTION procrastinate_trigger_abort_requested_events_procedure_v1()
    RETURNS trigger
    LANGUAGE plpgsql
AS $$
BEGIN
    INSERT INTO procrastinate_events (job_id, type)
    VALUES (NEW.id, 'abort_requested');
    RETURN NEW;
END;
$$;

CREATE FUNCTION procrastinate_unlink_periodic_defers_v1()
    RETURNS trigger
    LANGUAGE plpgsql
AS $$
BEGIN
    UPDATE procrastinate_periodic_defers
    SET job_id = NULL
    WHERE job_id = OLD.id;
    RETURN OLD;
END;
$$;


-- Triggers

CREATE TRIGGER procrastinate_jobs_notify_queue_job_inserted_v1
    AFTER INSERT ON procrastinate_jobs
    FOR EACH ROW
    WHEN (new.status = 'todo')
    EXECUTE FUNCTION procrastinate_notify_queue_job_inserted_v1();

-- Only a running job needs to be told; a todo job is cancelled right away.
CREATE TRIGGER procrastinate_jobs_notify_queue_job_aborted_v1
    AFTER UPDATE OF abort_requested ON procrastinate_jobs
    FOR EACH ROW
    WHEN (old.abort_requested = false AND new.abort_requested = true AND new.status = 'doing')
    EXECUTE FUNCTION procrastinate_notify_queue_abort_job_v1();

CREATE TRIGGER procrastinate_trigger_status_events_update_v1
    AFTER UPDATE OF status ON procrastinate_jobs
    FOR EACH ROW
    EXECUTE FUNCTION procrastinate_trigger_function_status_events_update_v1();

CREATE TRIGGER procrastinate_trigger_status_events_insert_v1
    AFTER INSERT ON procrastinate_jobs
    FOR EACH ROW
    WHEN (new.status = 'todo')
    EXECUTE FUNCTION procrastinate_trigger_function_status_events_insert_v1();

-- Fires on every retry too, since a retry always writes scheduled_at.
CREATE TRIGGER procrastinate_trigger_scheduled_events_v1
    AFTER INSERT OR UPDATE ON procrastinate_jobs
    FOR EACH ROW
    WHEN (new.scheduled_at IS NOT NULL AND new.status = 'todo')
    EXECUTE FUNCTION procrastinate_trigger_function_scheduled_events_v1();

CREATE TRIGGER procrastinate_trigger_abort_requested_events_v1
    AFTER UPDATE OF abort_requested ON procrastinate_jobs
    FOR EACH ROW
    WHEN (new.abort_requested = true)
    EXECUTE FUNCTION procrastinate_trigger_abort_requested_events_procedure_v1();

CREATE TRIGGER procrastinate_trigger_delete_jobs_v1
    BEFORE DELETE ON procrastinate_jobs
    FOR EACH ROW
    EXECUTE FUNCTION procrastinate_unlink_periodic_defers_v1();
