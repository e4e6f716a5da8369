-- Workflows: jobs that run after other jobs succeeded (chains, groups and their callbacks).
--
-- A workflow is deferred in one transaction. Every step gets its job id then, reserved from the
-- jobs' own sequence, so the caller knows them all at once. The steps that wait for nothing are
-- inserted into procrastinate_jobs as any job is. The others wait here, in
-- procrastinate_java_workflow_steps, never as todo rows of procrastinate_jobs: a Python worker on
-- the same queue would run those early.
--
-- A waiting step is released, inserted into procrastinate_jobs under its reserved id, when the last
-- job it waits for succeeds. A trigger on procrastinate_jobs does it, inside the transaction that
-- writes the success, whoever writes it (a worker of this runtime, a Python worker, an update by
-- hand): a crash can neither release a step twice nor lose its release. Its queue, priority, lock,
-- queueing lock and schedule apply from then on (a delay counts from the release).
--
-- A job that ends otherwise (failed for good, cancelled, aborted, or deleted before it ended)
-- cancels every waiting step after it, transitively: each is inserted into procrastinate_jobs as
-- cancelled, so every view of the jobs shows its end, and its row here keeps the reason. A retry
-- (status back to todo) is not an end: only the last attempt counts.
--
-- Additive to the Procrastinate 3.9 schema, under the procrastinate_java_ prefix. The two triggers
-- on procrastinate_jobs run for jobs that end, and look once by key into the edges' table for the
-- job's id: for a job outside any workflow, that lookup is all they cost. Creating a trigger takes
-- a SHARE ROW EXCLUSIVE lock on procrastinate_jobs until this transaction commits, a moment later:
-- as for the foreign keys of V3, V5 and V8, it is asked for with a short lock_timeout, and asked
-- again after a pause while another transaction holds the table. Every statement can run again.

-- One row per step of a workflow, from its defer on. The step's job row holds its live status once
-- released; this row keeps the workflow's shape and the reason of a cancellation.
CREATE TABLE IF NOT EXISTS procrastinate_java_workflow_steps (
    id bigint PRIMARY KEY,
    workflow_id bigint NOT NULL,
    position integer NOT NULL CHECK (position >= 0),
    state text NOT NULL CHECK (state IN ('waiting', 'released', 'cancelled')),
    waiting_for integer NOT NULL CHECK (waiting_for >= 0),
    queue_name character varying(128) NOT NULL,
    task_name character varying(128) NOT NULL,
    priority integer NOT NULL,
    lock text,
    queueing_lock text,
    args jsonb NOT NULL,
    scheduled_at timestamp with time zone,
    schedule_in interval,
    headers jsonb,
    reason text,
    deferred_at timestamp with time zone NOT NULL DEFAULT now(),
    ended_at timestamp with time zone
) WITH (vacuum_truncate = off);

CREATE INDEX IF NOT EXISTS procrastinate_java_workflow_steps_workflow_idx_v1
    ON procrastinate_java_workflow_steps (workflow_id, position);

-- One row per dependency: to_id runs after from_id succeeded. done once from_id ended, either way.
CREATE TABLE IF NOT EXISTS procrastinate_java_workflow_edges (
    from_id bigint NOT NULL,
    to_id bigint NOT NULL REFERENCES procrastinate_java_workflow_steps (id) ON DELETE CASCADE,
    done boolean NOT NULL DEFAULT false,
    PRIMARY KEY (from_id, to_id)
) WITH (vacuum_truncate = off);

CREATE INDEX IF NOT EXISTS procrastinate_java_workflow_edges_to_idx_v1
    ON procrastinate_java_workflow_edges (to_id);

-- Cancels the waiting steps after a job, transitively, each with the reason given: each becomes a
-- cancelled row of procrastinate_jobs (no event, no notification: it never waited as todo).
CREATE OR REPLACE FUNCTION procrastinate_java_workflow_cancel_after_v1(p_job_id bigint, p_reason text)
    RETURNS void
    LANGUAGE sql
    SET jit TO off
