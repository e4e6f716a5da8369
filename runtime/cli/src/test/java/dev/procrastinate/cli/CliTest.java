package dev.procrastinate.cli;

import static org.assertj.core.api.Assertions.assertThat;

import dev.procrastinate.JobFilter;
import dev.procrastinate.JobManager;
import dev.procrastinate.NewJob;
import dev.procrastinate.model.JobStatus;
import dev.procrastinate.model.ProcrastinateJob;
import dev.procrastinate.testing.Sql;
import dev.procrastinate.testing.TestDatabase;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.junit.jupiter.api.io.TempDir;

/**
 * The command line run as a process against a real PostgreSQL: worker, defer, healthchecks, shell,
 * and its errors. {@link CliSchemaTest} covers {@code schema} on a database of its own.
 */
class CliTest {
  @RegisterExtension static final TestDatabase DB = TestDatabase.migrated();

  @TempDir Path tasksDirectory;

  private JobManager jobs;
  private Sql sql;
  private String tasks;

  @BeforeEach
  void setUp() throws Exception {
    jobs = DB.app().jobManager();
    sql = new Sql(DB.dataSource());
    sql.execute("DELETE FROM procrastinate_periodic_defers");
    sql.execute("DELETE FROM procrastinate_jobs");
    sql.execute("DELETE FROM procrastinate_workers");
    sql.execute("SELECT setval('procrastinate_jobs_id_seq', 1, false)");
    tasks = CliProcess.taskClassPath(tasksDirectory).toString();
  }

  /** The global options that point at the test database, then {@code args}. */
  private String[] withDb(String... args) {
    List<String> all =
        new ArrayList<>(
            List.of("--url", DB.url(), "--user", DB.user(), "--password", DB.password()));
    all.addAll(List.of(args));
    return all.toArray(new String[0]);
  }

  private CliProcess.Result cli(String... args) throws Exception {
    return CliProcess.launcher().run(withDb(args));
  }

  private JobStatus status(long id) {
    return jobs.getStatus(id).orElseThrow();
  }

  // ---------------------------------------------------------------------------------------------
  // worker

  @Test
  void workerRunsJobsUntilSigtermThenStopsGracefullyAndUnregisters() throws Exception {
    CliProcess worker =
        CliProcess.launcher()
            .start(
                withDb(
                    "--class-path", tasks, "worker", "-n", "cli-worker", "-p", "0.2", "-c", "2"));
    try {
      worker.awaitErr("Started as worker id", Duration.ofSeconds(30));
      assertThat(jobs.listWorkers()).hasSize(1);
      long quick = jobs.defer(NewJob.builder("cli.sum").arg("a", 2).arg("b", 3).build());
      Path gate = Files.createTempFile("cli-gate", "");
      Files.delete(gate);
      long slow = jobs.defer(NewJob.builder("cli.gated").arg("gate", gate.toString()).build());
      long deadline = System.nanoTime() + Duration.ofSeconds(20).toNanos();
      while (status(slow) != JobStatus.DOING || status(quick) != JobStatus.SUCCEEDED) {
        assertThat(System.nanoTime()).as("jobs started in time").isLessThan(deadline);
        Thread.sleep(20);
      }
      // SIGTERM, as Process.destroy() sends, through the handle: Process.destroy() would also close
      // the pipes and lose what the worker logs while it stops.
      assertThat(worker.process().toHandle().destroy()).isTrue();
      worker.awaitErr("signal received", Duration.ofSeconds(30));
      // Only now may the running job end: the stop must wait for it.
      Files.writeString(gate, "open");
      CliProcess.Result result = worker.await(Duration.ofSeconds(30));

      // The JVM exits with 128 + 15 after a SIGTERM, once the graceful stop is done.
      assertThat(result.exitCode()).as(result.toString()).isEqualTo(143);
      assertThat(status(slow)).as("the running job was let finish").isEqualTo(JobStatus.SUCCEEDED);
      assertThat(jobs.listWorkers()).as("the worker unregistered").isEmpty();
      assertThat(result.err())
          .contains("cli-worker - signal received, stopping gracefully")
          .contains("cli-worker - Shutdown completed, 2 jobs processed");
    } finally {
      worker.process().destroyForcibly();
    }
  }

