package dev.procrastinate.bench;

import com.sun.management.OperatingSystemMXBean;
import dev.procrastinate.App;
import dev.procrastinate.NewJob;
import dev.procrastinate.Worker;
import dev.procrastinate.WorkerOptions;
import dev.procrastinate.internal.sql.PromptNotifications;
import dev.procrastinate.model.EventRecording;
import dev.procrastinate.spi.TaskDescriptor;
import dev.procrastinate.spi.TaskParameter;
import dev.procrastinate.spi.TaskRegistrar;
import java.io.IOException;
import java.lang.management.ManagementFactory;
import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.EnumMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ThreadLocalRandom;
import java.util.concurrent.TimeUnit;
import java.util.stream.IntStream;
import org.postgresql.PGConnection;
import org.postgresql.PGNotification;

/**
 * Measures the worker, every figure beside the baseline measured in the same run: upstream's
 * one-job-per-call {@code procrastinate_fetch_job_v2} plus {@code procrastinate_finish_job_v1} from
 * 4 clients.
 *
 * <ul>
 *   <li>burn-down of queued no-op jobs at concurrency 1, 10 and 50 (after a warm-up), with the CPU
 *       split between this JVM and the rest of the machine (PostgreSQL);
 *   <li>lean event recording against full: the defer of the burn-down's jobs and the burn-down at
 *       concurrency 50, two rounds alternating, in the same run;
 *   <li>what recording failures costs: at concurrency 10, all jobs succeeding, then one in five
 *       failing, each failure recorded with its outcome;
 *   <li>the same at concurrency 10 with the INFO job logging users get by default (in a child JVM,
 *       logging to a file);
 *   <li>a lock-heavy case: jobs of 2 to 10 ms over 12 locks on 8 slots, against what the slots
 *       allow;
 *   <li>a rate limit of 50 starts a second on two workers of 4 slots: the rate they reach and the
 *       busiest one-second window, alone and beside a burn-down of unlimited jobs on the same
 *       workers;
 *   <li>the defer-to-start latency of an idle worker, beside what PostgreSQL alone takes from a
 *       defer to its notification (no worker running), and an idle worker's CPU over 10 s;
 *   <li>memory: a worker running with the large queue of the burn-downs in {@code -Xmx256m}.
 * </ul>
 *
 * The table holds 100,000 finished jobs throughout, as a production table would. Run with {@code
 * -Xmx256m}. Arguments: {@code [jobs] [latencySamples] [lockJobs]}, defaults 100000 1000 1200; a
 * tiny size (say {@code 200 20 24}) is the smoke run of the build. The environment variable {@code
 * BENCH_STAGES} picks stages (comma-separated of {@code
 * burn,lean,fail,info,lock,rate,latency,idle,memory}; all by default), the baseline running with
 * {@code burn} or {@code info}.
 */
public final class WorkerBenchmark {
  private static final String TASK = "bench.noop";
  private static final String SLEEPY = "bench.sleepy";

  /** The pool the lock-heavy tasks write their row through: the application's. */
  private static final javax.sql.DataSource[] LOCK_ROWS = new javax.sql.DataSource[1];

  /** The runs of the lock-heavy stage: their lock, start and end (nano clock). */
  private static final java.util.Queue<LockRun> LOCK_RUNS =
      new java.util.concurrent.ConcurrentLinkedQueue<>();

  private record LockRun(
      long id,
      String lock,
      String worker,
      long start,
      long end,
      java.time.Instant startAt,
      java.time.Instant endAt) {}

  private static final String INFO_CHILD = "--info-child";

  private WorkerBenchmark() {}

