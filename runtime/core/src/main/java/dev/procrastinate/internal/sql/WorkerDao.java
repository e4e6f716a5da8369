package dev.procrastinate.internal.sql;

import dev.procrastinate.model.ProcrastinateJob;
import java.sql.Connection;
import java.sql.SQLException;
import java.time.Duration;
import java.util.List;
import org.jspecify.annotations.Nullable;

/**
 * The statements on workers and their heartbeats: register, unregister, heartbeat, prune stalled
 * workers, find the running jobs whose worker is gone, and give a worker that registered again its
 * running jobs back. Stateless and thread-safe; every method takes the connection to use and fails
 * with the driver's {@link SQLException} for the caller's {@link Database} to translate. Not API.
 */
public final class WorkerDao {
  /** Creates the DAO. */
  public WorkerDao() {}

  /**
   * Registers a worker.
   *
   * @param connection the connection
   * @return the new worker id
   * @throws SQLException if the call fails
   */
  public long register(Connection connection) throws SQLException {
    return Jdbc.queryOne(
        connection, JobSql.WORKER_REGISTER, Jdbc.NO_PARAMETERS, row -> row.getLong("worker_id"));
  }

  /**
   * Unregisters a worker; its running jobs lose their worker id.
   *
   * @param connection the connection
   * @param workerId the worker id
   * @throws SQLException if the call fails
   */
  public void unregister(Connection connection, long workerId) throws SQLException {
    Jdbc.execute(connection, JobSql.WORKER_UNREGISTER, p -> p.setLong(workerId)); // worker_id
  }

  /**
   * What a heartbeat read back.
   *
   * @param registered whether the worker is still registered; false once another worker pruned it
   * @param serverStarted when the server started, in microseconds since the epoch
   */
  public record Heartbeat(boolean registered, long serverStarted) {}

  /**
   * Records a heartbeat.
   *
   * @param connection the connection
   * @param workerId the worker id
   * @return whether the worker is still registered, and when the server started
   * @throws SQLException if the call fails
   */
  public Heartbeat heartbeat(Connection connection, long workerId) throws SQLException {
    return Jdbc.queryOne(
        connection,
        JobSql.WORKER_HEARTBEAT,
        p -> {
          p.setLong(workerId); // procrastinate_update_heartbeat_v1(worker_id)
          p.setLong(workerId); // registered: workers.id
        },
        row -> new Heartbeat(row.getBoolean("registered"), row.getLong("server_started")));
  }

  /**
   * Reads when the server started.
   *
   * @param connection the connection
   * @return microseconds since the epoch
   * @throws SQLException if the call fails
   */
  public long serverStarted(Connection connection) throws SQLException {
    return Jdbc.queryOne(
        connection,
        JobSql.SERVER_STARTED,
        Jdbc.NO_PARAMETERS,
        row -> row.getLong("server_started"));
  }

  /**
   * Deletes workers without a recent heartbeat.
   *
   * @param connection the connection
   * @param timeout how old a heartbeat may be
   * @return the ids of deleted workers
   * @throws SQLException if the call fails
   */
  public long[] pruneStalled(Connection connection, Duration timeout) throws SQLException {
    return Jdbc.queryIds(
        connection,
        JobSql.WORKER_PRUNE_STALLED,
        p -> p.setSeconds(timeout)); // seconds_since_heartbeat
  }

  /**
   * Lists running jobs whose worker is gone or silent.
   *
   * @param connection the connection
   * @param heartbeatAge how old a worker's heartbeat may be for it to count as alive
   * @param queue queue filter or null
   * @param taskNames task name filter or null
   * @param limit the most rows
   * @return the stalled jobs, by id
   * @throws SQLException if the query fails
   */
  public List<ProcrastinateJob> listStalledJobs(
      Connection connection,
      Duration heartbeatAge,
      @Nullable String queue,
      String @Nullable [] taskNames,
      int limit)
      throws SQLException {
    return Jdbc.query(
        connection,
        JobSql.JOB_LIST_STALLED,
        p -> {
          p.setSeconds(heartbeatAge); // seconds
          p.setString(queue); // queue_name null test
          p.setString(queue); // queue_name
          p.setArray("text", taskNames); // task_name null test
          p.setArray("text", taskNames); // task_name = ANY
          p.setInt(limit); // LIMIT
        },
        Jdbc::readJob);
  }

  /**
   * Lists the running jobs of a worker, to take back jobs fetched by a call whose answer was lost.
   *
   * @param connection the connection
   * @param workerId the worker id
   * @return its running jobs, by id
   * @throws SQLException if the query fails
   */
  public List<ProcrastinateJob> listRunningJobs(Connection connection, long workerId)
      throws SQLException {
    return Jdbc.query(
        connection, JobSql.JOB_LIST_OF_WORKER, p -> p.setLong(workerId), Jdbc::readJob);
  }

  /**
   * Gives running jobs without a worker to a worker, after it registered again.
   *
   * @param connection the connection
   * @param workerId the worker's new id
   * @param jobIds the jobs it runs
   * @return how many jobs were given back
   * @throws SQLException if the update fails
   */
  public int adopt(Connection connection, long workerId, long[] jobIds) throws SQLException {
    return Jdbc.update(
        connection,
        JobSql.JOB_ADOPT,
        p -> {
          p.setLong(workerId); // worker_id
          p.setLongArray(jobIds); // id = ANY
        });
  }
}
