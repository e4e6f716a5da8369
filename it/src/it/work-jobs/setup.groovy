import dev.procrastinate.scenarios.ScenarioDatabase

ScenarioDatabase.create(basedir, dbUrl, dbUser, dbPassword, 'pt_it_work_jobs')
// A worker setting of the application: the worker goal honours it, its parameters come on top.
new File(basedir, 'src/main/resources/procrastinate.properties') << 'procrastinate.worker.name=greeter\nprocrastinate.worker.concurrency=5\n'
return true
