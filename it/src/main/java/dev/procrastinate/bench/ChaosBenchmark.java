package dev.procrastinate.bench;

import com.zaxxer.hikari.HikariConfig;
import com.zaxxer.hikari.HikariDataSource;
import dev.procrastinate.App;
import dev.procrastinate.NewJob;
import dev.procrastinate.RetryStrategy;
import dev.procrastinate.Worker;
import dev.procrastinate.WorkerOptions;
import dev.procrastinate.spi.TaskDescriptor;
import dev.procrastinate.spi.TaskParameter;
import dev.procrastinate.spi.TaskRegistrar;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.sql.Timestamp;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
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
 * <p>Each fault runs on fresh workers. A deferrer thread defers jobs of {@value #TASK} at a steady
 * rate, each sleeping a random 0.5 to 3 s; every run records its start and its end, with the pid of
 * its worker, in the table {@code chaos_runs} (through a pool of its own that no fault touches, so
 * the record survives the fault it measures). The harness records each worker death (a SIGKILL) and
 * each pause (SIGSTOP to SIGCONT) in {@code chaos_events}. After the fault the deferrer stops and
 * the workers drain the queue; then the row is computed from those tables and {@code
 * procrastinate_jobs}:
 *
 * <ul>
 *   <li><b>deferred</b>, <b>succeeded</b>, <b>failed</b> (the retry strategy allows 50 attempts, so
 *       none should);
 *   <li><b>lost</b>: still {@code todo} or {@code doing} after the drain;
 *   <li><b>2 at once</b>: jobs with two runs whose start-to-end intervals overlap (a run cut short
 *       by a SIGKILL ends at the kill; a paused run spans its pause, since its task resumes after
 *       it);
 *   <li><b>done twice</b>: jobs whose task ran to its end more than once (at-least-once delivery: a
 *       worker died, or was paused and rescued, after the task's end and before its outcome was
 *       written);
 *   <li><b>over live</b>: jobs whose final outcome was written while their latest run was still
 *       running, i.e. an outcome of an older run written over the rescued one;
 *   <li><b>max death→restart</b>: the longest time from a worker's death (or pause) to the next
 *       start, on another worker, of a job that was running on it, against the goal of the stalled
 *       timeout plus two heartbeats.
 * </ul>
 *
 * <p>Faults measured: (1) workers killed with SIGKILL again and again, a new one started each time;
 * (3) every backend of the workers terminated with {@code pg_terminate_backend}; (7) a worker
 * paused with SIGSTOP past the stalled timeout, then woken with SIGCONT. The others of the list (2:
 * a PostgreSQL restart, 4: pool exhaustion, 5: a network stall, 6: a long outage) are printed as
 * not yet measured; each is a {@link Fault} to add.
 *
 * <p>Arguments, each {@code key=value}, all optional: {@code workers=3} worker processes, {@code
 * concurrency=4} per worker, {@code rate=4} jobs deferred per second, {@code heartbeat=1} and
 * {@code stalled=5} seconds, {@code warmup=4} seconds of load before each fault, {@code kills=8}
 * SIGKILLs {@code killEvery=5} seconds apart, {@code terminations=3} rounds {@code
 * terminateEvery=5} seconds apart, {@code pauses=3} pauses of {@code pause=12} seconds, {@code
 * after=6} seconds of load after each fault, {@code faults=1,3,7}, {@code logs=<dir>} for the
 * workers' logs (a new temporary directory by default). A tiny run: {@code workers=2 rate=3 kills=1
 * terminations=1 pauses=1 pause=4 heartbeat=0.5 stalled=2 warmup=2 after=2}.
 */
