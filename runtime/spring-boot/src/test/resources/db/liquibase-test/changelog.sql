--liquibase formatted sql

--changeset shop:1
-- The application's own migration, run by Spring Boot's Liquibase after the Procrastinate schema:
-- it references procrastinate_jobs, so it fails if Liquibase runs first.
CREATE TABLE shipments (
    id bigserial PRIMARY KEY,
    procrastinate_job_id bigint REFERENCES procrastinate_jobs (id) ON DELETE SET NULL
);
