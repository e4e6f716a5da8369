import dev.procrastinate.scenarios.ScenarioDatabase

ScenarioDatabase.create(basedir, dbUrl, dbUser, dbPassword, 'pt_it_relation_checks')
ScenarioDatabase.execute(basedir,
    'CREATE TABLE orders (id serial PRIMARY KEY, job_id bigint)',
    'CREATE TABLE events_log (id serial PRIMARY KEY, job_id bigint)',
    'INSERT INTO events_log (job_id) SELECT NULL FROM generate_series(1, 50)',
    'ANALYZE events_log',
    'CREATE TABLE reports (id serial PRIMARY KEY, job_id bigint NOT NULL)')
return true
