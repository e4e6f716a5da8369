package dev.procrastinate.bench;

import com.zaxxer.hikari.HikariConfig;
import com.zaxxer.hikari.HikariDataSource;
import dev.procrastinate.App;
import dev.procrastinate.AppConfig;
import dev.procrastinate.JobAbortedException;
import dev.procrastinate.JobContext;
import dev.procrastinate.NewJob;
import dev.procrastinate.RetryStrategy;
import dev.procrastinate.Worker;
import dev.procrastinate.WorkerOptions;
import dev.procrastinate.Workflow;
import dev.procrastinate.model.ProcrastinateWorker;
import dev.procrastinate.spi.TaskDescriptor;
import dev.procrastinate.spi.TaskParameter;
import dev.procrastinate.spi.TaskRegistrar;
import dev.procrastinate.testing.ScratchPostgres;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.sql.Timestamp;
import java.time.Duration;
import java.time.Instant;
import java.time.OffsetDateTime;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Objects;
import java.util.concurrent.ThreadLocalRandom;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import javax.sql.DataSource;
import org.jspecify.annotations.Nullable;

/**
 * What is lost, and what runs twice, when things break: a steady load of jobs on several worker
 * processes (child JVMs, each a {@link Worker} with {@code rescueStalledJobs} on and short
 * heartbeat and stalled-worker timeouts), one fault after another, each followed by a drain; one
 * row per fault.
 *
 * <p>The queue lives on a PostgreSQL cluster of the harness's own ({@link ScratchPostgres}: {@code
 * initdb} in a temporary folder, another port), which faults 2, 6 and 8 stop; never the developer's
 * server, which only keeps the records. Each fault runs on fresh workers. A deferrer thread defers
 * jobs of {@value #TASK} at a steady rate, each working a random 0.5 to 3 s in steps of 100 ms, and
 * checking {@code shouldAbort()} before each step as a well-behaved long task does; every run
 * records its start, its end, the end of its last step and whether it ran to its end, with the pid
 * of its worker, in the table {@code chaos_runs} on the records' server (through a pool of its own
 * that no fault touches). The harness records each worker death (a SIGKILL), pause (SIGSTOP to
 * SIGCONT), stall and server outage in {@code chaos_events}. After the fault the deferrer stops and
 * the workers drain the queue; then the row is computed from those tables and from the jobs and
 * final events copied over from the queue:
 *
 * <ul>
 *   <li><b>deferred</b>, <b>succeeded</b>, <b>failed</b> (the retry strategy allows 50 attempts, so
 *       none should);
 *   <li><b>lost</b>: still {@code todo} or {@code doing} after the drain;
 *   <li><b>2 at once</b>: jobs with two runs that worked at the same time: a run works from its
 *       start to the end of its last step; one cut short by a SIGKILL, until the kill. A paused
 *       process does no work: its run resumes only if its next check allows it;
 *   <li><b>done twice</b>: jobs whose task ran to its end more than once (at-least-once delivery: a
 *       worker died, or was cut off, after the task's end and before its outcome was written);
 *   <li><b>abandoned</b>: runs that stopped before their end, asked to abort (the worker's lease
 *       ran out); each job of them was retried;
 *   <li><b>over live</b>: jobs whose final outcome was written while their latest run was still
 *       running, i.e. an outcome of an older run written over the rescued one;
 *   <li><b>max death→restart</b>: the longest time from a worker's death, pause or stall to the
 *       next start, on another worker, of a job that was running on it, against the goal of the
 *       stalled timeout plus two heartbeats.
 * </ul>
 *
 * <p>As each fault begins, the harness also defers a workflow: a group of 50 jobs, then a callback
 * (under fault 1, jobs of a second each, ahead of the steady load, so that the kills strike
 * mid-group; under the others, short jobs among the steady load). Its line tells how the members
 * ended (and how many started again, cut short by the fault), how many times the callback became a
 * job (released once, in the transaction of the last member's success), how many times it started,
 * and whether it started after the last member's success.
 *
 * <p>The faults: (1) workers killed with SIGKILL again and again, a new one started each time; (2)
 * the server restarted with a fast shutdown; (3) every backend of the workers terminated with
 * {@code pg_terminate_backend}; (4) on every worker, a task that takes every connection of the
 * worker's pool and holds it; (5) the traffic of one worker black-holed by a {@link StallProxy} for
 * longer than the stalled timeout; (6) the server down for a long while; (7) a worker paused with
 * SIGSTOP past the stalled timeout, then woken with SIGCONT; (8) the server crashed (an immediate
 * shutdown, whose recovery loses the outcomes not yet written out) and started again; (9) one
 * backend of a worker killed with SIGKILL: the postmaster stays up, but ends every other backend
 * and replays the WAL, as a crash does, without its start time changing; (10) a {@code
 * statement_timeout} of a few milliseconds on the workers' sessions (never the harness's), while
 * the harness locks the jobs table for a moment again and again, so that the workers' own fetches
 * and outcome writes are cancelled (SQLSTATE 57014).
 *
 * <p>Each fault also records the evidence that it struck, counted in {@link Row#evidence()}: a
 * SIGKILL, a pause or a stall only of a worker that holds running jobs at that moment (open runs
 * whose jobs are {@code doing} on the queue), its exit status 137 for a kill, the jobs it held
 * started again on another worker, the server's start time changed, crash recoveries, killed
 * backends and cancelled statements in the server's log, backends terminated, pools found empty.
 * {@link Fault#proofs()} names the evidence a fault must show; a row without it measured nothing.
 *
 * <p>Arguments, each {@code key=value}, all optional: {@code workers=3} worker processes, {@code
 * concurrency=4} per worker, {@code rate=4} jobs deferred per second, {@code heartbeat=1} and
 * {@code stalled=5} seconds, {@code warmup=4} seconds of load before each fault, {@code kills=8}
 * SIGKILLs {@code killEvery=5} seconds apart, {@code terminations=3} rounds {@code
 * terminateEvery=5} seconds apart, {@code hold=20} seconds of pool exhaustion, {@code stall=30}
 * seconds of network stall, {@code outage=60} seconds of server outage, {@code pauses=3} pauses of
 * {@code pause=12} seconds, {@code after=6} seconds of load after each fault, {@code
 * faults=1,2,3,4,5,6,7,8,9,10}, {@code backendKills=2} SIGKILLed backends {@code
 * backendKillEvery=5} seconds apart, {@code timeouts=10} seconds of a {@code statementTimeout=0.01}
 * second statement timeout, {@code logs=<dir>} for the workers' logs (a new temporary directory by
 * default). A tiny run: {@code workers=2 rate=3 kills=1 terminations=1 pauses=1 pause=5 hold=4
 * stall=5 outage=5 backendKills=1 timeouts=4 heartbeat=0.5 stalled=2 warmup=2 after=2}.
 */
public final class ChaosBenchmark {
  static final String TASK = "bench.chaos";
  static final String HOG_TASK = "bench.chaos.hog";
  private static final int WORKFLOW_MEMBERS = 50;
  private static final long STEP_NANOS = TimeUnit.MILLISECONDS.toNanos(100);
  private static final String WORKER_CHILD = "--worker";
  private static final String WORKER_APP_PREFIX = "chaos-worker-";

  /**
   * The harness's own sessions on the queue's server: no statement timeout, whatever fault 10 sets
   * for the server's other sessions.
   */
  private static final String HARNESS_OPTIONS = "?options=-c%20statement_timeout%3D0";

  /** Evidence: a worker holding running jobs was SIGKILLed and exited with status 137. */
  static final String KILLED_BUSY = "SIGKILLs (exit 137) of a worker holding running jobs";

  /** Evidence: a worker holding running jobs was paused with SIGSTOP. */
  static final String PAUSED_BUSY = "SIGSTOPs of a worker holding running jobs";

  /** Evidence: the traffic of a worker holding running jobs was black-holed. */
  static final String STALLED_BUSY = "stalls of a worker holding running jobs";

  /** Evidence: jobs running on a killed, paused or stalled worker started again on another. */
  static final String RERUN = "jobs of a struck worker started again on another";

  /** Evidence: {@code pg_postmaster_start_time()} differs after the fault. */
  static final String START_CHANGED = "server start time changed";

  /** Evidence: the server's log shows a crash recovery. */
  static final String RECOVERED = "crash recoveries in the server log";

  /** Evidence: {@code pg_terminate_backend} returned true. */
  static final String TERMINATED = "backends terminated";

  /** Evidence: a task took every free connection of its worker's pool. */
  static final String POOL_EMPTIED = "worker pools emptied by a task";

  /** Evidence: the server's log shows a backend killed by signal 9. */
  static final String BACKEND_KILLED = "backends killed by signal 9 in the server log";

  /** Evidence: the server's log shows statements cancelled by the statement timeout. */
  static final String CANCELLED = "statements cancelled by statement_timeout in the server log";

  private ChaosBenchmark() {}

