import dev.procrastinate.scenarios.ScenarioDatabase

// One database per Boot line; the application reads it from config/application-<line>.properties.
['boot4', 'boot3'].each { line ->
    String url = ScenarioDatabase.create(basedir, dbUrl, dbUser, dbPassword, "pt_it_spring_${line}")
    File config = new File(basedir, "config/application-${line}.properties")
    config.parentFile.mkdirs()
    config.text = "spring.datasource.url=${url}\nspring.datasource.username=${dbUser}\nspring.datasource.password=${dbPassword}\n"
}
// The application takes its database from Spring, not from procrastinate.properties; without it,
// relation-sql writes the migrations without checking a database (the tables come with them).
new File(basedir, 'src/main/resources/procrastinate.properties').delete()
return true