AS $$
    WITH RECURSIVE after (id) AS (
        SELECT edges.to_id
          FROM procrastinate_java_workflow_edges AS edges
         WHERE edges.from_id = p_job_id
        UNION
        SELECT edges.to_id
          FROM procrastinate_java_workflow_edges AS edges
          JOIN after ON edges.from_id = after.id
    ),
    cancelled AS (
        UPDATE procrastinate_java_workflow_steps AS steps
           SET state = 'cancelled',
               reason = p_reason,
               ended_at = now()
         WHERE steps.id IN (SELECT after.id FROM after)
           AND steps.state = 'waiting'
        RETURNING steps.*
    )
    INSERT INTO procrastinate_jobs
           (id, queue_name, task_name, priority, lock, queueing_lock, args, status, scheduled_at)
    SELECT cancelled.id, cancelled.queue_name, cancelled.task_name, cancelled.priority,
           cancelled.lock, cancelled.queueing_lock, cancelled.args, 'cancelled',
           cancelled.scheduled_at
      FROM cancelled;
$$;

-- Releases a waiting step: its job is inserted under its reserved id, as todo, with its headers.
-- A queueing lock held by another waiting job refuses the insert: then p_raise raises the unique
-- violation (a defer, which the caller sees as an already enqueued job), and otherwise the step
-- is cancelled, with the steps after it.
CREATE OR REPLACE FUNCTION procrastinate_java_workflow_release_v1(p_step_id bigint, p_raise boolean)
    RETURNS void
    LANGUAGE plpgsql
    SET jit TO off
AS $$
DECLARE
    step procrastinate_java_workflow_steps;
BEGIN
    SELECT * INTO step
      FROM procrastinate_java_workflow_steps AS steps
     WHERE steps.id = p_step_id
       AND steps.state = 'waiting'
       FOR UPDATE;
    IF NOT FOUND THEN
        RETURN;
    END IF;
    BEGIN
        INSERT INTO procrastinate_jobs
               (id, queue_name, task_name, priority, lock, queueing_lock, args, scheduled_at)
        VALUES (step.id, step.queue_name, step.task_name, step.priority, step.lock,
                step.queueing_lock, step.args,
                coalesce(step.scheduled_at, now() + step.schedule_in));
    EXCEPTION WHEN unique_violation THEN
        IF p_raise THEN
            RAISE;
        END IF;
        UPDATE procrastinate_java_workflow_steps AS steps
           SET state = 'cancelled',
               reason = format('its queueing lock %s was held by another waiting job when it was'
                               ' released', step.queueing_lock),
               ended_at = now()
         WHERE steps.id = step.id;
        INSERT INTO procrastinate_jobs
               (id, queue_name, task_name, priority, lock, queueing_lock, args, status,
                scheduled_at)
        VALUES (step.id, step.queue_name, step.task_name, step.priority, step.lock,
                step.queueing_lock, step.args, 'cancelled', step.scheduled_at);
        PERFORM procrastinate_java_workflow_cancel_after_v1(
            step.id, format('job %s (%s) was cancelled', step.id, step.task_name));
        RETURN;
    END;
    IF step.headers IS NOT NULL THEN
        INSERT INTO procrastinate_java_job_headers (job_id, headers) VALUES (step.id, step.headers);
    END IF;
    UPDATE procrastinate_java_workflow_steps AS steps
       SET state = 'released'
     WHERE steps.id = step.id;
END;
$$;

-- A job of a workflow ended: on success, the steps that waited for it and nothing else are
-- released; on any other end, the waiting steps after it are cancelled. Its edges are marked done,
-- so that a second call for the same end (a replayed write) does nothing.
CREATE OR REPLACE FUNCTION procrastinate_java_workflow_ended_v1(
    p_job_id bigint,
    p_status text,
    p_task_name text
)
    RETURNS void
    LANGUAGE plpgsql
    SET jit TO off
AS $$
DECLARE
    next_step record;
