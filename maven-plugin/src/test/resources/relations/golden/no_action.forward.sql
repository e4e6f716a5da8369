-- Foreign key orders.job_id -> procrastinate_jobs(id) ON DELETE NO ACTION:
-- a job that a row references cannot be deleted (checked at the end of the statement).
-- Written by procrastinate relation-sql; regenerate it rather than edit it.
ALTER TABLE orders
    ADD CONSTRAINT orders_job_id_procrastinate_fk
    FOREIGN KEY (job_id) REFERENCES procrastinate_jobs(id) ON DELETE NO ACTION;