  @Test
  void aWorkerWhoseConnectionsTheServerEndsLogsOneLinePerEventAndNoStackTrace() throws Exception {
    String name = "cli-cut";
    CliProcess worker =
        CliProcess.launcher()
            .start(
                "--url",
                DB.url() + "?ApplicationName=" + name,
                "--user",
                DB.user(),
                "--password",
                DB.password(),
                "--class-path",
                tasks,
                "worker",
                "-n",
                name,
                "-c",
                "2");
    try {
      worker.awaitErr("Started as worker id", Duration.ofSeconds(30));
      long before = jobs.defer(NewJob.builder("cli.sum").arg("a", 1).arg("b", 1).build());
      awaitStatus(before, JobStatus.SUCCEEDED);

      // Every connection of the worker: its pool's, its heartbeat's, its LISTEN connection.
      int ended =
          Integer.parseInt(
              sql.value(
                  "SELECT count(*) FILTER (WHERE pg_terminate_backend(pid, 10000))"
                      + " FROM pg_stat_activity WHERE application_name = ?",
                  name));
      assertThat(ended).as("the worker's connections were ended").isGreaterThanOrEqualTo(3);
      worker.awaitErr("lost the notification connection", Duration.ofSeconds(30));
      long after = jobs.defer(NewJob.builder("cli.sum").arg("a", 2).arg("b", 2).build());
      awaitStatus(after, JobStatus.SUCCEEDED);
      assertThat(worker.process().toHandle().destroy()).isTrue();
      CliProcess.Result result = worker.await(Duration.ofSeconds(30));

      List<String> warnings =
          result.errLines().stream().filter(line -> line.contains(" WARN ")).toList();
      assertThat(warnings)
          .as(result.toString())
          .isNotEmpty()
          .hasSizeLessThanOrEqualTo(ended)
          .anyMatch(line -> line.contains("the server terminated the connection (57P01"));
      assertThat(result.errLines())
          .as("no stack trace at the default level")
          .noneMatch(line -> line.startsWith("\tat ") || line.startsWith("Caused by"))
          .noneMatch(line -> line.contains("marked as broken"));
      assertThat(jobs.listWorkers()).as("the worker unregistered").isEmpty();
    } finally {
      worker.process().destroyForcibly();
    }
  }

  private void awaitStatus(long id, JobStatus status) throws InterruptedException {
    long deadline = System.nanoTime() + Duration.ofSeconds(30).toNanos();
    while (status(id) != status) {
      assertThat(System.nanoTime()).as("job " + id + " became " + status).isLessThan(deadline);
      Thread.sleep(20);
    }
  }

  @Test
  void oneShotWorkerRunsWhatIsDueThenExitsTakingSettingsFromTheEnvironment() throws Exception {
    List<Long> due = new ArrayList<>();
    for (int i = 0; i < 5; i++) {
      due.add(jobs.defer(NewJob.builder("cli.sum").queue("sums").arg("a", i).arg("b", 1).build()));
    }
    long later =
        jobs.defer(
            NewJob.builder("cli.sum")
                .queue("sums")
                .arg("a", 0)
                .arg("b", 0)
                .scheduleIn(Duration.ofHours(1))
                .build());
    long otherQueue =
        jobs.defer(NewJob.builder("cli.sum").queue("elsewhere").arg("a", 0).arg("b", 0).build());

    CliProcess.Result result =
        CliProcess.launcher()
            .env("PROCRASTINATE_URL", DB.url())
            .env("PROCRASTINATE_USER", DB.user())
            .env("PROCRASTINATE_PASSWORD", DB.password())
            .env("PROCRASTINATE_CLASS_PATH", tasks)
            .env("PROCRASTINATE_WORKER_QUEUES", "sums")
            .env("PROCRASTINATE_WORKER_CONCURRENCY", "3")
            .env("PROCRASTINATE_WORKER_DELETE_JOBS", "successful")
            .run("worker", "--one-shot");

    assertThat(result.exitCode()).as(result.toString()).isZero();
    assertThat(result.err()).contains("queues [sums], concurrency 3");
    for (long id : due) {
      assertThat(jobs.getJob(id)).as("job %d succeeded and was deleted", id).isEmpty();
    }
    assertThat(status(later)).isEqualTo(JobStatus.TODO);
    assertThat(status(otherQueue)).isEqualTo(JobStatus.TODO);
    assertThat(jobs.listWorkers()).isEmpty();
  }

