package dev.procrastinate.internal.sql;

import dev.procrastinate.AlreadyEnqueuedException;
import dev.procrastinate.DatabaseUnavailableException;
import dev.procrastinate.ProcrastinateException;
import dev.procrastinate.SchemaException;
import java.sql.Connection;
import java.sql.SQLException;
import java.sql.SQLTransientConnectionException;
import java.util.Objects;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import javax.sql.DataSource;
import org.jspecify.annotations.Nullable;
import org.postgresql.util.PSQLException;
import org.postgresql.util.ServerErrorMessage;

/**
 * A data source plus a printable description of it, and the translation of {@link SQLException}
 * into procrastinate exceptions that say what was being done. Thread-safe. Not API.
 */
public final class Database {
  /** The unique index that enforces queueing locks; upstream recognises clashes by this name. */
  public static final String QUEUEING_LOCK_CONSTRAINT = "procrastinate_jobs_queueing_lock_idx_v1";

  private static final Pattern QUEUEING_LOCK_DETAIL =
      Pattern.compile("Key \\(queueing_lock\\)=\\((.*)\\) already exists", Pattern.DOTALL);

  private final DataSource dataSource;
  private final String description;
  private final Runnable connectionLost;

  /**
   * Wraps a data source.
   *
   * @param dataSource the data source
   * @param description the database's URL without password, for messages
   */
  public Database(DataSource dataSource, String description) {
    this(dataSource, description, () -> {});
  }

  private Database(DataSource dataSource, String description, Runnable connectionLost) {
    this.dataSource = Objects.requireNonNull(dataSource, "dataSource");
    this.description = Objects.requireNonNull(description, "description");
    this.connectionLost = connectionLost;
  }

  /**
   * Returns the same database, which also tells {@code listener} of every connection it finds lost
   * or refused (a failure it reports as {@link DatabaseUnavailableException}): a worker learns so
   * that a write whose answer was lost with its connection, or that a server's crash recovery
   * undid, may have left jobs marked running for it.
   *
   * @param listener called on the thread that saw the failure, before the exception is thrown
   * @return a database sharing this one's data source
   */
  public Database observingConnectionLoss(Runnable listener) {
    Runnable previous = connectionLost;
    return new Database(
        dataSource,
        description,
        () -> {
          previous.run();
          listener.run();
        });
  }

  /**
   * Returns the data source.
   *
   * @return the data source
   */
  public DataSource dataSource() {
    return dataSource;
  }

  /**
   * Returns the description used in messages.
   *
   * @return the URL without password, or the data source class
   */
  public String description() {
    return description;
  }

  /**
   * Opens a connection.
   *
   * @param action what the connection is for, e.g. "deferring a job"
   * @return an open connection
   * @throws DatabaseUnavailableException naming the database and the cause
   */
  public Connection connect(String action) {
    try {
      return dataSource.getConnection();
    } catch (SQLException e) {
      connectionLost.run();
      throw unavailable(action, e);
    }
  }

  /**
   * Runs work on a pooled connection in autocommit mode: each statement commits as it ends. A pool
   * that hands out connections with autocommit off (one tuned for an ORM, say) gets its connection
   * back as it lent it, with the mode restored; without this, what the work wrote would be rolled
   * back when the connection returns to the pool, a job deferred and then gone.
   *
   * <p>A connection bound to a transaction of the caller's framework (the Spring starter's data
   * source hands out the transaction's own connection) ignores the mode change and joins that
   * transaction, as meant.
   *
   * @param action what is being done, for messages
   * @param work the work
   * @param <T> the result type
   * @return the work's result
   */
  public <T> T withConnection(String action, SqlWork<T> work) {
    try (Connection connection = connect(action)) {
      boolean autoCommit = connection.getAutoCommit();
      if (autoCommit) {
        return work.run(connection);
      }
      connection.setAutoCommit(true);
      try {
        return work.run(connection);
      } finally {
        restoreAutoCommit(connection, false);
      }
    } catch (SQLException e) {
      throw translate(action, e);
    }
  }

