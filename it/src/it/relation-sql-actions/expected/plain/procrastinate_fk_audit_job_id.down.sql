-- Reverse of the foreign key audit.job_id -> procrastinate_jobs(id).
-- Written by procrastinate relation-sql; regenerate it rather than edit it.
ALTER TABLE audit DROP CONSTRAINT IF EXISTS audit_job_id_procrastinate_fk;