  /**
   * Runs every fault and prints the table, or, with {@value #WORKER_CHILD} first, runs one worker
   * process.
   *
   * @param args {@code key=value} settings (see the class comment)
   * @throws Exception if the database or a worker process fails
   */
  public static void main(String[] args) throws Exception {
    if (args.length > 0 && args[0].equals(WORKER_CHILD)) {
      runWorker(args);
      return;
    }
    System.setProperty("org.slf4j.simpleLogger.defaultLogLevel", "warn");
    Settings settings = Settings.parse(args);
    System.out.printf(
        Locale.ROOT,
        "chaos benchmark: %d workers x concurrency %d, %.1f jobs/s of 0.5-3 s, heartbeat %.1f s,"
            + " stalled timeout %.1f s, %d cores%n",
        settings.workers,
        settings.concurrency,
        settings.rate,
        settings.heartbeat.toMillis() / 1e3,
        settings.stalled.toMillis() / 1e3,
        Runtime.getRuntime().availableProcessors());
    Path logs =
        settings.logs != null
            ? Files.createDirectories(settings.logs)
            : Files.createTempDirectory("procrastinate-chaos");
    System.out.println("  worker logs: " + logs.toAbsolutePath());
    printTable(settings, run(settings, logs));
  }

  /**
   * Runs the faults of the settings and returns their rows: the queue on a PostgreSQL cluster of
   * the harness's own (which faults 2, 6 and 8 stop), the records on the benchmark server.
   *
   * @param settings the settings
   * @param logs where the workers' logs go
   * @return one row per fault, in the order of the settings
   * @throws Exception if a database or a worker process fails
   */
  static List<Row> run(Settings settings, Path logs) throws Exception {
    Files.createDirectories(logs);
    List<Fault> faults = new ArrayList<>();
    for (String number : settings.faults) {
      faults.add(
          switch (number) {
            case "1" -> new KillWorkers(settings.kills, settings.killEvery);
            case "2" -> new RestartServer();
            case "3" -> new TerminateBackends(settings.terminations, settings.terminateEvery);
            case "4" -> new ExhaustPools(settings.hold);
            case "5" -> new StallNetwork(settings.stall);
            case "6" -> new Outage(settings.outage);
            case "7" -> new PauseWorker(settings.pauses, settings.pause);
            case "8" -> new CrashServer();
            case "9" -> new KillBackend(settings.backendKills, settings.backendKillEvery);
            case "10" -> new StatementTimeouts(settings.timeouts, settings.statementTimeout);
            default ->
                throw new IllegalArgumentException(
                    "faults: unknown fault '" + number + "'; the faults are 1 to 10");
          });
    }
    List<Row> rows = new ArrayList<>();
    try (ScratchPostgres server = ScratchPostgres.start();
        BenchDatabase records = BenchDatabase.create("chaos", 4);
        App app =
            App.builder()
                .config(
                    AppConfig.builder()
                        .url(server.url() + HARNESS_OPTIONS)
                        .user("postgres")
                        .poolSize(4)
                        .connectionTimeout(Duration.ofSeconds(2))
                        .build())
                .taskRegistrars(List.of(registrar()))
                .build()) {
      app.schemaManager().migrate();
      createTables(records);
      for (Fault fault : faults) {
        long start = System.nanoTime();
        try (Run run = new Run(server, records, app, settings, fault, logs)) {
          rows.add(run.execute());
        }
        System.out.printf(
            Locale.ROOT,
            "  fault %s done in %.1f s%n",
            fault.number(),
            (System.nanoTime() - start) / 1e9);
      }
    }
    return rows;
  }

  /** The task of every job: records its run, sleeps, records its end. */
  private static TaskRegistrar registrar() {
    return registrar(null, null);
  }

  private static TaskRegistrar registrar(
      @Nullable Recorder recorder, @Nullable HikariDataSource workerPool) {
    TaskDescriptor hog =
        TaskDescriptor.builder(HOG_TASK)
            .parameter(TaskParameter.required("fault", "int"))
            .parameter(TaskParameter.required("seconds", "int"))
            .source("ChaosBenchmark")
            .build(
                (context, arguments) -> {
                  if (workerPool == null || recorder == null) {
                    throw new IllegalStateException("the harness runs no job");
                  }
                  if (context.job().attempts() == 0) {
                    hogConnections(
                        context,
                        workerPool,
                        arguments.getInt("seconds"),
                        recorder,
                        Integer.toString(arguments.getInt("fault")));
                  }
                  return null;
                });
    TaskDescriptor task =
        TaskDescriptor.builder(TASK)
            .parameter(TaskParameter.required("fault", "int"))
            .parameter(TaskParameter.required("millis", "int"))
            .retryStrategy(RetryStrategy.builder().maxAttempts(50).build())
            .source("ChaosBenchmark")
            .build(
                (context, arguments) -> {
                  if (recorder == null) {
                    throw new IllegalStateException("the harness runs no job");
                  }
                  long run =
                      recorder.start(
                          context.job().id(), Integer.toString(arguments.getInt("fault")));
                  long deadline =
                      System.nanoTime() + TimeUnit.MILLISECONDS.toNanos(arguments.getInt("millis"));
                  Instant workedUntil = Instant.now();
                  // The same end counted from the check that allowed the last step: the clock is
                  // read before the check, so a freeze between the check and the step's start
                  // (which the lease cannot stop: nothing runs to see it) does not move it.
                  Instant checkedUntil = workedUntil;
                  boolean completed = false;
                  try {
                    // Steps of at most 100 ms; each one, the last included, begins only after a
                    // check that the job may still run here.
                    while (true) {
                      Instant beforeCheck = Instant.now();
                      if (context.shouldAbort()) {
                        break;
                      }
                      long left = deadline - System.nanoTime();
                      if (left <= 0) {
                        completed = true;
                        workedUntil = Instant.now();
                        checkedUntil = beforeCheck;
                        break;
                      }
                      long step = Math.min(left, STEP_NANOS);
                      workedUntil = Instant.now().plusNanos(step);
                      checkedUntil = beforeCheck.plusNanos(step);
                      TimeUnit.NANOSECONDS.sleep(step);
                    }
                  } catch (InterruptedException e) {
                    // Asked to abort: the step in progress is cut short, if it had not ended
                    // already (a sleep whose end passed while the process was paused).
                    Instant now = Instant.now();
                    if (now.isBefore(workedUntil)) {
                      workedUntil = now;
                    }
                    if (now.isBefore(checkedUntil)) {
                      checkedUntil = now;
                    }
                  } finally {
                    recorder.end(run, workedUntil, checkedUntil, completed);
                  }
                  if (!completed) {
                    throw new JobAbortedException();
                  }
                  return null;
                });
    return () -> List.of(task, hog);
  }

  /**
   * Fault 4's task: takes every connection of the worker's pool and holds them for a while, or
   * until the job is asked to abort. Only its first attempt does. Records, once, that the pool is
   * empty: every connection checked out, by this task or the worker.
   */
  private static void hogConnections(
      JobContext context, HikariDataSource pool, int seconds, Recorder recorder, String fault)
      throws Exception {
    List<Connection> held = new ArrayList<>();
    boolean emptied = false;
    try {
      while (held.size() < pool.getMaximumPoolSize() && !context.shouldAbort()) {
        try {
          held.add(pool.getConnection());
        } catch (SQLException e) {
          break; // timed out or interrupted: the rest is held by others
        }
        if (!emptied
            && pool.getHikariPoolMXBean().getActiveConnections() >= pool.getMaximumPoolSize()) {
          emptied = true;
          recorder.event(fault, "pool-emptied");
        }
      }
      long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(seconds);
      while (System.nanoTime() < deadline && !context.shouldAbort()) {
        TimeUnit.NANOSECONDS.sleep(STEP_NANOS);
      }
    } finally {
      for (Connection connection : held) {
        try {
          connection.close();
        } catch (SQLException e) {
          // Back to the pool or gone with its server: either way not held.
        }
      }
    }
  }

  private static void createTables(BenchDatabase db) throws SQLException {
    try (Connection connection = db.newConnection();
        Statement statement = connection.createStatement()) {
      statement.execute(
          "CREATE TABLE chaos_runs (id bigserial PRIMARY KEY, job_id bigint NOT NULL,"
              + " fault text NOT NULL, pid bigint NOT NULL, started_at timestamptz NOT NULL,"
              + " ended_at timestamptz, worked_until timestamptz, checked_until timestamptz,"
              + " completed boolean)");
      statement.execute(
          "CREATE TABLE chaos_jobs (fault text NOT NULL, id bigint NOT NULL, status text NOT NULL)");
      statement.execute(
          "CREATE TABLE chaos_finals (fault text NOT NULL, job_id bigint NOT NULL,"
              + " at timestamptz NOT NULL)");
      statement.execute("CREATE INDEX ON chaos_runs (job_id)");
      statement.execute(
          "CREATE TABLE chaos_events (fault text NOT NULL, pid bigint NOT NULL,"
              + " kind text NOT NULL, at timestamptz NOT NULL, until timestamptz)");
    }
  }

  // -----------------------------------------------------------------------------------------------
  // The worker process.

