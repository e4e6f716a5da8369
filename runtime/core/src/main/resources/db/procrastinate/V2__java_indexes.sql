-- The indexes of procrastinate-java, built online: CREATE INDEX CONCURRENTLY, outside a
-- transaction (V2__java_indexes.sql.conf), so that Python workers and producers on the same table
-- keep deferring, fetching and finishing jobs while they are built.
--
-- A plain CREATE INDEX holds a SHARE lock on its table for the whole build, which on a table of a
-- million finished jobs is seconds: every insert and update waits, and while the build itself waits
-- for a long transaction to end, every writer queues behind it. A concurrent build takes a SHARE
-- UPDATE EXCLUSIVE lock, which writers do not conflict with; it reads the table twice and waits for
-- the transactions older than each of its phases, so it takes longer, without stopping anyone.
--
-- Every statement can run again: IF NOT EXISTS skips an index already built. A build that was
-- interrupted (the process stopped, the connection dropped) leaves an INVALID index behind, which
-- IF NOT EXISTS would take for done: before applying this script, the runtime's migrator drops our
-- invalid indexes with DROP INDEX CONCURRENTLY, and this script builds them again.
--
-- Additive to the Procrastinate 3.9 schema, under the procrastinate_java_ prefix that upstream never
-- uses. Applied by hand (procrastinate schema sql), the file must not run inside a transaction
-- block (no psql --single-transaction).

-- Batch fetch (procrastinate_java_fetch_jobs_v3). Each waiting job is in one of the next two
-- indexes, which split upstream's procrastinate_jobs_priority_idx_v1 in two: the jobs without a
-- lock, read first whatever the jobs with a lock ahead of them, and the jobs with a lock.
CREATE INDEX CONCURRENTLY IF NOT EXISTS procrastinate_java_jobs_todo_free_idx_v1
    ON procrastinate_jobs (priority DESC, id)
    WHERE status = 'todo' AND lock IS NULL;

CREATE INDEX CONCURRENTLY IF NOT EXISTS procrastinate_java_jobs_todo_locked_idx_v1
    ON procrastinate_jobs (priority DESC, id)
    WHERE status = 'todo' AND lock IS NOT NULL;

-- Each lock's first waiting job, and any job of a lock waiting ahead of a candidate, with an index
-- range scan instead of a scan of every waiting job.
CREATE INDEX CONCURRENTLY IF NOT EXISTS procrastinate_java_jobs_todo_lock_idx_v1
    ON procrastinate_jobs (lock, priority DESC, id)
    WHERE status = 'todo' AND lock IS NOT NULL;

-- When the next scheduled (or retried) job becomes due, so that a worker with free slots wakes up
-- for it instead of waiting for its polling interval: scheduled and retried jobs send no
-- notification.
CREATE INDEX CONCURRENTLY IF NOT EXISTS procrastinate_java_jobs_todo_scheduled_idx_v1
    ON procrastinate_jobs (scheduled_at)
    WHERE status = 'todo' AND scheduled_at IS NOT NULL;

-- The dashboard's read queries, so that each page answers in milliseconds on a table of millions of
-- jobs. Each is as narrow as its queries allow, to keep the cost of writing jobs low: the index on
-- finished jobs is not written when a job is deferred or started, the lock indexes only hold jobs
-- that have a lock, and the events index leaves out started and scheduled events.

-- Finished jobs per status and queue: the per-queue counts (one index range per status and queue,
-- found with a skip scan), and the job list filtered by a finished status. Waiting and running jobs
-- are read through the contract's partial indexes on status = 'todo' and status IN ('todo', 'doing').
CREATE INDEX CONCURRENTLY IF NOT EXISTS procrastinate_java_jobs_finished_queue_idx_v1
    ON procrastinate_jobs (status, queue_name, id)
    WHERE status NOT IN ('todo', 'doing');

-- Jobs per task and status: the tasks seen in the database and their counts, and the job list
-- filtered by task. The predicate, which every row meets and a lookup by task implies while a
-- lookup by id does not, keeps the planner from reading this whole index for a lookup by id alone
-- (the foreign key checks of procrastinate_events, planned once per connection on a small table,
-- did so for every event as the table grew).
CREATE INDEX CONCURRENTLY IF NOT EXISTS procrastinate_java_jobs_task_idx_v2
    ON procrastinate_jobs (task_name, status, id)
    WHERE task_name IS NOT NULL;

-- The job list filtered by lock or by queueing lock, whatever the job's status (the contract's
-- indexes on them hold waiting or running jobs only).
CREATE INDEX CONCURRENTLY IF NOT EXISTS procrastinate_java_jobs_lock_idx_v1
    ON procrastinate_jobs (lock, id)
    WHERE lock IS NOT NULL;

CREATE INDEX CONCURRENTLY IF NOT EXISTS procrastinate_java_jobs_queueing_lock_idx_v1
    ON procrastinate_jobs (queueing_lock, id)
    WHERE queueing_lock IS NOT NULL;

-- Events by type and time, with their job: jobs finished per minute (succeeded, failed, aborted),
-- and the job list filtered on the time of the deferred event.
CREATE INDEX CONCURRENTLY IF NOT EXISTS procrastinate_java_events_type_at_idx_v1
    ON procrastinate_events (type, at) INCLUDE (job_id)
    WHERE type IN ('deferred', 'succeeded', 'failed', 'aborted');

-- The first version of the index per task, without the predicate, made by pre-release snapshots
-- of this runtime; gone from their schemas too once they migrate.
DROP INDEX CONCURRENTLY IF EXISTS procrastinate_java_jobs_task_idx_v1;