BEGIN
    IF p_status = 'succeeded' THEN
        FOR next_step IN
            WITH passed AS (
                UPDATE procrastinate_java_workflow_edges AS edges
                   SET done = true
                 WHERE edges.from_id = p_job_id
                   AND NOT edges.done
                RETURNING edges.to_id
            )
            UPDATE procrastinate_java_workflow_steps AS steps
               SET waiting_for = steps.waiting_for - 1
              FROM passed
             WHERE steps.id = passed.to_id
               AND steps.state = 'waiting'
            RETURNING steps.id, steps.waiting_for
        LOOP
            IF next_step.waiting_for = 0 THEN
                PERFORM procrastinate_java_workflow_release_v1(next_step.id, false);
            END IF;
        END LOOP;
    ELSE
        PERFORM procrastinate_java_workflow_cancel_after_v1(
            p_job_id,
            format('job %s (%s) %s', p_job_id, p_task_name,
                   CASE p_status
                       WHEN 'failed' THEN 'failed'
                       WHEN 'cancelled' THEN 'was cancelled'
                       WHEN 'aborted' THEN 'was aborted'
                       ELSE 'was deleted before it ended'
                   END));
        UPDATE procrastinate_java_workflow_edges AS edges
           SET done = true
         WHERE edges.from_id = p_job_id
           AND NOT edges.done;
    END IF;
END;
$$;

CREATE OR REPLACE FUNCTION procrastinate_java_workflow_job_ended_v1()
    RETURNS trigger
    LANGUAGE plpgsql
    SET jit TO off
AS $$
BEGIN
    IF TG_OP = 'DELETE' THEN
        IF EXISTS (SELECT 1
                     FROM procrastinate_java_workflow_edges AS edges
                    WHERE edges.from_id = OLD.id
                      AND NOT edges.done) THEN
            PERFORM procrastinate_java_workflow_ended_v1(OLD.id, 'deleted', OLD.task_name);
        END IF;
        RETURN OLD;
    END IF;
    IF EXISTS (SELECT 1
                 FROM procrastinate_java_workflow_edges AS edges
                WHERE edges.from_id = NEW.id
                  AND NOT edges.done) THEN
        PERFORM procrastinate_java_workflow_ended_v1(NEW.id, NEW.status::text, NEW.task_name);
    END IF;
    RETURN NEW;
END;
$$;

DO $$
DECLARE
    previous_timeout constant text := current_setting('lock_timeout');
    attempt integer := 0;
BEGIN
    LOOP
        attempt := attempt + 1;
        BEGIN
            PERFORM set_config('lock_timeout', '100ms', true);
            DROP TRIGGER IF EXISTS procrastinate_java_workflow_job_ended_v1 ON procrastinate_jobs;
            CREATE TRIGGER procrastinate_java_workflow_job_ended_v1
                AFTER UPDATE OF status ON procrastinate_jobs
                FOR EACH ROW
                WHEN (OLD.status IS DISTINCT FROM NEW.status
                      AND NEW.status IN ('succeeded', 'failed', 'cancelled', 'aborted'))
                EXECUTE FUNCTION procrastinate_java_workflow_job_ended_v1();
            DROP TRIGGER IF EXISTS procrastinate_java_workflow_job_deleted_v1 ON procrastinate_jobs;
            CREATE TRIGGER procrastinate_java_workflow_job_deleted_v1
                AFTER DELETE ON procrastinate_jobs
                FOR EACH ROW
                WHEN (OLD.status IN ('todo', 'doing'))
                EXECUTE FUNCTION procrastinate_java_workflow_job_ended_v1();
            EXIT;
        EXCEPTION WHEN lock_not_available THEN
            IF attempt >= 450 THEN
                RAISE EXCEPTION 'the workflow triggers were not created: for 3 minutes a'
                    ' transaction kept procrastinate_jobs locked against the brief lock a trigger'
                    ' needs'
                    USING HINT = 'Find the long transaction in pg_stat_activity, let it end, and'
                        ' migrate again.';
            END IF;
        END;
        PERFORM pg_sleep(0.2 + random() * 0.2);
    END LOOP;
    PERFORM set_config('lock_timeout', previous_timeout, true);
END;
$$;
