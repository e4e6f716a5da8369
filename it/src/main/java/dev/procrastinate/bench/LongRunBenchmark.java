package dev.procrastinate.bench;

import com.zaxxer.hikari.HikariConfig;
import com.zaxxer.hikari.HikariDataSource;
import dev.procrastinate.App;
import dev.procrastinate.DeleteJobs;
import dev.procrastinate.NewJob;
import dev.procrastinate.Worker;
import dev.procrastinate.WorkerOptions;
import dev.procrastinate.spi.TaskDescriptor;
import dev.procrastinate.spi.TaskParameter;
import dev.procrastinate.spi.TaskRegistrar;
import java.io.BufferedReader;
import java.io.InputStreamReader;
import java.nio.charset.StandardCharsets;
import java.sql.Connection;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.List;
import java.util.Locale;
import java.util.concurrent.Semaphore;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicLong;
import org.jspecify.annotations.Nullable;

/**
 * Whether a long-running worker and producer stay as fast as fresh ones. A producer defers no-op
 * jobs one by one, as an application does, keeping at most {@value #WINDOW} jobs unfinished (the
 * queue stays short), and a worker of concurrency 10 runs them and deletes each succeeded job, so
 * the tables stay small; both hold their own pools for the whole run, connections never retired.
 * The rate of finished jobs is printed each minute. Every minute the tables are vacuumed and
 * analysed, as autovacuum does on a production server.
 *
 * <p>At the end, measurements of the same length side by side: the old pools as they are; then the
 * worker's connections replaced, then the producer's too (a backend kill's effect, without its
 * errors); then a fresh worker and producer (new apps, new pools). Each window also prints the
 * sequential scans of the events and jobs tables during it. A rate that rises after a replacement
 * while those scans vanish names the plans the sessions keep: the foreign keys' triggers plan their
 * lookups once per session, and a plan built while a table was nearly empty (just after a VACUUM
 * truncated it) reads the whole table for every job once it has grown again.
 *
 * <p>Arguments: {@code [minutes] [measureSeconds]}, defaults 60 and 120. With the system property
 * {@code bench.quietLock} set to a file, each end measurement runs while holding an {@code flock}
 * on it, so that other work of the machine that takes the same lock waits. {@code mvn -pl it
 * exec:exec -Dbench=LongRunBenchmark} runs it with the defaults.
 */
public final class LongRunBenchmark {
  private static final String TASK = "bench.longrun";
  private static final int WINDOW = 200;

  private LongRunBenchmark() {}

  /**
   * Runs the benchmark.
   *
   * @param args minutes of the long run, seconds of each end measurement
   * @throws Exception if the run fails
   */
  public static void main(String[] args) throws Exception {
    int minutes = args.length > 0 ? Integer.parseInt(args[0]) : 60;
    int measureSeconds = args.length > 1 ? Integer.parseInt(args[1]) : 120;
    System.out.printf(
        Locale.ROOT,
        "long run: %d min, then 3 x %d s; producer window %d, worker concurrency 10%n",
        minutes,
        measureSeconds,
        WINDOW);
    Semaphore window = new Semaphore(WINDOW);
    AtomicLong finished = new AtomicLong();
    TaskDescriptor task =
        TaskDescriptor.builder(TASK)
            .parameter(TaskParameter.required("n", "long"))
            .source("LongRunBenchmark#noop")
            .build(
                (context, arguments) -> {
                  finished.incrementAndGet();
                  window.release();
                  return null;
                });
    TaskRegistrar registrar = () -> List.of(task);
    try (BenchDatabase db = BenchDatabase.create("longrun", 4)) {
      try (App setup = App.builder().dataSource(db.dataSource()).build()) {
        setup.schemaManager().migrate();
      }
      Side old = Side.start(db, registrar, window);
      // The start's figure: after a warm-up (the JIT, the pools) of a minute at most, a window.
      Thread.sleep(TimeUnit.SECONDS.toMillis(Math.min(60, measureSeconds)));
      double started;
      try (QuietLock lock = QuietLock.take()) {
        lock.announce();
        vacuum(db);
        started = measure(db, "start, after a minute", finished, measureSeconds);
      }
      long start = System.nanoTime();
      long lastCount = finished.get();
      long lastNanos = start;
      for (int minute = 1; minute <= minutes; minute++) {
        sleepUntil(start + TimeUnit.MINUTES.toNanos(minute));
        long count = finished.get();
        long now = System.nanoTime();
        double rate = (count - lastCount) * 1e9 / (now - lastNanos);
        System.out.printf(
            Locale.ROOT, "minute %3d: %7.0f jobs/s, %s%n", minute, rate, tableSize(db));
        lastCount = count;
        lastNanos = now;
        vacuum(db);
      }

      double aged;
      double workerReplaced;
      double bothReplaced;
      double fresh;
      try (QuietLock lock = QuietLock.take()) {
        lock.announce();
        // Each window starts on a vacuumed table, so that none pays for the one before it.
        vacuum(db);
        aged = measure(db, "old pools, as they are", finished, measureSeconds);
        vacuum(db);
        old.replaceWorkerConnections();
        workerReplaced = measure(db, "the worker's connections replaced", finished, measureSeconds);
        vacuum(db);
        old.replaceProducerConnections();
        bothReplaced = measure(db, "the producer's replaced too", finished, measureSeconds);
        old.stop();
        vacuum(db);
        // The old producer's permits come back as the new worker runs the jobs left waiting.
        Side young = Side.start(db, registrar, window);
        fresh = measure(db, "fresh worker and producer", finished, measureSeconds);
        young.stop();
      }
      System.out.printf(
          Locale.ROOT,
          "summary: start %.0f jobs/s; after %d min: old %.0f (x%.2f of the start), worker's"
              + " connections replaced %.0f (x%.2f of old), both replaced %.0f (x%.2f), fresh"
              + " %.0f (x%.2f)%n",
          started,
          minutes,
          aged,
          aged / started,
          workerReplaced,
          workerReplaced / aged,
          bothReplaced,
          bothReplaced / aged,
          fresh,
          fresh / aged);
    }
  }

