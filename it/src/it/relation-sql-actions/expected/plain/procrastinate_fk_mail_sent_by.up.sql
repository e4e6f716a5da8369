-- Foreign key mail.sent_by -> procrastinate_jobs(id) ON DELETE SET DEFAULT:
-- deleting a job sets sent_by to its default in the rows that reference it.
-- Written by procrastinate relation-sql; regenerate it rather than edit it.
ALTER TABLE mail
    ADD CONSTRAINT mail_sent_by_procrastinate_fk
    FOREIGN KEY (sent_by) REFERENCES procrastinate_jobs(id) ON DELETE SET DEFAULT;