  /** A child JVM: one worker until SIGTERM, or until its parent's end closes its standard input. */
  private static void runWorker(String[] args) throws Exception {
    Settings settings = Settings.parse(Arrays.copyOfRange(args, 1, args.length));
    long pid = ProcessHandle.current().pid();
    Thread orphanWatch =
        new Thread(
            () -> {
              try {
                while (System.in.read() >= 0) {
                  // The parent writes nothing; end of input means the parent is gone.
                }
              } catch (IOException e) {
                // Same: the parent is gone.
              }
              Runtime.getRuntime().halt(3);
            },
            "chaos-orphan-watch");
    orphanWatch.setDaemon(true);
    orphanWatch.start();
    String queueUrl = Objects.requireNonNull(settings.queueUrl, "queue=<url> of the queue");
    String recordsName = Objects.requireNonNull(settings.records, "records=<database>");
    try (BenchDatabase records = BenchDatabase.existing(recordsName, 1);
        HikariDataSource workerPool =
            pool(queueUrl, "postgres", "", WORKER_APP_PREFIX + pid, settings.concurrency + 6);
        HikariDataSource recorderPool =
            pool(records.url(), records.user(), records.password(), "chaos-recorder", 2);
        App app =
            App.builder()
                .dataSource(workerPool)
                .taskRegistrars(List.of(registrar(new Recorder(recorderPool, pid), workerPool)))
                .build()) {
      try (Worker worker =
          app.worker(
              WorkerOptions.builder()
                  .name("chaos-" + pid)
                  .concurrency(settings.concurrency)
                  .rescueStalledJobs(true)
                  .updateHeartbeatInterval(settings.heartbeat)
                  .stalledWorkerTimeout(settings.stalled)
                  .fetchJobPollingInterval(Duration.ofSeconds(1))
                  .abortJobPollingInterval(Duration.ofSeconds(1))
                  .shutdownGracefulTimeout(Duration.ofSeconds(10))
                  .installSignalHandlers(true)
                  .build())) {
        worker.run();
      }
    }
  }

  private static HikariDataSource pool(
      String url, String user, String password, String applicationName, int size) {
    HikariConfig config = new HikariConfig();
    config.setJdbcUrl(url);
    config.setUsername(user);
    config.setPassword(password);
    config.setMaximumPoolSize(size);
    config.setPoolName(applicationName);
    config.addDataSourceProperty("ApplicationName", applicationName);
    return new HikariDataSource(config);
  }

  /**
   * Writes the runs of a worker process; retries for 30 s, so that a record survives a short outage
   * of its own.
   */
  private static final class Recorder {
    private final DataSource dataSource;
    private final long pid;

    Recorder(DataSource dataSource, long pid) {
      this.dataSource = dataSource;
      this.pid = pid;
    }

    long start(long jobId, String fault) throws Exception {
      return retrying(
          () -> {
            try (Connection connection = dataSource.getConnection();
                PreparedStatement statement =
                    connection.prepareStatement(
                        "INSERT INTO chaos_runs (job_id, fault, pid, started_at)"
                            + " VALUES (?, ?, ?, clock_timestamp()) RETURNING id")) {
              statement.setLong(1, jobId);
              statement.setString(2, fault);
              statement.setLong(3, pid);
              try (ResultSet result = statement.executeQuery()) {
                result.next();
                return result.getLong(1);
              }
            }
          });
    }

    /** Records an event of this worker process in {@code chaos_events}. */
    void event(String fault, String kind) throws Exception {
      retrying(
          () -> {
            try (Connection connection = dataSource.getConnection();
                PreparedStatement statement =
                    connection.prepareStatement(
                        "INSERT INTO chaos_events (fault, pid, kind, at)"
                            + " VALUES (?, ?, ?, clock_timestamp())")) {
              statement.setString(1, fault);
              statement.setLong(2, pid);
              statement.setString(3, kind);
              return statement.executeUpdate();
            }
          });
    }

    void end(long run, Instant workedUntil, Instant checkedUntil, boolean completed)
        throws Exception {
      retrying(
          () -> {
            try (Connection connection = dataSource.getConnection();
                PreparedStatement statement =
                    connection.prepareStatement(
                        "UPDATE chaos_runs SET ended_at = clock_timestamp(), worked_until = ?,"
                            + " checked_until = ?, completed = ? WHERE id = ?")) {
              statement.setTimestamp(1, Timestamp.from(workedUntil));
              statement.setTimestamp(2, Timestamp.from(checkedUntil));
              statement.setBoolean(3, completed);
              statement.setLong(4, run);
              statement.executeUpdate();
              return run;
            }
          });
    }

    private static long retrying(SqlCall call) throws Exception {
      long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(30);
      while (true) {
        try {
          return call.run();
        } catch (SQLException e) {
          if (System.nanoTime() > deadline) {
            throw e;
          }
          Thread.sleep(200);
        }
      }
    }
  }

  /** A statement of the recorder. */
  private interface SqlCall {
    long run() throws SQLException;
  }

  // -----------------------------------------------------------------------------------------------
  // Faults.

  /** One fault of the list: injected while the load runs, on the workers of a {@link Run}. */
  interface Fault {
    /**
     * Returns the fault's number in the list.
     *
     * @return the number, e.g. {@code "1"}
     */
    String number();

    /**
     * Returns a short description for the table.
     *
     * @return the description
     */
    String description();

    /**
     * Injects the fault, recording in the run the evidence that it struck; returns when it is over
     * (a paused worker woken, say).
     *
     * @param run the run, its workers and database
     * @throws Exception if the fault cannot be injected
     */
    void inject(Run run) throws Exception;

    /**
     * Returns the evidence that shows this fault struck: keys of {@link Row#evidence()}, each of
     * which a run of the fault must count above zero.
     *
     * @return the keys, e.g. {@link #KILLED_BUSY}
     */
    List<String> proofs();

    /**
     * Tells whether the run's first worker reaches PostgreSQL through the harness's {@link
     * StallProxy}.
     *
     * @return true for the network stall
     */
    default boolean proxiesFirstWorker() {
      return false;
    }
  }

  /** Fault 2: the queue's server restarted with a fast shutdown while jobs run. */
  private record RestartServer() implements Fault {
    @Override
    public String number() {
      return "2";
    }

    @Override
    public String description() {
      return "PostgreSQL restart, fast shutdown";
    }

    @Override
    public void inject(Run run) throws Exception {
      run.recordOutage("restart", () -> run.server.restart(Duration.ofSeconds(1)));
    }

    @Override
    public List<String> proofs() {
      return List.of(START_CHANGED);
    }
  }

  /**
   * Fault 8: the queue's server crashed (an immediate shutdown: outcomes committed without waiting
   * for the disk and not yet written out are lost, their jobs back to {@code doing}) and started
   * again while jobs run.
   */
  private record CrashServer() implements Fault {
    @Override
    public String number() {
      return "8";
    }

    @Override
    public String description() {
      return "PostgreSQL crash, immediate shutdown";
    }

    @Override
    public void inject(Run run) throws Exception {
      long recoveries = run.serverLogCount(RECOVERY_LINE);
      run.recordOutage("crash", () -> run.server.crash(Duration.ofSeconds(1)));
      run.evidence(RECOVERED, run.serverLogCount(RECOVERY_LINE) - recoveries);
    }

    @Override
    public List<String> proofs() {
      return List.of(START_CHANGED, RECOVERED);
    }
  }

  /**
   * Fault 4: on every worker, a task takes every connection of the worker's pool and holds them, so
   * that the worker's own heartbeat, fetches and outcome writes wait for one.
   */
  private record ExhaustPools(Duration hold) implements Fault {
    @Override
    public String number() {
      return "4";
    }

    @Override
    public String description() {
      return "tasks hold every pooled conn. " + hold.toSeconds() + " s";
    }

    @Override
    public void inject(Run run) throws Exception {
      for (int i = 0; i < run.workers.size(); i++) {
        run.app
            .jobManager()
            .defer(
                NewJob.builder(HOG_TASK)
                    .arg("fault", Integer.parseInt(number()))
                    .arg("seconds", (int) hold.toSeconds())
                    .priority(1_000)
                    .build());
      }
      Thread.sleep(hold.toMillis());
    }

    @Override
    public List<String> proofs() {
      return List.of(POOL_EMPTIED);
    }
  }

  /**
   * Fault 5: the traffic between one worker and PostgreSQL black-holed for a while: its heartbeats
   * stop, another worker rescues its jobs, and it must have stopped them before. The stall begins
   * once the worker holds running jobs.
   */
  private record StallNetwork(Duration stall) implements Fault {
    @Override
    public String number() {
      return "5";
    }

    @Override
    public String description() {
      return "network of 1 worker black-holed " + stall.toSeconds() + " s";
    }

    @Override
    public boolean proxiesFirstWorker() {
      return true;
    }

    @Override
    public void inject(Run run) throws Exception {
      WorkerProcess victim = run.workers.get(0);
      StallProxy proxy = Objects.requireNonNull(run.proxy);
      Busy busy = run.busy(List.of(victim));
      Timestamp at = run.now();
      proxy.stall();
      if (busy.held() > 0) {
        run.evidence(STALLED_BUSY, 1);
      }
      Thread.sleep(stall.toMillis());
      proxy.resume();
      run.recordSpan(victim, "stall", at, run.now());
    }

    @Override
    public List<String> proofs() {
      return List.of(STALLED_BUSY, RERUN);
    }
  }

  /** Fault 6: the queue's server down for a long while, then back. */
  private record Outage(Duration down) implements Fault {
    @Override
    public String number() {
      return "6";
    }

    @Override
    public String description() {
      return "PostgreSQL down " + down.toSeconds() + " s";
    }

    @Override
    public void inject(Run run) throws Exception {
      run.recordOutage("outage", () -> run.server.restart(down));
    }

    @Override
    public List<String> proofs() {
      return List.of(START_CHANGED);
    }
  }

  /**
   * Fault 1: the worker holding the most running jobs killed with SIGKILL, a new one started, again
   * and again.
   */
  private record KillWorkers(int kills, Duration every) implements Fault {
    @Override
    public String number() {
      return "1";
    }

    @Override
    public String description() {
      return kills + " x SIGKILL + new worker";
    }

