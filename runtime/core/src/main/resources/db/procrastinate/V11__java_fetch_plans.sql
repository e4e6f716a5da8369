-- The fetch's choice keeps one generic plan per statement.
--
-- PL/pgSQL plans a statement with parameters for their values five times, then compares the
-- generic plan's estimated cost with the average of those custom plans, and goes on planning for
-- the values while the generic one looks dearer. For procrastinate_java_choose_jobs_v1 it went on:
-- each fetch planned every statement of the choice again, which took longer than running them. On
-- a queue of 1,200 jobs over 12 locks, the choice of two jobs took 0.5 ms a call, and 0.23 ms with
-- generic plans, whose lookups are the index scans the custom plans made (auto_explain). The
-- function plans with sequential scans and sorts off (V4), so a generic plan has no other way to
-- read the table; DrainedQueuePlansTest checks that a session's plans made on a drained queue
-- still read by index once it has grown.

-- A function of this runtime only; ALTER FUNCTION changes the catalog alone and can run again.

ALTER FUNCTION procrastinate_java_choose_jobs_v1(
    character varying[], integer, integer, character varying[], character varying[], bigint[])
    SET plan_cache_mode = force_generic_plan;
