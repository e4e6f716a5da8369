import dev.procrastinate.scenarios.ScenarioDatabase

ScenarioDatabase.create(basedir, dbUrl, dbUser, dbPassword, 'pt_it_check_renamed_task')
return true