    @Override
    public void inject(Run run) throws Exception {
      for (int i = 0; i < kills; i++) {
        Thread.sleep(every.toMillis());
        Busy busy = run.busy(run.workers);
        WorkerProcess victim = busy.worker();
        run.recordEvent(victim, "kill");
        victim.process.destroyForcibly();
        if (victim.process.waitFor(10, TimeUnit.SECONDS)
            && victim.process.exitValue() == 128 + 9
            && busy.held() > 0) {
          run.evidence(KILLED_BUSY, 1);
        }
        run.workers.remove(victim);
        run.startWorker(false);
      }
    }

    @Override
    public List<String> proofs() {
      return List.of(KILLED_BUSY, RERUN);
    }
  }

  /** Fault 3: every backend of the workers terminated at once, a few times. */
  private record TerminateBackends(int rounds, Duration every) implements Fault {
    @Override
    public String number() {
      return "3";
    }

    @Override
    public String description() {
      return rounds + " x pg_terminate_backend, all";
    }

    @Override
    public void inject(Run run) throws Exception {
      for (int i = 0; i < rounds; i++) {
        Thread.sleep(every.toMillis());
        try (Connection connection = run.queueConnection();
            PreparedStatement statement =
                connection.prepareStatement(
                    "SELECT count(*) FILTER (WHERE pg_terminate_backend(pid))"
                        + " FROM pg_stat_activity"
                        + " WHERE datname = current_database() AND application_name LIKE ?")) {
          statement.setString(1, WORKER_APP_PREFIX + "%");
          try (ResultSet result = statement.executeQuery()) {
            result.next();
            run.evidence(TERMINATED, result.getLong(1));
            run.note("round " + (i + 1) + ": " + result.getLong(1) + " backends terminated");
          }
        }
      }
    }

    @Override
    public List<String> proofs() {
      return List.of(TERMINATED);
    }
  }

  /**
   * Fault 7: the worker holding the most running jobs paused with SIGSTOP past the stalled timeout,
   * then SIGCONT.
   */
  private record PauseWorker(int pauses, Duration pause) implements Fault {
    @Override
    public String number() {
      return "7";
    }

    @Override
    public String description() {
      return pauses + " x SIGSTOP " + pause.toMillis() / 1000.0 + " s, SIGCONT";
    }

    @Override
    public void inject(Run run) throws Exception {
      for (int i = 0; i < pauses; i++) {
        Busy busy = run.busy(run.workers);
        WorkerProcess victim = busy.worker();
        Timestamp at = run.now();
        signal(victim, "STOP");
        victim.paused = true;
        if (busy.held() > 0) {
          run.evidence(PAUSED_BUSY, 1);
        }
        Thread.sleep(pause.toMillis());
        signal(victim, "CONT");
        victim.paused = false;
        run.recordSpan(victim, "pause", at, run.now());
        Thread.sleep(run.settings.after.toMillis());
      }
    }

    @Override
    public List<String> proofs() {
      return List.of(PAUSED_BUSY, RERUN);
    }
  }

  /**
   * Fault 9: one backend of a worker killed with SIGKILL, as the kernel's OOM killer does. The
   * postmaster stays up (its start time does not change), but it ends every other backend, the
   * workers' and the harness's, and replays the WAL before it accepts connections again: outcomes
   * committed without waiting for the disk and not yet written out are lost, as in a crash, yet no
   * worker sees a restart.
   */
  private record KillBackend(int kills, Duration every) implements Fault {
    @Override
    public String number() {
      return "9";
    }

    @Override
    public String description() {
      return kills + " x SIGKILL of a worker's backend";
    }

    @Override
    public void inject(Run run) throws Exception {
      for (int i = 0; i < kills; i++) {
        Thread.sleep(every.toMillis());
        long killed = run.serverLogCount(KILLED_LINE);
        long recoveries = run.serverLogCount(RECOVERY_LINE);
        long started = run.serverStarted();
        long backend;
        try (Connection connection = run.queueConnection();
            PreparedStatement statement =
                connection.prepareStatement(
                    "SELECT pid FROM pg_stat_activity"
                        + " WHERE datname = current_database() AND application_name LIKE ?"
                        + " ORDER BY state = 'active' DESC, pid LIMIT 1")) {
          statement.setString(1, WORKER_APP_PREFIX + "%");
          try (ResultSet result = statement.executeQuery()) {
            if (!result.next()) {
              run.note("round " + (i + 1) + ": no backend of a worker to kill");
              continue;
            }
            backend = result.getLong(1);
          }
        }
        Timestamp at = run.now();
        Process kill = new ProcessBuilder("kill", "-KILL", Long.toString(backend)).start();
        if (kill.waitFor() != 0) {
          throw new IllegalStateException("kill -KILL " + backend + " failed");
        }
        // Back once the postmaster has reset every backend and replayed the WAL.
        run.awaitRecovery(recoveries);
        for (WorkerProcess worker : run.workers) {
          run.recordSpan(worker, "backend-kill", at, run.now());
        }
        run.evidence(BACKEND_KILLED, run.serverLogCount(KILLED_LINE) - killed);
        run.evidence(RECOVERED, run.serverLogCount(RECOVERY_LINE) - recoveries);
        run.note(
            "round "
                + (i + 1)
                + ": backend "
                + backend
                + " killed; server start time "
                + (run.serverStarted() == started ? "unchanged" : "changed"));
      }
    }

    @Override
    public List<String> proofs() {
      return List.of(BACKEND_KILLED, RECOVERED);
    }
  }

  /**
   * Fault 10: a statement timeout of a few milliseconds on every session of the server but the
   * harness's (which connect with their own), set with {@code ALTER SYSTEM} and a reload so that
   * the workers' open sessions take it at once, while the harness locks the jobs table for 200 ms
   * every 500 ms: the workers' fetches and outcome writes that wait for the lock are cancelled
   * (SQLSTATE 57014). Lifted at the end of the window.
   */
  private record StatementTimeouts(Duration window, Duration timeout) implements Fault {
    @Override
    public String number() {
      return "10";
    }

    @Override
    public String description() {
      return "statement_timeout " + timeout.toMillis() + " ms, " + window.toSeconds() + " s";
    }

    @Override
    public void inject(Run run) throws Exception {
      long cancelled = run.serverLogCount(CANCELLED_LINE);
      try (Connection connection = run.queueConnection();
          Statement statement = connection.createStatement()) {
        statement.execute("ALTER SYSTEM SET statement_timeout = '" + timeout.toMillis() + "ms'");
        statement.execute("SELECT pg_reload_conf()");
        try {
          long end = System.nanoTime() + window.toNanos();
          while (System.nanoTime() < end) {
            connection.setAutoCommit(false);
            statement.execute("LOCK TABLE procrastinate_jobs IN EXCLUSIVE MODE");
            statement.execute("SELECT pg_sleep(0.2)");
            connection.commit();
            connection.setAutoCommit(true);
            Thread.sleep(300);
          }
        } finally {
          connection.setAutoCommit(true);
          statement.execute("ALTER SYSTEM RESET statement_timeout");
          statement.execute("SELECT pg_reload_conf()");
        }
      }
      run.evidence(CANCELLED, run.serverLogCount(CANCELLED_LINE) - cancelled);
    }

    @Override
    public List<String> proofs() {
      return List.of(CANCELLED);
    }
  }

  /** What the server logs for a backend killed by SIGKILL (with {@code lc_messages=C}). */
  private static final String KILLED_LINE = "was terminated by signal 9";

  /** What the server logs when it starts its crash recovery. */
  private static final String RECOVERY_LINE =
      "database system was not properly shut down; automatic recovery in progress";

  /** What the server logs for a statement its statement timeout cancelled. */
  private static final String CANCELLED_LINE = "canceling statement due to statement timeout";

  static void signal(WorkerProcess worker, String signal) throws IOException, InterruptedException {
    Process kill =
        new ProcessBuilder("kill", "-" + signal, Long.toString(worker.process.pid()))
            .inheritIO()
            .start();
    if (kill.waitFor() != 0) {
      throw new IllegalStateException("kill -" + signal + " " + worker.process.pid() + " failed");
    }
  }

  // -----------------------------------------------------------------------------------------------
  // One fault's run.

  /** A worker process of a run. */
  static final class WorkerProcess {
    final Process process;
    volatile boolean paused;

    WorkerProcess(Process process) {
      this.process = process;
    }
  }

  /**
   * The worker a fault strikes, and how many running jobs it held just before.
   *
   * @param worker the worker
   * @param held its open runs whose jobs were {@code doing}, 0 if no worker held any
   */
  record Busy(WorkerProcess worker, long held) {}

  /** What a fault does to the server. */
  private interface ServerAction {
    void run() throws Exception;
  }

  /** The load, the workers and the measure of one fault. */
  static final class Run implements AutoCloseable {
    final ScratchPostgres server;
    final BenchDatabase db;
    final @Nullable StallProxy proxy;
    final App app;
    final Settings settings;
    final Fault fault;
    final Path logs;
    final List<WorkerProcess> workers = new ArrayList<>();
    final List<WorkerProcess> everyWorker = new ArrayList<>();
    final List<String> notes = new ArrayList<>();
    final Map<String, Long> evidence = new LinkedHashMap<>();
    private final AtomicBoolean deferring = new AtomicBoolean(true);
    private final Thread deferrer;

    /** The job ids of the workflow the deferrer defers first: 50 members, then their callback. */
    private volatile List<Long> workflowIds = List.of();

