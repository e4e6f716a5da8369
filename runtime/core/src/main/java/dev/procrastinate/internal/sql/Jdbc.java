package dev.procrastinate.internal.sql;

import dev.procrastinate.model.JobStatus;
import dev.procrastinate.model.ProcrastinateJob;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Types;
import java.time.Duration;
import java.time.Instant;
import java.time.OffsetDateTime;
import java.time.ZoneOffset;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Optional;
import org.jspecify.annotations.Nullable;

/**
 * The JDBC plumbing the DAOs share: prepare a statement, bind its parameters in order through
 * {@link Params} (which counts the index), run it, map its rows, close everything. Statements fail
 * with the driver's own {@link SQLException}, untouched: the caller's {@link Database} turns it
 * into a procrastinate exception that says what was being done, and it reads the server's detail
 * (SQLSTATE, constraint name) to do so. Stateless. Not API.
 */
final class Jdbc {
  private Jdbc() {}

  /** Binds the parameters of a statement, in order. */
  @FunctionalInterface
  interface Binder {
    /**
     * Binds the parameters.
     *
     * @param params the statement's parameters, from the first
     * @throws SQLException if a value cannot be bound
     */
    void bind(Params params) throws SQLException;
  }

  /**
   * Reads one value from the current row of a result.
   *
   * @param <T> the value type
   */
  @FunctionalInterface
  interface RowMapper<T> {
    /**
     * Reads the current row.
     *
     * @param row a result positioned on a row
     * @return the value
     * @throws SQLException if a column is missing
     */
    T map(ResultSet row) throws SQLException;
  }

  /** For statements without parameters. */
  static final Binder NO_PARAMETERS = params -> {};

  /**
   * The parameters of one prepared statement, set one after the other: each setter binds the next
   * {@code ?}. Null values are bound as SQL NULL of the setter's type.
   */
  static final class Params {
    private final Connection connection;
    private final PreparedStatement statement;
    private int index;

    private Params(Connection connection, PreparedStatement statement) {
      this.connection = connection;
      this.statement = statement;
    }

    void setLong(long value) throws SQLException {
      statement.setLong(++index, value);
    }

    void setNullableLong(@Nullable Long value) throws SQLException {
      setNullable(value, Types.BIGINT);
    }

    void setInt(int value) throws SQLException {
      statement.setInt(++index, value);
    }

    void setNullableInt(@Nullable Integer value) throws SQLException {
      setNullable(value, Types.INTEGER);
    }

    void setBoolean(boolean value) throws SQLException {
      statement.setBoolean(++index, value);
    }

    void setString(@Nullable String value) throws SQLException {
      setNullable(value, Types.VARCHAR);
    }

    /** Binds an instant as a {@code timestamptz} in UTC. */
    void setTimestamp(@Nullable Instant value) throws SQLException {
      setNullable(
          value == null ? null : OffsetDateTime.ofInstant(value, ZoneOffset.UTC),
          Types.TIMESTAMP_WITH_TIMEZONE);
    }

    /** Binds a duration as a number of seconds ({@code float8}), with its fraction. */
    void setSeconds(Duration value) throws SQLException {
      statement.setDouble(++index, value.toNanos() / 1_000_000_000d);
    }

    /**
     * Binds an array.
     *
     * @param elementType the PostgreSQL element type, such as {@code text} or {@code int8}
     * @param values the elements, or null for a NULL array
     */
    void setArray(String elementType, @Nullable Object @Nullable [] values) throws SQLException {
      statement.setArray(
          ++index, values == null ? null : connection.createArrayOf(elementType, values));
    }

    /**
     * Binds labels of an enum type as an array literal whose type PostgreSQL infers from the
     * statement's cast, such as {@code ?::procrastinate_job_status[]}. A {@code text[]} parameter
     * would be cast at run time instead, which hides the values from the planner: it could then
     * neither estimate the rows nor use a partial index such as those on {@code status = 'todo'}.
     *
     * @param labels the labels
     */
    void setEnumArray(List<String> labels) throws SQLException {
      StringBuilder literal = new StringBuilder("{");
      for (String label : labels) {
        if (literal.length() > 1) {
          literal.append(',');
        }
        literal.append('"').append(label.replace("\\", "\\\\").replace("\"", "\\\"")).append('"');
      }
      statement.setObject(++index, literal.append('}').toString(), Types.OTHER);
    }

    /** Binds numbers as an {@code int4[]}. */
    void setIntArray(int[] values) throws SQLException {
      Integer[] boxed = new Integer[values.length];
      for (int i = 0; i < values.length; i++) {
        boxed[i] = values[i];
      }
      setArray("int4", boxed);
    }

    /** Binds ids as an {@code int8[]}. */
    void setLongArray(long[] values) throws SQLException {
      Long[] boxed = new Long[values.length];
      for (int i = 0; i < values.length; i++) {
        boxed[i] = values[i];
      }
      setArray("int8", boxed);
    }