  /**
   * The worker's lines, upstream's two per job among them, come out in the documented format; a
   * logback configuration of the user's replaces the command line's, here to drop the job lines.
   */
  @Test
  void logLinesHaveTheDocumentedFormatAndAUsersLogbackConfigurationReplacesIt() throws Exception {
    long first =
        jobs.defer(NewJob.builder("cli.sum").queue("logs").arg("a", 1).arg("b", 2).build());
    long second =
        jobs.defer(NewJob.builder("cli.sum").queue("logs").arg("a", 3).arg("b", 4).build());

    CliProcess.Result standard =
        CliProcess.launcher()
            .run(withDb("--class-path", tasks, "worker", "--one-shot", "-q", "logs"));
    assertThat(standard.exitCode()).as(standard.toString()).isZero();
    String time = "\\d{4}-\\d{2}-\\d{2}T\\d{2}:\\d{2}:\\d{2}\\.\\d{3}(Z|[+-]\\d{2}:\\d{2})";
    for (long id : List.of(first, second)) {
      assertThat(standard.errLines())
          .as("job %d's lines in %s", id, standard)
          .anyMatch(
              line ->
                  line.matches(time + " INFO procrastinate\\.jobs - .*job " + id + " .*started.*"))
          .anyMatch(
              line ->
                  line.matches(
                      time + " INFO procrastinate\\.jobs - .*job " + id + " .*succeeded.*"));
    }

    long third =
        jobs.defer(NewJob.builder("cli.sum").queue("logs").arg("a", 5).arg("b", 6).build());
    Path configuration = tasksDirectory.resolve("logback.xml");
    Files.writeString(
        configuration,
        """
        <configuration>
          <appender name="stderr" class="ch.qos.logback.core.ConsoleAppender">
            <target>System.err</target>
            <encoder><pattern>mine %level %logger - %msg%n</pattern></encoder>
          </appender>
          <logger name="procrastinate.jobs" level="WARN"/>
          <root level="INFO"><appender-ref ref="stderr"/></root>
        </configuration>
        """);
    CliProcess.Result custom =
        CliProcess.launcher()
            .jvm("-Dlogback.configurationFile=" + configuration)
            .run(withDb("--class-path", tasks, "worker", "--one-shot", "-q", "logs"));
    assertThat(custom.exitCode()).as(custom.toString()).isZero();
    assertThat(status(third)).isEqualTo(JobStatus.SUCCEEDED);
    assertThat(custom.errLines())
        .as(custom.toString())
        .anyMatch(line -> line.startsWith("mine INFO procrastinate.worker - "))
        .noneMatch(line -> line.contains("procrastinate.jobs"));
  }

  @Test
  void workerOptionsWinOverTheEnvironmentAndBadValuesAreUsageErrors() throws Exception {
    CliProcess.Result result =
        CliProcess.launcher()
            .env("PROCRASTINATE_WORKER_CONCURRENCY", "7")
            .run(withDb("--class-path", tasks, "worker", "--one-shot", "-c", "2", "-q", ""));
    assertThat(result.exitCode()).as(result.toString()).isZero();
    assertThat(result.err()).contains("queues all, concurrency 2");

    CliProcess.Result bad =
        CliProcess.launcher().env("PROCRASTINATE_WORKER_WAIT", "perhaps").run(withDb("worker"));
    assertThat(bad.exitCode()).as(bad.toString()).isEqualTo(2);
    assertThat(bad.errLines())
        .containsExactly(
            "procrastinate: environment variable PROCRASTINATE_WORKER_WAIT is 'perhaps', which is"
                + " not a boolean; use true, t, y, 1 or false, f, n, 0");

    CliProcess.Result policy = cli("worker", "--delete-jobs", "sometimes");
    assertThat(policy.exitCode()).isEqualTo(2);
    assertThat(policy.errLines())
        .containsExactly(
            "procrastinate: --delete-jobs is 'sometimes', which is not one of never, successful,"
                + " always");
  }

