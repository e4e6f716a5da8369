-- Lean event recording: an operator's switch, off by default, that stops the two event rows each
-- job writes on its way through the queue, 'deferred' at its insert and 'started' when a worker
-- takes it, and keeps every other one.
--
-- Full recording (the default, and upstream's) is the contract's two triggers:
--   procrastinate_trigger_status_events_insert_v1  writes 'deferred' for each waiting job inserted;
--   procrastinate_trigger_status_events_update_v1  writes the event of each status change.
-- Lean recording disables both, and enables procrastinate_java_status_events_lean_v1 below, which
-- writes the events of every status change but the start (todo -> doing): the ends (succeeded,
-- failed, aborted, cancelled) stay, because upstream's delete_old_jobs and this runtime's date a
-- finished job by its latest event, and the dashboard's chart counts them; the retries
-- (deferred_for_retry, retried) stay, because the backlog's wait reads them. The start is skipped
-- by the trigger's WHEN clause, so a fetch calls no function at all for it.
--
-- The switch is procrastinate_java_set_event_recording_v1('lean' | 'full'): one ALTER TABLE that
-- enables and disables the three triggers together, so that no status change is recorded twice or
-- not at all. It takes a SHARE ROW EXCLUSIVE lock on procrastinate_jobs until its transaction ends;
-- it asks with a 100 ms lock_timeout, and again after a pause while another transaction holds the
-- table, so that writers never queue behind it for longer than that. The state lives in
-- pg_trigger.tgenabled: every worker, Java or Python, and every writer sees it at its next
-- statement. Additive to the Procrastinate 3.9 schema: upstream's triggers are disabled, never
-- changed. Every statement can run again, and running this script again keeps the mode in place.

-- The events of procrastinate_trigger_function_status_events_update_v1, but the start: the same
-- mapping in a function of this runtime, so that an upstream migration that replaces its own
-- function is not held back by this trigger. EventRecordingTest compares the two on every change.
CREATE OR REPLACE FUNCTION procrastinate_java_status_events_lean_v1()
    RETURNS trigger
    LANGUAGE plpgsql
AS $$
DECLARE
    event procrastinate_job_event_type;
BEGIN
    event := CASE
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

-- Switches the recording, and returns the mode now in place. p_max_wait bounds how long it keeps
-- asking for the table's lock; past it, it raises lock_not_available with a hint. The triggers'
-- states change in one statement, in the caller's transaction.
CREATE OR REPLACE FUNCTION procrastinate_java_set_event_recording_v1(
    p_mode text, p_max_wait interval DEFAULT interval '30 seconds')
    RETURNS text
    LANGUAGE plpgsql
AS $$
DECLARE
    previous_timeout constant text := current_setting('lock_timeout');
    give_up constant timestamptz := clock_timestamp() + p_max_wait;
    upstream_state text;
    lean_state text;
BEGIN
    IF p_mode = 'lean' THEN
        upstream_state := 'DISABLE';
        lean_state := 'ENABLE';
    ELSIF p_mode = 'full' THEN
        upstream_state := 'ENABLE';
        lean_state := 'DISABLE';
    ELSE
        RAISE EXCEPTION 'event recording ''%'' is not a mode', p_mode
            USING HINT = 'Pass ''full'' (every status change recorded, the default) or ''lean''.',
                  ERRCODE = 'invalid_parameter_value';
    END IF;
    LOOP
        BEGIN
            PERFORM set_config('lock_timeout', '100ms', true);
            EXECUTE format(
                'ALTER TABLE procrastinate_jobs'
                ' %1$s TRIGGER procrastinate_trigger_status_events_insert_v1,'
                ' %1$s TRIGGER procrastinate_trigger_status_events_update_v1,'
                ' %2$s TRIGGER procrastinate_java_status_events_lean_v1',
                upstream_state, lean_state);
            EXIT;
        EXCEPTION WHEN lock_not_available THEN
            IF clock_timestamp() >= give_up THEN
                PERFORM set_config('lock_timeout', previous_timeout, true);
                RAISE EXCEPTION 'event recording was not switched to %: for % a transaction kept'
                    ' procrastinate_jobs locked against the brief lock the switch needs',
                    p_mode, p_max_wait
                    USING HINT = 'Find the long transaction in pg_stat_activity, let it end, and'
                        ' switch again.',
                          ERRCODE = 'lock_not_available';
            END IF;
        END;
        PERFORM pg_sleep(0.05 + random() * 0.1);
    END LOOP;
    PERFORM set_config('lock_timeout', previous_timeout, true);
    RETURN p_mode;
END;
$$;

-- The lean trigger, created disabled: full recording stays the mode after this migration. Created
-- only when absent, so that running this script again leaves a lean schema lean.
DO $$
DECLARE
    previous_timeout constant text := current_setting('lock_timeout');
    attempt integer := 0;
BEGIN
    LOOP
        attempt := attempt + 1;
        BEGIN
            PERFORM set_config('lock_timeout', '100ms', true);
            IF NOT EXISTS (SELECT 1 FROM pg_trigger
                            WHERE tgrelid = 'procrastinate_jobs'::regclass
                              AND tgname = 'procrastinate_java_status_events_lean_v1') THEN
                CREATE TRIGGER procrastinate_java_status_events_lean_v1
                    AFTER UPDATE OF status ON procrastinate_jobs
                    FOR EACH ROW
                    WHEN (NOT (OLD.status = 'todo' AND NEW.status = 'doing'))
                    EXECUTE FUNCTION procrastinate_java_status_events_lean_v1();
                ALTER TABLE procrastinate_jobs
                    DISABLE TRIGGER procrastinate_java_status_events_lean_v1;
            END IF;
            EXIT;
        EXCEPTION WHEN lock_not_available THEN
            IF attempt >= 450 THEN
                RAISE EXCEPTION 'the lean event trigger was not created: for 3 minutes a'
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