  /**
   * Runs the benchmark and prints its figures.
   *
   * @param args optional sizes
   * @throws Exception if the database fails
   */
  public static void main(String[] args) throws Exception {
    boolean infoChild = args.length > 0 && args[0].equals(INFO_CHILD);
    if (!infoChild) {
      System.setProperty("org.slf4j.simpleLogger.defaultLogLevel", "warn");
      // The failing mix's WARN line per failed job would measure the console, not the worker.
      System.setProperty("org.slf4j.simpleLogger.log.procrastinate.jobs", "error");
    }
    String[] sizes = infoChild ? Arrays.copyOfRange(args, 2, args.length) : args;
    int jobs = sizes.length > 0 ? Integer.parseInt(sizes[0]) : 100_000;
    int samples = sizes.length > 1 ? Integer.parseInt(sizes[1]) : 1_000;
    int lockJobs = sizes.length > 2 ? Integer.parseInt(sizes[2]) : 1_200;
    long[] latencies = new long[samples];
    CountDownLatch[] started = {new CountDownLatch(0)};
    TaskDescriptor noop =
        TaskDescriptor.builder(TASK)
            .parameter(TaskParameter.required("n", "int"))
            .parameter(TaskParameter.optional("sent", "long"))
            .parameter(TaskParameter.optional("fail", "boolean"))
            .source("WorkerBenchmark")
            .build(
                (context, arguments) -> {
                  if (arguments.has("fail") && arguments.getBoolean("fail")) {
                    throw new IllegalStateException(
                        "bench failure " + arguments.getInt("n"),
                        new java.io.IOException("the cause of the bench failure"));
                  }
                  if (arguments.has("sent")) {
                    long sent = arguments.getLong("sent");
                    latencies[arguments.getInt("n")] = System.nanoTime() - sent;
                    started[0].countDown();
                  }
                  return null;
                });
    TaskDescriptor sleepy =
        TaskDescriptor.builder(SLEEPY)
            .parameter(TaskParameter.required("millis", "int"))
            .parameter(TaskParameter.optional("lock", "java.lang.String"))
            .source("WorkerBenchmark")
            .build(
                (context, arguments) -> {
                  long begin = System.nanoTime();
                  java.time.Instant beginAt = java.time.Instant.now();
                  Thread.sleep(arguments.getInt("millis"));
                  if (arguments.has("lock")) {
                    // One row written through the application's pool, as a real task would.
                    try (Connection connection = LOCK_ROWS[0].getConnection();
                        PreparedStatement insert =
                            connection.prepareStatement(
                                "INSERT INTO bench_lock_rows (job_id, lock) VALUES (?, ?)")) {
                      insert.setLong(1, context.job().id());
                      insert.setString(2, arguments.get("lock", String.class));
                      insert.executeUpdate();
                    }
                    LOCK_RUNS.add(
                        new LockRun(
                            context.job().id(),
                            arguments.get("lock", String.class),
                            context.workerName(),
                            begin,
                            System.nanoTime(),
                            beginAt,
                            java.time.Instant.now()));
                  }
                  return null;
                });
    TaskRegistrar registrar = () -> List.of(noop, sleepy);
    if (infoChild) {
      try (BenchDatabase db = BenchDatabase.existing(args[1], 20);
          App app =
              App.builder()
                  .dataSource(db.dataSource())
                  .taskRegistrars(List.of(registrar))
                  .build()) {
        long start = System.nanoTime();
        burnDown(app, 10, jobs);
        System.out.println(System.nanoTime() - start);
      }
      return;
    }
    System.out.printf(
        Locale.ROOT,
        "worker benchmark: %,d no-op jobs, max heap %d MiB, %d cores%n",
        jobs,
        Runtime.getRuntime().maxMemory() / (1024 * 1024),
        Runtime.getRuntime().availableProcessors());
    try (BenchDatabase db = BenchDatabase.create("worker", 60);
        App app =
            App.builder().dataSource(db.dataSource()).taskRegistrars(List.of(registrar)).build()) {
      app.schemaManager().migrate();
      fillFinished(db, app, 100_000);

      String stages =
          System.getenv()
              .getOrDefault("BENCH_STAGES", "burn,lean,fail,info,lock,rate,latency,idle,memory");
      double baseline = 0;
      if (stages.contains("burn") || stages.contains("info")) {
        deferQueued(db, app, jobs);
        baseline = baseline(db, jobs, 4);
        checkAllSucceeded(db, jobs);
        deleteBenchJobs(db);
      }

      // Warm-up: the JIT, the pool and the plan caches, not timed.
      deferQueued(db, app, Math.max(jobs / 10, 1));
      burnDown(app, 10, Math.max(jobs / 10, 1));
      deleteBenchJobs(db);

      double manySlots = 0;
      for (int concurrency : stages.contains("burn") ? new int[] {1, 10, 50} : new int[0]) {
        deferQueued(db, app, jobs);
        CpuSplit cpu = CpuSplit.start();
        long start = System.nanoTime();
        burnDown(app, concurrency, jobs);
        long nanos = System.nanoTime() - start;
        double rate = report("burn-down, concurrency " + concurrency, jobs, nanos, baseline);
        cpu.print(nanos);
        checkAllSucceeded(db, jobs);
        deleteBenchJobs(db);
        if (rate <= 0) {
          throw new IllegalStateException("no progress");
        }
        manySlots = rate;
      }
      if (stages.contains("burn")) {
        sqlCeiling(db, app, jobs, baseline, manySlots);
      }

      if (stages.contains("lean")) {
        leanRecording(db, app, jobs, baseline);
      }
      if (stages.contains("fail")) {
        failingMix(db, app, jobs, baseline);
      }
      if (stages.contains("info")) {
        deferQueued(db, app, jobs);
        long infoNanos = burnDownWithInfoLogging(db, jobs);
        report("burn-down, concurrency 10, INFO job logging", jobs, infoNanos, baseline);
        checkAllSucceeded(db, jobs);
        deleteBenchJobs(db);
      }
      if (stages.contains("lock")) {
        lockHeavy(db, app, lockJobs);
      }
      if (stages.contains("rate")) {
        rateLimited(db, app, Math.max(lockJobs / 5, 40), false);
        rateLimited(db, app, Math.max(lockJobs / 5, 40), true);
      }
      if (stages.contains("latency")) {
        latency(db, app, latencies, started);
      }
      if (stages.contains("idle")) {
        idleCpu(app);
      }
      if (stages.contains("memory")) {
        memory(db, app, jobs);
      }
      explainFetch(db);
    }
  }