  /**
   * Runs work in a transaction on a pooled connection: committed if the work returns, rolled back
   * if it throws.
   *
   * @param action what is being done, for messages
   * @param work the work
   * @param <T> the result type
   * @return the work's result
   */
  public <T> T inTransaction(String action, SqlWork<T> work) {
    try (Connection connection = connect(action)) {
      return transaction(connection, work);
    } catch (SQLException e) {
      throw translate(action, e);
    }
  }

  /**
   * Runs work on a caller's connection. If the connection is in autocommit mode, the work runs in a
   * transaction of its own (all or nothing); otherwise it joins the caller's transaction, which the
   * caller commits or rolls back.
   *
   * @param connection the caller's connection
   * @param action what is being done, for messages
   * @param work the work
   * @param <T> the result type
   * @return the work's result
   */
  public <T> T onCallerConnection(Connection connection, String action, SqlWork<T> work) {
    Objects.requireNonNull(connection, "connection");
    try {
      return connection.getAutoCommit() ? transaction(connection, work) : work.run(connection);
    } catch (SQLException e) {
      throw translate(action, e);
    }
  }

  /** Runs work in a transaction of its own, then restores the connection's autocommit mode. */
  private static <T> T transaction(Connection connection, SqlWork<T> work) throws SQLException {
    boolean autoCommit = connection.getAutoCommit();
    connection.setAutoCommit(false);
    try {
      T result = work.run(connection);
      connection.commit();
      return result;
    } catch (SQLException | RuntimeException | Error e) {
      rollbackQuietly(connection, e);
      throw e;
    } finally {
      restoreAutoCommit(connection, autoCommit);
    }
  }

  private static void rollbackQuietly(Connection connection, Throwable failure) {
    try {
      connection.rollback();
    } catch (SQLException rollbackFailure) {
      failure.addSuppressed(rollbackFailure);
    }
  }

  private static void restoreAutoCommit(Connection connection, boolean autoCommit)
      throws SQLException {
    if (!connection.isClosed()) {
      connection.setAutoCommit(autoCommit);
    }
  }

  /**
   * Tells whether a failure is a foreign-key violation (SQLSTATE 23503) anywhere in its causes: a
   * row still references a job being deleted, or a worker id that no longer exists.
   *
   * @param failure what was thrown
   * @return whether PostgreSQL refused the statement on a foreign key
   */
  public static boolean isForeignKeyViolation(Throwable failure) {
    for (Throwable t = failure; t != null; t = t.getCause()) {
      if (t instanceof SQLException sql && "23503".equals(sql.getSQLState())) {
        return true;
      }
    }
    return false;
  }

  /**
   * Tells whether a failure is one that the same statement may not meet again later, so that a
   * write refused by it must be kept and tried again rather than given up: the connection was lost
   * or refused (SQLSTATE classes 08, 57P, a pool's wait that timed out), or the server cancelled
   * the statement for now: statement or lock timeout (57014, 55P03), serialization failure or
   * deadlock (40001, 40P01), a read-only server after a failover (25006), insufficient resources
   * such as a full disk or too many connections (class 53), or an operator's intervention (class
   * 57, 58).
   *
   * @param failure what was thrown
   * @return true if trying again later may succeed
   */
  public static boolean isTransient(Throwable failure) {
    for (Throwable t = failure; t != null; t = t.getCause()) {
      if (t instanceof DatabaseUnavailableException
          || t instanceof SQLTransientConnectionException) {
        return true;
      }
      if (t instanceof SQLException sql && sql.getSQLState() != null) {
        String state = sql.getSQLState();
        if (state.startsWith("08")
            || state.startsWith("53")
            || state.startsWith("57")
            || state.startsWith("58")
            || state.equals("55P03")
            || state.equals("40001")
            || state.equals("40P01")
            || state.equals("25006")) {
          return true;
        }
      }
      if (t.getCause() == t) {
        break;
      }
    }
    return false;
  }

