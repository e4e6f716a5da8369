import dev.procrastinate.scenarios.ScenarioDatabase

assert ScenarioDatabase.query(basedir, 'SELECT status FROM procrastinate_jobs') == ['todo']
assert new File(basedir, 'target/classes/com/example/Slow.class').exists()
return true