  /**
   * Lean event recording against full, two rounds alternating: each defers the jobs in its mode
   * (one batch) and burns them down at concurrency 50; the median of each is compared. Full
   * recording is in place again at the end.
   */
  private static void leanRecording(BenchDatabase db, App app, int jobs, double baseline)
      throws Exception {
    Map<EventRecording.Mode, List<Double>> burns = new EnumMap<>(EventRecording.Mode.class);
    Map<EventRecording.Mode, List<Double>> defers = new EnumMap<>(EventRecording.Mode.class);
    try {
      for (int round = 0; round < 2; round++) {
        for (EventRecording.Mode mode :
            List.of(EventRecording.Mode.FULL, EventRecording.Mode.LEAN)) {
          app.jobManager().setEventRecording(mode);
          long deferStart = System.nanoTime();
          deferQueued(db, app, jobs);
          long deferNanos = System.nanoTime() - deferStart;
          defers.computeIfAbsent(mode, m -> new ArrayList<>()).add(jobs / (deferNanos / 1e9));
          CpuSplit cpu = CpuSplit.start();
          long start = System.nanoTime();
          burnDown(app, 50, jobs);
          long nanos = System.nanoTime() - start;
          double rate =
              report("burn-down, concurrency 50, " + mode.key() + " events", jobs, nanos, baseline);
          cpu.print(nanos);
          burns.computeIfAbsent(mode, m -> new ArrayList<>()).add(rate);
          checkAllSucceeded(db, jobs);
          deleteBenchJobs(db);
        }
      }
    } finally {
      app.jobManager().setEventRecording(EventRecording.Mode.FULL);
    }
    System.out.printf(
        Locale.ROOT,
        "  lean against full events: burn-down c50 %.2fx (%s against %s jobs/s),"
            + " defer %.2fx (%s against %s jobs/s)%n",
        median(burns.get(EventRecording.Mode.LEAN)) / median(burns.get(EventRecording.Mode.FULL)),
        rates(burns.get(EventRecording.Mode.LEAN)),
        rates(burns.get(EventRecording.Mode.FULL)),
        median(defers.get(EventRecording.Mode.LEAN)) / median(defers.get(EventRecording.Mode.FULL)),
        rates(defers.get(EventRecording.Mode.LEAN)),
        rates(defers.get(EventRecording.Mode.FULL)));
  }

  private static double median(List<Double> values) {
    List<Double> sorted = values.stream().sorted().toList();
    int middle = sorted.size() / 2;
    return sorted.size() % 2 == 1
        ? sorted.get(middle)
        : (sorted.get(middle - 1) + sorted.get(middle)) / 2;
  }

  private static String rates(List<Double> values) {
    return String.join(
        " and ", values.stream().map(v -> String.format(Locale.ROOT, "%,.0f", v)).toList());
  }

  /**
   * What recording failures costs: at concurrency 10, all jobs succeeding, then the same count with
   * every fifth job failing (no retry; each records its exception, message, stack trace and cause
   * with its outcome), measured one after the other in this run.
   */
  private static void failingMix(BenchDatabase db, App app, int jobs, double baseline)
      throws Exception {
    deferQueued(db, app, jobs);
    long start = System.nanoTime();
    burnDown(app, 10, jobs);
    report("burn-down, concurrency 10, all succeed", jobs, System.nanoTime() - start, baseline);
    checkAllSucceeded(db, jobs);
    deleteBenchJobs(db);

    app.jobManager()
        .deferBatch(
            () ->
                IntStream.range(0, jobs)
                    .mapToObj(i -> NewJob.builder(TASK).arg("n", i).arg("fail", i % 5 == 0).build())
                    .iterator());
    try (Connection connection = db.newConnection();
        Statement statement = connection.createStatement()) {
      statement.execute("ANALYZE procrastinate_jobs");
    }
    start = System.nanoTime();
    burnDown(app, 10, jobs);
    report("burn-down, concurrency 10, 1 in 5 fails", jobs, System.nanoTime() - start, baseline);
    long failing = (jobs + 4) / 5;
    try (Connection connection = db.newConnection();
        Statement statement = connection.createStatement();
        ResultSet result =
            statement.executeQuery(
                "SELECT (SELECT count(*) FROM procrastinate_jobs WHERE task_name = '"
                    + TASK
                    + "' AND status = 'failed'), (SELECT count(*) FROM"
                    + " procrastinate_java_job_failures), (SELECT avg(length(stack_trace))::int"
                    + " FROM procrastinate_java_job_failures)")) {
      result.next();
      if (result.getLong(1) != failing || result.getLong(2) != failing) {
        throw new IllegalStateException(
            "expected "
                + failing
                + " failed jobs, each recorded; found "
                + result.getLong(1)
                + " failed and "
                + result.getLong(2)
                + " records");
      }
      System.out.printf(
          Locale.ROOT,
          "    (%,d failures recorded, stack traces of %,d characters on average)%n",
          result.getLong(2),
          result.getLong(3));
    }
    deleteBenchJobs(db);
  }

  private static void burnDown(App app, int concurrency, int jobs) throws InterruptedException {
    try (Worker worker =
        app.worker(
            WorkerOptions.builder()
                .concurrency(concurrency)
                .waitForJobs(false)
                .installSignalHandlers(false)
                .build())) {
      worker.run();
      if (worker.processedJobs() < jobs) {
        throw new IllegalStateException(
            "worker processed " + worker.processedJobs() + " of " + jobs);
      }
    }
  }