  /**
   * Returns the SQLSTATE a failure carries, the first found in its causes.
   *
   * @param failure what was thrown
   * @return the first SQLSTATE found, or null
   */
  public static @Nullable String sqlState(Throwable failure) {
    for (Throwable t = failure; t != null; t = t.getCause()) {
      if (t instanceof SQLException sql && sql.getSQLState() != null) {
        return sql.getSQLState();
      }
      if (t.getCause() == t) {
        break;
      }
    }
    return null;
  }

  /**
   * Turns a JDBC failure into the procrastinate exception that fits it.
   *
   * @param action what was being done, e.g. "deferring a job of task x"
   * @param e the failure
   * @return the exception to throw
   */
  public ProcrastinateException translate(String action, SQLException e) {
    String state = e.getSQLState() == null ? "" : e.getSQLState();
    if (isConnectionFailure(e)) {
      connectionLost.run();
      return unavailable(action, e);
    }
    if ("23505".equals(state)) {
      String lock = queueingLockOf(e);
      if (lock != null) {
        return new AlreadyEnqueuedException(lock, e);
      }
    }
    if ("42P01".equals(state) || "42883".equals(state) || "42704".equals(state)) {
      return new SchemaException(
          "The Procrastinate schema is missing or incomplete in "
              + description
              + " while "
              + action
              + " ("
              + e.getMessage()
              + "). Apply it with 'mvn procrastinate:migrate' or"
              + " app.schemaManager().migrate().",
          e);
    }
    return new ProcrastinateException(
        "Failed " + action + " on " + description + ": " + e.getMessage(), e);
  }

  private DatabaseUnavailableException unavailable(String action, SQLException e) {
    Throwable root = e;
    while (root.getCause() != null && root.getCause() != root) {
      root = root.getCause();
    }
    String cause = root.getMessage() == null ? root.getClass().getName() : root.getMessage();
    return new DatabaseUnavailableException(
        "Cannot reach PostgreSQL at "
            + description
            + " while "
            + action
            + ": "
            + cause
            + ". Check that the server is running and that procrastinate.url, .user and"
            + " .password are right.",
        e);
  }

  /**
   * Tells whether a failure means the connection was lost or refused: SQLSTATE classes 08 and 28,
   * 57P (the server went away), or a pool's wait that timed out.
   *
   * @param e the failure
   * @return true if the statement could not be carried by its connection
   */
  static boolean isConnectionFailure(SQLException e) {
    if (e instanceof SQLTransientConnectionException) {
      return true;
    }
    for (Throwable t = e; t != null; t = t.getCause()) {
      if (t instanceof SQLException sql
          && sql.getSQLState() != null
          && (sql.getSQLState().startsWith("08")
              || sql.getSQLState().startsWith("28")
              // admin_shutdown, crash_shutdown, cannot_connect_now: the server went away
              || sql.getSQLState().startsWith("57P"))) {
        return true;
      }
      if (t.getCause() == t) {
        break;
      }
    }
    return false;
  }

  /**
   * Returns the queueing lock named by a unique violation of the queueing-lock index.
   *
   * @param e a failure
   * @return the lock value, or null if the failure is not a queueing-lock clash
   */
  static @Nullable String queueingLockOf(SQLException e) {
    if (!(e instanceof PSQLException psql)) {
      return null;
    }
    ServerErrorMessage message = psql.getServerErrorMessage();
    if (message == null || !QUEUEING_LOCK_CONSTRAINT.equals(message.getConstraint())) {
      return null;
    }
    String detail = message.getDetail();
    if (detail != null) {
      Matcher matcher = QUEUEING_LOCK_DETAIL.matcher(detail);
      if (matcher.find()) {
        return matcher.group(1);
      }
    }
    return "(unknown)";
  }

  /**
   * Work to run on a connection.
   *
   * @param <T> the result type
   */
  @FunctionalInterface
  public interface SqlWork<T> {
    /**
     * Runs the work.
     *
     * @param connection an open connection
     * @return the result
     * @throws SQLException if a statement fails
     */
    T run(Connection connection) throws SQLException;
  }
}