    Run(
        ScratchPostgres server,
        BenchDatabase records,
        App app,
        Settings settings,
        Fault fault,
        Path logs)
        throws IOException {
      this.server = server;
      this.db = records;
      this.proxy = fault.proxiesFirstWorker() ? new StallProxy("127.0.0.1", server.port()) : null;
      this.app = app;
      this.settings = settings;
      this.fault = fault;
      this.logs = logs;
      this.deferrer = new Thread(this::deferLoop, "chaos-deferrer");
    }

    /**
     * Waits until every worker process has registered, so that a fault strikes running workers: on
     * a loaded machine a JVM may take longer to start than the warm-up, and a fault striking a
     * worker that is still starting ends its process (a worker's start fails when the database
     * cannot be reached) instead of testing its recovery. Workers of earlier faults (registered
     * with lower ids, some never unregistered) do not count.
     */
    private void awaitWorkersRegistered(long lastIdBefore) throws InterruptedException {
      long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(60);
      while (app.jobManager().listWorkers().stream().filter(w -> w.id() > lastIdBefore).count()
          < settings.workers) {
        if (System.nanoTime() > deadline) {
          throw new IllegalStateException(
              "the worker processes did not all register within 60 s; see " + logs);
        }
        Thread.sleep(50);
      }
    }

    Row execute() throws Exception {
      long lastIdBefore =
          app.jobManager().listWorkers().stream()
              .mapToLong(ProcrastinateWorker::id)
              .max()
              .orElse(0);
      for (int i = 0; i < settings.workers; i++) {
        startWorker(i == 0 && proxy != null);
      }
      awaitWorkersRegistered(lastIdBefore);
      deferrer.start();
      Thread.sleep(settings.warmup.toMillis());
      deferWorkflow();
      fault.inject(this);
      Thread.sleep(settings.after.toMillis());
      deferring.set(false);
      deferrer.join();
      boolean drained = drain();
      if (!drained) {
        note("the queue did not drain within " + drainTimeout().toSeconds() + " s; " + stranded());
      }
      stopWorkers();
      return measure();
    }

    void startWorker(boolean proxied) throws IOException {
      List<String> command = new ArrayList<>();
      command.add(Path.of(System.getProperty("java.home"), "bin", "java").toString());
      command.add("-Xmx96m");
      command.add("-XX:+UseSerialGC");
      command.add("-XX:TieredStopAtLevel=1");
      command.add("-Dorg.slf4j.simpleLogger.defaultLogLevel=warn");
      command.add("-Dorg.slf4j.simpleLogger.showDateTime=true");
      command.add("-cp");
      command.add(System.getProperty("java.class.path"));
      command.add(ChaosBenchmark.class.getName());
      command.add(WORKER_CHILD);
      command.addAll(settings.childArguments());
      command.add("records=" + db.name());
      StallProxy through = proxy;
      command.add(
          "queue="
              + (proxied && through != null
                  ? "jdbc:postgresql://127.0.0.1:" + through.port() + "/postgres"
                  : server.url()));
      Path log = logs.resolve("fault-" + fault.number() + "-worker-" + everyWorker.size() + ".log");
      Process process =
          new ProcessBuilder(command)
              .redirectErrorStream(true)
              .redirectOutput(ProcessBuilder.Redirect.appendTo(log.toFile()))
              .start();
      WorkerProcess worker = new WorkerProcess(process);
      workers.add(worker);
      everyWorker.add(worker);
    }

    /**
     * Of the given live workers, the one holding the most running jobs now: runs it started that
     * have not ended, whose jobs are {@code doing} on the queue. Waits up to 30 s for one to hold
     * any; then the first live one, holding none, which the fault's evidence then leaves out.
     */
    Busy busy(List<WorkerProcess> candidates) throws SQLException, InterruptedException {
      long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(30);
      while (true) {
        Map<Long, Long> held = heldJobs();
        WorkerProcess busiest = null;
        long most = 0;
        for (WorkerProcess worker : candidates) {
          long count = held.getOrDefault(worker.process.pid(), 0L);
          if (worker.process.isAlive() && !worker.paused && count > most) {
            most = count;
            busiest = worker;
          }
        }
        if (busiest != null) {
          return new Busy(busiest, most);
        }
        if (System.nanoTime() > deadline) {
          note("no worker held a running job within 30 s");
          for (WorkerProcess worker : candidates) {
            if (worker.process.isAlive()) {
              return new Busy(worker, 0);
            }
          }
          throw new IllegalStateException("no live worker");
        }
        Thread.sleep(100);
      }
    }

    /** The jobs each worker process runs now, by pid: open runs whose jobs are doing. */
    private Map<Long, Long> heldJobs() throws SQLException {
      Map<Long, Long> pidOfJob = new LinkedHashMap<>();
      try (Connection connection = db.newConnection();
          PreparedStatement statement =
              connection.prepareStatement(
                  "SELECT job_id, pid FROM chaos_runs WHERE fault = ? AND ended_at IS NULL")) {
        statement.setString(1, fault.number());
        try (ResultSet result = statement.executeQuery()) {
          while (result.next()) {
            pidOfJob.put(result.getLong(1), result.getLong(2));
          }
        }
      }
      Map<Long, Long> held = new LinkedHashMap<>();
      if (pidOfJob.isEmpty()) {
        return held;
      }
      try (Connection connection = queueConnection();
          PreparedStatement statement =
              connection.prepareStatement(
                  "SELECT id FROM procrastinate_jobs WHERE status = 'doing' AND id = ANY(?)")) {
        statement.setArray(1, connection.createArrayOf("bigint", pidOfJob.keySet().toArray()));
        try (ResultSet result = statement.executeQuery()) {
          while (result.next()) {
            held.merge(pidOfJob.get(result.getLong(1)), 1L, Long::sum);
          }
        }
      }
      return held;
    }

    /**
     * Counts one piece of evidence that the fault struck.
     *
     * @param what one of the evidence keys, e.g. {@link #KILLED_BUSY}
     * @param count how many more
     */
    void evidence(String what, long count) {
      evidence.merge(what, count, Long::sum);
    }

    /** How many lines of the queue server's log contain the text. */
    long serverLogCount(String text) throws IOException {
      try (var lines = Files.lines(server.log())) {
        return lines.filter(line -> line.contains(text)).count();
      }
    }

    /** When the queue's server started, in microseconds since the epoch. */
    long serverStarted() throws SQLException {
      try (Connection connection = queueConnection();
          Statement statement = connection.createStatement();
          ResultSet result =
              statement.executeQuery(
                  "SELECT (extract(epoch FROM pg_postmaster_start_time()) * 1000000)::int8")) {
        result.next();
        return result.getLong(1);
      }
    }

    /**
     * Waits, up to 60 s, until the server's log shows one more crash recovery than before and the
     * server accepts connections again.
     */
    void awaitRecovery(long recoveriesBefore) throws Exception {
      long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(60);
      while (true) {
        if (serverLogCount(RECOVERY_LINE) > recoveriesBefore) {
          try (Connection connection = queueConnection()) {
            if (connection.isValid(5)) {
              return;
            }
          } catch (SQLException e) {
            // Still replaying.
          }
        }
        if (System.nanoTime() > deadline) {
          note("the server did not recover within 60 s");
          return;
        }
        Thread.sleep(100);
      }
    }

    Timestamp now() throws SQLException {
      try (Connection connection = db.newConnection();
          Statement statement = connection.createStatement();
          ResultSet result = statement.executeQuery("SELECT clock_timestamp()")) {
        result.next();
        return result.getTimestamp(1);
      }
    }

    /** Records a death, at the database's clock, just before the signal is sent. */
    void recordEvent(WorkerProcess worker, String kind) throws SQLException {
      try (Connection connection = db.newConnection();
          PreparedStatement statement =
              connection.prepareStatement(
                  "INSERT INTO chaos_events (fault, pid, kind, at)"
                      + " VALUES (?, ?, ?, clock_timestamp())")) {
        statement.setString(1, fault.number());
        statement.setLong(2, worker.process.pid());
        statement.setString(3, kind);
        statement.executeUpdate();
      }
    }

    /** Records a pause or a stall of one worker, from its start to its end. */
    void recordSpan(WorkerProcess worker, String kind, Timestamp at, Timestamp until)
        throws SQLException {
      try (Connection connection = db.newConnection();
          PreparedStatement statement =
              connection.prepareStatement(
                  "INSERT INTO chaos_events (fault, pid, kind, at, until)"
                      + " VALUES (?, ?, ?, ?, ?)")) {
        statement.setString(1, fault.number());
        statement.setLong(2, worker.process.pid());
        statement.setString(3, kind);
        statement.setTimestamp(4, at);
        statement.setTimestamp(5, until);
        statement.executeUpdate();
      }
    }

    /**
     * Runs what a fault does to the server, and records it, for every worker, with its span; counts
     * as evidence that the server's start time changed.
     */
    void recordOutage(String kind, ServerAction action) throws Exception {
      long started = serverStarted();
      Timestamp at = now();
      action.run();
      Timestamp until = now();
      if (serverStarted() != started) {
        evidence(START_CHANGED, 1);
      }
      for (WorkerProcess worker : workers) {
        recordSpan(worker, kind, at, until);
      }
      note(
          String.format(
              Locale.ROOT,
              "server %s for %.1f s",
              switch (kind) {
                case "restart" -> "restarted, down";
                case "crash" -> "crashed, down";
                default -> "down";
              },
              (until.getTime() - at.getTime()) / 1e3));
    }

