package dev.procrastinate.bench;

import dev.procrastinate.App;
import dev.procrastinate.model.EventRecording;
import dev.procrastinate.testing.PgBouncer;
import java.io.IOException;
import java.nio.file.DirectoryStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Locale;

/**
 * The command-line worker as a fleet runs it: {@code procrastinate worker --one-shot} processes,
 * each a JVM of its own started from the CLI's jar with this module's classes on its {@code
 * --class-path} (the no-op task {@code bench.empty}), burning down jobs deferred beforehand. It
 * measures, in one run:
 *
 * <ul>
 *   <li>one process with its per-job INFO lines (standard error written to a file, as a service's
 *       log is) against the same process at WARN (a logback configuration of its own), each also
 *       with the JIT kept to its quick compiler ({@code -XX:TieredStopAtLevel=1});
 *   <li>1, 2 and 3 processes, each at the same concurrency, connected to PostgreSQL directly;
 *   <li>the same processes through a PgBouncer in transaction mode ({@code --no-listen-notify},
 *       {@code prepareThreshold=0}), when {@code pgbouncer} is installed.
 * </ul>
 *
 * <p>Each line gives the rate from the jobs' own events ({@link EventSpan}: the first start to the
 * last end, so that the JVMs' start-up does not count), the CPU the worker processes and the rest
 * of the machine (PostgreSQL, PgBouncer) used, PostgreSQL's CPU per job, and the most server
 * connections the database had at once.
 *
 * <p>Arguments, {@code key=value}: {@code jobs} (default 100000), {@code concurrency} (per process,
 * default 50), {@code processes} (default {@code 1,2,3}), {@code pool} (PgBouncer's server
 * connections, default 10), {@code rounds} (how many times the whole set runs, default 1), {@code
 * events} ({@code full}, the default, or {@code lean}: the database's event recording during the
 * runs). The CLI's jar: {@code PROCRASTINATE_BENCH_CLI}, else the one {@code runtime/cli} built.
 */
public final class ScaleOutBenchmark {
  private ScaleOutBenchmark() {}

  private static final String TASK = "bench.empty";

  /** The JVM option that keeps the JIT to its quick compiler: less CPU while a JVM warms up. */
  private static final String C1_ONLY = "-XX:TieredStopAtLevel=1";

  /**
   * Runs the benchmark and prints its figures.
   *
   * @param args optional {@code key=value} settings
   * @throws Exception if the database or a worker fails
   */
  public static void main(String[] args) throws Exception {
    System.setProperty("org.slf4j.simpleLogger.defaultLogLevel", "warn");
    BenchSettings settings = new BenchSettings(args);
    int jobs = settings.number("jobs", 100_000);
    int concurrency = settings.number("concurrency", 50);
    int[] processes =
        Arrays.stream(settings.text("processes", "1,2,3").split(","))
            .mapToInt(Integer::parseInt)
            .toArray();
    int pool = settings.number("pool", 10);
    int rounds = settings.number("rounds", 1);
    EventRecording.Mode events = EventRecording.Mode.parse(settings.text("events", "full"));
    Path cli = cliJar();
    Path classes =
        Path.of(BenchTasks.class.getProtectionDomain().getCodeSource().getLocation().toURI());
    System.out.printf(
        Locale.ROOT,
        "scale-out benchmark: %,d no-op jobs, command-line workers of concurrency %d, %s event"
            + " recording, %d cores%n",
        jobs,
        concurrency,
        events.key(),
        Runtime.getRuntime().availableProcessors());
    try (BenchDatabase db = BenchDatabase.create("scaleout", 2)) {
      try (App app = App.builder().dataSource(db.dataSource()).build()) {
        app.schemaManager().migrate();
        app.jobManager().setEventRecording(events);
      }
      Fleet direct = new Fleet(cli, classes, db, db.url(), concurrency, true, List.of());
      Fleet quick = new Fleet(cli, classes, db, db.url(), concurrency, true, List.of(C1_ONLY));
      // A first burn-down, not reported: the page cache, the plans, the table's first bloat.
      direct.run(Math.min(jobs, 20_000), 1, "warn");
      boolean bouncer = PgBouncer.installed();
      if (!bouncer) {
        System.out.println("  (no pgbouncer installed: the pooled runs are skipped)");
      }
      for (int round = 1; round <= rounds; round++) {
        if (rounds > 1) {
          System.out.println(" round " + round);
        }
        direct.report("1 process, WARN", jobs, 1, "warn");
        direct.report("1 process, per-job INFO lines to a file", jobs, 1, "info");
        quick.report("1 process, WARN, " + C1_ONLY, jobs, 1, "warn");
        quick.report("1 process, INFO, " + C1_ONLY, jobs, 1, "info");
        for (int count : processes) {
          direct.report(plural(count) + ", direct", jobs, count, "warn");
        }
        if (!bouncer) {
          continue;
        }
        try (PgBouncer running = PgBouncer.start(db.url(), db.user(), db.password(), pool)) {
          Fleet pooled = new Fleet(cli, classes, db, running.url(), concurrency, false, List.of());
          for (int count : processes) {
            pooled.report(plural(count) + ", PgBouncer (" + pool + ")", jobs, count, "warn");
          }
        }
      }
    }
  }