  // ---------------------------------------------------------------------------------------------
  // defer

  @Test
  void deferOfAKnownTaskPrintsTheIdAndUsesTheTaskDefaults() throws Exception {
    CliProcess.Result result =
        cli("--class-path", tasks, "defer", "cli.sum", "{\"a\": 1, \"b\": 2}");
    assertThat(result.exitCode()).as(result.toString()).isZero();
    long id = Long.parseLong(result.out().strip());
    ProcrastinateJob job = jobs.getJob(id).orElseThrow();
    assertThat(job.taskName()).isEqualTo("cli.sum");
    assertThat(job.queueName()).isEqualTo("sums");
    assertThat(job.priority()).isEqualTo(3);
    assertThat(job.argsJson()).isEqualTo("{\"a\": 1, \"b\": 2}");

    CliProcess.Result options =
        cli(
            "--class-path",
            tasks,
            "defer",
            "--queue",
            "other",
            "--priority",
            "-4",
            "--lock",
            "l1",
            "--at",
            "2030-01-02T03:04:05",
            "cli.sum",
            "{\"a\": 1, \"b\": 2}");
    assertThat(options.exitCode()).as(options.toString()).isZero();
    ProcrastinateJob configured = jobs.getJob(Long.parseLong(options.out().strip())).orElseThrow();
    assertThat(configured.queueName()).isEqualTo("other");
    assertThat(configured.priority()).isEqualTo(-4);
    assertThat(configured.lock()).isEqualTo("l1");
    // A date-time without offset is UTC, as upstream's --at.
    assertThat(configured.scheduledAt()).isEqualTo(Instant.parse("2030-01-02T03:04:05Z"));

    CliProcess.Result in =
        cli("--class-path", tasks, "defer", "--in", "3600", "cli.sum", "{\"a\": 1, \"b\": 2}");
    ProcrastinateJob delayed = jobs.getJob(Long.parseLong(in.out().strip())).orElseThrow();
    assertThat(Duration.between(Instant.now(), delayed.scheduledAt()))
        .isBetween(Duration.ofMinutes(55), Duration.ofMinutes(61));

    CliProcess.Result both =
        cli("defer", "--unknown", "--in", "1", "--at", "2030-01-01T00:00:00Z", "x");
    assertThat(both.exitCode()).isEqualTo(2);
    assertThat(both.errLines())
        .containsExactly("procrastinate: --at and --in are both given; give one of them");
  }

  @Test
  void deferRefusesAnUnknownTaskUnlessAllowed() throws Exception {
    CliProcess.Result refused = cli("--class-path", tasks, "defer", "py.tasks.other", "{}");
    assertThat(refused.exitCode()).as(refused.toString()).isEqualTo(2);
    assertThat(refused.errLines()).hasSize(1);
    assertThat(refused.err())
        .contains("task 'py.tasks.other' is not known here")
        .contains("cli.sum")
        .contains("allow unknown tasks with --unknown")
        .doesNotContain("Exception");
    assertThat(jobs.listJobs(JobFilter.all())).isEmpty();

    // Global options may also follow the command.
    CliProcess.Result accepted =
        CliProcess.launcher()
            .run(
                "defer",
                "--unknown",
                "py.tasks.other",
                "{\"x\": [1]}",
                "--url",
                DB.url(),
                "--user",
                DB.user(),
                "--password",
                DB.password());
    assertThat(accepted.exitCode()).as(accepted.toString()).isZero();
    ProcrastinateJob job = jobs.getJob(Long.parseLong(accepted.out().strip())).orElseThrow();
    assertThat(job.taskName()).isEqualTo("py.tasks.other");
    assertThat(job.queueName()).isEqualTo("default");
  }