    /** A connection to the queue's server, outside every pool, without a statement timeout. */
    Connection queueConnection() throws SQLException {
      return DriverManager.getConnection(server.url() + HARNESS_OPTIONS, "postgres", "");
    }

    void note(String text) {
      notes.add(text);
    }

    private void deferLoop() {
      long interval = (long) (1e9 / settings.rate);
      long next = System.nanoTime();
      int failures = 0;
      while (deferring.get()) {
        int millis = 500 + ThreadLocalRandom.current().nextInt(2_501);
        try {
          app.jobManager()
              .defer(
                  NewJob.builder(TASK)
                      .arg("fault", Integer.parseInt(fault.number()))
                      .arg("millis", millis)
                      .build());
        } catch (RuntimeException e) {
          failures++;
        }
        next += interval;
        long wait = next - System.nanoTime();
        if (wait > 0) {
          try {
            TimeUnit.NANOSECONDS.sleep(wait);
          } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            return;
          }
        }
      }
      if (failures > 0) {
        note(failures + " defers failed");
      }
    }

    /**
     * Defers a group of 50 jobs and their callback as the fault begins. Under the killed workers of
     * fault 1, the members work a second each, ahead of the steady load (a higher priority): the
     * kills then strike mid-group. Under the other faults they are short and wait their turn among
     * the steady load, so that they leave the fault's own course as it was.
     */
    private void deferWorkflow() {
      boolean midGroup = fault instanceof KillWorkers;
      try {
        List<Workflow> members = new ArrayList<>();
        for (int i = 0; i < WORKFLOW_MEMBERS; i++) {
          members.add(workflowJob(midGroup ? 1_000 : 100, midGroup ? 1 : 0));
        }
        workflowIds =
            app.jobManager()
                .defer(
                    Workflow.group(members.toArray(Workflow[]::new))
                        .then(workflowJob(100, midGroup ? 1 : 0)));
      } catch (RuntimeException e) {
        note("the workflow was not deferred: " + e.getMessage());
      }
    }

    private NewJob workflowJob(int millis, int priority) {
      return NewJob.builder(TASK)
          .priority(priority)
          .arg("fault", Integer.parseInt(fault.number()))
          .arg("millis", millis)
          .build();
    }

    /**
     * Reads how the workflow ended, from the queue's jobs and events: its members' statuses, how
     * many times its callback was released (its {@code deferred} events) and started, and whether
     * it started after the last member's success.
     */
    private WorkflowCell workflowCell() throws SQLException {
      List<Long> ids = workflowIds;
      if (ids.isEmpty()) {
        return new WorkflowCell(WORKFLOW_MEMBERS, 0, 0, "not deferred", 0, 0, false);
      }
      long callback = ids.get(ids.size() - 1);
      Long[] members = ids.subList(0, ids.size() - 1).toArray(Long[]::new);
      try (Connection connection = queueConnection();
          PreparedStatement statement =
              connection.prepareStatement(
                  "SELECT (SELECT count(*) FROM procrastinate_jobs"
                      + "         WHERE id = ANY (?) AND status = 'succeeded') AS succeeded,"
                      + " (SELECT status::text FROM procrastinate_jobs WHERE id = ?) AS callback,"
                      + " (SELECT count(*) FROM procrastinate_events"
                      + "   WHERE job_id = ? AND type = 'deferred') AS releases,"
                      + " (SELECT count(*) FROM procrastinate_events"
                      + "   WHERE job_id = ? AND type = 'started') AS starts,"
                      + " (SELECT count(*) FROM (SELECT job_id FROM procrastinate_events"
                      + "   WHERE job_id = ANY (?) AND type = 'started'"
                      + "   GROUP BY job_id HAVING count(*) > 1) AS again) AS members_again,"
                      + " (SELECT max(at) FROM procrastinate_events"
                      + "   WHERE job_id = ANY (?) AND type = 'succeeded') AS last_success")) {
        statement.setArray(1, connection.createArrayOf("int8", members));
        statement.setLong(2, callback);
        statement.setLong(3, callback);
        statement.setLong(4, callback);
        statement.setArray(5, connection.createArrayOf("int8", members));
        statement.setArray(6, connection.createArrayOf("int8", members));
        try (ResultSet result = statement.executeQuery()) {
          result.next();
          String status = result.getString("callback");
          return new WorkflowCell(
              members.length,
              result.getLong("succeeded"),
              result.getLong("members_again"),
              status == null ? "never released" : status,
              result.getLong("releases"),
              result.getLong("starts"),
              startedAfter(callback, result.getObject("last_success", OffsetDateTime.class)));
        }
      }
    }

    /**
     * Tells whether the callback's task first started after the last member's success: its run's
     * start (the task's clock, once the fetch that took it committed) against the members' success
     * events. An event's time is its transaction's start, so the callback's own {@code started}
     * event could not be compared: the fetch's transaction may begin before the release commits and
     * still take the callback, its statements seeing the commit.
     */
    private boolean startedAfter(long callback, @Nullable OffsetDateTime lastSuccess)
        throws SQLException {
      if (lastSuccess == null) {
        return false;
      }
      try (Connection connection = db.newConnection();
          PreparedStatement statement =
              connection.prepareStatement(
                  "SELECT min(started_at) FROM chaos_runs WHERE job_id = ? AND fault = ?")) {
        statement.setLong(1, callback);
        statement.setString(2, fault.number());
        try (ResultSet result = statement.executeQuery()) {
          result.next();
          OffsetDateTime started = result.getObject(1, OffsetDateTime.class);
          return started != null && !started.isBefore(lastSuccess);
        }
      }
    }

    private Duration drainTimeout() {
      return settings.stalled.multipliedBy(4).plusSeconds(30);
    }

    private boolean drain() throws SQLException, InterruptedException {
      long deadline = System.nanoTime() + drainTimeout().toNanos();
      try (Connection connection = queueConnection();
          PreparedStatement statement =
              connection.prepareStatement(
                  "SELECT count(*) FROM procrastinate_jobs WHERE task_name = ?"
                      + " AND args->>'fault' = ? AND status IN ('todo', 'doing')")) {
        statement.setString(1, TASK);
        statement.setString(2, fault.number());
        while (System.nanoTime() < deadline) {
          try (ResultSet result = statement.executeQuery()) {
            result.next();
            if (result.getLong(1) == 0) {
              return true;
            }
          }
          Thread.sleep(250);
        }
      }
      return false;
    }

    /** Where the jobs left undone are: waiting, or running for a worker that still beats. */
    private String stranded() throws SQLException {
      try (Connection connection = queueConnection();
          PreparedStatement statement =
              connection.prepareStatement(
                  "SELECT count(*) FILTER (WHERE j.status = 'todo'),"
                      + " count(*) FILTER (WHERE j.status = 'doing'),"
                      + " count(*) FILTER (WHERE j.status = 'doing' AND w.last_heartbeat"
                      + " >= now() - make_interval(secs => ?))"
                      + " FROM procrastinate_jobs j"
                      + " LEFT JOIN procrastinate_workers w ON w.id = j.worker_id"
                      + " WHERE j.task_name = ? AND j.args->>'fault' = ?"
                      + " AND j.status IN ('todo', 'doing')")) {
        statement.setDouble(1, settings.stalled.toMillis() / 1e3);
        statement.setString(2, TASK);
        statement.setString(3, fault.number());
        try (ResultSet result = statement.executeQuery()) {
          result.next();
          return String.format(
              Locale.ROOT,
              "%d still todo, %d still doing, %d of them for a worker that still beats",
              result.getLong(1),
              result.getLong(2),
              result.getLong(3));
        }
      }
    }

    private void stopWorkers() throws InterruptedException {
      for (WorkerProcess worker : workers) {
        worker.process.destroy();
      }
      for (WorkerProcess worker : workers) {
        if (!worker.process.waitFor(20, TimeUnit.SECONDS)) {
          note("worker " + worker.process.pid() + " did not stop on SIGTERM; killed");
          worker.process.destroyForcibly().waitFor(10, TimeUnit.SECONDS);
        }
      }
    }

    private Row measure() throws SQLException {
      copyOutcomes();
      describeOverlaps();
      describeFrozenSteps();
      try (Connection connection = db.newConnection();
          PreparedStatement statement = connection.prepareStatement(MEASURE)) {
        int parameters = (int) MEASURE.chars().filter(c -> c == '?').count();
        for (int i = 1; i <= parameters; i++) {
          statement.setString(i, fault.number());
        }
        try (ResultSet result = statement.executeQuery()) {
          result.next();
          double restart = result.getDouble("max_restart");
          boolean noRestart = result.wasNull();
          double median = result.getDouble("median_restart");
          evidence(RERUN, result.getLong("restarted"));
          evidence(POOL_EMPTIED, result.getLong("pools_emptied"));
          return new Row(
              fault,
              result.getLong("deferred"),
              result.getLong("succeeded"),
              result.getLong("failed"),
              result.getLong("lost"),
              result.getLong("overlapping"),
              result.getLong("done_twice"),
              result.getLong("abandoned"),
              result.getLong("over_live"),
              result.getLong("deaths"),
              result.getLong("restarted"),
              noRestart ? -1 : restart,
              noRestart ? -1 : median,
              List.copyOf(notes),
              Map.copyOf(evidence),
              workflowCell());
        }
      }
    }

