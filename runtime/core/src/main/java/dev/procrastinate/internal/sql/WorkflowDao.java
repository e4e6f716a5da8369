package dev.procrastinate.internal.sql;

import dev.procrastinate.model.JobStatus;
import dev.procrastinate.model.WorkflowStep;
import java.sql.Array;
import java.sql.Connection;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import org.jspecify.annotations.Nullable;

/**
 * Stores workflows and reads them back (see {@code V10__java_workflows.sql}); every method takes
 * the connection to use. Stateless and thread-safe. Not API.
 */
public final class WorkflowDao {
  /** Creates the DAO. */
  public WorkflowDao() {}

  /**
   * A step to store: its job as a row, and when it becomes due.
   *
   * @param row the job, its schedule resolved only when given as an instant
   * @param scheduleIn a delay counted from the step's release, or null
   * @param waitingFor how many steps it waits for
   */
  public record Step(JobDao.Row row, @Nullable Duration scheduleIn, int waitingFor) {}

  /**
   * Stores a workflow: reserves an id per step, stores the steps and their dependencies, and
   * releases the steps that wait for nothing, in one go on the caller's connection (the caller's
   * transaction).
   *
   * @param connection the connection, in a transaction
   * @param steps the steps, by position
   * @param fromPositions each dependency's step that must succeed first
   * @param toPositions each dependency's step that waits
   * @return the steps' job ids, by position
   * @throws SQLException if a statement fails; a queueing lock taken by a waiting job fails with
   *     the unique violation of a defer
   */
  public long[] defer(
      Connection connection, List<Step> steps, int[] fromPositions, int[] toPositions)
      throws SQLException {
    int size = steps.size();
    long[] ids = Jdbc.queryIds(connection, WorkflowSql.RESERVE_IDS, p -> p.setInt(size));
    if (ids.length != size) {
      throw new SQLException("reserved " + ids.length + " job ids for " + size + " steps");
    }
    Long[] boxedIds = new Long[size];
    Integer[] positions = new Integer[size];
    Integer[] waiting = new Integer[size];
    String[] queues = new String[size];
    String[] tasks = new String[size];
    Integer[] priorities = new Integer[size];
    String[] locks = new String[size];
    String[] queueingLocks = new String[size];
    String[] args = new String[size];
    String[] scheduledAt = new String[size];
    Double[] scheduleIn = new Double[size];
    String[] headers = new String[size];
    List<Long> first = new ArrayList<>();
    for (int i = 0; i < size; i++) {
      Step step = steps.get(i);
      JobDao.Row row = step.row();
      boxedIds[i] = ids[i];
      positions[i] = i;
      waiting[i] = step.waitingFor();
      queues[i] = row.queue();
      tasks[i] = row.taskName();
      priorities[i] = row.priority();
      locks[i] = row.lock();
      queueingLocks[i] = row.queueingLock();
      args[i] = row.argsJson();
      scheduledAt[i] = row.scheduledAt() == null ? null : row.scheduledAt().toString();
      scheduleIn[i] = step.scheduleIn() == null ? null : step.scheduleIn().toNanos() / 1e9;
      headers[i] = row.headersJson();
      if (step.waitingFor() == 0) {
        first.add(ids[i]);
      }
    }
    Jdbc.update(
        connection,
        WorkflowSql.INSERT_STEPS,
        p -> {
          p.setLong(ids[0]); // workflow_id: the first step's id
          p.setArray("int8", boxedIds);
          p.setArray("int4", positions);
          p.setArray("int4", waiting);
          p.setArray("text", queues);
          p.setArray("text", tasks);
          p.setArray("int4", priorities);
          p.setArray("text", locks);
          p.setArray("text", queueingLocks);
          p.setArray("text", args);
          p.setArray("text", scheduledAt);
          p.setArray("float8", scheduleIn);
          p.setArray("text", headers);
        });
    if (fromPositions.length > 0) {
      long[] from = Arrays.stream(fromPositions).mapToLong(position -> ids[position]).toArray();
      long[] to = Arrays.stream(toPositions).mapToLong(position -> ids[position]).toArray();
      Jdbc.update(
          connection,
          WorkflowSql.INSERT_EDGES,
          p -> {
            p.setLongArray(from);
            p.setLongArray(to);
          });
    }
    long[] released = first.stream().mapToLong(Long::longValue).toArray();
    Jdbc.execute(connection, WorkflowSql.RELEASE_FIRST, p -> p.setLongArray(released));
    return ids;
  }

  /**
   * Ends, for their workflows, jobs about to be deleted by a worker's delete policy and still in
   * the run it fetched, so that the steps after them are released or cancelled as their end says.
   *
   * @param connection the connection, in the transaction that deletes them
   * @param ids the job ids
   * @param statuses their end statuses
   * @param attempts the attempts each had when fetched
   * @param workerId the worker's id
   * @throws SQLException if the statement fails
   */
  public void endBeforeDelete(
      Connection connection, long[] ids, JobStatus[] statuses, int[] attempts, long workerId)
      throws SQLException {
    String[] names = new String[statuses.length];
    for (int i = 0; i < names.length; i++) {
      names[i] = statuses[i].dbValue();
    }
    Jdbc.execute(
        connection,
        WorkflowSql.END_BEFORE_DELETE,
        p -> {
          p.setLongArray(ids);
          p.setArray("text", names);
          p.setIntArray(attempts);
          p.setLong(workerId);
        });
  }

  /**
   * Deletes the rows of workflows that are over: no step waits and no step's job is left.
   *
   * @param connection the connection
   * @param limit the most workflows to delete
   * @return how many workflows were deleted
   * @throws SQLException if the statement fails
   */
  public int pruneOver(Connection connection, int limit) throws SQLException {
    return Jdbc.query(connection, WorkflowSql.PRUNE_OVER, p -> p.setInt(limit), r -> r.getInt(1))
        .get(0);
  }

  /**
   * Lists the steps of the workflow a job belongs to.
   *
   * @param connection the connection
   * @param jobId a job id of the workflow
   * @return its steps in the order the workflow was written; empty if the job is no step
   * @throws SQLException if the query fails
   */
  public List<WorkflowStep> steps(Connection connection, long jobId) throws SQLException {
    return Jdbc.query(
        connection,
        WorkflowSql.STEPS,
        p -> p.setLong(jobId),
        row -> {
          String status = row.getString("status");
          return new WorkflowStep(
              row.getLong("id"),
              row.getLong("workflow_id"),
              row.getInt("position"),
              row.getString("task_name"),
              row.getString("queue_name"),
              status == null ? null : JobStatus.fromDb(status),
              ids(row, "after"),
              ids(row, "waiting_for"),
              row.getString("reason"));
        });
  }

  /**
   * Reads what the steps a step runs after returned, as JSON texts in the order the workflow was
   * written (null for a step that returned nothing).
   *
   * @param connection the connection
   * @param jobId the step's job id
   * @return the results; empty if the step runs after nothing
   * @throws SQLException if the query fails
   */
  public List<@Nullable String> resultsBefore(Connection connection, long jobId)
      throws SQLException {
    return Jdbc.query(
        connection,
        WorkflowSql.RESULTS_BEFORE,
        p -> p.setLong(jobId),
        row -> row.getString("result"));
  }

  private static List<Long> ids(ResultSet row, String column) throws SQLException {
    Array array = row.getArray(column);
    List<Long> ids = new ArrayList<>();
    if (array != null) {
      for (Object id : (Object[]) array.getArray()) {
        ids.add(((Number) id).longValue());
      }
      array.free();
    }
    return ids;
  }
}