  /**
   * The SQL ceiling of the worker's own path (see {@link SqlCeiling}) with 1, 2 and 4 pgbench
   * clients, and the concurrency-50 burn-down's share of it. Runs of the same measure differ by up
   * to 15 % here, so the share is taken in three rounds, each a burn-down beside the ceilings
   * measured right after it (the best of 2 and 4 clients), and the median round is reported.
   */
  private static void sqlCeiling(
      BenchDatabase db, App app, int jobs, double baseline, double manySlots) throws Exception {
    if (SqlCeiling.pgbench().isEmpty()) {
      System.out.println("  (no pgbench on the PATH: the SQL ceiling is not measured)");
      return;
    }
    List<Double> shares = new ArrayList<>();
    double burn = manySlots;
    for (int round = 1; round <= 3; round++) {
      if (round > 1) {
        deferQueued(db, app, jobs);
        long start = System.nanoTime();
        burnDown(app, 50, jobs);
        burn =
            report(
                "burn-down, concurrency 50, round " + round,
                jobs,
                System.nanoTime() - start,
                baseline);
        checkAllSucceeded(db, jobs);
        deleteBenchJobs(db);
      }
      double best = 0;
      for (int clients : round == 1 ? new int[] {1, 2, 4} : new int[] {2, 4}) {
        deferQueued(db, app, jobs);
        double rate = SqlCeiling.measure(db, TASK, jobs, clients).orElseThrow();
        System.out.printf(
            Locale.ROOT,
            "  %-48s %,10d jobs at %,9.0f jobs/s (%.1fx the baseline)%n",
            "SQL ceiling, pgbench, " + clients + (clients == 1 ? " client" : " clients"),
            jobs,
            rate,
            baseline > 0 ? rate / baseline : 0);
        deleteBenchJobs(db);
        if (clients > 1) {
          best = Math.max(best, rate);
        }
      }
      shares.add(burn / best);
      System.out.printf(
          Locale.ROOT,
          "    round %d: burn-down at concurrency 50 is %.0f %% of the SQL ceiling%n",
          round,
          100 * burn / best);
    }
    System.out.printf(
        Locale.ROOT,
        "    burn-down at concurrency 50: %.0f %% of the SQL ceiling (median of 3 rounds: %s)%n",
        100 * median(shares),
        String.join(
            ", ",
            shares.stream().map(v -> String.format(Locale.ROOT, "%.0f %%", 100 * v)).toList()));
  }

  /** Runs a burn-down in a child JVM whose job logging is at INFO, written to a file. */
  private static long burnDownWithInfoLogging(BenchDatabase db, int jobs)
      throws IOException, InterruptedException {
    Path log = Files.createTempFile("procrastinate-bench", ".log");
    try {
      List<String> command = new ArrayList<>();
      command.add(Path.of(System.getProperty("java.home"), "bin", "java").toString());
      command.add("-Xmx256m");
      command.add("-Dorg.slf4j.simpleLogger.defaultLogLevel=info");
      command.add("-Dorg.slf4j.simpleLogger.logFile=" + log);
      command.add("-cp");
      command.add(System.getProperty("java.class.path"));
      command.add(WorkerBenchmark.class.getName());
      command.add(INFO_CHILD);
      command.add(db.name());
      command.add(Integer.toString(jobs));
      Process child =
          new ProcessBuilder(command).redirectError(ProcessBuilder.Redirect.INHERIT).start();
      String out = new String(child.getInputStream().readAllBytes()).strip();
      if (child.waitFor() != 0) {
        throw new IllegalStateException("the INFO-logging child failed: " + out);
      }
      String[] lines = out.split("\n");
      System.out.printf(
          Locale.ROOT, "    (%,d log lines written)%n", Files.readAllLines(log).size());
      return Long.parseLong(lines[lines.length - 1].strip());
    } finally {
      Files.deleteIfExists(log);
    }
  }