    private void setNullable(@Nullable Object value, int type) throws SQLException {
      if (value == null) {
        statement.setNull(++index, type);
      } else {
        statement.setObject(++index, value, type);
      }
    }
  }

  private static PreparedStatement prepare(Connection connection, String sql, Binder binder)
      throws SQLException {
    PreparedStatement statement = connection.prepareStatement(sql);
    try {
      binder.bind(new Params(connection, statement));
      return statement;
    } catch (SQLException | RuntimeException e) {
      try {
        statement.close();
      } catch (SQLException closing) {
        e.addSuppressed(closing);
      }
      throw e;
    }
  }

  /**
   * Runs a query and maps every row, in order.
   *
   * @return the rows
   */
  static <T> List<T> query(Connection connection, String sql, Binder binder, RowMapper<T> mapper)
      throws SQLException {
    List<T> rows = new ArrayList<>();
    try (PreparedStatement statement = prepare(connection, sql, binder);
        ResultSet result = statement.executeQuery()) {
      while (result.next()) {
        rows.add(mapper.map(result));
      }
    }
    return rows;
  }

  /**
   * Runs a query and maps its first row.
   *
   * @return the first row, or empty if there is none
   */
  static <T> Optional<T> queryFirst(
      Connection connection, String sql, Binder binder, RowMapper<T> mapper) throws SQLException {
    try (PreparedStatement statement = prepare(connection, sql, binder);
        ResultSet result = statement.executeQuery()) {
      return result.next() ? Optional.of(mapper.map(result)) : Optional.empty();
    }
  }

  /**
   * Runs a query that returns one row, such as a function call, and maps it.
   *
   * @return the row
   * @throws SQLException if the query fails or returns no row
   */
  static <T> T queryOne(Connection connection, String sql, Binder binder, RowMapper<T> mapper)
      throws SQLException {
    try (PreparedStatement statement = prepare(connection, sql, binder);
        ResultSet result = statement.executeQuery()) {
      if (!result.next()) {
        throw new SQLException("expected one row, got none, from: " + sql.strip());
      }
      return mapper.map(result);
    }
  }

  /**
   * Runs a query and reads its first column as ids.
   *
   * @return the ids, in row order
   */
  static long[] queryIds(Connection connection, String sql, Binder binder) throws SQLException {
    long[] ids = new long[16];
    int count = 0;
    try (PreparedStatement statement = prepare(connection, sql, binder);
        ResultSet result = statement.executeQuery()) {
      while (result.next()) {
        if (count == ids.length) {
          ids = Arrays.copyOf(ids, count * 2);
        }
        ids[count++] = result.getLong(1);
      }
    }
    return Arrays.copyOf(ids, count);
  }

  /**
   * Runs an {@code INSERT}, {@code UPDATE} or {@code DELETE} without {@code RETURNING}.
   *
   * @return the number of rows changed
   */
  static int update(Connection connection, String sql, Binder binder) throws SQLException {
    try (PreparedStatement statement = prepare(connection, sql, binder)) {
      return statement.executeUpdate();
    }
  }

  /** Runs a statement whose result, if any, is not needed, such as a call of a void function. */
  static void execute(Connection connection, String sql, Binder binder) throws SQLException {
    try (PreparedStatement statement = prepare(connection, sql, binder)) {
      statement.execute();
    }
  }

  /**
   * Reads a nullable {@code bigint} column.
   *
   * @return the value, or null
   */
  static @Nullable Long nullableLong(ResultSet row, String column) throws SQLException {
    long value = row.getLong(column);
    return row.wasNull() ? null : value;
  }

  /**
   * Reads a nullable {@code integer} column.
   *
   * @return the value, or null
   */
  static @Nullable Integer nullableInt(ResultSet row, String column) throws SQLException {
    int value = row.getInt(column);
    return row.wasNull() ? null : value;
  }

  /**
   * Reads a nullable {@code timestamptz} column.
   *
   * @return the instant, or null
   */
  static @Nullable Instant instant(ResultSet row, String column) throws SQLException {
    OffsetDateTime value = row.getObject(column, OffsetDateTime.class);
    return value == null ? null : value.toInstant();
  }

  /**
   * Reads the current row as a job: the columns of {@link JobSql#JOB_COLUMNS}, by name.
   *
   * @param row a result positioned on a row with the job columns
   * @return the job
   * @throws SQLException if a column is missing
   */
  static ProcrastinateJob readJob(ResultSet row) throws SQLException {
    return new ProcrastinateJob(
        row.getLong("id"),
        row.getString("queue_name"),
        row.getString("task_name"),
        row.getInt("priority"),
        row.getString("lock"),
        row.getString("queueing_lock"),
        row.getString("args"),
        JobStatus.fromDb(row.getString("status")),
        instant(row, "scheduled_at"),
        row.getInt("attempts"),
        row.getBoolean("abort_requested"),
        nullableLong(row, "worker_id"));
  }
}
