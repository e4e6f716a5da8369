-- Indexes for the dashboard's read queries, so that each page answers in milliseconds on a table of
-- millions of jobs: every filter of the job list, the counts per queue and per task, and the jobs
-- finished per minute reach their rows through an index instead of a scan of the table.
--
-- Additive to the Procrastinate 3.9 schema, under the procrastinate_java_ prefix that upstream never
-- uses; Python workers on the same database do not read them. Each is as narrow as its queries
-- allow, to keep the cost of writing jobs low: the index on finished jobs is not written when a job
-- is deferred or started, the lock indexes only hold jobs that have a lock, and the events index
-- leaves out started and scheduled events.

-- Finished jobs per status and queue: the per-queue counts (one index range per status and queue,
-- found with a skip scan), and the job list filtered by a finished status. Waiting and running jobs
-- are read through the contract's partial indexes on status = 'todo' and status IN ('todo', 'doing').
CREATE INDEX procrastinate_java_jobs_finished_queue_idx_v1
    ON procrastinate_jobs (status, queue_name, id)
    WHERE status NOT IN ('todo', 'doing');

-- Jobs per task and status: the tasks seen in the database and their counts, and the job list
-- filtered by task.
CREATE INDEX procrastinate_java_jobs_task_idx_v1
    ON procrastinate_jobs (task_name, status, id);

-- The job list filtered by lock or by queueing lock, whatever the job's status (the contract's
-- indexes on them hold waiting or running jobs only).
CREATE INDEX procrastinate_java_jobs_lock_idx_v1
    ON procrastinate_jobs (lock, id)
    WHERE lock IS NOT NULL;

CREATE INDEX procrastinate_java_jobs_queueing_lock_idx_v1
    ON procrastinate_jobs (queueing_lock, id)
    WHERE queueing_lock IS NOT NULL;

-- Events by type and time, with their job: jobs finished per minute (succeeded, failed, aborted),
-- and the job list filtered on the time of the deferred event.
CREATE INDEX procrastinate_java_events_type_at_idx_v1
    ON procrastinate_events (type, at) INCLUDE (job_id)
    WHERE type IN ('deferred', 'succeeded', 'failed', 'aborted');
