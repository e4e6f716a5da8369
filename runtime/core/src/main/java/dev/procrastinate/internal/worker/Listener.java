package dev.procrastinate.internal.worker;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.procrastinate.internal.sql.Database;
import dev.procrastinate.internal.sql.PromptNotifications;
import dev.procrastinate.spi.rules.NameLimits;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.ArrayList;
import java.util.List;
import java.util.UUID;
import org.jspecify.annotations.Nullable;
import org.postgresql.PGConnection;
import org.postgresql.PGNotification;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Holds a dedicated connection that LISTENs to the worker's channels, and turns notifications into
 * wake-ups of the fetcher and abort requests. Checks the connection with {@code SELECT 1} after 30
 * s of silence and reconnects with backoff after a failure. Not API.
 *
 * <p>Besides the queues' channels, it listens on {@value #FLOW_CONTROLS_CHANNEL}, where the trigger
 * of {@code procrastinate_java_flow_controls} tells of a queue resumed or a limit changed.
 *
 * <p>It also listens on a channel of its own, on which {@link #stop()} notifies it: a read of the
 * socket cannot be interrupted, and without it a stopping worker would wait for the read's timeout.
 */
final class Listener implements Runnable {
  private static final Logger LOG = LoggerFactory.getLogger("procrastinate.worker");

  /** Upstream's silence before a liveness check. */
  static final long LIVENESS_CHECK_MILLIS = 30_000;

  private final String workerName;
  private final Database database;

  /** The channel on which {@code procrastinate_java_flow_controls}'s trigger notifies changes. */
  static final String FLOW_CONTROLS_CHANNEL = "procrastinate_java_flow_controls_v1";

  private final List<String> channels;
  private final String wakeChannel =
      "procrastinate_java_wake_" + UUID.randomUUID().toString().replace("-", "");
  private final ObjectMapper json;
  private final WorkSignals work;
  private final AbortRequests aborts;
  private volatile boolean stopping;
  private volatile @Nullable Connection connection;
  private volatile @Nullable PromptNotifications prompt;

  /**
   * Creates the listener; nothing runs before {@link #connect()} and its thread.
   *
   * @param context the worker's context (its queues name the channels)
   * @param json the app's JSON mapper, to read payloads
   * @param work told of each {@code job_inserted} notification, and of a reconnection (jobs may
   *     have been deferred, and connections lost, while deaf)
   * @param aborts told of each {@code abort_job_v1} notification
   */
  Listener(WorkerContext context, ObjectMapper json, WorkSignals work, AbortRequests aborts) {
    this.workerName = context.name();
    this.database = context.database();
    this.json = json;
    this.work = work;
    this.aborts = aborts;
    List<String> queues = context.options().queues();
    List<String> names = new ArrayList<>();
    if (queues.isEmpty()) {
      names.add("procrastinate_any_queue_v1");
    } else {
      for (String queue : queues) {
        names.add(NameLimits.QUEUE_CHANNEL_PREFIX + queue);
      }
    }
    names.add(FLOW_CONTROLS_CHANNEL);
    this.channels = List.copyOf(names);
  }

  /**
   * Returns the channels listened to.
   *
   * @return channel names
   */
  List<String> channels() {
    return channels;
  }

  /**
   * Opens the connection and LISTENs, so that no notification sent after this returns is missed.
   *
   * @throws SQLException if PostgreSQL refuses
   */
  void connect() throws SQLException {
    Connection opened = database.dataSource().getConnection();
    try {
      opened.setAutoCommit(true);
      try (Statement statement = opened.createStatement()) {
        for (String channel : channels) {
          statement.execute("LISTEN \"" + channel.replace("\"", "\"\"") + "\"");
        }
        statement.execute("LISTEN " + wakeChannel);
      }
    } catch (SQLException e) {
      closeQuietly(opened, null);
      throw e;
    }
    prompt = PromptNotifications.apply(opened);
    connection = opened;
  }

  /**
   * Asks the loop to end, and wakes it from its wait for notifications. Returns at once; the loop
   * ends after its current read (or backoff), at once when the database answers the wake-up.
   */
  void stop() {
    stopping = true;
    try {
      database.withConnection(
          "waking the notification listener",
          c -> {
            try (PreparedStatement notify = c.prepareStatement("SELECT pg_notify(?, '')")) {
              notify.setString(1, wakeChannel);
              notify.execute();
            }
            return null;
          });
    } catch (RuntimeException e) {
      LOG.debug(
          "{} - cannot wake the listener; it stops after its read: {}", workerName, e.getMessage());
    }
  }

  @Override
  public void run() {
    int failures = 0;
    long silentSince = System.currentTimeMillis();
    while (!stopping) {
      Connection current = connection;
      try {
        if (current == null) {
          connect();
          LOG.info("{} - listening for notifications again on {}", workerName, channels);
          failures = 0;
          silentSince = System.currentTimeMillis();
          // Jobs may have been deferred while deaf, and the loss may have ended other connections
          // of this worker too: look for both now.
          work.connectionLost();
          work.jobsInserted();
          continue;
        }
        PGNotification[] notifications = current.unwrap(PGConnection.class).getNotifications(500);
        if (notifications != null && notifications.length > 0) {
          silentSince = System.currentTimeMillis();
          handle(notifications);
        } else if (System.currentTimeMillis() - silentSince > LIVENESS_CHECK_MILLIS) {
          try (Statement statement = current.createStatement()) {
            statement.execute("SELECT 1");
          }
          silentSince = System.currentTimeMillis();
        }
      } catch (SQLException | RuntimeException e) {
        if (stopping) {
          break;
        }
        if (failures++ == 0) {
          LOG.warn(
              "{} - lost the notification connection, polling until it is back: {}",
              workerName,
              e instanceof SQLException sql ? Database.describeFailure(sql) : e.getMessage());
          LOG.debug("{} - the notification connection's failure", workerName, e);
        }
        if (current != null) {
          closeQuietly(current, prompt);
          connection = null;
        }
        sleep(Backoff.delayMillis(failures));
      }
    }
    Connection last = connection;
    if (last != null) {
      closeQuietly(last, prompt);
      connection = null;
    }
  }

  private void handle(PGNotification[] notifications) {
    boolean inserted = false;
    boolean controls = false;
    for (PGNotification notification : notifications) {
      if (notification.getName().equals(wakeChannel)) {
        continue;
      }
      if (notification.getName().equals(FLOW_CONTROLS_CHANNEL)) {
        controls = true;
        continue;
      }
      JsonNode payload;
      try {
        payload = json.readTree(notification.getParameter());
      } catch (java.io.IOException | RuntimeException e) {
        LOG.warn(
            "{} - ignoring a notification on {} whose payload is not JSON: {}",
            workerName,
            notification.getName(),
            notification.getParameter());
        continue;
      }
      String type = payload.path("type").asText("");
      if ("job_inserted".equals(type)) {
        inserted = true;
      } else if ("abort_job_requested".equals(type) && payload.path("job_id").canConvertToLong()) {
        aborts.abortRequested(payload.path("job_id").asLong());
      }
    }
    if (controls) {
      work.flowControlsChanged();
    }
    if (inserted) {
      work.jobsInserted();
    }
  }

  private void sleep(long millis) {
    try {
      Thread.sleep(millis);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      stopping = true;
    }
  }

  /**
   * Stops listening and gives the connection back. The connection comes from the app's pool, which
   * does not reset LISTEN: left listening, a pooled connection would gather every notification of
   * the queue until some caller's next statement reads them all into its heap.
   */
  private static void closeQuietly(Connection connection, @Nullable PromptNotifications prompt) {
    if (prompt != null) {
      prompt.undo();
    }
    try {
      if (!connection.isClosed()) {
        try (Statement statement = connection.createStatement()) {
          statement.execute("UNLISTEN *");
        }
      }
    } catch (SQLException e) {
      LOG.debug("stopping to listen failed; the connection is closed anyway", e);
    }
    try {
      connection.close();
    } catch (SQLException e) {
      LOG.debug("closing the notification connection failed", e);
    }
  }
}
