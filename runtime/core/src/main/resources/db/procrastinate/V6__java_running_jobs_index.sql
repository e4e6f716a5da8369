-- The running jobs of each queue, built online (CREATE INDEX CONCURRENTLY, outside a transaction:
-- V6__java_running_jobs_index.sql.conf), so that Python workers and producers keep writing
-- procrastinate_jobs while it is built.
--
-- Why: a concurrency limit on a queue (procrastinate_java_flow_controls, V7) is checked by counting
-- the jobs of the queue running now, at every fetch that may start one. The contract's index on
-- queue_name holds every job of the queue, finished ones included, and grows without bound; this
-- one holds the running ones only, at most as many as the fleet has slots. The running jobs of a
-- task are counted through procrastinate_java_jobs_task_idx_v2 (V2).
--
-- What it costs a writer: an entry when a job starts, none when it is deferred or ends. Upstream's
-- partial indexes on status already make every status change a new row version.
--
-- Additive to the Procrastinate 3.9 schema, under the procrastinate_java_ prefix. The statement can
-- run again; an interrupted build leaves an INVALID index, which the runtime's migrator drops before
-- this script runs again. Applied by hand, the file must not run inside a transaction block.
CREATE INDEX CONCURRENTLY IF NOT EXISTS procrastinate_java_jobs_doing_queue_idx_v1
    ON procrastinate_jobs (queue_name)
    WHERE status = 'doing';
