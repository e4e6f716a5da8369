package dev.procrastinate.internal.sql;

import dev.procrastinate.model.FlowControl;
import dev.procrastinate.model.LimitTarget;
import dev.procrastinate.model.RateLimit;
import java.sql.Connection;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.time.Duration;
import java.time.Instant;
import java.util.Collection;
import java.util.List;
import java.util.Locale;
import java.util.Objects;
import org.jspecify.annotations.Nullable;

/**
 * The statements on flow controls ({@code procrastinate_java_flow_controls}): pause and resume a
 * queue, set and clear live limits, write the limits tasks declare in code, list them. Each change
 * wakes every worker through the table's trigger. Stateless and thread-safe; every method takes the
 * connection to use and fails with the driver's {@link SQLException}. Not API.
 */
public final class FlowControlDao {
  /** Creates the DAO. */
  public FlowControlDao() {}

  /**
   * Lists every flow control, queues first, with the running jobs of each.
   *
   * @param connection the connection
   * @return the controls
   * @throws SQLException if the query fails
   */
  public List<FlowControl> list(Connection connection) throws SQLException {
    return Jdbc.query(
        connection, JobSql.FLOW_CONTROL_LIST, Jdbc.NO_PARAMETERS, FlowControlDao::readControl);
  }

  /**
   * Pauses a queue.
   *
   * @param connection the connection
   * @param queue the queue
   * @return whether it was running before
   * @throws SQLException if the statement fails
   */
  public boolean pause(Connection connection, String queue) throws SQLException {
    return Jdbc.update(connection, JobSql.FLOW_CONTROL_PAUSE, p -> p.setString(queue)) > 0;
  }

  /**
   * Resumes a queue, forgetting its row if nothing else controls it.
   *
   * @param connection the connection
   * @param queue the queue
   * @return whether it was paused before
   * @throws SQLException if a statement fails
   */
  public boolean resume(Connection connection, String queue) throws SQLException {
    boolean resumed =
        Jdbc.update(connection, JobSql.FLOW_CONTROL_RESUME, p -> p.setString(queue)) > 0;
    deleteEmpty(connection);
    return resumed;
  }

  /**
   * Sets the live concurrency limit of a queue or task.
   *
   * @param connection the connection
   * @param target the queue or task
   * @param limit the most jobs of it running at once, at least 1
   * @throws SQLException if the statement fails
   */
  public void setConcurrency(Connection connection, LimitTarget target, int limit)
      throws SQLException {
    Jdbc.execute(
        connection,
        JobSql.FLOW_CONTROL_SET_CONCURRENCY,
        p -> {
          p.setString(target.scope().key()); // scope
          p.setString(target.name()); // name
          p.setInt(limit); // concurrency
        });
  }

  /**
   * Sets the live rate limit of a queue or task.
   *
   * @param connection the connection
   * @param target the queue or task
   * @param rate the limit
   * @throws SQLException if the statement fails
   */
  public void setRate(Connection connection, LimitTarget target, RateLimit rate)
      throws SQLException {
    Jdbc.execute(
        connection,
        JobSql.FLOW_CONTROL_SET_RATE,
        p -> {
          p.setString(target.scope().key()); // scope
          p.setString(target.name()); // name
          p.setInt(rate.permits()); // rate_permits
          p.setLong(micros(rate.period())); // rate_period
        });
  }

  /**
   * Clears the live limits of a queue or task; its declared ones, if any, apply again.
   *
   * @param connection the connection
   * @param target the queue or task
   * @return whether it had a live limit
   * @throws SQLException if a statement fails
   */
  public boolean clear(Connection connection, LimitTarget target) throws SQLException {
    boolean cleared =
        Jdbc.update(
                connection,
                JobSql.FLOW_CONTROL_CLEAR,
                p -> {
                  p.setString(target.scope().key()); // scope
                  p.setString(target.name()); // name
                })
            > 0;
    deleteEmpty(connection);
    return cleared;
  }

  /**
   * A task's limits as declared in code.
   *
   * @param task the task name
   * @param concurrency its concurrency limit, or null
   * @param rate its rate limit, or null
   */
  public record Declared(String task, @Nullable Integer concurrency, @Nullable RateLimit rate) {
    /** Validates the task name. */
    public Declared {
      Objects.requireNonNull(task, "task");
    }
  }

  /**
   * Writes the limits tasks declare in code, and forgets those of tasks that declare none any more,
   * in the caller's transaction. Rows that already hold the same values are not written, so a
   * worker's start notifies nobody unless a declaration changed.
   *
   * @param connection the connection
   * @param declared the tasks that declare limits
   * @param undeclared the names of the registered tasks that declare none
   * @throws SQLException if a statement fails
   */
  public void declare(
      Connection connection, Collection<Declared> declared, Collection<String> undeclared)
      throws SQLException {
    // The rows that exist are locked first, in the fetch function's order; new rows are written in
    // one order by every worker, so that two workers starting at once wait in line.
    String[] names =
        java.util.stream.Stream.concat(declared.stream().map(Declared::task), undeclared.stream())
            .toArray(String[]::new);
    Jdbc.query(
        connection,
        JobSql.FLOW_CONTROL_LOCK_TASKS,
        p -> p.setArray("varchar", names),
        row -> row.getString("name"));
    List<Declared> sorted =
        declared.stream().sorted(java.util.Comparator.comparing(Declared::task)).toList();
    for (Declared task : sorted) {
      RateLimit rate = task.rate();
      Jdbc.execute(
          connection,
          JobSql.FLOW_CONTROL_DECLARE,
          p -> {
            p.setString(task.task()); // name
            p.setNullableInt(task.concurrency()); // declared_concurrency
            p.setNullableInt(rate == null ? null : rate.permits()); // declared_rate_permits
            p.setNullableLong(rate == null ? null : micros(rate.period())); // declared_rate_period
          });
    }
    if (!undeclared.isEmpty()) {
      String[] forgotten = undeclared.toArray(new String[0]);
      if (Jdbc.update(
              connection, JobSql.FLOW_CONTROL_UNDECLARE, p -> p.setArray("varchar", forgotten))
          > 0) {
        deleteEmpty(connection);
      }
    }
  }

  private static void deleteEmpty(Connection connection) throws SQLException {
    Jdbc.execute(connection, JobSql.FLOW_CONTROL_DELETE_EMPTY, Jdbc.NO_PARAMETERS);
  }

  private static long micros(Duration period) {
    return (period.toNanos() + 999) / 1_000;
  }

  private static FlowControl readControl(ResultSet row) throws SQLException {
    LimitTarget.Scope scope =
        LimitTarget.Scope.valueOf(row.getString("scope").toUpperCase(Locale.ROOT));
    Instant updatedAt = Jdbc.instant(row, "updated_at");
    return new FlowControl(
        new LimitTarget(scope, row.getString("name")),
        row.getBoolean("paused"),
        Jdbc.nullableInt(row, "concurrency"),
        rate(row, "rate_permits", "rate_micros"),
        Jdbc.nullableInt(row, "declared_concurrency"),
        rate(row, "declared_rate_permits", "declared_rate_micros"),
        row.getLong("running"),
        Objects.requireNonNull(updatedAt, "updated_at"));
  }

  private static @Nullable RateLimit rate(ResultSet row, String permits, String micros)
      throws SQLException {
    Integer count = Jdbc.nullableInt(row, permits);
    Long period = Jdbc.nullableLong(row, micros);
    return count == null || period == null
        ? null
        : new RateLimit(count, Duration.ofNanos(period * 1_000));
  }
}