  /**
   * Jobs of 2 to 10 ms over 12 locks, one worker with 8 slots, each task writing one row through
   * the application's pool: the rate against what the slots allow, and the hand-over on each lock,
   * from one job's end to the start of the lock's next job.
   */
  private static void lockHeavy(BenchDatabase db, App app, int count) throws Exception {
    try (Connection connection = db.newConnection();
        Statement statement = connection.createStatement()) {
      statement.execute(
          "CREATE TABLE IF NOT EXISTS bench_lock_rows (job_id bigint, lock text,"
              + " written_at timestamptz DEFAULT clock_timestamp())");
      statement.execute("TRUNCATE bench_lock_rows");
    }
    LOCK_ROWS[0] = db.dataSource();
    LOCK_RUNS.clear();
    int totalMillis = 0;
    List<NewJob> jobs = new ArrayList<>();
    for (int i = 0; i < count; i++) {
      int millis = 2 + ThreadLocalRandom.current().nextInt(9);
      totalMillis += millis;
      String lock = "lock-" + (i % 12);
      jobs.add(NewJob.builder(SLEEPY).arg("millis", millis).arg("lock", lock).lock(lock).build());
    }
    app.jobManager().deferBatch(jobs);
    // BENCH_LOCK_WORKERS=2 splits the 8 slots between two workers of 4, to show how they share
    // the locks.
    int workers = Integer.parseInt(System.getenv().getOrDefault("BENCH_LOCK_WORKERS", "1"));
    CpuSplit cpu = CpuSplit.start();
    long start = System.nanoTime();
    if (workers == 1) {
      try (Worker worker =
          app.worker(
              WorkerOptions.builder()
                  .concurrency(8)
                  .waitForJobs(false)
                  .installSignalHandlers(false)
                  .build())) {
        worker.run();
      }
    } else {
      List<Worker> started = new ArrayList<>();
      try {
        for (int w = 0; w < workers; w++) {
          Worker worker =
              app.worker(
                  WorkerOptions.builder()
                      .name("lock-" + w)
                      .concurrency(8 / workers)
                      .installSignalHandlers(false)
                      .build());
          started.add(worker);
          worker.start();
        }
        while (LOCK_RUNS.size() < count) {
          Thread.sleep(1);
        }
      } finally {
        started.forEach(Worker::close);
      }
    }
    long nanos = System.nanoTime() - start;
    double rate = count / (nanos / 1e9);
    double allowed = 8 * count / (totalMillis / 1e3);
    cpu.print(nanos);
    if (workers > 1) {
      Map<String, Integer> perWorker = new java.util.TreeMap<>();
      for (LockRun run : LOCK_RUNS) {
        perWorker.merge(run.worker(), 1, Integer::sum);
      }
      System.out.printf(Locale.ROOT, "    jobs per worker: %s%n", perWorker);
    }
    System.out.printf(
        Locale.ROOT,
        "  %-48s %,10d jobs in %7.2f s = %,9.0f jobs/s, %.0f %% of the %,.0f jobs/s 8 slots"
            + " allow%n",
        "lock-heavy: 2-10 ms jobs, 12 locks, 8 slots" + (workers > 1 ? " on " + workers : ""),
        count,
        nanos / 1e9,
        rate,
        100 * rate / allowed,
        allowed);
    Map<String, List<LockRun>> byLock = new java.util.TreeMap<>();
    for (LockRun run : LOCK_RUNS) {
      byLock.computeIfAbsent(run.lock(), k -> new ArrayList<>()).add(run);
    }
    List<Long> handOvers = new ArrayList<>();
    for (List<LockRun> runs : byLock.values()) {
      runs.sort(java.util.Comparator.comparingLong(LockRun::start));
      for (int i = 1; i < runs.size(); i++) {
        handOvers.add(runs.get(i).start() - runs.get(i - 1).end());
      }
    }
    java.util.Collections.sort(handOvers);
    if (System.getenv("BENCH_LOCK_DETAIL") != null) {
      lockDetail(db, byLock);
    }
    if (!handOvers.isEmpty()) {
      System.out.printf(
          Locale.ROOT,
          "  %-48s p50 %6.1f ms, p90 %6.1f ms, p99 %6.1f ms, max %6.1f ms (%,d hand-overs)%n",
          "lock-heavy: a lock's hand-over, end to next start",
          handOvers.get(handOvers.size() / 2) / 1e6,
          handOvers.get(handOvers.size() * 9 / 10) / 1e6,
          handOvers.get(handOvers.size() * 99 / 100) / 1e6,
          handOvers.get(handOvers.size() - 1) / 1e6,
          handOvers.size());
    }
    try (Connection connection = db.newConnection();
        Statement statement = connection.createStatement()) {
      statement.execute("DELETE FROM procrastinate_jobs WHERE task_name = '" + SLEEPY + "'");
      statement.execute("DROP TABLE bench_lock_rows");
    }
  }

