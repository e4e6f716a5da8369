import dev.procrastinate.scenarios.ScenarioDatabase

def log = new File(basedir, 'build.log').text
assert log.contains('ERROR shipments.job_id: the table shipments does not exist on the search path [public].')
assert log.contains('ERROR invoices.job_id: the column is integer, but procrastinate_jobs.id is bigint')
assert log.contains('fix: ALTER TABLE invoices ALTER COLUMN job_id TYPE bigint;')
assert log.contains('The database is not ready for these relations:')
assert log.contains("relation #1 (invoices.job_id): unknown ON DELETE action 'PROTECT'; use one of CASCADE, SET NULL, SET DEFAULT, RESTRICT, NO ACTION")
assert !new File(basedir, 'src/main/resources/db/migration').exists()

ScenarioDatabase.drop(basedir, dbUrl)
return true
