-- Reverse of the foreign key app.invoice.job_id -> procrastinate_jobs(id).
-- Written by procrastinate relation-sql; regenerate it rather than edit it.
ALTER TABLE app.invoice DROP CONSTRAINT IF EXISTS invoice_job_id_procrastinate_fk;
