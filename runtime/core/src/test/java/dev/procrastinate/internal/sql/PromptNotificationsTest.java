package dev.procrastinate.internal.sql;

import static org.assertj.core.api.Assertions.assertThat;

import dev.procrastinate.testing.TestDatabase;
import java.sql.Connection;
import java.sql.Statement;
import java.util.HashSet;
import java.util.Set;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.postgresql.PGConnection;
import org.postgresql.PGNotification;

/**
 * The listener's change to pgjdbc's read of notifications, on a pooled connection of the driver
 * this project builds with: it applies (a driver upgrade that moves the field fails here, not
 * silently in production), a burst of notifications is still read whole, and the driver's value
 * comes back on undo.
 */
class PromptNotificationsTest {
  @RegisterExtension static final TestDatabase DB = TestDatabase.migrated();

  @Test
  void appliesToThePoolsConnectionsAndLosesNoNotificationOfABurst() throws Exception {
    try (Connection listening = DB.dataSource().getConnection();
        Connection sending = DB.dataSource().getConnection();
        Statement listen = listening.createStatement();
        Statement send = sending.createStatement()) {
      listening.setAutoCommit(true);
      listen.execute("LISTEN prompt_test");
      PromptNotifications prompt = PromptNotifications.apply(listening);
      assertThat(prompt).as("the change applies to this driver's connections").isNotNull();
      sending.setAutoCommit(false);
      for (int i = 0; i < 500; i++) {
        send.execute("NOTIFY prompt_test, '" + i + "'");
      }
      sending.commit();
      Set<String> received = new HashSet<>();
      PGConnection pg = listening.unwrap(PGConnection.class);
      int calls = 0;
      while (received.size() < 500 && calls++ < 1_000) {
        PGNotification[] got = pg.getNotifications(10_000);
        assertThat(got).as("a call that waits returns notifications").isNotEmpty();
        for (PGNotification notification : got) {
          received.add(notification.getParameter());
        }
      }
      assertThat(received).hasSize(500);
      prompt.undo();
      listen.execute("UNLISTEN *");
    }
  }

  @Test
  void aConnectionThatIsNotTheDriversIsLeftAsItIs() {
    Connection notPgjdbc =
        (Connection)
            java.lang.reflect.Proxy.newProxyInstance(
                getClass().getClassLoader(),
                new Class<?>[] {Connection.class},
                (proxy, method, args) -> {
                  throw new java.sql.SQLException("not a wrapper for " + args[0]);
                });
    assertThat(PromptNotifications.apply(notPgjdbc)).isNull();
  }
}