  /**
   * A rate limit of 50 starts a second on a task of 5 ms jobs, two workers of 4 slots: the rate the
   * starts reach (from the first start to the last, by the jobs' {@code started} events) and the
   * most starts in any one-second window; beside a burn-down of unlimited no-op jobs on the same
   * workers when {@code busy}.
   */
  private static void rateLimited(BenchDatabase db, App app, int count, boolean busy)
      throws Exception {
    app.jobManager()
        .setRateLimit(
            dev.procrastinate.model.LimitTarget.task(SLEEPY),
            dev.procrastinate.model.RateLimit.parse("50/1s"));
    int others = busy ? 50_000 : 0;
    if (busy) {
      deferQueued(db, app, others);
    }
    app.jobManager()
        .deferBatch(
            IntStream.range(0, count)
                .mapToObj(i -> NewJob.builder(SLEEPY).arg("millis", 5).build())
                .toList());
    List<Worker> started = new ArrayList<>();
    long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(60 + count / 25);
    try {
      for (int w = 0; w < 2; w++) {
        Worker worker =
            app.worker(
                WorkerOptions.builder()
                    .name("rate-" + w)
                    .concurrency(4)
                    .installSignalHandlers(false)
                    .build());
        started.add(worker);
        worker.start();
      }
      while (countSucceeded(db, SLEEPY) < count) {
        if (System.nanoTime() > deadline) {
          throw new IllegalStateException("the rate-limited jobs did not all run");
        }
        Thread.sleep(20);
      }
    } finally {
      started.forEach(Worker::close);
    }
    List<Long> starts = new ArrayList<>();
    long othersLeft;
    try (Connection connection = db.newConnection();
        Statement statement = connection.createStatement()) {
      try (ResultSet rows =
          statement.executeQuery(
              "SELECT (extract(epoch FROM e.at) * 1000000)::int8 FROM procrastinate_events AS e"
                  + " JOIN procrastinate_jobs AS j ON j.id = e.job_id WHERE e.type = 'started'"
                  + " AND j.task_name = '"
                  + SLEEPY
                  + "' ORDER BY e.at")) {
        while (rows.next()) {
          starts.add(rows.getLong(1));
        }
      }
      try (ResultSet rows =
          statement.executeQuery(
              "SELECT count(*) FROM procrastinate_jobs WHERE task_name = '"
                  + TASK
                  + "' AND status = 'todo'")) {
        rows.next();
        othersLeft = rows.getLong(1);
      }
      statement.execute("DELETE FROM procrastinate_jobs WHERE task_name = '" + SLEEPY + "'");
    }
    app.jobManager().clearLimits(dev.procrastinate.model.LimitTarget.task(SLEEPY));
    deleteBenchJobs(db);
    int busiest = 0;
    for (int i = 0, j = 0; i < starts.size(); i++) {
      while (j < starts.size() && starts.get(j) < starts.get(i) + 1_000_000) {
        j++;
      }
      busiest = Math.max(busiest, j - i);
    }
    List<Long> gaps = new ArrayList<>();
    for (int i = 1; i < starts.size(); i++) {
      gaps.add(starts.get(i) - starts.get(i - 1));
    }
    java.util.Collections.sort(gaps);
    double seconds = (starts.get(starts.size() - 1) - starts.get(0)) / 1e6;
    System.out.printf(
        Locale.ROOT,
        "  %-48s %,10d starts in %7.2f s = %6.1f starts/s, %.0f %% of 50/s; busiest second %d%n",
        "rate limit 50/1s, 2 workers of 4" + (busy ? ", beside a burn-down" : ""),
        starts.size(),
        seconds,
        (starts.size() - 1) / seconds,
        100 * (starts.size() - 1) / seconds / 50,
        busiest);
    System.out.printf(
        Locale.ROOT,
        "    (between two starts: p10 %.1f ms, p50 %.1f ms, p90 %.1f ms, max %.1f ms, against 20"
            + " ms)%n",
        gaps.get(gaps.size() / 10) / 1e3,
        gaps.get(gaps.size() / 2) / 1e3,
        gaps.get(gaps.size() * 9 / 10) / 1e3,
        gaps.get(gaps.size() - 1) / 1e3);
    if (busy) {
      System.out.printf(
          Locale.ROOT,
          "    (%,d of the %,d unlimited jobs ran meanwhile)%n",
          others - othersLeft,
          others);
    }
  }

  private static long countSucceeded(BenchDatabase db, String task) throws SQLException {
    try (Connection connection = db.newConnection();
        Statement statement = connection.createStatement();
        ResultSet rows =
            statement.executeQuery(
                "SELECT count(*) FROM procrastinate_jobs WHERE task_name = '"
                    + task
                    + "' AND status = 'succeeded'")) {
      rows.next();
      return rows.getLong(1);
    }
  }

  /**
   * Splits each hand-over in three, by the events' times: the end of a job to its outcome's
   * transaction, that to the start transaction of the lock's next job, and that to the next job's
   * start in its task.
   */
  private static void lockDetail(BenchDatabase db, Map<String, List<LockRun>> byLock)
      throws SQLException {
    Map<Long, java.time.Instant[]> events = new java.util.HashMap<>();
    try (Connection connection = db.newConnection();
        Statement statement = connection.createStatement();
        ResultSet rows =
            statement.executeQuery(
                "SELECT e.job_id, e.type::text, e.at FROM procrastinate_events AS e"
                    + " JOIN procrastinate_jobs AS j ON j.id = e.job_id"
                    + " WHERE j.task_name = '"
                    + SLEEPY
                    + "' AND e.type IN ('started', 'succeeded')")) {
      while (rows.next()) {
        java.time.Instant[] pair =
            events.computeIfAbsent(rows.getLong(1), k -> new java.time.Instant[2]);
        pair[rows.getString(2).equals("started") ? 0 : 1] =
            rows.getObject(3, java.time.OffsetDateTime.class).toInstant();
      }
    }
    List<Long> toOutcome = new ArrayList<>();
    List<Long> toFetch = new ArrayList<>();
    List<Long> toRun = new ArrayList<>();
    for (List<LockRun> runs : byLock.values()) {
      for (int i = 1; i < runs.size(); i++) {
        LockRun before = runs.get(i - 1);
        LockRun after = runs.get(i);
        java.time.Instant ended = events.get(before.id())[1];
        java.time.Instant started = events.get(after.id())[0];
        toOutcome.add(java.time.Duration.between(before.endAt(), ended).toNanos());
        toFetch.add(java.time.Duration.between(ended, started).toNanos());
        toRun.add(java.time.Duration.between(started, after.startAt()).toNanos());
      }
    }
    long first = Long.MAX_VALUE;
    long last = Long.MIN_VALUE;
    long busy = 0;
    for (List<LockRun> runs : byLock.values()) {
      for (LockRun run : runs) {
        first = Math.min(first, run.start());
        last = Math.max(last, run.end());
        busy += run.end() - run.start();
      }
    }
    System.out.printf(
        Locale.ROOT,
        "    tasks ran on %.2f of the 8 threads on average, from the first start to the last end%n",
        (double) busy / (last - first));
    for (List<Long> part : List.of(toOutcome, toFetch, toRun)) {
      java.util.Collections.sort(part);
    }
    System.out.printf(
        Locale.ROOT,
        "    medians: end to outcome %.2f ms, outcome to next start %.2f ms, to its task %.2f ms;"
            + " p90 %.2f / %.2f / %.2f ms%n",
        toOutcome.get(toOutcome.size() / 2) / 1e6,
        toFetch.get(toFetch.size() / 2) / 1e6,
        toRun.get(toRun.size() / 2) / 1e6,
        toOutcome.get(toOutcome.size() * 9 / 10) / 1e6,
        toFetch.get(toFetch.size() * 9 / 10) / 1e6,
        toRun.get(toRun.size() * 9 / 10) / 1e6);
  }

