import dev.procrastinate.scenarios.ScenarioDatabase

def log = new File(basedir, 'build.log').text
assert log.contains('Created the Procrastinate schema')
assert log =~ /Deferred job \d+ of task greetings\.greet on queue greetings/
assert log.contains("Starting worker 'greeter' on jdbc:postgresql://")
assert log.contains(', concurrency 2, 1 task(s): greetings.greet; one-shot')
assert log.contains('GREETED: Hello Ada! Hello Ada!')
assert log.contains("Worker 'greeter' stopped")

def rows = ScenarioDatabase.query(basedir,
    "SELECT task_name || ' ' || queue_name || ' ' || status || ' ' || args::text FROM procrastinate_jobs")
assert rows == ['greetings.greet greetings succeeded {"name": "Ada", "times": 2}']

ScenarioDatabase.drop(basedir, dbUrl)
return true
