import dev.procrastinate.scenarios.ScenarioDatabase

def log = new File(basedir, 'build.log').text
// 1
assert log.contains('The project is not compiled: ')
assert log.contains('Compile it in the same command: mvn compile procrastinate:worker')
// 2
assert log =~ /\[INFO\] database: OK \(PostgreSQL [0-9.]+/
assert log.contains('[ERROR] schema: FAILED (not migrated by this runtime, pending [V1__procrastinate_3_9_schema.sql')
assert log.contains('[INFO] tasks: OK (1 found: [ops.ping])')
assert log.contains('Unhealthy: schema: FAILED')
// 3
assert log =~ /Dry run: \d+ migration\(s\) would run on jdbc:postgresql:\/\//
assert log.contains('-- V1__procrastinate_3_9_schema.sql')
assert log.contains('CREATE TABLE procrastinate_jobs')
// 4
assert log.contains('Created the Procrastinate schema in schema public of jdbc:postgresql://')
assert log =~ /\[INFO\] schema: OK \(migrated, version \d+ \(the latest\)\)/
assert log.contains('[INFO] events: OK (full, every status change writes an event row)')
assert log.contains('[INFO] Healthy')
def schema = new File(basedir, 'target/schema.sql').text
assert schema.startsWith('-- V1__procrastinate_3_9_schema.sql\n')
assert schema.contains('CREATE TABLE procrastinate_jobs')
assert log.contains('procrastinate:relation-sql')
assert log.contains('procrastinate:worker')
assert log.contains('procrastinate:dashboard')
assert log.contains('This plugin has 10 goals')

// 5, 6
assert log.contains("task 'billing.charge' is not known here; known tasks: [ops.ping")
assert log.contains('or allow unknown tasks with procrastinate.unknown=true to defer a task that only another service runs')
assert log =~ /Deferred job \d+ of task billing\.charge on queue billing, scheduled in PT1H/
assert ScenarioDatabase.query(basedir,
    "SELECT task_name || ' ' || queue_name || ' ' || priority || ' ' || status || ' ' || (scheduled_at > now() + interval '59 minutes') FROM procrastinate_jobs WHERE queue_name = 'billing'") ==
    ['billing.charge billing 3 todo true']

// 7, 8
assert log =~ /#\d+ billing\.charge on billing - \[todo\]/
assert log.contains('The shell command failed: no_such_command')

// 11, 12
assert ScenarioDatabase.query(basedir,
    "SELECT to_char(scheduled_at AT TIME ZONE 'UTC', 'YYYY-MM-DD\"T\"HH24:MI:SS') FROM procrastinate_jobs WHERE queue_name = 'later'") ==
    ['2030-01-02T03:04:05']
assert log.contains("procrastinate.at is 'tomorrow', which is not an ISO-8601 date-time; write it like 2026-05-01T09:30:00Z, 2026-05-01T09:30:00+02:00, or 2026-05-01T09:30:00 for UTC")

// 9, 10
assert log.contains("procrastinate.serverId is 'no-such-server', but settings.xml has no <server> with that id")
assert log.contains('as user no_such_role')

def versions = ScenarioDatabase.query(basedir,
    'SELECT version FROM procrastinate_schema_history WHERE success ORDER BY installed_rank')
assert versions.size() >= 2 && versions[0] == '1'
ScenarioDatabase.drop(basedir, dbUrl)
return true