  private static final String FILL_MARK = "bench.fill";

  private static void fillFinished(BenchDatabase db, App app, int count) throws SQLException {
    app.jobManager()
        .deferBatch(
            () ->
                IntStream.range(0, count)
                    .mapToObj(i -> NewJob.builder(FILL_MARK).arg("n", i).build())
                    .iterator());
    try (Connection connection = db.newConnection();
        Statement statement = connection.createStatement()) {
      statement.execute(
          "UPDATE procrastinate_jobs SET status = 'succeeded', attempts = 1"
              + " WHERE task_name = '"
              + FILL_MARK
              + "'");
      statement.execute("VACUUM ANALYZE procrastinate_jobs");
    }
  }

  private static void deferQueued(BenchDatabase db, App app, int count) throws SQLException {
    app.jobManager()
        .deferBatch(
            () ->
                IntStream.range(0, count)
                    .mapToObj(i -> NewJob.builder(TASK).arg("n", i).build())
                    .iterator());
    // Fresh statistics for every contender, as autovacuum gives a table after a burst.
    try (Connection connection = db.newConnection();
        Statement statement = connection.createStatement()) {
      statement.execute("ANALYZE procrastinate_jobs");
    }
  }

  private static void checkAllSucceeded(BenchDatabase db, int count) throws SQLException {
    try (Connection connection = db.newConnection();
        PreparedStatement statement =
            connection.prepareStatement(
                "SELECT count(*) FILTER (WHERE status = 'succeeded' AND attempts = 1),"
                    + " count(*) FROM procrastinate_jobs WHERE task_name = ?")) {
      statement.setString(1, TASK);
      try (ResultSet result = statement.executeQuery()) {
        result.next();
        if (result.getLong(1) != count || result.getLong(2) != count) {
          throw new IllegalStateException(
              "expected "
                  + count
                  + " jobs succeeded once, found "
                  + result.getLong(1)
                  + " of "
                  + result.getLong(2));
        }
      }
    }
  }

  private static void deleteBenchJobs(BenchDatabase db) throws SQLException {
    try (Connection connection = db.newConnection();
        Statement statement = connection.createStatement()) {
      statement.execute("DELETE FROM procrastinate_jobs WHERE task_name = '" + TASK + "'");
      statement.execute("VACUUM ANALYZE procrastinate_jobs");
      statement.execute("VACUUM ANALYZE procrastinate_events");
      // Each measure starts after a checkpoint, so that none lands inside a run by chance (the
      // WAL of the run before would otherwise trigger one at a random moment of the next).
      statement.execute("CHECKPOINT");
    }
  }

  /** Upstream's way: each client fetches one job, then finishes it, one call each. */
  private static double baseline(BenchDatabase db, int count, int clients) throws Exception {
    long start = System.nanoTime();
    UpstreamWorkers.burnDown(db, count, clients);
    return report(
        "baseline fetch_job_v2 + finish_job_v1, " + clients + " clients",
        count,
        System.nanoTime() - start,
        0);
  }

  private static void latency(BenchDatabase db, App app, long[] latencies, CountDownLatch[] started)
      throws Exception {
    notificationFloor(db, app, latencies.length);
    try (Worker worker =
        app.worker(WorkerOptions.builder().concurrency(10).installSignalHandlers(false).build())) {
      worker.start();
      // Unmeasured first jobs prove the worker is up and warm the path (the JIT compiles it), so
      // that the figures are those of a worker that has been running, whatever stages came before.
      for (int i = 0; i < Math.min(latencies.length, 300); i++) {
        started[0] = new CountDownLatch(1);
        app.jobManager()
            .defer(NewJob.builder(TASK).arg("n", 0).arg("sent", System.nanoTime()).build());
        started[0].await(10, TimeUnit.SECONDS);
        Thread.sleep(2);
      }
      for (int i = 0; i < latencies.length; i++) {
        started[0] = new CountDownLatch(1);
        app.jobManager()
            .defer(NewJob.builder(TASK).arg("n", i).arg("sent", System.nanoTime()).build());
        if (!started[0].await(10, TimeUnit.SECONDS)) {
          throw new IllegalStateException("job " + i + " did not start within 10 s");
        }
        Thread.sleep(2);
      }
    }
    long[] sorted = latencies.clone();
    Arrays.sort(sorted);
    System.out.printf(
        Locale.ROOT,
        "  defer->start latency over %d jobs: p50 %.2f ms, p95 %.2f ms, p99 %.2f ms, max %.2f ms"
            + " (the defer's own commit included)%n",
        sorted.length,
        percentile(sorted, 50),
        percentile(sorted, 95),
        percentile(sorted, 99),
        sorted[sorted.length - 1] / 1e6);
  }