  /** Worker processes of one kind: their JVM, their database URL, their settings. */
  private record Fleet(
      Path cli,
      Path classes,
      BenchDatabase db,
      String url,
      int concurrency,
      boolean listen,
      List<String> jvmOptions) {

    void report(String what, int jobs, int processes, String level) throws Exception {
      Result result = run(jobs, processes, level);
      System.out.printf(
          Locale.ROOT,
          "  %-44s %,9.0f jobs/s; CPU: workers %.1f s, the rest %.1f s (%.0f µs a job),"
              + " %d server connections at most%n",
          what,
          result.rate(),
          result.workerSeconds(),
          result.restSeconds(),
          result.restSeconds() / jobs * 1e6,
          result.peakConnections());
    }

    Result run(int jobs, int processes, String level) throws Exception {
      defer(db, jobs);
      CpuSplit cpu = CpuSplit.start();
      List<Process> workers = new ArrayList<>();
      List<Path> logs = new ArrayList<>();
      for (int i = 0; i < processes; i++) {
        Path log = Files.createTempFile("procrastinate-scaleout", ".log");
        logs.add(log);
        List<String> command = new ArrayList<>();
        command.add(Path.of(System.getProperty("java.home"), "bin", "java").toString());
        command.add("-Xmx256m");
        command.addAll(jvmOptions);
        if (level.equals("warn")) {
          // The command line logs at INFO unless a logback configuration says otherwise.
          command.add("-Dlogback.configurationFile=" + warnOnly());
        }
        command.addAll(List.of("-jar", cli.toString(), "--class-path", classes.toString()));
        command.addAll(List.of("--url", url, "--user", db.user(), "--schema", "public"));
        command.addAll(List.of("worker", "--one-shot", "-c", Integer.toString(concurrency)));
        command.add("-n");
        command.add("bench-" + i);
        if (!listen) {
          command.add("--no-listen-notify");
        }
        ProcessBuilder builder = new ProcessBuilder(command).redirectErrorStream(true);
        builder.redirectOutput(ProcessBuilder.Redirect.appendTo(log.toFile()));
        builder.environment().put("PROCRASTINATE_PASSWORD", db.password());
        workers.add(builder.start());
      }
      double[] workerCpu = new double[processes];
      int peak = 0;
      try (Connection connection = db.newConnection();
          PreparedStatement connections =
              connection.prepareStatement(
                  "SELECT count(*) FROM pg_stat_activity WHERE datname = current_database()"
                      + " AND backend_type = 'client backend' AND application_name <> '"
                      + BenchDatabase.APPLICATION
                      + "'")) {
        while (workers.stream().anyMatch(Process::isAlive)) {
          for (int i = 0; i < processes; i++) {
            workerCpu[i] =
                Math.max(
                    workerCpu[i],
                    workers.get(i).info().totalCpuDuration().orElse(Duration.ZERO).toNanos() / 1e9);
          }
          try (ResultSet count = connections.executeQuery()) {
            count.next();
            peak = Math.max(peak, count.getInt(1));
          }
          Thread.sleep(100);
        }
      }
      double machine = cpu.machineSeconds();
      for (int i = 0; i < processes; i++) {
        if (workers.get(i).waitFor() != 0) {
          throw new IllegalStateException(
              "worker " + i + " failed:\n" + Files.readString(logs.get(i)));
        }
        Files.delete(logs.get(i));
      }
      double rate = endAndRate(db, jobs);
      double used = Arrays.stream(workerCpu).sum();
      return new Result(rate, used, Math.max(0, machine - used - cpu.jvmSeconds()), peak);
    }
  }

