package dev.procrastinate;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.procrastinate.testing.Notifications;
import dev.procrastinate.testing.TestDatabase;
import java.sql.Connection;
import java.sql.Statement;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.postgresql.PGNotification;

/** A deferred job is announced on its queue's channel and on the any-queue channel, on commit. */
class NotificationTest {
  @RegisterExtension static final TestDatabase DB = TestDatabase.migrated();

  private final ObjectMapper json = new ObjectMapper();

  private static List<PGNotification> received(Connection listener) throws Exception {
    return Notifications.untilSentinel(listener, DB.dataSource(), "procrastinate_any_queue_v1");
  }

  @Test
  void deferNotifiesTheQueueChannelAndTheAnyQueueChannel() throws Exception {
    try (Connection listener = DB.newConnection();
        Statement statement = listener.createStatement()) {
      statement.execute("LISTEN \"procrastinate_queue_v1#emails\"");
      statement.execute("LISTEN \"procrastinate_any_queue_v1\"");
      statement.execute("LISTEN \"procrastinate_queue_v1#other\"");

      long id = DB.app().jobManager().defer(NewJob.builder("t.notify").queue("emails").build());

      List<PGNotification> received = received(listener);
      assertThat(received)
          .extracting(PGNotification::getName)
          .containsExactlyInAnyOrder("procrastinate_queue_v1#emails", "procrastinate_any_queue_v1");
      for (PGNotification notification : received) {
        JsonNode payload = json.readTree(notification.getParameter());
        assertThat(payload.get("type").asText()).isEqualTo("job_inserted");
        assertThat(payload.get("job_id").asLong()).isEqualTo(id);
        assertThat(notification.getParameter())
            .isEqualTo("{\"type\" : \"job_inserted\", \"job_id\" : " + id + "}");
      }
    }
  }

  @Test
  void rolledBackDeferSendsNothingAndCommittedDeferSendsOnCommit() throws Exception {
    try (Connection listener = DB.newConnection();
        Statement statement = listener.createStatement();
        Connection writer = DB.newConnection()) {
      statement.execute("LISTEN \"procrastinate_any_queue_v1\"");
      writer.setAutoCommit(false);
      DB.app().jobManager().defer(writer, NewJob.builder("t.notify").build());
      assertThat(received(listener)).isEmpty();
      writer.rollback();
      assertThat(received(listener)).isEmpty();

      long id = DB.app().jobManager().defer(writer, NewJob.builder("t.notify").build());
      assertThat(received(listener)).isEmpty();
      writer.commit();
      assertThat(received(listener))
          .extracting(PGNotification::getParameter)
          .containsExactly("{\"type\" : \"job_inserted\", \"job_id\" : " + id + "}");
    }
  }

  @Test
  void abortOfARunningJobNotifiesBothChannels() throws Exception {
    long id = DB.app().jobManager().defer(NewJob.builder("t.abort").queue("work").build());
    try (Connection worker = DB.newConnection();
        Statement fetch = worker.createStatement()) {
      fetch.execute("SELECT procrastinate_fetch_job_v2(ARRAY['work'], NULL)");
    }
    try (Connection listener = DB.newConnection();
        Statement statement = listener.createStatement()) {
      statement.execute("LISTEN \"procrastinate_queue_v1#work\"");
      statement.execute("LISTEN \"procrastinate_any_queue_v1\"");
      assertThat(DB.app().jobManager().abort(id)).isTrue();
      List<PGNotification> received = received(listener);
      assertThat(received)
          .extracting(PGNotification::getName)
          .containsExactlyInAnyOrder("procrastinate_queue_v1#work", "procrastinate_any_queue_v1");
      assertThat(received)
          .extracting(PGNotification::getParameter)
          .containsOnly("{\"type\" : \"abort_job_requested\", \"job_id\" : " + id + "}");
    }
  }
}