  /**
   * What PostgreSQL alone takes before any worker can know of a job: from before a defer to its
   * {@code job_inserted} notification on a listening connection, no worker running. The worker's
   * latency is read against it: it adds the fetch (a durable commit) and the start.
   */
  private static void notificationFloor(BenchDatabase db, App app, int samples) throws Exception {
    long[] floor = new long[samples];
    try (Connection listener = db.newConnection();
        Statement statement = listener.createStatement()) {
      statement.execute("LISTEN procrastinate_any_queue_v1");
      // As the worker's listener reads them: without it, pgjdbc returns each a millisecond late.
      if (PromptNotifications.apply(listener) == null) {
        throw new IllegalStateException("cannot read notifications as the worker's listener does");
      }
      PGConnection pg = listener.unwrap(PGConnection.class);
      for (int i = 0; i < samples; i++) {
        long sent = System.nanoTime();
        app.jobManager().defer(NewJob.builder(TASK).arg("n", i).build());
        PGNotification[] got = pg.getNotifications(10_000);
        if (got == null || got.length == 0) {
          throw new IllegalStateException("no notification within 10 s");
        }
        floor[i] = System.nanoTime() - sent;
        Thread.sleep(2);
      }
    }
    deleteBenchJobs(db);
    Arrays.sort(floor);
    System.out.printf(
        Locale.ROOT,
        "  defer->notification, PostgreSQL alone (no worker) over %d jobs: p50 %.2f ms, p99 %.2f"
            + " ms%n",
        samples,
        percentile(floor, 50),
        percentile(floor, 99));
  }

  /** An idle worker's CPU: this JVM's CPU time over 10 s with a started worker and no job. */
  private static void idleCpu(App app) throws InterruptedException {
    OperatingSystemMXBean os = (OperatingSystemMXBean) ManagementFactory.getOperatingSystemMXBean();
    try (Worker worker =
        app.worker(WorkerOptions.builder().concurrency(10).installSignalHandlers(false).build())) {
      worker.start();
      Thread.sleep(1_000);
      long before = os.getProcessCpuTime();
      Thread.sleep(10_000);
      long used = os.getProcessCpuTime() - before;
      System.out.printf(
          Locale.ROOT,
          "  idle worker (concurrency 10): %.1f ms of CPU in 10 s (%.2f %% of one core)%n",
          used / 1e6,
          used / 1e6 / 100);
    }
  }

  /** A worker running through a large queue in this JVM's heap; prints the peak heap use. */
  private static void memory(BenchDatabase db, App app, int jobs) throws Exception {
    int queued = Math.max(jobs * 10, 1_000);
    app.jobManager()
        .deferBatch(
            () ->
                IntStream.range(0, queued)
                    .mapToObj(i -> NewJob.builder(TASK).arg("n", i).build())
                    .iterator());
    PeakHeap.reset();
    long start = System.nanoTime();
    try (Worker worker =
        app.worker(
            WorkerOptions.builder()
                .concurrency(50)
                .waitForJobs(false)
                .installSignalHandlers(false)
                .build())) {
      worker.run();
    }
    System.out.printf(
        Locale.ROOT,
        "  memory: %,d queued jobs run by one worker (concurrency 50) in %.1f s, peak heap %d MiB"
            + " of %d MiB%n",
        queued,
        (System.nanoTime() - start) / 1e9,
        PeakHeap.mebibytes(),
        Runtime.getRuntime().maxMemory() / (1024 * 1024));
    deleteBenchJobs(db);
  }

  private static double percentile(long[] sorted, int p) {
    int index = (int) Math.ceil(p / 100.0 * sorted.length) - 1;
    return sorted[Math.max(0, Math.min(index, sorted.length - 1))] / 1e6;
  }

  private static void explainFetch(BenchDatabase db) throws SQLException {
    try (Connection connection = db.newConnection();
        Statement statement = connection.createStatement()) {
      connection.setAutoCommit(false);
      statement.execute(
          "INSERT INTO procrastinate_jobs (queue_name, task_name, args)"
              + " SELECT 'default', '"
              + TASK
              + "', jsonb_build_object('n', g) FROM generate_series(1, 1000) g");
      System.out.println("  fetch of 500 jobs with 100,000 finished rows in the table:");
      try (ResultSet result =
          statement.executeQuery(
              "EXPLAIN (ANALYZE, BUFFERS, SUMMARY) SELECT count(*)"
                  + " FROM procrastinate_java_fetch_jobs_v3(NULL, NULL, 500, 500)")) {
        while (result.next()) {
          System.out.println("    " + result.getString(1));
        }
      }
      connection.rollback();
    }
  }

  private static double report(String what, long jobs, long nanos, double baseline) {
    double seconds = nanos / 1e9;
    double rate = jobs / seconds;
    System.out.printf(
        Locale.ROOT,
        "  %-48s %,10d jobs in %7.2f s = %,9.0f jobs/s%s%n",
        what,
        jobs,
        seconds,
        rate,
        baseline > 0 ? String.format(Locale.ROOT, " (%.1fx the baseline)", rate / baseline) : "");
    return rate;
  }
}