  @Test
  void deferChecksTheArgumentsOfAKnownTask() throws Exception {
    CliProcess.Result missing = cli("--class-path", tasks, "defer", "cli.sum", "{\"a\": 1}");
    assertThat(missing.exitCode()).as(missing.toString()).isEqualTo(2);
    assertThat(missing.errLines()).hasSize(1);
    assertThat(missing.err()).contains("cli.sum").contains("'b'");

    CliProcess.Result notJson = cli("defer", "--unknown", "x.y", "[1, 2]");
    assertThat(notJson.exitCode()).isEqualTo(2);
    assertThat(notJson.err()).contains("must be a JSON object");
    assertThat(jobs.listJobs(JobFilter.all())).isEmpty();
  }

  @Test
  void queueingLockClashExitsOneUnlessIgnored() throws Exception {
    assertThat(cli("defer", "--unknown", "--queueing-lock", "only-one", "t.x").exitCode()).isZero();

    CliProcess.Result clash = cli("defer", "--unknown", "--queueing-lock", "only-one", "t.x");
    assertThat(clash.exitCode()).as(clash.toString()).isEqualTo(1);
    assertThat(clash.out()).isEmpty();
    assertThat(clash.errLines()).hasSize(1);
    assertThat(clash.err()).contains("queueing lock 'only-one' is already waiting");

    CliProcess.Result ignored =
        cli("defer", "--unknown", "-i", "--queueing-lock", "only-one", "t.x");
    assertThat(ignored.exitCode()).as(ignored.toString()).isZero();
    assertThat(ignored.out()).isEmpty();
    assertThat(ignored.err()).contains("already waiting").contains("(ignored)");
    assertThat(jobs.listJobs(JobFilter.all())).hasSize(1);
  }

  // ---------------------------------------------------------------------------------------------
  // healthchecks

  @Test
  void healthchecksPassWithTasksAndFailWithout() throws Exception {
    CliProcess.Result healthy = cli("--class-path", tasks, "healthchecks");
    assertThat(healthy.exitCode()).as(healthy.toString()).isZero();
    assertThat(healthy.outLines())
        .hasSize(5) // four checks and the final newline
        .satisfies(lines -> assertThat(lines.get(0)).startsWith("database: OK (PostgreSQL "))
        .satisfies(lines -> assertThat(lines.get(1)).startsWith("schema: OK"))
        .satisfies(
            lines ->
                assertThat(lines.get(2))
                    .isEqualTo("events: OK (full, every status change writes an event row)"))
        .satisfies(lines -> assertThat(lines.get(3)).startsWith("tasks: OK (3 found"));

    CliProcess.Result noTasks = cli("healthchecks");
    assertThat(noTasks.exitCode()).as(noTasks.toString()).isEqualTo(1);
    assertThat(noTasks.out()).contains("database: OK").contains("tasks: FAILED (no @Task found");

    CliProcess.Result unreachable =
        CliProcess.launcher()
            .env("PROCRASTINATE_CONNECTION_TIMEOUT", "1")
            .run(
                "--url",
                "jdbc:postgresql://127.0.0.1:1/nothing",
                "--class-path",
                tasks,
                "healthchecks");
    assertThat(unreachable.exitCode()).as(unreachable.toString()).isEqualTo(1);
    assertThat(unreachable.out())
        .contains(
            "database: FAILED (Cannot reach PostgreSQL at jdbc:postgresql://127.0.0.1:1/nothing")
        .contains("schema: FAILED (not checked");
  }

  // ---------------------------------------------------------------------------------------------
  // shell

