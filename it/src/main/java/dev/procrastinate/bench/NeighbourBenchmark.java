package dev.procrastinate.bench;

import dev.procrastinate.App;
import dev.procrastinate.model.EventRecording;
import dev.procrastinate.operations.Operations;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;

/**
 * Measures what this runtime's schema costs a Python worker on the same table: its indexes and the
 * work its objects add to every insert and update. Two databases in one run, one with upstream's
 * schema only (this runtime's V1, as {@code procrastinate schema --apply} leaves it), one adopted
 * and migrated by this runtime, each holding {@code history} finished jobs with their three events.
 * In each of {@code rounds} rounds, both get {@code jobs} jobs deferred the way a Python producer
 * does ({@code procrastinate_defer_jobs_v1}, batches of 100), then burnt down the way Python
 * workers do ({@code procrastinate_fetch_job_v2} then {@code procrastinate_finish_job_v1}, one job
 * per call, from {@code clients} connections), then VACUUM ANALYZE; the order of the two alternates
 * from round to round. It prints each round's rates and the ratio of ours to upstream's, with its
 * spread.
 *
 * <p>Arguments, {@code key=value}: {@code history} (default 200000), {@code jobs} (default 20000),
 * {@code rounds} (default 6), {@code clients} (default 4), {@code events} (our database's event
 * recording, {@code full} by default or {@code lean}; upstream's always records every event). The
 * target: ours keeps at least 90 % of upstream's burn-down rate.
 */
public final class NeighbourBenchmark {
  private NeighbourBenchmark() {}

  private static final int DEFER_BATCH = 100;

  /**
   * Runs the benchmark and prints its figures.
   *
   * @param args optional {@code key=value} settings
   * @throws Exception if the database fails
   */
  public static void main(String[] args) throws Exception {
    BenchSettings settings = new BenchSettings(args);
    int history = settings.number("history", 200_000);
    int jobs = settings.number("jobs", 20_000);
    int rounds = settings.number("rounds", 6);
    int clients = settings.number("clients", 4);
    EventRecording.Mode events = EventRecording.Mode.parse(settings.text("events", "full"));
    // Each name gets the run's unique suffix (time, pid, random) from BenchDatabase.
    try (BenchDatabase upstream = BenchDatabase.create("nb_upstream", 2);
        BenchDatabase ours = BenchDatabase.create("nb_ours", 2)) {
      fill(upstream, history);
      fill(ours, history);
      try (App app = App.builder().dataSource(ours.dataSource()).build()) {
        app.schemaManager().migrate();
        app.jobManager().setEventRecording(events);
      }
      vacuum(ours);
      System.out.printf(
          Locale.ROOT,
          "neighbour benchmark: %,d finished jobs each, %,d jobs a round, %d clients, %s event"
              + " recording on ours%n",
          history,
          jobs,
          clients,
          events.key());
      List<Double> burnRatios = new ArrayList<>();
      List<Double> deferRatios = new ArrayList<>();
      for (int round = 1; round <= rounds; round++) {
        double[] upstreamRates = new double[2];
        double[] ourRates = new double[2];
        boolean upstreamFirst = round % 2 == 1;
        for (int turn = 0; turn < 2; turn++) {
          boolean isUpstream = (turn == 0) == upstreamFirst;
          double[] rates = isUpstream ? upstreamRates : ourRates;
          BenchDatabase db = isUpstream ? upstream : ours;
          long start = System.nanoTime();
          defer(db, jobs);
          rates[0] = jobs / ((System.nanoTime() - start) / 1e9);
          start = System.nanoTime();
          burn(db, jobs, clients);
          rates[1] = jobs / ((System.nanoTime() - start) / 1e9);
          vacuum(db);
        }
        deferRatios.add(ourRates[0] / upstreamRates[0]);
        burnRatios.add(ourRates[1] / upstreamRates[1]);
        System.out.printf(
            Locale.ROOT,
            "  round %d (%s first): defer %,8.0f vs %,8.0f jobs/s (%.3f), burn-down %,8.0f vs"
                + " %,8.0f jobs/s (%.3f)%n",
            round,
            upstreamFirst ? "upstream" : "ours",
            ourRates[0],
            upstreamRates[0],
            ourRates[0] / upstreamRates[0],
            ourRates[1],
            upstreamRates[1],
            ourRates[1] / upstreamRates[1]);
      }
      summary("defer, ours / upstream", deferRatios);
      summary("burn-down, ours / upstream", burnRatios);
    }
  }

