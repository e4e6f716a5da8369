-- Headers of a job, written at defer time by a ContextPropagator (a trace context, say) and read
-- by the worker that runs the job.
--
-- Additive to the Procrastinate 3.9 schema, under the procrastinate_java_ prefix that upstream
-- never uses. A job without headers has no row here, so deferring costs nothing more unless a
-- propagator is configured. Rows go with their job (ON DELETE CASCADE), however it is deleted:
-- by a worker's delete policy, remove_old_jobs, or a Python service.
CREATE TABLE procrastinate_java_job_headers (
    job_id bigint PRIMARY KEY REFERENCES procrastinate_jobs (id) ON DELETE CASCADE,
    headers jsonb NOT NULL CHECK (jsonb_typeof(headers) = 'object')
);
