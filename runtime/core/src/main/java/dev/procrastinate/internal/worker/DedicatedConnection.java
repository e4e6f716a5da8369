package dev.procrastinate.internal.worker;

import dev.procrastinate.internal.sql.Database;
import java.sql.Connection;
import java.sql.SQLException;
import org.jspecify.annotations.Nullable;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * A connection borrowed from the pool once and kept, in autocommit mode, for one thread's chore
 * that must not wait for the pool: the worker's heartbeat, whose delay past the lease stops every
 * running job. Tasks that hold every pooled connection cannot starve it. A statement that fails
 * gives the connection back (a broken one is then closed by the pool) and the next run borrows
 * another. Used by one thread at a time. Not API.
 *
 * <p>A pool too small to spare it (a HikariCP pool of fewer than {@link #MIN_POOL_SIZE}
 * connections: the listener keeps one, and the fetcher, the completer and the chores need one
 * between them) lends a connection for each run instead, and the worker says so at start.
 */
final class DedicatedConnection implements AutoCloseable {
  private static final Logger LOG = LoggerFactory.getLogger("procrastinate.worker");

  /** The smallest HikariCP pool from which a connection is kept. */
  static final int MIN_POOL_SIZE = 4;

  private final Database database;
  private final boolean kept;
  private @Nullable Connection connection;

  /**
   * Creates the holder; nothing is borrowed before the first run.
   *
   * @param database the database whose pool lends the connection
   */
  DedicatedConnection(Database database) {
    this.database = database;
    this.kept = poolCanSpareOne(database.dataSource());
  }

  /**
   * Tells whether the connection is kept between runs, or borrowed for each.
   *
   * @return false when the pool is too small to spare one
   */
  boolean kept() {
    return kept;
  }

  /**
   * Tells whether a pool can spare a connection for good: a HikariCP pool of at least {@link
   * #MIN_POOL_SIZE} connections, or a data source whose size is unknown.
   */
  static boolean poolCanSpareOne(javax.sql.DataSource dataSource) {
    try {
      if (dataSource.isWrapperFor(com.zaxxer.hikari.HikariDataSource.class)) {
        return dataSource.unwrap(com.zaxxer.hikari.HikariDataSource.class).getMaximumPoolSize()
            >= MIN_POOL_SIZE;
      }
    } catch (SQLException | RuntimeException e) {
      LOG.debug("cannot tell the pool's size: {}", e.getMessage());
    }
    return true;
  }

  /**
   * Runs work on the kept connection, borrowing one first if none is kept.
   *
   * @param action what is being done, for messages
   * @param work the work
   * @param <T> the result type
   * @return the work's result
   * @throws dev.procrastinate.ProcrastinateException if the work fails; the connection is then
   *     given back
   */
  synchronized <T> T run(String action, Database.SqlWork<T> work) {
    if (!kept) {
      return database.withConnection(action, work);
    }
    Connection current = connection;
    try {
      if (current == null) {
        current = database.connect(action);
        connection = current;
        current.setAutoCommit(true);
      }
      return work.run(current);
    } catch (SQLException e) {
      giveBack();
      throw database.translate(action, e);
    } catch (RuntimeException e) {
      giveBack();
      throw e;
    }
  }

  /** Gives the connection back to the pool. */
  @Override
  public synchronized void close() {
    giveBack();
  }

  private void giveBack() {
    Connection current = connection;
    connection = null;
    if (current != null) {
      try {
        current.close();
      } catch (SQLException e) {
        LOG.debug("closing a dedicated connection failed: {}", e.getMessage());
      }
    }
  }
}
