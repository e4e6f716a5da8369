-- An application migration that needs nothing of Procrastinate's, for the baseline tests.
CREATE TABLE notes (
    id bigserial PRIMARY KEY,
    body text NOT NULL
);
