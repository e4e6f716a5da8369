-- Why each attempt of a job failed, as the worker of this runtime that ran it saw it: the exception's
-- class, message and stack trace (its causes included), the worker, when, and details the task
-- added. Upstream Procrastinate keeps no such record: a failed job of a Python worker has no row
-- here, and Python workers neither read nor write this table.
--
-- One row per failed or aborted attempt (a run that ended in a retry counts as failed), written by
-- the worker in the transaction that writes the attempt's outcome. Rows go with their job (ON DELETE
-- CASCADE), however it is deleted: by a worker's delete policy, remove_old_jobs, or a Python
-- service. Texts are bounded by the worker that writes them (message 2,000 characters, stack trace
-- 16,000), so a row stays small whatever the exception.
--
-- Additive to the Procrastinate 3.9 schema, under the procrastinate_java_ prefix that upstream never
-- uses. The foreign key takes a SHARE ROW EXCLUSIVE lock on procrastinate_jobs, which writers
-- conflict with, until this transaction commits, a moment later: as for the job headers' table (V3),
-- it is asked for with a short lock_timeout, and asked again after a pause while another
-- transaction holds the table. The statement can run again (IF NOT EXISTS).
DO $$
DECLARE
    previous_timeout constant text := current_setting('lock_timeout');
    attempt integer := 0;
BEGIN
    LOOP
        attempt := attempt + 1;
        BEGIN
            PERFORM set_config('lock_timeout', '100ms', true);
            CREATE TABLE IF NOT EXISTS procrastinate_java_job_failures (
                job_id bigint NOT NULL REFERENCES procrastinate_jobs (id) ON DELETE CASCADE,
                attempt integer NOT NULL CHECK (attempt > 0),
                failed_at timestamp with time zone NOT NULL DEFAULT now(),
                status text NOT NULL CHECK (status IN ('failed', 'aborted')),
                worker_name text,
                exception_class text NOT NULL,
                message text,
                stack_trace text,
                details jsonb CHECK (details IS NULL OR jsonb_typeof(details) = 'object'),
                PRIMARY KEY (job_id, attempt)
            ) WITH (vacuum_truncate = off);
            -- The overview's failures of the last hour. Built with the table, while it is empty;
            -- skipped when the script runs again.
            CREATE INDEX IF NOT EXISTS procrastinate_java_job_failures_failed_at_idx_v1
                ON procrastinate_java_job_failures (failed_at);
            EXIT;
        EXCEPTION WHEN lock_not_available THEN
            IF attempt >= 450 THEN
                RAISE EXCEPTION 'procrastinate_java_job_failures was not created: for 3 minutes a'
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
