-- Reverse of the foreign key orders.job_id -> procrastinate_jobs(id).
-- Written by procrastinate relation-sql; regenerate it rather than edit it.
ALTER TABLE orders DROP CONSTRAINT IF EXISTS orders_job_id_procrastinate_fk;