public final class ChaosBenchmark {
  static final String TASK = "bench.chaos";
  private static final String WORKER_CHILD = "--worker";
  private static final String WORKER_APP_PREFIX = "chaos-worker-";

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
    List<Fault> faults = new ArrayList<>();
    for (String number : settings.faults) {
      faults.add(
          switch (number) {
            case "1" -> new KillWorkers(settings.kills, settings.killEvery);
            case "3" -> new TerminateBackends(settings.terminations, settings.terminateEvery);
            case "7" -> new PauseWorker(settings.pauses, settings.pause);
            default ->
                throw new IllegalArgumentException(
                    "faults: unknown or not yet measured fault '"
                        + number
                        + "'; measured are 1, 3 and 7");
          });
    }
    List<Row> rows = new ArrayList<>();
    try (BenchDatabase db = BenchDatabase.create("chaos", 4);
        App app =
            App.builder()
                .dataSource(db.dataSource())
                .taskRegistrars(List.of(registrar()))
                .build()) {
      app.schemaManager().migrate();
      createTables(db);
      for (Fault fault : faults) {
        long start = System.nanoTime();
        try (Run run = new Run(db, app, settings, fault, logs)) {
          rows.add(run.execute());
        }
        System.out.printf(
            Locale.ROOT,
            "  fault %s done in %.1f s%n",
            fault.number(),
            (System.nanoTime() - start) / 1e9);
      }
    }
    printTable(settings, rows);
  }

  /** The task of every job: records its run, sleeps, records its end. */
  private static TaskRegistrar registrar() {
    return registrar(null);
  }

  private static TaskRegistrar registrar(@Nullable Recorder recorder) {
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
                  Thread.sleep(arguments.getInt("millis"));
                  recorder.end(run);
                  return null;
                });
    return () -> List.of(task);
  }

  private static void createTables(BenchDatabase db) throws SQLException {
    try (Connection connection = db.newConnection();
        Statement statement = connection.createStatement()) {
      statement.execute(
          "CREATE TABLE chaos_runs (id bigserial PRIMARY KEY, job_id bigint NOT NULL,"
              + " fault text NOT NULL, pid bigint NOT NULL,"
              + " started_at timestamptz NOT NULL, ended_at timestamptz)");
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
    try (BenchDatabase db = BenchDatabase.existing("chaos", 1);
        HikariDataSource workerPool = pool(db, WORKER_APP_PREFIX + pid, settings.concurrency + 6);
        HikariDataSource recorderPool = pool(db, "chaos-recorder", 2);
        App app =
            App.builder()
                .dataSource(workerPool)
                .taskRegistrars(List.of(registrar(new Recorder(recorderPool, pid))))
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

  private static HikariDataSource pool(BenchDatabase db, String applicationName, int size) {
    HikariConfig config = new HikariConfig();
    config.setJdbcUrl(db.url());
    config.setUsername(db.user());
    config.setPassword(db.password());
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

    void end(long run) throws Exception {
      retrying(
          () -> {
            try (Connection connection = dataSource.getConnection();
                PreparedStatement statement =
                    connection.prepareStatement(
                        "UPDATE chaos_runs SET ended_at = clock_timestamp() WHERE id = ?")) {
              statement.setLong(1, run);
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

  /**
   * One fault of the list: injected while the load runs, on the workers of a {@link Run}. Faults 2
   * (a PostgreSQL restart, on a cluster of the harness's own), 4 (pool exhaustion), 5 (a network
   * stall through a proxy of the harness) and 6 (a long outage) are to be added as implementations.
   */
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
     * Injects the fault; returns when it is over (a paused worker woken, say).
     *
     * @param run the run, its workers and database
     * @throws Exception if the fault cannot be injected
     */
    void inject(Run run) throws Exception;
  }

  /** Fault 1: a worker killed with SIGKILL, a new one started, again and again. */
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
        WorkerProcess victim = run.busiestWorker();
        run.recordEvent(victim, "kill");
        victim.process.destroyForcibly();
        victim.process.waitFor(10, TimeUnit.SECONDS);
        run.workers.remove(victim);
        run.startWorker();
      }
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
        try (Connection connection = run.db.newConnection();
            PreparedStatement statement =
                connection.prepareStatement(
                    "SELECT count(pg_terminate_backend(pid)) FROM pg_stat_activity"
                        + " WHERE datname = current_database() AND application_name LIKE ?")) {
          statement.setString(1, WORKER_APP_PREFIX + "%");
          try (ResultSet result = statement.executeQuery()) {
            result.next();
            run.note("round " + (i + 1) + ": " + result.getLong(1) + " backends terminated");
          }
        }
      }
    }
  }

  /** Fault 7: the busiest worker paused with SIGSTOP past the stalled timeout, then SIGCONT. */
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
        WorkerProcess victim = run.busiestWorker();
        Timestamp at = run.now();
        signal(victim, "STOP");
        victim.paused = true;
        Thread.sleep(pause.toMillis());
        signal(victim, "CONT");
        victim.paused = false;
        run.recordPause(victim, at, run.now());
        Thread.sleep(run.settings.after.toMillis());
      }
    }
  }

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

  /** The load, the workers and the measure of one fault. */
  static final class Run implements AutoCloseable {
    final BenchDatabase db;
    final App app;
    final Settings settings;
    final Fault fault;
    final Path logs;
    final List<WorkerProcess> workers = new ArrayList<>();
    final List<WorkerProcess> everyWorker = new ArrayList<>();
    final List<String> notes = new ArrayList<>();
    private final AtomicBoolean deferring = new AtomicBoolean(true);
    private final Thread deferrer;

    Run(BenchDatabase db, App app, Settings settings, Fault fault, Path logs) {
      this.db = db;
      this.app = app;
      this.settings = settings;
      this.fault = fault;
      this.logs = logs;
      this.deferrer = new Thread(this::deferLoop, "chaos-deferrer");
    }

    Row execute() throws Exception {
      for (int i = 0; i < settings.workers; i++) {
        startWorker();
      }
      deferrer.start();
      Thread.sleep(settings.warmup.toMillis());
      fault.inject(this);
      Thread.sleep(settings.after.toMillis());
      deferring.set(false);
      deferrer.join();
      boolean drained = drain();
      if (!drained) {
        note("the queue did not drain within " + drainTimeout().toSeconds() + " s");
      }
      stopWorkers();
      return measure();
    }

    void startWorker() throws IOException {
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

    /** The live worker running the most jobs now, the first one if none runs any. */
    WorkerProcess busiestWorker() throws SQLException {
      Map<Long, Long> running = new LinkedHashMap<>();
      try (Connection connection = db.newConnection();
          PreparedStatement statement =
              connection.prepareStatement(
                  "SELECT pid, count(*) FROM chaos_runs WHERE fault = ? AND ended_at IS NULL"
                      + " GROUP BY pid")) {
        statement.setString(1, fault.number());
        try (ResultSet result = statement.executeQuery()) {
          while (result.next()) {
            running.put(result.getLong(1), result.getLong(2));
          }
        }
      }
      WorkerProcess busiest = workers.get(0);
      long most = -1;
      for (WorkerProcess worker : workers) {
        long count = running.getOrDefault(worker.process.pid(), 0L);
        if (worker.process.isAlive() && count > most) {
          most = count;
          busiest = worker;
        }
      }
      return busiest;
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

    void recordPause(WorkerProcess worker, Timestamp at, Timestamp until) throws SQLException {
      try (Connection connection = db.newConnection();
          PreparedStatement statement =
              connection.prepareStatement(
                  "INSERT INTO chaos_events (fault, pid, kind, at, until)"
                      + " VALUES (?, ?, 'pause', ?, ?)")) {
        statement.setString(1, fault.number());
        statement.setLong(2, worker.process.pid());
        statement.setTimestamp(3, at);
        statement.setTimestamp(4, until);
        statement.executeUpdate();
      }
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

    private Duration drainTimeout() {
      return settings.stalled.multipliedBy(4).plusSeconds(30);
    }

    private boolean drain() throws SQLException, InterruptedException {
      long deadline = System.nanoTime() + drainTimeout().toNanos();
      try (Connection connection = db.newConnection();
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
      try (Connection connection = db.newConnection();
          PreparedStatement statement = connection.prepareStatement(MEASURE)) {
        for (int i = 1; i <= 7; i++) {
          statement.setString(i, fault.number());
        }
        try (ResultSet result = statement.executeQuery()) {
          result.next();
          double restart = result.getDouble("max_restart");
          boolean noRestart = result.wasNull();
          double median = result.getDouble("median_restart");
          return new Row(
              fault,
              result.getLong("deferred"),
              result.getLong("succeeded"),
              result.getLong("failed"),
              result.getLong("lost"),
              result.getLong("overlapping"),
              result.getLong("overlapping_in_pause"),
              result.getLong("done_twice"),
              result.getLong("over_live"),
              result.getLong("deaths"),
              result.getLong("restarted"),
              noRestart ? -1 : restart,
              noRestart ? -1 : median,
              List.copyOf(notes));
        }
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
      if (interrupted) {
        Thread.currentThread().interrupt();
      }
    }
  }

  /**
   * The figures of one fault; each of the 7 parameters is the fault's number. A run cut short by a
   * SIGKILL ends at the kill; a run still open otherwise counts as never ending.
   */
  private static final String MEASURE =
      """
      WITH jobs AS (
          SELECT id, status FROM procrastinate_jobs
           WHERE task_name = 'bench.chaos' AND args->>'fault' = ?),
      runs AS (
          SELECT r.id, r.job_id, r.pid, r.started_at, r.ended_at,
                 coalesce(r.ended_at,
                          (SELECT min(e.at) FROM chaos_events e
                            WHERE e.fault = r.fault AND e.pid = r.pid AND e.kind = 'kill'
                              AND e.at >= r.started_at),
                          'infinity') AS run_end
            FROM chaos_runs r WHERE r.fault = ?),
      pairs AS (
          SELECT a.job_id,
                 EXISTS (SELECT 1 FROM chaos_events p
                          WHERE p.fault = ? AND p.kind = 'pause'
                            AND ((p.pid = a.pid AND b.started_at >= p.at AND b.run_end <= p.until)
                              OR (p.pid = b.pid AND a.started_at >= p.at
                                  AND a.run_end <= p.until))) AS in_pause
            FROM runs a JOIN runs b
              ON a.job_id = b.job_id AND a.id < b.id
             AND a.started_at < b.run_end AND b.started_at < a.run_end),
      finals AS (
          SELECT e.job_id, max(e.at) AS at FROM procrastinate_events e
           WHERE e.type IN ('succeeded', 'failed') AND e.job_id IN (SELECT id FROM jobs)
           GROUP BY e.job_id),
      latest AS (
          SELECT DISTINCT ON (job_id) job_id, ended_at FROM runs
           ORDER BY job_id, started_at DESC),
      deaths AS (
          SELECT e.pid, e.at FROM chaos_events e
           WHERE e.fault = ? AND e.kind IN ('kill', 'pause')),
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
             (SELECT count(DISTINCT job_id) FROM pairs) AS overlapping,
             (SELECT count(DISTINCT job_id) FROM pairs o WHERE o.in_pause
                AND NOT EXISTS (SELECT 1 FROM pairs x
                                 WHERE x.job_id = o.job_id AND NOT x.in_pause))
                 AS overlapping_in_pause,
             (SELECT count(*) FROM (SELECT job_id FROM chaos_runs
                                     WHERE fault = ? AND ended_at IS NOT NULL
                                     GROUP BY job_id HAVING count(*) > 1) t) AS done_twice,
             (SELECT count(*) FROM finals f JOIN latest l ON l.job_id = f.job_id
               WHERE l.ended_at IS NOT NULL AND f.at < l.ended_at) AS over_live,
             (SELECT count(*) FROM deaths) AS deaths,
             (SELECT count(*) FROM cut WHERE next_start IS NOT NULL) AS restarted,
             (SELECT extract(epoch FROM max(next_start - at)) FROM cut) AS max_restart,
             (SELECT percentile_cont(0.5) WITHIN GROUP
                       (ORDER BY extract(epoch FROM next_start - at))
                FROM cut WHERE next_start IS NOT NULL) AS median_restart
      """;

  // -----------------------------------------------------------------------------------------------
  // Output.

  /** One row of the table. */
  private record Row(
      Fault fault,
      long deferred,
      long succeeded,
      long failed,
      long lost,
      long overlapping,
      long overlappingInPause,
      long doneTwice,
      long overLive,
      long deaths,
      long restarted,
      double maxRestart,
      double medianRestart,
      List<String> notes) {}

  private static void printTable(Settings settings, List<Row> rows) {
    double goal = (settings.stalled.toMillis() + 2 * settings.heartbeat.toMillis()) / 1e3;
    String format = "  %-2s %-36s %8s %9s %6s %5s %9s %10s %9s %18s%n";
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
          row.overLive,
          row.maxRestart < 0 ? "-" : String.format(Locale.ROOT, "%.1f s", row.maxRestart));
    }
    String[][] later = {
      {"2", "PostgreSQL restarted (fast shutdown)"},
      {"4", "pool exhaustion"},
      {"5", "network stall of one worker, 30 s"},
      {"6", "PostgreSQL down for 60 s"}
    };
    for (String[] fault : later) {
      System.out.printf(Locale.ROOT, "  %-2s %-36s not yet measured%n", fault[0], fault[1]);
    }
    System.out.println();
    for (Row row : rows) {
      if (row.deaths > 0) {
        System.out.printf(
            Locale.ROOT,
            "  fault %s: %d deaths/pauses; %d jobs running on them restarted elsewhere%s%n",
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
      if (row.overlappingInPause > 0) {
        System.out.printf(
            Locale.ROOT,
            "  fault %s: of the %d jobs run twice at once, %d only interleaved across a pause"
                + " (the rescued run began and ended while the paused worker was frozen)%n",
            row.fault.number(),
            row.overlapping,
            row.overlappingInPause);
      }
      for (String note : row.notes) {
        System.out.printf(Locale.ROOT, "  fault %s: %s%n", row.fault.number(), note);
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
    List<String> faults = List.of("1", "3", "7");
    @Nullable Path logs;

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
            case "faults" -> settings.faults = List.of(value.split(","));
            case "logs" -> settings.logs = Path.of(value);
            default ->
                throw new IllegalArgumentException(
                    "argument '"
                        + arg
                        + "': unknown key; known are workers, concurrency, rate, heartbeat,"
                        + " stalled, warmup, after, kills, killEvery, terminations,"
                        + " terminateEvery, pauses, pause, faults, logs");
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