  @Test
  void shellReadsCommandsFromStandardInputAndPrintsUpstreamsFormat() throws Exception {
    // The scenario of upstream's tests/acceptance/test_shell.py.
    String[] defer = {"--class-path", tasks, "defer"};
    assertThat(cli(concat(defer, "--lock=a", "cli.sum", "{\"a\": 5, \"b\": 7}")).exitCode())
        .isZero();
    assertThat(
            cli(concat(defer, "--lock=lock", "--queue=default", "cli.sum", "{\"a\": 3, \"b\": 8}"))
                .exitCode())
        .isZero();
    assertThat(
            cli(concat(defer, "--queue=other", "--lock=lock", "cli.sum", "{\"a\": 1, \"b\": 2}"))
                .exitCode())
        .isZero();
    assertThat(
            cli(concat(defer, "--lock=b", "--queue=default", "cli.sleep", "{\"millis\": 5}"))
                .exitCode())
        .isZero();

    CliProcess.Result result =
        CliProcess.launcher()
            .runWithInput(
                String.join(
                    "\n",
                    "cancel 2",
                    "cancel 3",
                    "cancel 4",
                    "list_jobs",
                    "list_jobs queue=other details",
                    "list_queues",
                    "list_tasks",
                    "list_locks",
                    "exit",
                    ""),
                withDb("shell"));

    assertThat(result.exitCode()).as(result.toString()).isZero();
    assertThat(result.outLines())
        .containsExactly(
            "Welcome to the procrastinate shell.   Type help or ? to list commands.",
            "",
            "procrastinate> #2 cli.sum on default - [cancelled]",
            "procrastinate> #3 cli.sum on other - [cancelled]",
            "procrastinate> #4 cli.sleep on default - [cancelled]",
            "procrastinate> #1 cli.sum on sums - [todo]",
            "#2 cli.sum on default - [cancelled]",
            "#3 cli.sum on other - [cancelled]",
            "#4 cli.sleep on default - [cancelled]",
            "procrastinate> #3 cli.sum on other - [cancelled] (attempts=0, priority=3,"
                + " scheduled_at=None, args={'a': 1, 'b': 2}, lock=lock)",
            "procrastinate> default: 2 jobs (todo: 0, doing: 0, succeeded: 0, failed: 0,"
                + " cancelled: 2, aborted: 0)",
            "other: 1 jobs (todo: 0, doing: 0, succeeded: 0, failed: 0, cancelled: 1, aborted: 0)",
            "sums: 1 jobs (todo: 1, doing: 0, succeeded: 0, failed: 0, cancelled: 0, aborted: 0)",
            "procrastinate> cli.sleep: 1 jobs (todo: 0, doing: 0, succeeded: 0, failed: 0,"
                + " cancelled: 1, aborted: 0)",
            "cli.sum: 3 jobs (todo: 1, doing: 0, succeeded: 0, failed: 0, cancelled: 2,"
                + " aborted: 0)",
            "procrastinate> a: 1 jobs (todo: 1, doing: 0, succeeded: 0, failed: 0, cancelled: 0,"
                + " aborted: 0)",
            "b: 1 jobs (todo: 0, doing: 0, succeeded: 0, failed: 0, cancelled: 1, aborted: 0)",
            "lock: 2 jobs (todo: 0, doing: 0, succeeded: 0, failed: 0, cancelled: 2, aborted: 0)",
            "procrastinate> ");
    assertThat(result.err()).isEmpty();
  }

  private static String[] concat(String[] first, String... rest) {
    List<String> all = new ArrayList<>(List.of(first));
    all.addAll(List.of(rest));
    return all.toArray(new String[0]);
  }

