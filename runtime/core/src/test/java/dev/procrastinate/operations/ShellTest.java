package dev.procrastinate.operations;

import static org.assertj.core.api.Assertions.assertThat;

import dev.procrastinate.App;
import dev.procrastinate.JobManager;
import dev.procrastinate.NewJob;
import dev.procrastinate.internal.migrate.Migrator;
import dev.procrastinate.model.EventRecording;
import dev.procrastinate.model.FlowControl;
import dev.procrastinate.model.LimitTarget;
import dev.procrastinate.model.RateLimit;
import dev.procrastinate.testing.Sql;
import dev.procrastinate.testing.TestDatabase;
import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.sql.Connection;
import java.sql.Statement;
import java.time.Duration;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

/**
 * The shell's flow-control commands over a real database: pausing and resuming queues, setting,
 * clearing and listing limits, the paused mark of {@code list_queues}, and the errors of each. The
 * command line's tests run the shell's other commands as a process.
 */
class ShellTest {
  @RegisterExtension static final TestDatabase DB = TestDatabase.migrated();

  private final ByteArrayOutputStream out = new ByteArrayOutputStream();
  private final ByteArrayOutputStream err = new ByteArrayOutputStream();
  private JobManager jobs;
  private Sql sql;
  private Shell shell;

  @BeforeEach
  void setUp() throws Exception {
    jobs = DB.app().jobManager();
    sql = new Sql(DB.dataSource());
    sql.execute("DELETE FROM procrastinate_jobs");
    sql.execute("DELETE FROM procrastinate_java_flow_controls");
    shell =
        new Shell(
            jobs,
            new PrintStream(out, true, StandardCharsets.UTF_8),
            new PrintStream(err, true, StandardCharsets.UTF_8));
  }

  /** Runs a command and returns its standard output, checking it worked and wrote no error. */
  private String ok(String line) {
    out.reset();
    err.reset();
    Shell.Result result = shell.execute(line);
    assertThat(err.toString(StandardCharsets.UTF_8)).as(line).isEmpty();
    assertThat(result).as(line).isEqualTo(Shell.Result.OK);
    return out.toString(StandardCharsets.UTF_8);
  }

  /** Runs a command that must fail, and returns its error line. */
  private String failed(String line) {
    out.reset();
    err.reset();
    Shell.Result result = shell.execute(line);
    assertThat(result).as(line).isEqualTo(Shell.Result.FAILED);
    assertThat(out.toString(StandardCharsets.UTF_8)).as(line).isEmpty();
    return err.toString(StandardCharsets.UTF_8);
  }

  private FlowControl control(LimitTarget target) {
    return jobs.flowControls().stream()
        .filter(c -> c.target().equals(target))
        .findFirst()
        .orElseThrow(() -> new AssertionError("no control of " + target));
  }

  @Test
  void pausesAndResumesAQueueSayingWhatHappened() {
    assertThat(ok("pause_queue emails"))
        .isEqualTo(
            "queue emails paused: no worker of this runtime starts its jobs until resume_queue"
                + " emails; the jobs running now finish; Python workers do not obey\n");
    assertThat(control(LimitTarget.queue("emails")).paused()).isTrue();
    assertThat(ok("pause_queue emails"))
        .isEqualTo("queue emails is already paused; nothing changed\n");

    assertThat(ok("resume_queue emails"))
        .isEqualTo("queue emails resumed: workers of this runtime start its jobs again\n");
    assertThat(jobs.flowControls()).isEmpty();
    assertThat(ok("resume_queue emails"))
        .isEqualTo("queue emails is not paused; nothing changed\n");

    assertThat(failed("pause_queue"))
        .isEqualTo("*** pause_queue: give one queue name, as pause_queue emails\n");
    assertThat(failed("resume_queue a b"))
        .isEqualTo("*** resume_queue: give one queue name, as resume_queue emails; got a b\n");
  }