    /** The SQL of when a run of {@code chaos_runs} stopped working; see {@link #MEASURE}. */
    private static String runEnd(String run) {
      return "coalesce(%1$s.checked_until, (SELECT min(e.at) FROM chaos_events e WHERE e.fault ="
              .formatted(run)
          + " %1$s.fault AND e.pid = %1$s.pid AND e.kind = 'kill' AND e.at >= %1$s.started_at),"
              .formatted(run)
          + " 'infinity')";
    }

    /**
     * Notes the runs whose last step, allowed by a check before a freeze of their process, ran on
     * after waking while another run of the job had started: the window the docs leave unpromised.
     */
    private void describeFrozenSteps() throws SQLException {
      noteEachRow(
          "SELECT a.job_id, a.pid, a.checked_until, a.worked_until, b.pid, b.started_at"
              + " FROM chaos_runs a JOIN chaos_runs b ON a.job_id = b.job_id"
              + " AND a.id <> b.id AND a.fault = b.fault"
              + " AND b.started_at >= a.checked_until AND b.started_at < a.worked_until"
              + " WHERE a.fault = ? ORDER BY a.job_id LIMIT 5",
          "job %d: a step of pid %d allowed before a freeze (until %s by its check) ran on after"
              + " waking (until %s), past pid %d's start at %s");
    }

    /** Notes the runs of the first few jobs that ran in two places at once, to explain them. */
    private void describeOverlaps() throws SQLException {
      noteEachRow(
          "SELECT a.job_id, a.pid, a.started_at, a.checked_until, a.ended_at, a.completed,"
              + " b.pid, b.started_at, b.checked_until, b.ended_at, b.completed"
              + " FROM chaos_runs a JOIN chaos_runs b ON a.job_id = b.job_id"
              + " AND a.id < b.id AND a.fault = b.fault"
              + " AND a.started_at < "
              + runEnd("b")
              + " AND b.started_at < "
              + runEnd("a")
              + " WHERE a.fault = ? ORDER BY a.job_id LIMIT 5",
          "job %d ran at once: pid %d %s..%s (ended %s, completed %s) and pid %d %s..%s (ended %s,"
              + " completed %s)");
    }

    /** Notes each row of a query of this fault's records (its one parameter), formatted. */
    private void noteEachRow(String sql, String format) throws SQLException {
      try (Connection connection = db.newConnection();
          PreparedStatement statement = connection.prepareStatement(sql)) {
        statement.setString(1, fault.number());
        try (ResultSet result = statement.executeQuery()) {
          int columns = result.getMetaData().getColumnCount();
          while (result.next()) {
            Object[] values = new Object[columns];
            for (int i = 0; i < columns; i++) {
              values[i] = result.getObject(i + 1);
            }
            note(String.format(Locale.ROOT, format, values));
          }
        }
      }
    }

    /**
     * Copies the fault's jobs (id, status) and the times of their final events from the queue's
     * server to the records, where the measure joins them with the runs.
     */
    private void copyOutcomes() throws SQLException {
      try (Connection queue = queueConnection();
          Connection records = db.newConnection();
          PreparedStatement jobs =
              queue.prepareStatement(
                  "SELECT id, status::text FROM procrastinate_jobs"
                      + " WHERE task_name = ? AND args->>'fault' = ?");
          PreparedStatement finals =
              queue.prepareStatement(
                  "SELECT e.job_id, max(e.at) FROM procrastinate_events e"
                      + " JOIN procrastinate_jobs j ON j.id = e.job_id"
                      + " WHERE j.task_name = ? AND j.args->>'fault' = ?"
                      + " AND e.type IN ('succeeded', 'failed') GROUP BY e.job_id");
          PreparedStatement insertJob =
              records.prepareStatement("INSERT INTO chaos_jobs VALUES (?, ?, ?)");
          PreparedStatement insertFinal =
              records.prepareStatement("INSERT INTO chaos_finals VALUES (?, ?, ?)")) {
        for (PreparedStatement query : List.of(jobs, finals)) {
          query.setString(1, TASK);
          query.setString(2, fault.number());
        }
        try (ResultSet result = jobs.executeQuery()) {
          while (result.next()) {
            insertJob.setString(1, fault.number());
            insertJob.setLong(2, result.getLong(1));
            insertJob.setString(3, result.getString(2));
            insertJob.addBatch();
          }
        }
        try (ResultSet result = finals.executeQuery()) {
          while (result.next()) {
            insertFinal.setString(1, fault.number());
            insertFinal.setLong(2, result.getLong(1));
            insertFinal.setTimestamp(3, result.getTimestamp(2));
            insertFinal.addBatch();
          }
        }
        insertJob.executeBatch();
        insertFinal.executeBatch();
      }
    }

