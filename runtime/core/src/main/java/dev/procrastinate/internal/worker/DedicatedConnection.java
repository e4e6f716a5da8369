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
 */
final class DedicatedConnection implements AutoCloseable {
  private static final Logger LOG = LoggerFactory.getLogger("procrastinate.worker");

  private final Database database;
  private @Nullable Connection connection;

  /**
   * Creates the holder; nothing is borrowed before the first run.
   *
   * @param database the database whose pool lends the connection
   */
  DedicatedConnection(Database database) {
    this.database = database;
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
