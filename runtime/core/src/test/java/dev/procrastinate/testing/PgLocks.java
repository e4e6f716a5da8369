package dev.procrastinate.testing;

import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.time.Duration;

/** What the server's lock table shows, for tests that force a session to wait for a lock. */
public final class PgLocks {
  private PgLocks() {}

  /**
   * Waits until some session has asked for a lock on a table and not had it: the proof that a
   * statement under test is held back by the lock a test holds, rather than not yet started.
   *
   * @param db the test's database
   * @param table the table, schema-qualified if it is not on the search path
   * @throws Exception if the query fails, or no request shows within 30 s
   */
  public static void awaitWaitingRequest(TestDatabase db, String table) throws Exception {
    try (Connection connection = db.newConnection();
        PreparedStatement waiting =
            connection.prepareStatement(
                "SELECT count(*) FROM pg_locks WHERE NOT granted AND relation = to_regclass(?)")) {
      waiting.setString(1, table);
      Await.until(
          Duration.ofSeconds(30),
          () -> {
            try (ResultSet rows = waiting.executeQuery()) {
              rows.next();
              return rows.getLong(1) > 0;
            } catch (SQLException e) {
              throw new IllegalStateException(e);
            }
          },
          "a session waiting for a lock on " + table);
    }
  }
}
