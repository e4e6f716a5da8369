package dev.procrastinate.testing;

import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.SQLException;
import java.util.ArrayList;
import java.util.List;
import java.util.UUID;
import javax.sql.DataSource;
import org.postgresql.PGConnection;
import org.postgresql.PGNotification;

/**
 * Reads the notifications a listening connection received up to a sentinel, so a test can say
 * "nothing (else) was sent" without waiting a fixed window.
 *
 * <p>PostgreSQL delivers notifications in the commit order of the transactions that sent them: a
 * sentinel sent after the actions under test arrives after every notification those actions
 * committed, and its arrival proves that whatever has not arrived was never sent.
 */
public final class Notifications {
  private Notifications() {}

  /**
   * Sends a sentinel on {@code channel} from a connection of {@code sender}, then returns the
   * notifications {@code listener} received before it.
   *
   * @param listener a connection that listens on {@code channel} (and any others under test)
   * @param sender where the sentinel is sent from (its own committed transaction)
   * @param channel a channel the listener listens on
   * @return the notifications before the sentinel, in arrival order
   * @throws SQLException if the database cannot be reached
   * @throws AssertionError if the sentinel does not arrive within 30 seconds
   */
  public static List<PGNotification> untilSentinel(
      Connection listener, DataSource sender, String channel) throws SQLException {
    String sentinel = "sentinel-" + UUID.randomUUID();
    try (Connection connection = sender.getConnection();
        PreparedStatement notify = connection.prepareStatement("SELECT pg_notify(?, ?)")) {
      if (!connection.getAutoCommit()) {
        connection.setAutoCommit(true);
      }
      notify.setString(1, channel);
      notify.setString(2, sentinel);
      notify.execute();
    }
    return until(listener, sentinel);
  }

  /**
   * Returns the notifications {@code listener} received before one whose payload is {@code
   * sentinel}, which the test has sent itself.
   *
   * @param listener the listening connection
   * @param sentinel the payload that ends the reading
   * @return the notifications before the sentinel, in arrival order
   * @throws SQLException if the connection fails
   * @throws AssertionError if the sentinel does not arrive within 30 seconds
   */
  public static List<PGNotification> until(Connection listener, String sentinel)
      throws SQLException {
    List<PGNotification> received = new ArrayList<>();
    long deadline = System.nanoTime() + 30_000_000_000L;
    PGConnection pg = listener.unwrap(PGConnection.class);
    while (System.nanoTime() < deadline) {
      PGNotification[] batch = pg.getNotifications(100);
      if (batch == null) {
        continue;
      }
      for (PGNotification notification : batch) {
        if (notification.getParameter().equals(sentinel)) {
          return received;
        }
        received.add(notification);
      }
    }
    throw new AssertionError("the sentinel notification never came; received " + received);
  }
}
