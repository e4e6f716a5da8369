package dev.procrastinate.internal.sql;

import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import org.jspecify.annotations.Nullable;

/**
 * The read-only queries of the deploy check ({@code procrastinate check}): what waits in the
 * database, compared by the operations layer with the tasks the code declares. Its statements are
 * kept here rather than in {@link JobSql} because they serve only this check and never write.
 * Stateless. Not API.
 */
public final class CheckDao {
  /** Rows read per round trip when streaming waiting jobs' arguments. */
  public static final int FETCH_SIZE = 10_000;

  /**
   * Counts waiting ({@code todo}) and running ({@code doing}) jobs per task, queue and status. No
   * parameters.
   */
  static final String CHECK_WAITING_BY_TASK =
      """
      SELECT task_name, queue_name, status::text AS status, count(*) AS jobs
        FROM procrastinate_jobs
       WHERE status IN ('todo', 'doing')
       GROUP BY task_name, queue_name, status
       ORDER BY task_name, queue_name, status
      """;

  /**
   * The first ids of a task's waiting jobs, optionally on one queue. Parameters: 1 task name, 2 and
   * 3 the queue or null for any, 4 how many.
   */
  static final String CHECK_WAITING_IDS =
      """
      SELECT id FROM procrastinate_jobs
       WHERE status = 'todo' AND task_name = ? AND (?::varchar IS NULL OR queue_name = ?)
       ORDER BY id
       LIMIT ?
      """;

  /**
   * Streams the id, task and arguments of every waiting job of some tasks. Parameters: 1 task names
   * (varchar[]).
   */
  static final String CHECK_WAITING_ARGS =
      """
      SELECT id, task_name, args::text AS args FROM procrastinate_jobs
       WHERE status = 'todo' AND task_name = ANY (?::varchar[])
      """;

  /**
   * Whether a live worker serves a queue: the schema records no worker's queues, so a queue counts
   * as served when a worker whose heartbeat is recent runs one of its jobs now, or when one of its
   * jobs started or ended a run recently while such a worker is registered (an end counts too: lean
   * event recording writes no {@code started} event). Parameters: 1 queue, 2 heartbeat age
   * (seconds), 3 heartbeat age again, 4 queue, 5 how recent a start counts (seconds).
   */
  static final String CHECK_QUEUE_SERVED =
      """
      SELECT EXISTS (
               SELECT 1 FROM procrastinate_jobs j
                 JOIN procrastinate_workers w ON w.id = j.worker_id
                WHERE j.status = 'doing' AND j.queue_name = ?
                  AND w.last_heartbeat > now() - make_interval(secs => ?))
          OR (EXISTS (SELECT 1 FROM procrastinate_workers w
                       WHERE w.last_heartbeat > now() - make_interval(secs => ?))
              AND EXISTS (
                    SELECT 1 FROM procrastinate_events e
                      JOIN procrastinate_jobs j ON j.id = e.job_id
                     WHERE j.queue_name = ?
                       AND e.type IN ('started', 'succeeded', 'failed', 'aborted',
                                      'deferred_for_retry')
                       AND e.at > now() - make_interval(secs => ?))) AS served
      """;

  /** The periodic ticks recorded per task, with the latest. No parameters. */
  static final String CHECK_PERIODIC_TASKS =
      """
      SELECT task_name, count(*) AS ticks, max(defer_timestamp) AS latest
        FROM procrastinate_periodic_defers
       GROUP BY task_name
       ORDER BY task_name
      """;

  /** Creates the DAO. */
  public CheckDao() {}

  /**
   * A count of jobs of one task, queue and status.
   *
   * @param task the task name
   * @param queue the queue name
   * @param status {@code todo} or {@code doing}
   * @param jobs how many
   */
  public record TaskQueueCount(String task, String queue, String status, long jobs) {}

  /**
   * Counts the waiting and running jobs per task, queue and status.
   *
   * @param connection the connection
   * @return the counts, by task, queue and status
   * @throws SQLException if the query fails
   */
  public List<TaskQueueCount> countWaiting(Connection connection) throws SQLException {
    return Jdbc.query(
        connection,
        CHECK_WAITING_BY_TASK,
        Jdbc.NO_PARAMETERS,
        row ->
            new TaskQueueCount(
                row.getString("task_name"),
                row.getString("queue_name"),
                row.getString("status"),
                row.getLong("jobs")));
  }