    /** Kills every worker process still alive: the harness leaves none behind. */
    @Override
    public void close() {
      deferring.set(false);
      boolean interrupted = false;
      try {
        deferrer.join(10_000);
      } catch (InterruptedException e) {
        interrupted = true;
      }
      for (WorkerProcess worker : everyWorker) {
        if (worker.process.isAlive()) {
          try {
            signal(worker, "CONT");
          } catch (IOException | InterruptedException | RuntimeException e) {
            // It is killed next anyway.
          }
          worker.process.destroyForcibly();
        }
      }
      for (WorkerProcess worker : everyWorker) {
        try {
          worker.process.waitFor(10, TimeUnit.SECONDS);
        } catch (InterruptedException e) {
          interrupted = true;
        }
      }
      StallProxy through = proxy;
      if (through != null) {
        try {
          through.close();
        } catch (IOException e) {
          // Its sockets die with the run anyway.
        }
      }
      if (interrupted) {
        Thread.currentThread().interrupt();
      }
    }
  }

  /**
   * The figures of one fault; every parameter is the fault's number. A run works until the end of
   * its last step (the end of the task, or the step an abort cut short), counted from the check
   * that allowed the step; a run cut short by a SIGKILL works until the kill; a run still open
   * otherwise counts as never ending. A step that a freeze of the process delays between its check
   * and its start runs on after waking, which no check can stop (what the docs leave unpromised);
   * {@link #describeFrozenSteps} notes each such step that met another run of its job.
   */
  private static final String MEASURE =
      """
      WITH jobs AS (
          SELECT id, status FROM chaos_jobs WHERE fault = ?),
      runs AS (
          SELECT r.id, r.job_id, r.pid, r.started_at, r.ended_at, r.completed,
                 coalesce(r.checked_until,
                          (SELECT min(e.at) FROM chaos_events e
                            WHERE e.fault = r.fault AND e.pid = r.pid AND e.kind = 'kill'
                              AND e.at >= r.started_at),
                          'infinity') AS run_end
            FROM chaos_runs r WHERE r.fault = ?),
      pairs AS (
          SELECT DISTINCT a.job_id
            FROM runs a JOIN runs b
              ON a.job_id = b.job_id AND a.id < b.id
             AND a.started_at < b.run_end AND b.started_at < a.run_end),
      finals AS (
          SELECT job_id, at FROM chaos_finals WHERE fault = ?),
      latest AS (
          SELECT DISTINCT ON (job_id) job_id, ended_at FROM runs
           ORDER BY job_id, started_at DESC),
      deaths AS (
          SELECT e.pid, e.at FROM chaos_events e
           WHERE e.fault = ? AND e.kind IN ('kill', 'pause', 'stall')),
      cut AS (
          SELECT d.pid, d.at, r.job_id,
                 (SELECT min(n.started_at) FROM chaos_runs n
                   WHERE n.fault = ? AND n.job_id = r.job_id AND n.pid <> d.pid
                     AND n.started_at > d.at) AS next_start
            FROM deaths d JOIN chaos_runs r
              ON r.fault = ? AND r.pid = d.pid AND r.started_at <= d.at
             AND (r.ended_at IS NULL OR r.ended_at > d.at))
      SELECT (SELECT count(*) FROM jobs) AS deferred,
             (SELECT count(*) FROM jobs WHERE status = 'succeeded') AS succeeded,
             (SELECT count(*) FROM jobs WHERE status = 'failed') AS failed,
             (SELECT count(*) FROM jobs WHERE status IN ('todo', 'doing')) AS lost,
             (SELECT count(*) FROM pairs) AS overlapping,
             (SELECT count(*) FROM (SELECT job_id FROM runs WHERE completed
                                     GROUP BY job_id HAVING count(*) > 1) t) AS done_twice,
             (SELECT count(*) FROM runs WHERE ended_at IS NOT NULL AND NOT completed)
                 AS abandoned,
             (SELECT count(*) FROM finals f JOIN latest l ON l.job_id = f.job_id
               WHERE l.ended_at IS NOT NULL AND f.at < l.ended_at) AS over_live,
             (SELECT count(*) FROM deaths) AS deaths,
             (SELECT count(*) FROM cut WHERE next_start IS NOT NULL) AS restarted,
             (SELECT extract(epoch FROM max(next_start - at)) FROM cut) AS max_restart,
             (SELECT percentile_cont(0.5) WITHIN GROUP
                       (ORDER BY extract(epoch FROM next_start - at))
                FROM cut WHERE next_start IS NOT NULL) AS median_restart,
             (SELECT count(*) FROM chaos_events
               WHERE fault = ? AND kind = 'pool-emptied') AS pools_emptied
      """;

  // -----------------------------------------------------------------------------------------------
  // Output.

  /**
   * One row of the table: the figures of one fault.
   *
   * @param fault the fault
   * @param deferred jobs deferred during its run
   * @param succeeded of them, succeeded after the drain
   * @param failed of them, failed after the drain
   * @param lost of them, still to do or running after the drain
   * @param overlapping jobs whose runs worked at the same time
   * @param doneTwice jobs whose task ran to its end more than once
   * @param abandoned runs that stopped before their end, asked to abort
   * @param overLive jobs whose final outcome was written while their latest run still worked
   * @param deaths worker deaths, pauses and stalls
   * @param restarted jobs running on those that started again elsewhere
   * @param maxRestart the longest death-to-restart time, in seconds, or -1
   * @param medianRestart the median death-to-restart time, in seconds, or -1
   * @param notes what else the run saw
   * @param evidence what shows the fault struck, by key (e.g. {@link #KILLED_BUSY}): counts
   * @param workflow how the group of short jobs deferred first, and its callback, ended
   */
  record Row(
      Fault fault,
      long deferred,
      long succeeded,
      long failed,
      long lost,
      long overlapping,
      long doneTwice,
      long abandoned,
      long overLive,
      long deaths,
      long restarted,
      double maxRestart,
      double medianRestart,
      List<String> notes,
      Map<String, Long> evidence,
      WorkflowCell workflow) {}

  /**
   * How a fault's workflow (a group of short jobs, then a callback) ended.
   *
   * @param members the members of the group
   * @param membersSucceeded of them, succeeded
   * @param membersStartedAgain of them, started more than once (a fault cut a run short)
   * @param callback the callback's status, or why it has none
   * @param releases how many times the callback became a job (its {@code deferred} events)
   * @param callbackStarts how many times it started
   * @param startedAfterLastMember whether its first start came after the last member's success
   */
  record WorkflowCell(
      int members,
      long membersSucceeded,
      long membersStartedAgain,
      String callback,
      long releases,
      long callbackStarts,
      boolean startedAfterLastMember) {

    /**
     * Tells whether the workflow held: every member succeeded, and the callback was released once,
     * started after the last of them, and succeeded.
     *
     * @return whether it held
     */
    boolean held() {
      return membersSucceeded == members
          && releases == 1
          && startedAfterLastMember
          && callback.equals("succeeded");
    }

    @Override
    public String toString() {
      return String.format(
          Locale.ROOT,
          "%d/%d members succeeded (%d started again); callback released %d time(s), started %d"
              + " time(s), %s the last member's success, %s",
          membersSucceeded,
          members,
          membersStartedAgain,
          releases,
          callbackStarts,
          startedAfterLastMember ? "after" : "NOT after",
          callback);
    }
  }

  /**
   * Prints the rows as a table, then each fault's deaths, notes and evidence.
   *
   * @param settings the settings of the run
   * @param rows its rows
   */
  static void printTable(Settings settings, List<Row> rows) {
    double goal = (settings.stalled.toMillis() + 2 * settings.heartbeat.toMillis()) / 1e3;
    String format = "  %-2s %-38s %8s %9s %6s %5s %9s %10s %9s %9s %18s%n";
    System.out.println();
    System.out.printf(
        Locale.ROOT,
        format,
        "#",
        "fault",
        "deferred",
        "succeeded",
        "failed",
        "lost",
        "2 at once",
        "done twice",
        "abandoned",
        "over live",
        "max death→restart");
    for (Row row : rows) {
      System.out.printf(
          Locale.ROOT,
          format,
          row.fault.number(),
          row.fault.description(),
          row.deferred,
          row.succeeded,
          row.failed,
          row.lost,
          row.overlapping,
          row.doneTwice,
          row.abandoned,
          row.overLive,
          row.maxRestart < 0 ? "-" : String.format(Locale.ROOT, "%.1f s", row.maxRestart));
    }
    System.out.println();
    for (Row row : rows) {
      if (row.deaths > 0) {
        System.out.printf(
            Locale.ROOT,
            "  fault %s: %d deaths/pauses/stalls; %d jobs running on them restarted elsewhere%s%n",
            row.fault.number(),
            row.deaths,
            row.restarted,
            row.maxRestart < 0
                ? ""
                : String.format(
                    Locale.ROOT,
                    ", after %.1f s (median) and %.1f s (slowest); goal: stalled timeout + 2"
                        + " heartbeats = %.1f s",
                    row.medianRestart,
                    row.maxRestart,
                    goal));
      }
      for (String note : row.notes) {
        System.out.printf(Locale.ROOT, "  fault %s: %s%n", row.fault.number(), note);
      }
      System.out.printf(
          Locale.ROOT, "  fault %s: workflow: %s%n", row.fault.number(), row.workflow);
      for (String proof : row.fault.proofs()) {
        System.out.printf(
            Locale.ROOT,
            "  fault %s: evidence: %s: %d%n",
            row.fault.number(),
            proof,
            row.evidence.getOrDefault(proof, 0L));
      }
    }
    long lost = rows.stream().mapToLong(Row::lost).sum();
    long overlapping = rows.stream().mapToLong(Row::overlapping).sum();
    long overLive = rows.stream().mapToLong(Row::overLive).sum();
    System.out.printf(
        Locale.ROOT,
        "summary: %d faults measured, %d lost, %d run by two at once, %d outcomes over a live"
            + " run%n",
        rows.size(),
        lost,
        overlapping,
        overLive);
  }

  // -----------------------------------------------------------------------------------------------
  // Settings.

  /** The harness's settings, from {@code key=value} arguments. */
  static final class Settings {
    int workers = 3;
    int concurrency = 4;
    double rate = 4;
    Duration heartbeat = Duration.ofSeconds(1);
    Duration stalled = Duration.ofSeconds(5);
    Duration warmup = Duration.ofSeconds(4);
    Duration after = Duration.ofSeconds(6);
    int kills = 8;
    Duration killEvery = Duration.ofSeconds(5);
    int terminations = 3;
    Duration terminateEvery = Duration.ofSeconds(5);
    int pauses = 3;
    Duration pause = Duration.ofSeconds(12);
    Duration hold = Duration.ofSeconds(20);
    Duration stall = Duration.ofSeconds(30);
    Duration outage = Duration.ofSeconds(60);
    int backendKills = 2;
    Duration backendKillEvery = Duration.ofSeconds(5);
    Duration timeouts = Duration.ofSeconds(10);
    Duration statementTimeout = Duration.ofMillis(10);
    List<String> faults = List.of("1", "2", "3", "4", "5", "6", "7", "8", "9", "10");
    @Nullable Path logs;
    @Nullable String queueUrl;
    @Nullable String records;

    static Settings parse(String[] args) {
      Settings settings = new Settings();
      for (String arg : args) {
        int equals = arg.indexOf('=');
        if (equals < 0) {
          throw new IllegalArgumentException(
              "argument '" + arg + "': expected key=value, e.g. workers=3");
        }
        String key = arg.substring(0, equals);
        String value = arg.substring(equals + 1);
        try {
          switch (key) {
            case "workers" -> settings.workers = Integer.parseInt(value);
            case "concurrency" -> settings.concurrency = Integer.parseInt(value);
            case "rate" -> settings.rate = Double.parseDouble(value);
            case "heartbeat" -> settings.heartbeat = seconds(value);
            case "stalled" -> settings.stalled = seconds(value);
            case "warmup" -> settings.warmup = seconds(value);
            case "after" -> settings.after = seconds(value);
            case "kills" -> settings.kills = Integer.parseInt(value);
            case "killEvery" -> settings.killEvery = seconds(value);
            case "terminations" -> settings.terminations = Integer.parseInt(value);
            case "terminateEvery" -> settings.terminateEvery = seconds(value);
            case "pauses" -> settings.pauses = Integer.parseInt(value);
            case "pause" -> settings.pause = seconds(value);
            case "hold" -> settings.hold = seconds(value);
            case "stall" -> settings.stall = seconds(value);
            case "outage" -> settings.outage = seconds(value);
            case "backendKills" -> settings.backendKills = Integer.parseInt(value);
            case "backendKillEvery" -> settings.backendKillEvery = seconds(value);
            case "timeouts" -> settings.timeouts = seconds(value);
            case "statementTimeout" -> settings.statementTimeout = seconds(value);
            case "faults" -> settings.faults = List.of(value.split(","));
            case "queue" -> settings.queueUrl = value;
            case "records" -> settings.records = value;
            case "logs" -> settings.logs = Path.of(value);
            default ->
                throw new IllegalArgumentException(
                    "argument '"
                        + arg
                        + "': unknown key; known are workers, concurrency, rate, heartbeat,"
                        + " stalled, warmup, after, kills, killEvery, terminations,"
                        + " terminateEvery, pauses, pause, hold, stall, outage, backendKills,"
                        + " backendKillEvery, timeouts, statementTimeout, faults, logs");
          }
        } catch (NumberFormatException e) {
          throw new IllegalArgumentException(
              "argument '" + arg + "': '" + value + "' is not a number", e);
        }
      }
      if (settings.workers < 2) {
        throw new IllegalArgumentException(
            "workers=" + settings.workers + ": at least 2, so that one can rescue another");
      }
      return settings;
    }

    private static Duration seconds(String value) {
      return Duration.ofMillis(Math.round(Double.parseDouble(value) * 1000));
    }

    List<String> childArguments() {
      return List.of(
          "concurrency=" + concurrency,
          "heartbeat=" + heartbeat.toMillis() / 1e3,
          "stalled=" + stalled.toMillis() / 1e3);
    }
  }
}
