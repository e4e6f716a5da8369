-- Foreign key app.orders.job_id -> procrastinate_jobs(id) ON DELETE SET NULL:
-- deleting a job sets job_id to NULL in the rows that reference it.
-- Written by procrastinate relation-sql; regenerate it rather than edit it.
-- Large table: the constraint is added NOT VALID (no scan, brief lock), then
-- VALIDATE CONSTRAINT checks the existing rows without blocking writes. Run the
-- two statements in separate transactions.
ALTER TABLE app.orders
    ADD CONSTRAINT orders_job_id_procrastinate_fk
    FOREIGN KEY (job_id) REFERENCES procrastinate_jobs(id) ON DELETE SET NULL
    NOT VALID;
ALTER TABLE app.orders VALIDATE CONSTRAINT orders_job_id_procrastinate_fk;