  @Test
  void listQueuesMarksPausedQueuesAndShowsAPausedQueueWithoutJobs() {
    jobs.defer(NewJob.builder("mail.send").queue("emails").build());
    jobs.defer(NewJob.builder("report.build").queue("reports").build());
    String before = ok("list_queues");
    assertThat(before)
        .isEqualTo(
            "emails: 1 jobs (todo: 1, doing: 0, succeeded: 0, failed: 0, cancelled: 0, aborted: 0)\n"
                + "reports: 1 jobs (todo: 1, doing: 0, succeeded: 0, failed: 0, cancelled: 0,"
                + " aborted: 0)\n");

    ok("pause_queue emails");
    ok("pause_queue idle");
    assertThat(ok("list_queues"))
        .isEqualTo(
            "emails: 1 jobs (todo: 1, doing: 0, succeeded: 0, failed: 0, cancelled: 0, aborted: 0)"
                + " [paused]\n"
                + "idle: 0 jobs (todo: 0, doing: 0, succeeded: 0, failed: 0, cancelled: 0, aborted:"
                + " 0) [paused]\n"
                + "reports: 1 jobs (todo: 1, doing: 0, succeeded: 0, failed: 0, cancelled: 0,"
                + " aborted: 0)\n");
    // A filter lists the queues with matching jobs only, still marked.
    assertThat(ok("list_queues status=todo queue=emails"))
        .isEqualTo(
            "emails: 1 jobs (todo: 1, doing: 0, succeeded: 0, failed: 0, cancelled: 0, aborted: 0)"
                + " [paused]\n");

    ok("resume_queue emails");
    ok("resume_queue idle");
    assertThat(ok("list_queues")).isEqualTo(before);
  }

  @Test
  void setsListsAndClearsLimits() throws Exception {
    assertThat(ok("set_limit queue=emails concurrency=5"))
        .isEqualTo(
            "queue=emails: concurrency 5 set; every worker of this runtime obeys it from its next"
                + " fetch\n");
    assertThat(ok("set_limit task=mail.send rate=100/m concurrency=3"))
        .isEqualTo(
            "task=mail.send: concurrency 3, rate 100/1m set; every worker of this runtime obeys it"
                + " from its next fetch\n");
    FlowControl task = control(LimitTarget.task("mail.send"));
    assertThat(task.concurrency()).isEqualTo(3);
    assertThat(task.rate()).isEqualTo(new RateLimit(100, Duration.ofMinutes(1)));
    assertThat(control(LimitTarget.queue("emails")).concurrency()).isEqualTo(5);

    // A task that declares limits in code, as a worker registering it writes them.
    sql.execute(
        "INSERT INTO procrastinate_java_flow_controls (scope, name, declared_concurrency,"
            + " declared_rate_permits, declared_rate_period) VALUES ('task', 'report.build', 2, 10,"
            + " interval '1 second')");
    long running = jobs.defer(NewJob.builder("report.build").queue("reports").build());
    long worker =
        Long.parseLong(sql.value("SELECT worker_id FROM procrastinate_register_worker_v1()"));
    assertThat(sql.fetch(worker)).isEqualTo(running);
    ok("pause_queue reports");

    assertThat(ok("list_limits"))
        .isEqualTo(
            "queue=emails: not paused, concurrency 5, rate none, running now 0\n"
                + "queue=reports: paused, concurrency none, rate none, running now 1\n"
                + "task=mail.send: concurrency 3, rate 100/1m, running now 0\n"
                + "task=report.build: concurrency 2 (declared), rate 10/1s (declared), running now"
                + " 1\n");

    // A live limit wins over the declared one; clearing it brings the declared one back.
    ok("set_limit task=report.build concurrency=1");
    assertThat(ok("list_limits"))
        .contains(
            "task=report.build: concurrency 1 (declared 2), rate 10/1s (declared), running now 1\n");
    assertThat(ok("clear_limit task=report.build"))
        .isEqualTo(
            "task=report.build: live limits cleared; the limits its code declares apply again:"
                + " concurrency 2, rate 10/1s\n");
    assertThat(control(LimitTarget.task("report.build")).concurrency()).isNull();
    assertThat(ok("clear_limit task=report.build"))
        .isEqualTo(
            "task=report.build has no live limit; nothing changed; the limits its code declares"
                + " apply again: concurrency 2, rate 10/1s\n");

    assertThat(ok("clear_limit queue=emails"))
        .isEqualTo("queue=emails: live limits cleared; it has no limit now\n");
    assertThat(ok("clear_limit task=mail.send"))
        .isEqualTo("task=mail.send: live limits cleared; it has no limit now\n");
    // Clearing limits leaves a pause alone.
    assertThat(ok("clear_limit queue=reports"))
        .isEqualTo("queue=reports has no live limit; nothing changed; it has no limit now\n");
    assertThat(ok("list_limits"))
        .isEqualTo(
            "queue=reports: paused, concurrency none, rate none, running now 1\n"
                + "task=report.build: concurrency 2 (declared), rate 10/1s (declared), running now"
                + " 1\n");
  }