  private static double measure(BenchDatabase db, String what, AtomicLong finished, int seconds)
      throws InterruptedException, SQLException {
    // A few seconds to settle (new connections, a new worker's start), not counted.
    Thread.sleep(5_000);
    long count = finished.get();
    long[] scansBefore = sequentialScans(db);
    long start = System.nanoTime();
    Thread.sleep(TimeUnit.SECONDS.toMillis(seconds));
    double rate = (finished.get() - count) * 1e9 / (System.nanoTime() - start);
    long[] scansAfter = sequentialScans(db);
    System.out.printf(
        Locale.ROOT,
        "%-40s %7.0f jobs/s; sequential scans: events %d (%d rows read), jobs %d (%d rows read)%n",
        what + ":",
        rate,
        scansAfter[0] - scansBefore[0],
        scansAfter[1] - scansBefore[1],
        scansAfter[2] - scansBefore[2],
        scansAfter[3] - scansBefore[3]);
    return rate;
  }

  /**
   * The sequential scans of the events and jobs tables so far, and the rows they read: the plans
   * that the foreign keys' triggers keep in each session turn into sequential scans when they were
   * built while a table was nearly empty, and then read the whole table for every job.
   */
  private static long[] sequentialScans(BenchDatabase db) throws SQLException {
    try (Connection connection = db.newConnection();
        Statement statement = connection.createStatement()) {
      // The statistics of other sessions are flushed at most once a second.
      Thread.sleep(1_100);
      try (ResultSet result =
          statement.executeQuery(
              "SELECT coalesce(sum(seq_scan) FILTER (WHERE relname = 'procrastinate_events'), 0),"
                  + " coalesce(sum(seq_tup_read) FILTER (WHERE relname = 'procrastinate_events'),"
                  + " 0), coalesce(sum(seq_scan) FILTER (WHERE relname = 'procrastinate_jobs'), 0),"
                  + " coalesce(sum(seq_tup_read) FILTER (WHERE relname = 'procrastinate_jobs'), 0)"
                  + " FROM pg_stat_user_tables")) {
        result.next();
        return new long[] {
          result.getLong(1), result.getLong(2), result.getLong(3), result.getLong(4)
        };
      }
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      return new long[4];
    }
  }

  private static void sleepUntil(long nanoTime) throws InterruptedException {
    long wait = nanoTime - System.nanoTime();
    if (wait > 0) {
      TimeUnit.NANOSECONDS.sleep(wait);
    }
  }

  private static String tableSize(BenchDatabase db) throws SQLException {
    try (Connection connection = db.newConnection();
        Statement statement = connection.createStatement();
        ResultSet result =
            statement.executeQuery(
                "SELECT (SELECT count(*) FROM procrastinate_jobs),"
                    + " pg_size_pretty(pg_total_relation_size('procrastinate_jobs')),"
                    + " (SELECT count(*) FROM procrastinate_events)")) {
      result.next();
      return result.getLong(1)
          + " jobs ("
          + result.getString(2)
          + " with indexes), "
          + result.getLong(3)
          + " events";
    }
  }