  private record Result(
      double rate, double workerSeconds, double restSeconds, int peakConnections) {}

  private static Path warnConfiguration;

  /** A logback configuration that writes WARN and above to standard error, as the CLI would. */
  private static synchronized Path warnOnly() throws IOException {
    if (warnConfiguration == null) {
      warnConfiguration = Files.createTempFile("procrastinate-bench-logback", ".xml");
      warnConfiguration.toFile().deleteOnExit();
      Files.writeString(
          warnConfiguration,
          """
          <configuration>
            <appender name="stderr" class="ch.qos.logback.core.ConsoleAppender">
              <target>System.err</target>
              <encoder><pattern>%d %level %logger - %msg%n</pattern></encoder>
            </appender>
            <root level="WARN"><appender-ref ref="stderr"/></root>
          </configuration>
          """);
    }
    return warnConfiguration;
  }

  private static String plural(int processes) {
    return processes + (processes == 1 ? " process" : " processes");
  }

  private static void defer(BenchDatabase db, int jobs) throws SQLException {
    try (Connection connection = db.newConnection();
        Statement statement = connection.createStatement()) {
      statement.execute(
          "INSERT INTO procrastinate_jobs (queue_name, task_name, args)"
              + " SELECT 'bench', '"
              + TASK
              + "', jsonb_build_object('n', i) FROM generate_series(1, "
              + jobs
              + ") AS i");
      statement.execute("VACUUM ANALYZE procrastinate_jobs");
      // The previous run's dirty pages are written now, not by a checkpoint during this run.
      statement.execute("CHECKPOINT");
    }
  }

  /** The rate from the jobs' events; checks that each job succeeded once, then deletes them. */
  private static double endAndRate(BenchDatabase db, int jobs) throws SQLException {
    try (Connection connection = db.newConnection();
        Statement statement = connection.createStatement()) {
      try (ResultSet result =
          statement.executeQuery(
              // The benchmark's task only: the example application's periodic tasks may add a
              // tick of their own when a run falls just after their hour.
              "SELECT (SELECT count(*) FROM procrastinate_jobs"
                  + " WHERE task_name = '"
                  + TASK
                  + "' AND status = 'succeeded' AND attempts = 1),"
                  + " (SELECT count(*) FROM procrastinate_jobs WHERE task_name = '"
                  + TASK
                  + "')")) {
        result.next();
        if (result.getLong(1) != jobs || result.getLong(2) != jobs) {
          throw new IllegalStateException(
              "expected "
                  + jobs
                  + " jobs succeeded once, found "
                  + result.getLong(1)
                  + " of "
                  + result.getLong(2));
        }
        double rate = EventSpan.of(connection, TASK).rate();
        statement.execute("DELETE FROM procrastinate_jobs");
        statement.execute("DELETE FROM procrastinate_workers");
        statement.execute("VACUUM ANALYZE procrastinate_jobs, procrastinate_events");
        return rate;
      }
    }
  }

  private static Path cliJar() throws IOException {
    String configured = System.getenv("PROCRASTINATE_BENCH_CLI");
    if (configured != null && !configured.isBlank()) {
      return Path.of(configured);
    }
    // The copy this module's integration tests run, then the jar runtime/cli built.
    Path copied = Path.of("target/cli/procrastinate-cli.jar");
    if (Files.isRegularFile(copied)) {
      return copied.toAbsolutePath();
    }
    for (Path dir : List.of(Path.of("runtime/cli/target"), Path.of("../runtime/cli/target"))) {
      if (Files.isDirectory(dir)) {
        try (DirectoryStream<Path> jars =
            Files.newDirectoryStream(dir, "procrastinate-cli-*.jar")) {
          for (Path jar : jars) {
            return jar.toAbsolutePath();
          }
        }
      }
    }
    throw new IllegalStateException(
        "no command-line jar: build runtime/cli (mvn -pl runtime/cli -am package) or set"
            + " PROCRASTINATE_BENCH_CLI");
  }
}
