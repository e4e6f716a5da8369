String log = new File(basedir, 'build.log').text
['boot4', 'boot3'].each { line ->
    // relation-sql, run again with the line's profile, found the database in Spring's settings.
    assert log.contains("Database from spring.datasource.* in config/application-${line}.properties, profiles ${line}") : "relation-sql did not read the ${line} database from spring.datasource"
    assert log =~ /Checked 2 relation\(s\) in jdbc:postgresql:\/\/\S+\/pt_it_spring_${line}_/ : "relation-sql did not check the ${line} tables"
}
// Each line ran the application's own tests (@SpringBootTest, inline, @DataJpaTest, all with
// @ProcrastinateTest): surefire's summary line, once per line.
assert (log =~ /(?m)Tests run: 5, Failures: 0, Errors: 0, Skipped: 0$/).count == 2 : 'the application tests did not all run and pass on both lines'

['boot4', 'boot3'].each { line ->
    File report = new File(basedir, "reports/scenario-${line}.txt")
    assert report.isFile() : "the ${line} application wrote no report"
    String text = report.text
    // Start-up: our schema first, then the application's Flyway migrations, the foreign keys too.
    assert text.contains('flyway: 0 << Flyway Baseline >>, 1 shop, 1000 procrastinate fk orders procrastinate job id, 1001 procrastinate fk receipts procrastinate job id')
    assert text.contains('committed order A-1: job deferred and visible')
    assert text.contains('rolled-back order B-2: no order, no job')
    assert text.contains('bean task shipped A-1 with the injected repository')
    assert text =~ /persist refused: cannot persist ProcrastinateJob/
    assert text.contains('health UP: database, schema, events, worker')
    assert text.contains('health with the database unreachable: DOWN')
    // Boot's servlet stack with the dashboard enabled: mounted, and its form's action reaches the
    // database.
    assert text.contains('dashboard at /procrastinate: overview 200, job cancelled through its form')

    Properties config = new Properties()
    new File(basedir, "config/application-${line}.properties").withInputStream { config.load(it) }
    Properties login = new Properties()
    login['user'] = config['spring.datasource.username']
    login['password'] = config['spring.datasource.password']
    // The driver by name: DriverManager does not see the script's class path.
    def connection = new org.postgresql.Driver().connect(config['spring.datasource.url'], login)
    try {
        def rows = { String sql ->
            def result = []
            def rs = connection.createStatement().executeQuery(sql)
            while (rs.next()) { result << rs.getString(1) }
            result
        }
        // deleteJobs=always removed the finished job: SET NULL kept the order, CASCADE removed
        // the receipt.
        assert rows("SELECT reference || ' ' || shipped || ' ' || coalesce(procrastinate_job_id::text, 'null') FROM orders") == ['A-1 true null']
        assert rows('SELECT count(*) FROM receipts') == ['0']
        assert rows('SELECT count(*) FROM procrastinate_jobs') == ['0']
        assert rows("SELECT confdeltype FROM pg_constraint WHERE contype = 'f' AND conrelid = 'orders'::regclass") == ['n']
        assert rows("SELECT confdeltype FROM pg_constraint WHERE contype = 'f' AND conrelid = 'receipts'::regclass") == ['c']
        assert rows('SELECT count(*) FROM procrastinate_workers') == ['0']
    } finally {
        connection.close()
    }
}
// The databases go with the scenario: this run's own, named in the configuration setup wrote.
['boot4', 'boot3'].each { line ->
    Properties config = new Properties()
    new File(basedir, "config/application-${line}.properties").withInputStream { config.load(it) }
    dev.procrastinate.scenarios.ScenarioDatabase.drop(dbUrl, dbUser, dbPassword, config['spring.datasource.url'])
}
return true