  /**
   * Returns the first ids of a task's waiting jobs.
   *
   * @param connection the connection
   * @param task the task name
   * @param queue the queue, or null for any
   * @param limit how many
   * @return the ids, ascending
   * @throws SQLException if the query fails
   */
  public List<Long> waitingIds(
      Connection connection, String task, @Nullable String queue, int limit) throws SQLException {
    return Jdbc.query(
        connection,
        CHECK_WAITING_IDS,
        p -> {
          p.setString(task); // task_name
          p.setString(queue); // queue_name IS NULL
          p.setString(queue); // queue_name
          p.setInt(limit); // LIMIT
        },
        row -> row.getLong("id"));
  }

  /** Receives the waiting jobs streamed by {@link #streamWaitingArgs}. */
  @FunctionalInterface
  public interface WaitingJobSink {
    /**
     * Receives one job.
     *
     * @param id the job id
     * @param task its task name
     * @param argsJson its arguments, JSON object text
     */
    void accept(long id, String task, String argsJson);
  }

  /**
   * Streams every waiting job of some tasks through a server-side cursor, {@value #FETCH_SIZE} rows
   * per round trip, in a read-only transaction of its own: memory stays flat whatever the count.
   *
   * @param connection a connection; its autocommit mode is restored
   * @param tasks the task names
   * @param sink receives each job
   * @return how many jobs were streamed
   * @throws SQLException if the query fails
   */
  public long streamWaitingArgs(Connection connection, String[] tasks, WaitingJobSink sink)
      throws SQLException {
    boolean autoCommit = connection.getAutoCommit();
    // pgjdbc reads with a cursor only outside autocommit and with a fetch size.
    connection.setAutoCommit(false);
    long count = 0;
    try (PreparedStatement statement = connection.prepareStatement(CHECK_WAITING_ARGS)) {
      statement.setFetchSize(FETCH_SIZE);
      statement.setArray(1, connection.createArrayOf("varchar", tasks)); // task_name = ANY
      try (ResultSet rows = statement.executeQuery()) {
        while (rows.next()) {
          sink.accept(rows.getLong(1), rows.getString(2), rows.getString(3));
          count++;
        }
      }
      connection.commit();
    } catch (SQLException | RuntimeException e) {
      connection.rollback();
      throw e;
    } finally {
      connection.setAutoCommit(autoCommit);
    }
    return count;
  }

  /**
   * Says whether a live worker seems to serve a queue; see {@link #CHECK_QUEUE_SERVED}.
   *
   * @param connection the connection
   * @param queue the queue
   * @param heartbeat how old a live worker's heartbeat may be
   * @param recentStart how recent a start of one of the queue's jobs counts
   * @return whether it is served
   * @throws SQLException if the query fails
   */
  public boolean queueServed(
      Connection connection, String queue, Duration heartbeat, Duration recentStart)
      throws SQLException {
    return Jdbc.queryOne(
        connection,
        CHECK_QUEUE_SERVED,
        p -> {
          p.setString(queue); // doing: queue_name
          p.setSeconds(heartbeat); // doing: last_heartbeat
          p.setSeconds(heartbeat); // any live worker: last_heartbeat
          p.setString(queue); // started: queue_name
          p.setSeconds(recentStart); // started: at
        },
        row -> row.getBoolean("served"));
  }

  /**
   * The periodic ticks recorded for a task.
   *
   * @param task the task name
   * @param ticks how many rows {@code procrastinate_periodic_defers} keeps for it
   * @param latest the latest tick, or null
   */
  public record PeriodicTicks(String task, long ticks, @Nullable Instant latest) {}

  /**
   * Lists the tasks that have periodic ticks recorded.
   *
   * @param connection the connection
   * @return one entry per task, by name
   * @throws SQLException if the query fails
   */
  public List<PeriodicTicks> periodicTasks(Connection connection) throws SQLException {
    return Jdbc.query(
        connection,
        CHECK_PERIODIC_TASKS,
        Jdbc.NO_PARAMETERS,
        row -> {
          long latest = row.getLong("latest");
          return new PeriodicTicks(
              row.getString("task_name"),
              row.getLong("ticks"),
              row.wasNull() ? null : Instant.ofEpochSecond(latest));
        });
  }
}
