-- Reverse of the foreign key shop_order.procrastinate_job_id -> procrastinate_jobs(id).
-- Written by procrastinate relation-sql; regenerate it rather than edit it.
ALTER TABLE shop_order DROP CONSTRAINT IF EXISTS shop_order_job_id_key;
