-- Reverse of the foreign key mail.sent_by -> procrastinate_jobs(id).
-- Written by procrastinate relation-sql; regenerate it rather than edit it.
ALTER TABLE mail DROP CONSTRAINT IF EXISTS mail_sent_by_procrastinate_fk;
