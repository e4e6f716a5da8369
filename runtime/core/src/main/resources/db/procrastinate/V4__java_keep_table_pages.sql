-- VACUUM keeps the empty pages at the end of the job tables instead of giving them back to the
-- operating system, so that a table emptied by its workers never looks empty to the planner.
--
-- Why: the foreign keys between these tables are checked by triggers whose lookups each session
-- plans once and keeps until the table's statistics change. A queue that drains (every job done
-- and deleted) is vacuumed down to zero pages; a session that plans its lookups at that moment
-- chooses a sequential scan, which is right for an empty table, and keeps it while the table grows
-- back, until the next VACUUM or ANALYZE of that table. Deleting a job then reads the whole events
-- table, and each job costs more the longer the queue is: a long-lived worker fell to 0.73 of the
-- rate of a fresh one within an hour. With the pages kept, a sequential scan costs what the table
-- once held, and the planner chooses the index however empty the table is at that moment.
--
-- Kept pages are reused by the next inserts; the files do not shrink after a burst, as with any
-- table that VACUUM cannot truncate because its last page holds a row. VACUUM also no longer takes
-- the ACCESS EXCLUSIVE lock that truncation needs, which stalled writers and standbys' readers.
-- To give the space back after an unusual burst: VACUUM (TRUNCATE) procrastinate_jobs;
--
-- Storage parameters only: no column, constraint or function of the Procrastinate schema changes,
-- and Python Procrastinate neither reads nor sets them. ALTER TABLE ... SET takes a SHARE UPDATE
-- EXCLUSIVE lock, which inserts, updates and deletes do not conflict with (only a VACUUM or an
-- index build of the same table does), and the statement changes the catalog alone, at once.
ALTER TABLE procrastinate_jobs SET (vacuum_truncate = off);
ALTER TABLE procrastinate_events SET (vacuum_truncate = off);
ALTER TABLE procrastinate_java_job_headers SET (vacuum_truncate = off);