  @Test
  void shellRetriesAbortsAndFiltersAndReportsBadCommands() throws Exception {
    long failed = jobs.defer(NewJob.builder("t.f").queue("q1").build());
    long worker =
        Long.parseLong(sql.value("SELECT worker_id FROM procrastinate_register_worker_v1()"));
    assertThat(sql.fetch(worker)).isEqualTo(failed);
    sql.finish(failed, "failed");
    // What a worker of this runtime records of the failed attempt.
    sql.execute(
        "INSERT INTO procrastinate_java_job_failures (job_id, attempt, status, worker_name,"
            + " exception_class, message, stack_trace) VALUES (?, 1, 'failed', 'w',"
            + " 'java.lang.IllegalStateException', E'card declined\\nby the bank', 'trace')",
        failed);
    long running = jobs.defer(NewJob.builder("t.r").queue("q2").build());
    assertThat(sql.fetch(worker)).isEqualTo(running);

    CliProcess.Result result =
        CliProcess.launcher()
            .runWithInput(
                String.join(
                    "\n",
                    "list_jobs status=failed",
                    "list_jobs status=failed details",
                    "retry " + failed,
                    "abort " + running,
                    "list_jobs id=" + running + " details",
                    "list_queues status=todo",
                    "retry 999",
                    "list_jobs color=red",
                    "frobnicate",
                    "help retry",
                    ""),
                withDb("shell"));
    assertThat(result.exitCode()).as(result.toString()).isZero();
    assertThat(result.outLines())
        .containsExactly(
            "Welcome to the procrastinate shell.   Type help or ? to list commands.",
            "",
            "procrastinate> #" + failed + " t.f on q1 - [failed]",
            "procrastinate> #"
                + failed
                + " t.f on q1 - [failed] (attempts=1, priority=0, scheduled_at=None, args={},"
                + " lock=None) last_error=java.lang.IllegalStateException: card declined",
            "procrastinate> #" + failed + " t.f on q1 - [todo]",
            "procrastinate> #" + running + " t.r on q2 - [doing]",
            "procrastinate> #"
                + running
                + " t.r on q2 - [doing] (attempts=0, priority=0, scheduled_at=None, args={},"
                + " lock=None)",
            "procrastinate> q1: 1 jobs (todo: 1, doing: 0, succeeded: 0, failed: 0, cancelled: 0,"
                + " aborted: 0)",
            "procrastinate> procrastinate> procrastinate> *** Unknown syntax: frobnicate",
            "procrastinate> Retry a failed or stalled job now (it goes back to todo); a job running"
                + " on a live worker is refused.",
            "Usage: retry JOB_ID",
            "procrastinate> ");
    assertThat(result.errLines())
        .containsExactly(
            "*** there is no job 999",
            "*** list_jobs: unknown argument 'color=red'; use id=, lock=, queue=, queueing_lock=,"
                + " status=, task=");
    assertThat(jobs.getJob(running).orElseThrow().abortRequested()).isTrue();

    // One command as arguments: its exit code says whether it worked.
    CliProcess.Result one = cli("shell", "list_jobs", "queue=q1");
    assertThat(one.exitCode()).as(one.toString()).isZero();
    assertThat(one.out()).isEqualTo("#" + failed + " t.f on q1 - [todo]\n");
    CliProcess.Result bad = cli("shell", "cancel", "999");
    assertThat(bad.exitCode()).isEqualTo(1);
    assertThat(bad.errLines()).containsExactly("*** there is no job 999");
  }

  @Test
  void shellPausesQueuesAndSetsLimitsForEveryWorker() throws Exception {
    sql.execute("DELETE FROM procrastinate_java_flow_controls");
    jobs.defer(NewJob.builder("t.mail").queue("emails").build());
    try {
      CliProcess.Result result =
          CliProcess.launcher()
              .runWithInput(
                  String.join(
                      "\n",
                      "pause_queue emails",
                      "set_limit task=t.mail concurrency=2 rate=10/s",
                      "set_limit task=t.mail concurrency=none",
                      "list_queues",
                      "list_limits",
                      ""),
                  withDb("shell"));
      assertThat(result.exitCode()).as(result.toString()).isZero();
      assertThat(result.outLines())
          .containsExactly(
              "Welcome to the procrastinate shell.   Type help or ? to list commands.",
              "",
              "procrastinate> queue emails paused: no worker of this runtime starts its jobs until"
                  + " resume_queue emails; the jobs running now finish; Python workers do not obey",
              "procrastinate> task=t.mail: concurrency 2, rate 10/1s set; every worker of this"
                  + " runtime obeys it from its next fetch",
              "procrastinate> procrastinate> emails: 1 jobs (todo: 1, doing: 0, succeeded: 0,"
                  + " failed: 0, cancelled: 0, aborted: 0) [paused]",
              "procrastinate> queue=emails: paused, concurrency none, rate none, running now 0",
              "task=t.mail: concurrency 2, rate 10/1s, running now 0",
              "procrastinate> ");
      assertThat(result.errLines())
          .containsExactly(
              "*** set_limit: concurrency=none is not a whole number; give the most jobs running at"
                  + " once, as concurrency=5");

      // One command as arguments: exit 1 when it fails, 0 when it worked or had nothing to do.
      CliProcess.Result bad = cli("shell", "clear_limit", "queue=emails", "task=t.mail");
      assertThat(bad.exitCode()).isEqualTo(1);
      assertThat(bad.errLines())
          .containsExactly(
              "*** clear_limit: give queue= or task=, not both: a limit applies to every job of one"
                  + " queue, or to every job of one task");
      CliProcess.Result cleared = cli("shell", "clear_limit", "task=t.mail");
      assertThat(cleared.exitCode()).as(cleared.toString()).isZero();
      assertThat(cleared.out())
          .isEqualTo("task=t.mail: live limits cleared; it has no limit now\n");
      CliProcess.Result resumed = cli("shell", "resume_queue", "emails");
      assertThat(resumed.exitCode()).isZero();
      assertThat(resumed.out())
          .isEqualTo("queue emails resumed: workers of this runtime start its jobs again\n");
      assertThat(jobs.flowControls()).isEmpty();
    } finally {
      sql.execute("DELETE FROM procrastinate_java_flow_controls");
    }
  }