  /** What autovacuum would do for these tables each minute. */
  private static void vacuum(BenchDatabase db) throws SQLException {
    try (Connection connection = db.newConnection();
        Statement statement = connection.createStatement()) {
      statement.execute("VACUUM ANALYZE procrastinate_jobs, procrastinate_events");
    }
  }

  /** A worker and a producer, each with a pool of its own, as two services would have. */
  private static final class Side {
    private final HikariDataSource workerPool;
    private final HikariDataSource producerPool;
    private final App workerApp;
    private final App producerApp;
    private final Worker worker;
    private final Thread producer;
    private final AtomicBoolean stopping = new AtomicBoolean();

    private Side(BenchDatabase db, TaskRegistrar registrar, Semaphore window) {
      workerPool = pool(db, "longrun-worker", 16);
      producerPool = pool(db, "longrun-producer", 4);
      workerApp = App.builder().dataSource(workerPool).taskRegistrars(List.of(registrar)).build();
      producerApp = App.builder().dataSource(producerPool).build();
      worker =
          workerApp.worker(
              WorkerOptions.builder()
                  .name("longrun")
                  .concurrency(10)
                  // The table stays the size of the queue, as with remove_old_jobs in
                  // production: what changes over the run is the connections' age, not the data.
                  .deleteJobs(DeleteJobs.SUCCESSFUL)
                  .installSignalHandlers(false)
                  .build());
      producer =
          new Thread(
              () -> {
                long n = 0;
                try {
                  while (!stopping.get()) {
                    if (window.tryAcquire(100, TimeUnit.MILLISECONDS)) {
                      producerApp.jobManager().defer(NewJob.builder(TASK).arg("n", n++).build());
                    }
                  }
                } catch (InterruptedException e) {
                  Thread.currentThread().interrupt();
                }
              },
              "longrun-producer");
    }

    static Side start(BenchDatabase db, TaskRegistrar registrar, Semaphore window) {
      Side side = new Side(db, registrar, window);
      side.worker.start();
      side.producer.start();
      return side;
    }

    private static HikariDataSource pool(BenchDatabase db, String name, int size) {
      HikariConfig config = new HikariConfig();
      config.setJdbcUrl(db.url());
      config.setUsername(db.user());
      config.setPassword(db.password());
      config.setMaximumPoolSize(size);
      config.setPoolName(name);
      // Connections live as long as the run, as in an application whose pool is not recycled
      // (HikariCP's default retires them after 30 minutes).
      config.setMaxLifetime(0);
      String options = System.getProperty("bench.options");
      if (options != null) {
        config.addDataSourceProperty("options", options); // e.g. "-c jit=off"
      }
      return new HikariDataSource(config);
    }

    /** Replaces every connection of the worker's pool: HikariCP closes each when returned. */
    void replaceWorkerConnections() {
      workerPool.getHikariPoolMXBean().softEvictConnections();
    }

    /** Replaces every connection of the producer's pool. */
    void replaceProducerConnections() {
      producerPool.getHikariPoolMXBean().softEvictConnections();
    }

    /** Stops the producer, then the worker, and closes the pools. */
    void stop() throws InterruptedException {
      stopping.set(true);
      producer.join(10_000);
      worker.close();
      workerApp.close();
      producerApp.close();
      workerPool.close();
      producerPool.close();
    }
  }

  /**
   * An {@code flock} on the file named by {@code bench.quietLock}, held by a child process until
   * closed; nothing when the property is not set.
   */
  private static final class QuietLock implements AutoCloseable {
    private final @Nullable Process holder;

    private QuietLock(@Nullable Process holder) {
      this.holder = holder;
    }

    static QuietLock take() throws Exception {
      String file = System.getProperty("bench.quietLock");
      if (file == null) {
        return new QuietLock(null);
      }
      Process holder =
          new ProcessBuilder("flock", file, "sh", "-c", "echo held; cat > /dev/null")
              .redirectErrorStream(true)
              .start();
      BufferedReader out =
          new BufferedReader(
              new InputStreamReader(holder.getInputStream(), StandardCharsets.UTF_8));
      String line = out.readLine();
      if (!"held".equals(line)) {
        throw new IllegalStateException("flock on " + file + " failed: " + line);
      }
      return new QuietLock(holder);
    }

    void announce() {
      if (holder != null) {
        System.out.println("holding " + System.getProperty("bench.quietLock") + " while measuring");
      }
    }

    @Override
    public void close() throws java.io.IOException {
      if (holder != null) {
        holder.getOutputStream().close(); // cat ends, and flock with it
      }
    }
  }
}
