-- The application's tables; relation-sql's migrations (V1000, V1001) add their foreign keys to
-- procrastinate_jobs, which the starter created before Flyway ran.
CREATE TABLE orders (
    id bigserial PRIMARY KEY,
    reference text NOT NULL,
    shipped boolean NOT NULL DEFAULT false,
    procrastinate_job_id bigint
);

CREATE TABLE receipts (
    id bigserial PRIMARY KEY,
    order_reference text NOT NULL,
    procrastinate_job_id bigint NOT NULL
);
