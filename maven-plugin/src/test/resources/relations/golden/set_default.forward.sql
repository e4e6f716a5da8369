-- Foreign key orders.job_id -> procrastinate_jobs(id) ON DELETE SET DEFAULT:
-- deleting a job sets job_id to its default in the rows that reference it.
-- Written by procrastinate relation-sql; regenerate it rather than edit it.
ALTER TABLE orders
    ADD CONSTRAINT orders_job_id_procrastinate_fk
    FOREIGN KEY (job_id) REFERENCES procrastinate_jobs(id) ON DELETE SET DEFAULT;
