package dev.procrastinate.internal.sql;

import com.zaxxer.hikari.HikariDataSource;
import dev.procrastinate.AlreadyEnqueuedException;
import dev.procrastinate.DatabaseUnavailableException;
import dev.procrastinate.ProcrastinateException;
import dev.procrastinate.SchemaException;
import java.sql.Connection;
import java.sql.SQLException;
import java.sql.SQLTransientConnectionException;
import java.util.Objects;
import java.util.concurrent.atomic.AtomicLong;
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

  private static final int LIVENESS_CHECK_SECONDS = 2;

  private final DataSource dataSource;
  private final String description;
  private final Runnable connectionLost;
  private final AtomicLong lostBeforeCommit;

  /**
   * Wraps a data source.
   *
   * @param dataSource the data source
   * @param description the database's URL without password, for messages
   */
  public Database(DataSource dataSource, String description) {
    this(dataSource, description, () -> {}, new AtomicLong());
  }

  private Database(
      DataSource dataSource,
      String description,
      Runnable connectionLost,
      AtomicLong lostBeforeCommit) {
    this.dataSource = Objects.requireNonNull(dataSource, "dataSource");
    this.description = Objects.requireNonNull(description, "description");
    this.connectionLost = connectionLost;
    this.lostBeforeCommit = lostBeforeCommit;
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
        },
        lostBeforeCommit);
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
   * Runs a write in a transaction of its own on a pooled connection, and runs it once more on a
   * fresh connection when the first one is found lost before the commit was sent: a pooled
   * connection that the server had already terminated, say. Nothing the first try wrote can have
   * been stored, since the server rolls back a transaction whose connection ends before its commit,
   * so the second try makes no duplicate. A connection lost after the commit was sent is never
   * tried again: the write may have been stored, and the exception says so ({@link
   * DatabaseUnavailableException#isOutcomeUnknown()}).
   *
   * <p>The commit is a round trip of its own, which is what tells the two cases apart. A connection
   * bound to a transaction of the caller's framework joins that transaction and is not tried again:
   * the caller's transaction is lost with it.
   *
   * @param action what is being done, for messages
   * @param work the work, which may run twice
   * @param <T> the result type
   * @return the work's result
   * @throws DatabaseUnavailableException if the server cannot be reached, or the connection was
   *     lost after the commit was sent, or lost twice
   */
  public <T> T inRetryableTransaction(String action, SqlWork<T> work) {
    SQLException firstLoss = null;
    while (true) {
      Stage stage = Stage.UNSTARTED;
      try (Connection connection = firstLoss == null ? connect(action) : connectLive(action)) {
        boolean autoCommit = connection.getAutoCommit();
        if (!autoCommit) {
          connection.setAutoCommit(true);
        }
        if (!connection.getAutoCommit()) {
          stage = Stage.CALLER_TRANSACTION; // a framework's transaction keeps its mode
          return work.run(connection);
        }
        connection.setAutoCommit(false);
        try {
          stage = Stage.BEFORE_COMMIT;
          T result = work.run(connection);
          stage = Stage.COMMIT_SENT;
          connection.commit();
          return result;
        } catch (SQLException | RuntimeException | Error e) {
          rollbackQuietly(connection, e);
          throw e;
        } finally {
          restoreAutoCommit(connection, autoCommit);
        }
      } catch (SQLException e) {
        if (stage == Stage.BEFORE_COMMIT && firstLoss == null && isConnectionFailure(e)) {
          firstLoss = e;
          lostBeforeCommit.incrementAndGet();
          continue;
        }
        if (firstLoss != null) {
          e.addSuppressed(firstLoss);
          if (stage == Stage.BEFORE_COMMIT) {
            stage = Stage.RETRIED;
          }
        }
        throw translate(action, e, stage);
      }
    }
  }

  /**
   * Opens a connection that answers: one the pool hands out is checked with a round trip, and a
   * dead one is evicted from a HikariCP pool (or closed) and replaced, twice at most. Used for a
   * second try, when the pool may hold more connections that the server ended.
   */
  private Connection connectLive(String action) throws SQLException {
    for (int tries = 1; tries < 3; tries++) {
      Connection connection = connect(action);
      boolean live = false;
      try {
        live = connection.isValid(LIVENESS_CHECK_SECONDS);
      } finally {
        if (!live) {
          discard(connection);
        }
      }
      if (live) {
        return connection;
      }
    }
    return connect(action);
  }

  /** Takes a dead connection out of its pool where the pool allows it, and closes it. */
  private void discard(Connection connection) throws SQLException {
    try {
      if (dataSource.isWrapperFor(HikariDataSource.class)) {
        dataSource.unwrap(HikariDataSource.class).evictConnection(connection);
      }
    } finally {
      connection.close();
    }
  }

  /**
   * Returns how many writes of {@link #inRetryableTransaction} found their connection lost before
   * the commit and were run again, since this database was made.
   *
   * @return the count of second tries
   */
  public long lostBeforeCommit() {
    return lostBeforeCommit.get();
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
    return translate(action, e, Stage.UNSTARTED);
  }

  private ProcrastinateException translate(String action, SQLException e, Stage stage) {
    String state = e.getSQLState() == null ? "" : e.getSQLState();
    if (isConnectionFailure(e)) {
      connectionLost.run();
      return unavailable(action, e, stage);
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

  /**
   * Says in words what a failure was: for a lost or refused connection, what happened to it (the
   * server terminated it, is shutting down, is unreachable) from its SQLSTATE and the driver's
   * cause; for any other failure, its message.
   *
   * @param e the failure
   * @return a description for a log line
   */
  public static String describeFailure(SQLException e) {
    return isConnectionFailure(e) ? Loss.of(e).what() : String.valueOf(e.getMessage());
  }

  /** How far a write had gone when its connection failed, for the message. */
  private enum Stage {
    /** Not a write of {@link #inRetryableTransaction}, or no statement sent yet. */
    UNSTARTED(""),
    /** Lost before the commit, and lost again on the second try. */
    RETRIED(
        " The transaction was lost before its commit, tried once more on a fresh connection and"
            + " lost again: nothing was stored."),
    /** Lost before the commit (only reported when not tried again). */
    BEFORE_COMMIT(" The transaction was lost before its commit: nothing was stored."),
    /** Lost after the commit was sent. */
    COMMIT_SENT(
        " The connection was lost after the commit was sent, so what was written may or may not"
            + " have been stored: look it up before writing it again (a job deferred with a"
            + " queueing lock can be deferred again safely)."),
    /** Lost inside a transaction of the caller's framework. */
    CALLER_TRANSACTION(
        " The caller's transaction was lost with its connection and nothing of it was stored; run"
            + " the transaction again.");

    private final String consequence;

    Stage(String consequence) {
      this.consequence = consequence;
    }
  }

  private DatabaseUnavailableException unavailable(String action, SQLException e) {
    return unavailable(action, e, Stage.UNSTARTED);
  }

  private DatabaseUnavailableException unavailable(String action, SQLException e, Stage stage) {
    Loss loss = Loss.of(e);
    if (loss.unreachable()) {
      return new DatabaseUnavailableException(
          "Cannot reach PostgreSQL at "
              + description
              + " while "
              + action
              + ": "
              + loss.what()
              + ". Check that the server is running and that procrastinate.url, .user and"
              + " .password are right.",
          e);
    }
    return new DatabaseUnavailableException(
        "Lost the connection to PostgreSQL at "
            + description
            + " while "
            + action
            + ": "
            + loss.what()
            + "."
            + stage.consequence,
        e,
        stage == Stage.COMMIT_SENT);
  }

  /**
   * What a connection failure was, in words, from its SQLSTATE and the driver's cause.
   *
   * @param what what happened, for a message
   * @param unreachable whether no connection could be made (refused, unknown host, login refused,
   *     no pooled connection in time), rather than one lost
   */
  record Loss(String what, boolean unreachable) {
    /**
     * Describes a connection failure.
     *
     * @param e the failure
     * @return its description
     */
    static Loss of(SQLException e) {
      String state = sqlState(e);
      String root = rootMessage(e);
      if (state != null && state.startsWith("57P")) {
        return switch (state) {
          case "57P01" ->
              new Loss(
                  "the server terminated the connection (57P01: pg_terminate_backend, a proxy or"
                      + " failover cutting connections, or a server shutdown)",
                  false);
          case "57P02" ->
              new Loss(
                  "the server terminated the connection because another server process crashed;"
                      + " it restarts (57P02)",
                  false);
          case "57P03" ->
              new Loss(
                  "the server is starting up or shutting down and takes no connections now (57P03: "
                      + root
                      + ")",
                  true);
          default ->
              new Loss("the server ended the connection (" + state + ": " + root + ")", false);
        };
      }
      if (state != null && state.startsWith("28")) {
        return new Loss("the server refused the login (" + state + ": " + root + ")", true);
      }
      if (hasCause(e, java.net.ConnectException.class)
          || hasCause(e, java.net.UnknownHostException.class)
          || "08001".equals(state)
          || "08004".equals(state)) {
        return new Loss("the server is unreachable (" + root + ")", true);
      }
      if (e instanceof SQLTransientConnectionException) {
        return new Loss("no pooled connection came in time (" + root + ")", true);
      }
      if (state != null && state.startsWith("08")) {
        return new Loss(
            "the connection broke ("
                + state
                + ": "
                + root
                + "): the server or the network dropped it",
            false);
      }
      return new Loss(root, false);
    }

    private static boolean hasCause(Throwable failure, Class<? extends Throwable> type) {
      for (Throwable t = failure; t != null; t = t.getCause()) {
        if (type.isInstance(t)) {
          return true;
        }
        if (t.getCause() == t) {
          break;
        }
      }
      return false;
    }

    private static String rootMessage(Throwable failure) {
      Throwable root = failure;
      while (root.getCause() != null && root.getCause() != root) {
        root = root.getCause();
      }
      String message = root.getMessage();
      return message == null ? root.getClass().getName() : message.strip();
    }
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
