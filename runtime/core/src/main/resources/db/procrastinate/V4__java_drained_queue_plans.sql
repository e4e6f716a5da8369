-- Index lookups for the foreign keys of the job tables, whatever the statistics said when the
-- queue was last drained.
--
-- Why: the foreign keys between the job tables are checked by triggers (an event's job on every
-- insert of an event, each status change inserting one; a deleted job's events, headers and
-- periodic defers), whose lookups each session plans once and keeps until the table is next
-- vacuumed or analysed. A queue that drains leaves statistics of a nearly empty table, over
-- files that kept their size: a lookup planned then may find reading the whole table cheaper
-- than its index, and the plan is kept while the queue grows again. A worker then read the whole
-- events table for every job it deleted (2,000 jobs, 2,000 reads of 680,000 rows), its outcomes
-- fell minutes behind its runs, and its rate changed with the moment of the last ANALYZE.
--
-- Two changes, both on this runtime's side of the contract:
--
-- 1. The worker's fetch function plans with enable_seqscan off, for its own statements and the
--    triggers they fire (the 'started' event and its check of the job): a SET clause of the
--    function, restored when the call returns. The worker's outcome statements set it for their
--    own transaction (JobSql). Every lookup of these paths is an equality on an indexed column,
--    so an index scan is always there to choose.
--
-- 2. VACUUM keeps the empty pages at the end of the job tables (vacuum_truncate = off) instead of
--    truncating a drained queue to nothing: a table of zero pages makes every lookup a sequential
--    scan for every session that plans then, this runtime's or a Python worker's, and the lock
--    that truncation needs (ACCESS EXCLUSIVE) stalls writers and standbys' readers. Kept pages are
--    reused by the next inserts; VACUUM (TRUNCATE) procrastinate_jobs still gives space back after
--    an unusual burst.
--
-- Storage parameters and a setting of this runtime's own function only: no column, constraint or
-- function of the Procrastinate schema changes, and Python Procrastinate neither reads nor sets
-- them. ALTER TABLE ... SET (vacuum_truncate) takes a SHARE UPDATE EXCLUSIVE lock, which inserts,
-- updates and deletes do not conflict with (only a VACUUM or an index build of the same table
-- does); ALTER FUNCTION changes the catalog alone. Both can run again.
ALTER FUNCTION procrastinate_java_fetch_jobs_v3(character varying[], bigint, integer, integer)
    SET enable_seqscan = off;
ALTER FUNCTION procrastinate_java_fetch_jobs_v1(character varying[], bigint, integer)
    SET enable_seqscan = off;

ALTER TABLE procrastinate_jobs SET (vacuum_truncate = off);
ALTER TABLE procrastinate_events SET (vacuum_truncate = off);
ALTER TABLE procrastinate_java_job_headers SET (vacuum_truncate = off);
