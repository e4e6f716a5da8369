import dev.procrastinate.scenarios.ScenarioDatabase

def log = new File(basedir, 'build.log').text
// 1: the deployed code's job waits, and the code can run it.
assert log =~ /Deferred job \d+ of task billing\.charge on queue billing/
assert log =~ /\[INFO\] check passed: 0 errors, 0 warnings; 1 waiting jobs \(0 running\)/

// 2: renamed without an alias: the build fails, naming the task, the job and the fix.
def id = ScenarioDatabase.query(basedir, "SELECT id FROM procrastinate_jobs")[0]
assert log.contains("[ERROR] task 'billing.charge' is not declared by the code, but 1 waiting job names it (ids ${id}): the new code cannot run it. If the task was renamed, keep its old name as an alias on the renamed method: @Task(aliases = \"billing.charge\")")
assert log =~ /check failed: 1 error, 0 warnings; 1 waiting jobs/
assert log.contains('BUILD FAILURE')

// 3: with the alias, the same job passes; its arguments were decoded against the renamed task.
assert (log =~ /\[INFO\] check passed: 0 errors, 0 warnings; 1 waiting jobs/).count == 2

// The check only reads: the job still waits.
assert ScenarioDatabase.query(basedir, "SELECT task_name || ' ' || status FROM procrastinate_jobs") ==
    ['billing.charge todo']
ScenarioDatabase.drop(basedir, dbUrl)
return true
