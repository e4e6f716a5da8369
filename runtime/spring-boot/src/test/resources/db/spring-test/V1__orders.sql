-- The application's own migration, run by Spring Boot's Flyway after the Procrastinate schema:
-- it references procrastinate_jobs, so it fails if Flyway runs first.
CREATE TABLE orders (
    id bigserial PRIMARY KEY,
    reference text NOT NULL,
    procrastinate_job_id bigint REFERENCES procrastinate_jobs (id) ON DELETE SET NULL
);