  @Test
  void badLimitsAreRefusedNamingTheWordAndTheFixAndChangeNothing() {
    assertThat(failed("set_limit queue=emails concurrency=five"))
        .isEqualTo(
            "*** set_limit: concurrency=five is not a whole number; give the most jobs running at"
                + " once, as concurrency=5\n");
    assertThat(failed("set_limit queue=emails concurrency=0"))
        .isEqualTo(
            "*** set_limit: concurrency=0 is below 1; give at least 1, or lift the limits with"
                + " clear_limit queue=emails\n");
    assertThat(failed("set_limit task=mail.send rate=fast"))
        .isEqualTo(
            "*** set_limit: rate limit 'fast' does not read: write N/PERIOD, N starts per PERIOD,"
                + " as 50/1s, 50/s, 100/60 (in seconds), 100/m or 5/500ms\n");
    assertThat(failed("set_limit task=mail.send rate=0/s"))
        .startsWith("*** set_limit: rate limit '0/s' allows 0 starts (at least 1 start): ");
    // Nothing is set when one of the two is bad.
    assertThat(failed("set_limit queue=emails concurrency=4 rate=1/x")).contains("'1/x'");
    assertThat(failed("set_limit concurrency=4"))
        .isEqualTo(
            "*** set_limit: say what to limit with queue=QUEUE_NAME or task=TASK_NAME, as"
                + " set_limit queue=emails\n");
    assertThat(failed("set_limit queue=emails task=mail.send concurrency=4"))
        .isEqualTo(
            "*** set_limit: give queue= or task=, not both: a limit applies to every job of one"
                + " queue, or to every job of one task\n");
    assertThat(failed("set_limit queue=emails"))
        .isEqualTo(
            "*** set_limit: give concurrency=N, rate=N/PERIOD or both, as set_limit queue=emails"
                + " concurrency=5 rate=50/1s; to lift the limits, use clear_limit queue=emails\n");
    assertThat(failed("set_limit queue=emails limit=4"))
        .isEqualTo(
            "*** set_limit: unknown argument 'limit=4'; use concurrency=, queue=, rate=, task=\n");
    assertThat(failed("set_limit queue= concurrency=4"))
        .isEqualTo("*** set_limit: queue= has no value; write it as queue=emails\n");
    assertThat(failed("set_limit queue=a queue=b concurrency=4"))
        .isEqualTo("*** set_limit: queue= is given twice; give it once\n");
    assertThat(failed("clear_limit"))
        .isEqualTo(
            "*** clear_limit: say what to limit with queue=QUEUE_NAME or task=TASK_NAME, as"
                + " clear_limit queue=emails\n");
    assertThat(failed("clear_limit queue=emails concurrency=3"))
        .isEqualTo("*** clear_limit: unknown argument 'concurrency=3'; use queue=, task=\n");
    assertThat(failed("list_limits queue=emails"))
        .isEqualTo("*** list_limits: takes no argument; got queue=emails\n");
    assertThat(jobs.flowControls()).isEmpty();
  }

