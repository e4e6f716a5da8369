import dev.procrastinate.scenarios.ScenarioDatabase

def log = new File(basedir, 'build.log').text
assert log.contains('Checked 3 relation(s) in jdbc:postgresql://')
assert log.contains('orders.job_id ON DELETE SET NULL: ready')
assert log.contains('INFO events_log.job_id: the table has about 50 rows (pg_class.reltuples, threshold 20)')
assert log.contains('[WARNING] WARNING reports.job_id: ON DELETE RESTRICT refuses to delete a job that a row references, but jobs are deleted here (workers run with deleteJobs=always)')

def dir = new File(basedir, 'src/main/resources/db/migration')
assert dir.list().toList().sort() == [
    'U1000__procrastinate_fk_orders_job_id.sql',
    'U1001__procrastinate_fk_events_log_job_id.sql',
    'U1002__procrastinate_fk_reports_job_id.sql',
    'V1000__procrastinate_fk_orders_job_id.sql',
    'V1001__procrastinate_fk_events_log_job_id.sql',
    'V1001__procrastinate_fk_events_log_job_id.sql.conf',
    'V1002__procrastinate_fk_reports_job_id.sql']
def large = new File(dir, 'V1001__procrastinate_fk_events_log_job_id.sql').text
assert large.contains('NOT VALID;\nALTER TABLE events_log VALIDATE CONSTRAINT events_log_job_id_procrastinate_fk;\n')
assert !new File(dir, 'V1000__procrastinate_fk_orders_job_id.sql').text.contains('NOT VALID')

// The forward files apply to the checked database, and the reverse files undo them.
['V1000', 'V1001', 'V1002'].each { version ->
  def file = dir.listFiles().find { it.name.startsWith(version) && it.name.endsWith('.sql') }
  ScenarioDatabase.execute(basedir, file.text)
}
assert ScenarioDatabase.query(basedir,
    "SELECT count(*) FROM pg_constraint WHERE contype = 'f' AND confrelid = 'procrastinate_jobs'::regclass AND conname LIKE '%procrastinate_fk'") == ['3']
['U1000', 'U1001', 'U1002'].each { version ->
  ScenarioDatabase.execute(basedir, dir.listFiles().find { it.name.startsWith(version) }.text)
}
assert ScenarioDatabase.query(basedir,
    "SELECT count(*) FROM pg_constraint WHERE contype = 'f' AND conname LIKE '%procrastinate_fk'") == ['0']

// The second build: no task, no worker.
assert log.contains('No @Task found in ')
assert log.contains("procrastinate-processor is in the maven-compiler-plugin's <annotationProcessorPaths>")

ScenarioDatabase.drop(basedir, dbUrl)
return true
