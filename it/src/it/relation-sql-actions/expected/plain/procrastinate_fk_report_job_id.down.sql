-- Reverse of the foreign key Report.job_id -> procrastinate_jobs(id).
-- Written by procrastinate relation-sql; regenerate it rather than edit it.
ALTER TABLE "Report" DROP CONSTRAINT IF EXISTS "Report_job_id_procrastinate_fk";
