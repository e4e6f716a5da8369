-- What a job's task returned, as JSON, written by the worker of this runtime that ran it, in the
-- transaction that writes its success. Upstream Procrastinate keeps no result: a job a Python worker
-- ran has no row here, and Python workers neither read nor write this table.
--
-- One row per succeeded job whose task returned a value (a void task, or one that returned null,
-- has none). The worker bounds a result to 1 MiB of JSON text: a larger one fails the run, with a
-- message that says so, instead of storing it. Rows go with their job (ON DELETE CASCADE), however
-- it is deleted: by a worker's delete policy (so results need a policy that keeps succeeded jobs),
-- remove_old_jobs, or a Python service.
--
-- Additive to the Procrastinate 3.9 schema, under the procrastinate_java_ prefix. The foreign key
-- takes a SHARE ROW EXCLUSIVE lock on procrastinate_jobs until this transaction commits, a moment
-- later: as for the headers' table (V3) and the failures' table (V5), it is asked for with a short
-- lock_timeout, and asked again after a pause while another transaction holds the table. The
-- statement can run again (IF NOT EXISTS).
DO $$
DECLARE
    previous_timeout constant text := current_setting('lock_timeout');
    attempt integer := 0;
BEGIN
    LOOP
        attempt := attempt + 1;
        BEGIN
            PERFORM set_config('lock_timeout', '100ms', true);
            CREATE TABLE IF NOT EXISTS procrastinate_java_job_results (
                job_id bigint PRIMARY KEY REFERENCES procrastinate_jobs (id) ON DELETE CASCADE,
                result jsonb NOT NULL,
                stored_at timestamp with time zone NOT NULL DEFAULT now()
            ) WITH (vacuum_truncate = off);
            EXIT;
        EXCEPTION WHEN lock_not_available THEN
            IF attempt >= 450 THEN
                RAISE EXCEPTION 'procrastinate_java_job_results was not created: for 3 minutes a'
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
