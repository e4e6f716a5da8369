package dev.procrastinate.bench;

import java.io.IOException;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.ArrayList;
import java.util.List;
import java.util.OptionalDouble;
import java.util.concurrent.TimeUnit;

/**
 * The SQL ceiling of a worker's path: the rate at which PostgreSQL alone runs a worker's two
 * statements, with no worker around them. pgbench runs, from each of its clients, the fetch of a
 * batch ({@code procrastinate_java_fetch_jobs_v4}, as the worker's {@code JobSql.JOB_FETCH_MANY}
 * calls it) then the outcome of that batch ({@code JobSql.JOB_FINISH_RUNNING}, its very text, read
 * from the runtime so that the ceiling follows the statement when it changes), each in a
 * transaction of its own as a worker sends them, until the waiting jobs are ended. A worker that
 * reaches this rate spends nothing of its own between the statements.
 */
final class SqlCeiling {
  private SqlCeiling() {}

  /** Jobs a fetch takes, as a worker of concurrency 50 takes at most. */
  static final int BATCH = 50;

  /**
   * Where pgbench is, or empty: {@code PROCRASTINATE_BENCH_PGBENCH}, else the {@code PATH}.
   *
   * @return the executable
   */
  static java.util.Optional<Path> pgbench() {
    String configured = System.getenv("PROCRASTINATE_BENCH_PGBENCH");
    if (configured != null && !configured.isBlank()) {
      return java.util.Optional.of(Path.of(configured));
    }
    for (String dir : System.getenv().getOrDefault("PATH", "").split(":")) {
      Path candidate = Path.of(dir.isEmpty() ? "." : dir, "pgbench");
      if (Files.isExecutable(candidate)) {
        return java.util.Optional.of(candidate);
      }
    }
    return java.util.Optional.empty();
  }

  /**
   * The pgbench script: the fetch, its ids kept with {@code \gset}, then the outcome statement with
   * the worker's parameters bound to them.
   *
   * @return the script's text
   */
  static String script() {
    String statement;
    try {
      java.lang.reflect.Field field =
          Class.forName("dev.procrastinate.internal.sql.JobSql")
              .getDeclaredField("JOB_FINISH_RUNNING");
      field.setAccessible(true);
      statement = (String) field.get(null);
    } catch (ReflectiveOperationException e) {
      throw new IllegalStateException("the runtime's outcome statement is not where it was", e);
    }
    String[] parameters = {":ids", ":statuses", ":attempts", "false", ":ids", ":worker"};
    StringBuilder outcome = new StringBuilder();
    int next = 0;
    for (char c : statement.strip().toCharArray()) {
      if (c == '?') {
        outcome.append(parameters[next++]);
      } else {
        outcome.append(c == '\n' ? ' ' : c);
      }
    }
    if (next != parameters.length) {
      throw new IllegalStateException(
          "the outcome statement has "
              + next
              + " parameters, the script binds "
              + parameters.length);
    }
    return "SELECT coalesce(array_agg(id), '{}') AS ids,"
        + " coalesce(array_agg('succeeded'::text), '{}') AS statuses,"
        + " coalesce(array_agg(attempts), '{}') AS attempts"
        + " FROM (SELECT * FROM procrastinate_java_fetch_jobs_v4(ARRAY['ceiling_' || :client_id]::varchar[], :worker, "
        + BATCH
        + ", "
        + BATCH
        + ")) AS fetched\n"
        + "\\gset\n"
        + outcome
        + ";\n";
  }