  // ---------------------------------------------------------------------------------------------
  // errors

  @Test
  void aBadOptionIsOneLineAndExitCodeTwo() throws Exception {
    CliProcess.Result result = cli("worker", "--concurency", "3");
    assertThat(result.exitCode()).isEqualTo(2);
    assertThat(result.errLines())
        .containsExactly(
            "procrastinate: Unknown options: '--concurency', '3' (see 'procrastinate worker"
                + " --help')");
    CliProcess.Result notANumber = cli("worker", "-c", "three");
    assertThat(notANumber.exitCode()).isEqualTo(2);
    assertThat(notANumber.errLines())
        .containsExactly("procrastinate: --concurrency is 'three', which is not a whole number");
    CliProcess.Result noCommand = CliProcess.launcher().run("frobnicate");
    assertThat(noCommand.exitCode()).isEqualTo(2);
    assertThat(noCommand.errLines()).hasSize(1);
  }

  @Test
  void anUnreachableDatabaseIsOneLineAndExitCodeThreeAndVerboseShowsTheTrace() throws Exception {
    String[] args = {"--url", "jdbc:postgresql://127.0.0.1:1/nothing", "defer", "--unknown", "t.x"};
    CliProcess.Result result =
        CliProcess.launcher().env("PROCRASTINATE_CONNECTION_TIMEOUT", "1").run(args);
    assertThat(result.exitCode()).as(result.toString()).isEqualTo(3);
    assertThat(result.errLines()).hasSize(1);
    assertThat(result.err())
        .startsWith(
            "procrastinate: Cannot reach PostgreSQL at jdbc:postgresql://127.0.0.1:1/nothing");

    CliProcess.Result verbose =
        CliProcess.launcher()
            .env("PROCRASTINATE_CONNECTION_TIMEOUT", "1")
            .run(concat(new String[] {"-v"}, args));
    assertThat(verbose.exitCode()).isEqualTo(3);
    assertThat(verbose.err())
        .contains("dev.procrastinate.DatabaseUnavailableException")
        .contains("\tat ");
  }

  @Test
  void missingConfigurationAndBadClassPathAreUsageErrors() throws Exception {
    CliProcess.Result noUrl = CliProcess.launcher().run("defer", "--unknown", "t.x");
    assertThat(noUrl.exitCode()).isEqualTo(2);
    assertThat(noUrl.errLines()).hasSize(1);
    assertThat(noUrl.err()).contains("PROCRASTINATE_URL");

    CliProcess.Result badPath = cli("--class-path", "/no/such/dir", "defer", "--unknown", "t.x");
    assertThat(badPath.exitCode()).isEqualTo(2);
    assertThat(badPath.errLines())
        .containsExactly(
            "procrastinate: --class-path entry '/no/such/dir' does not exist; give jars and"
                + " directories");
  }

  @Test
  void versionAndHelpExitZero() throws Exception {
    CliProcess.Result version = CliProcess.launcher().run("-V");
    assertThat(version.exitCode()).isZero();
    assertThat(version.out()).startsWith("procrastinate-java ").doesNotContain("unknown");
    for (String command : List.of("worker", "defer", "schema", "healthchecks", "shell")) {
      CliProcess.Result help = CliProcess.launcher().run(command, "--help");
      assertThat(help.exitCode()).as(command).isZero();
      assertThat(help.out()).startsWith("Usage: procrastinate " + command).contains("Exit codes:");
    }
  }
}