  private static void summary(String what, List<Double> ratios) {
    double mean = ratios.stream().mapToDouble(Double::doubleValue).average().orElse(0);
    double variance =
        ratios.stream().mapToDouble(r -> (r - mean) * (r - mean)).sum()
            / Math.max(1, ratios.size() - 1);
    List<Double> sorted = new ArrayList<>(ratios);
    sorted.sort(null);
    double median =
        sorted.size() % 2 == 1
            ? sorted.get(sorted.size() / 2)
            : (sorted.get(sorted.size() / 2 - 1) + sorted.get(sorted.size() / 2)) / 2;
    System.out.printf(
        Locale.ROOT,
        "  %-28s mean %.3f, median %.3f, sd %.3f, min %.3f, max %.3f (%d rounds)%n",
        what,
        mean,
        median,
        Math.sqrt(variance),
        sorted.get(0),
        sorted.get(sorted.size() - 1),
        ratios.size());
  }

  /** Writes upstream's schema and a history of finished jobs, server side. */
  private static void fill(BenchDatabase db, int history) throws SQLException {
    try (Connection c = db.newConnection();
        Statement statement = c.createStatement()) {
      statement.execute(Operations.migrationScripts().get(0).sql());
      statement.execute(
          "INSERT INTO procrastinate_jobs (queue_name, task_name, lock, queueing_lock, args,"
              + " status, attempts)"
              + " SELECT 'queue_' || (i % 4), 'python.task_' || (i % 50), CASE WHEN i % 3 = 0"
              + " THEN 'lock_' || (i % 1000) END, NULL, jsonb_build_object('i', i),"
              + " 'succeeded', 1 FROM generate_series(1, "
              + history
              + ") AS i");
      statement.execute(
          "INSERT INTO procrastinate_events (job_id, type, at)"
              + " SELECT id, t.type::procrastinate_job_event_type,"
              + " now() - interval '1 day' + t.shift FROM procrastinate_jobs,"
              + " (VALUES ('deferred', interval '0'), ('started', interval '1 second'),"
              + " ('succeeded', interval '2 seconds')) AS t (type, shift)");
    }
    vacuum(db);
  }

  private static void vacuum(BenchDatabase db) throws SQLException {
    try (Connection c = db.newConnection();
        Statement statement = c.createStatement()) {
      statement.execute("VACUUM ANALYZE procrastinate_jobs");
      statement.execute("VACUUM ANALYZE procrastinate_events");
    }
  }

  /** Defers jobs in batches, as a Python producer's {@code batch_defer} does. */
  private static void defer(BenchDatabase db, int jobs) throws SQLException {
    StringBuilder batch = new StringBuilder("SELECT procrastinate_defer_jobs_v1(ARRAY[");
    for (int i = 0; i < DEFER_BATCH; i++) {
      batch
          .append(i == 0 ? "" : ", ")
          .append("ROW('queue_")
          .append(i % 4)
          .append("', 'python.task_")
          .append(i % 50)
          .append("', 0, ")
          .append(i % 3 == 0 ? "'lock_' || (? + " + i + ")" : "NULL")
          .append(", NULL, '{\"i\": ")
          .append(i)
          .append("}', NULL)::procrastinate_job_to_defer_v1");
    }
    batch.append("])");
    try (Connection c = db.newConnection();
        PreparedStatement statement = c.prepareStatement(batch.toString())) {
      int locks = (DEFER_BATCH + 2) / 3;
      for (int done = 0; done < jobs; done += DEFER_BATCH) {
        for (int p = 1; p <= locks; p++) {
          statement.setInt(p, done);
        }
        statement.execute();
      }
    }
  }

  /** Burns the waiting jobs down the way Python workers do, one job per call. */
  private static void burn(BenchDatabase db, int jobs, int clients) throws Exception {
    UpstreamWorkers.burnDown(db, jobs, clients);
  }
}