  /**
   * Runs the path over waiting jobs with pgbench. Each client takes the jobs of a queue of its own,
   * as a worker's single fetcher never races another fetch of its own (two clients fetching from
   * one queue take the same candidates, and the second gets what the first left: a measure of that
   * race, not of the path). The clients run a quarter more batches than the jobs fill; the rate is
   * that of the jobs' own events, from the first start to the last end, so that the fetches that
   * found nothing left do not count.
   *
   * @param db the database, its waiting jobs deferred
   * @param task the waiting jobs' task
   * @param jobs how many jobs wait
   * @param clients pgbench's clients
   * @return jobs a second, or empty without pgbench
   * @throws Exception if pgbench fails, or leaves a tenth of the jobs waiting
   */
  static OptionalDouble measure(BenchDatabase db, String task, int jobs, int clients)
      throws Exception {
    java.util.Optional<Path> pgbench = pgbench();
    if (pgbench.isEmpty()) {
      return OptionalDouble.empty();
    }
    int batchesPerClient = (int) Math.ceil(1.25 * jobs / BATCH / clients) + 1;
    long worker;
    try (Connection connection = db.newConnection();
        Statement statement = connection.createStatement();
        ResultSet registered =
            statement.executeQuery(
                "INSERT INTO procrastinate_workers (last_heartbeat) VALUES (now()) RETURNING id")) {
      registered.next();
      worker = registered.getLong(1);
    }
    Path script = Files.createTempFile("procrastinate-ceiling", ".sql");
    try {
      spreadOverQueues(db, task, clients);
      Files.writeString(script, script(), StandardCharsets.UTF_8);
      URI target = URI.create(db.url().substring("jdbc:".length()));
      List<String> command = new ArrayList<>();
      command.add(pgbench.get().toString());
      command.addAll(
          List.of(
              "-n",
              "-M",
              "prepared",
              "-c",
              Integer.toString(clients),
              "-j",
              Integer.toString(clients),
              "-t",
              Integer.toString(batchesPerClient),
              "-D",
              "worker=" + worker,
              "-f",
              script.toString(),
              "-h",
              target.getHost(),
              "-p",
              Integer.toString(target.getPort() < 0 ? 5432 : target.getPort()),
              "-U",
              db.user(),
              db.name()));
      ProcessBuilder builder = new ProcessBuilder(command).redirectErrorStream(true);
      builder.environment().put("PGPASSWORD", db.password());
      Process process = builder.start();
      String output = new String(process.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
      if (!process.waitFor(10, TimeUnit.MINUTES) || process.exitValue() != 0) {
        throw new IllegalStateException("pgbench failed:\n" + output);
      }
      return OptionalDouble.of(rateOfEvents(db, task, jobs));
    } finally {
      Files.deleteIfExists(script);
      deleteWorker(db, worker);
    }
  }

  private static void spreadOverQueues(BenchDatabase db, String task, int clients)
      throws SQLException {
    try (Connection connection = db.newConnection();
        PreparedStatement statement =
            connection.prepareStatement(
                "UPDATE procrastinate_jobs SET queue_name = 'ceiling_' || (id % ?)"
                    + " WHERE task_name = ? AND status = 'todo'")) {
      statement.setInt(1, clients);
      statement.setString(2, task);
      statement.executeUpdate();
      try (Statement analyze = connection.createStatement()) {
        analyze.execute("VACUUM ANALYZE procrastinate_jobs");
      }
    }
  }

  private static double rateOfEvents(BenchDatabase db, String task, int jobs) throws SQLException {
    try (Connection connection = db.newConnection()) {
      EventSpan span = EventSpan.of(connection, task);
      if (span.ended() < jobs * 9L / 10) {
        throw new IllegalStateException(
            "pgbench ended " + span.ended() + " of " + jobs + " jobs; the script is wrong");
      }
      return span.rate();
    }
  }

  private static void deleteWorker(BenchDatabase db, long worker) throws SQLException {
    try (Connection connection = db.newConnection();
        Statement statement = connection.createStatement()) {
      statement.execute("DELETE FROM procrastinate_workers WHERE id = " + worker);
    }
  }

  /**
   * Prints the script, for the performance page's readers who run pgbench by hand.
   *
   * @param args none
   * @throws IOException never
   */
  public static void main(String[] args) throws IOException {
    System.out.print(script());
  }
}