  @Test
  void resultPrintsAJobsResultAsJsonAndFailsWithoutOne() throws Exception {
    long done = jobs.defer(NewJob.builder("mail.send").build());
    long waiting = jobs.defer(NewJob.builder("mail.send").build());
    long bare = jobs.defer(NewJob.builder("mail.send").build());
    sql.execute(
        "UPDATE procrastinate_jobs SET status = 'succeeded' WHERE id IN (?, ?)", done, bare);
    sql.execute(
        "INSERT INTO procrastinate_java_job_results (job_id, result) VALUES (?, '{\"sent\": 3}')",
        done);

    assertThat(ok("result " + done)).isEqualTo("{\"sent\": 3}\n");
    assertThat(failed("result " + waiting))
        .isEqualTo("*** job " + waiting + " is todo: a job has a result once it succeeded\n");
    assertThat(failed("result " + bare))
        .startsWith("*** job " + bare + " succeeded without a result");
    assertThat(failed("result 999999")).isEqualTo("*** there is no job 999999\n");
    assertThat(failed("result x")).isEqualTo("*** 'x' is not a job id; give a number\n");
  }

  @Test
  void helpListsAndDescribesTheFlowControlCommands() {
    assertThat(ok("help"))
        .contains(
            "list_jobs  list_queues  list_tasks  list_locks  cancel  abort  retry  result  pause_queue "
                + " resume_queue  set_limit  clear_limit  list_limits  event_recording  help  exit");
    assertThat(ok("help set_limit"))
        .contains(
            "Usage: set_limit queue=QUEUE_NAME|task=TASK_NAME [concurrency=N] [rate=N/PERIOD]",
            "Example: set_limit task=mail.send concurrency=5 rate=50/1s");
    assertThat(ok("help pause_queue")).contains("Python workers do not obey");
    assertThat(ok("help list_queues")).contains("[paused]");
  }

  @Test
  void eventRecordingShowsAndSwitchesWhatStatusChangesRecord() {
    try {
      assertThat(ok("event_recording"))
          .isEqualTo("event recording: full, every status change writes an event row\n");
      assertThat(ok("event_recording lean"))
          .startsWith("event recording: lean, no 'deferred' or 'started' event rows");
      assertThat(DB.app().jobManager().eventRecording().mode()).isEqualTo(EventRecording.Mode.LEAN);
      assertThat(failed("event_recording quiet"))
          .startsWith("*** event recording 'quiet' is not a mode: use 'full'");
      assertThat(failed("event_recording full now"))
          .isEqualTo(
              "*** event_recording: give full or lean, or nothing to show it; got full now\n");
      assertThat(ok("event_recording FULL"))
          .isEqualTo("event recording: full, every status change writes an event row\n");
    } finally {
      DB.app().jobManager().setEventRecording(EventRecording.Mode.FULL);
    }
  }

  @Test
  void listQueuesStillWorksOnAnUpstreamSchemaWithoutFlowControls() throws Exception {
    sql.execute("CREATE SCHEMA upstream_only");
    try (App upstream = App.builder().config(DB.config("upstream_only")).build()) {
      // Python Procrastinate's schema alone, never migrated by this runtime.
      try (Connection c = upstream.dataSource().getConnection();
          Statement statement = c.createStatement()) {
        statement.execute(Migrator.scripts().get(0).sql());
        statement.execute(
            "INSERT INTO procrastinate_jobs (queue_name, task_name, args) VALUES ('emails', 't',"
                + " '{}')");
      }
      shell =
          new Shell(
              upstream.jobManager(),
              new PrintStream(out, true, StandardCharsets.UTF_8),
              new PrintStream(err, true, StandardCharsets.UTF_8));
      assertThat(ok("list_queues"))
          .isEqualTo(
              "emails: 1 jobs (todo: 1, doing: 0, succeeded: 0, failed: 0, cancelled: 0, aborted:"
                  + " 0)\n");
      assertThat(failed("pause_queue emails"))
          .startsWith("*** The Procrastinate schema is missing or incomplete")
          .contains("procrastinate_java_flow_controls");
    }
  }
}
