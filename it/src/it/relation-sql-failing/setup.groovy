import dev.procrastinate.scenarios.ScenarioDatabase

ScenarioDatabase.create(basedir, dbUrl, dbUser, dbPassword, 'pt_it_relation_failing')
ScenarioDatabase.execute(basedir, 'CREATE TABLE invoices (id serial PRIMARY KEY, job_id integer)')
return true
