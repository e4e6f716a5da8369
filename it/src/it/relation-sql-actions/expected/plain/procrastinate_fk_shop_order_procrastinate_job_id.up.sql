-- Foreign key shop_order.procrastinate_job_id -> procrastinate_jobs(id) ON DELETE SET NULL:
-- deleting a job sets procrastinate_job_id to NULL in the rows that reference it.
-- Written by procrastinate relation-sql; regenerate it rather than edit it.
ALTER TABLE shop_order
    ADD CONSTRAINT shop_order_job_id_key
    FOREIGN KEY (procrastinate_job_id) REFERENCES procrastinate_jobs(id) ON DELETE SET NULL;
