package dev.procrastinate.internal.sql;

import dev.procrastinate.model.EventRecording;
import java.sql.Connection;
import java.sql.SQLException;
import java.time.Duration;
import java.util.HashMap;
import java.util.Map;

/**
 * Reads and switches which status changes write event rows (see {@link EventRecording}): the state
 * lives in {@code pg_trigger.tgenabled} of the status-event triggers on {@code procrastinate_jobs},
 * switched by {@code procrastinate_java_set_event_recording_v1} (V12). Stateless and thread-safe;
 * every method takes the connection to use and fails with the driver's {@link SQLException}. Not
 * API.
 */
public final class EventRecordingDao {
  /**
   * The status-event triggers on the job table with whether each is enabled (fires in origin mode,
   * {@code O}, or always, {@code A}). No parameters.
   */
  static final String EVENT_TRIGGERS =
      """
      SELECT tgname::text AS name, tgenabled IN ('O', 'A') AS enabled
        FROM pg_trigger
       WHERE tgrelid = 'procrastinate_jobs'::regclass
         AND tgname IN ('%s', '%s', '%s')
      """
          .formatted(
              EventRecording.UPSTREAM_INSERT_TRIGGER,
              EventRecording.UPSTREAM_UPDATE_TRIGGER,
              EventRecording.LEAN_UPDATE_TRIGGER);

  /** Switches the triggers in one statement. Parameters: 1 the mode, 2 the longest wait (s). */
  static final String EVENT_RECORDING_SET =
      "SELECT procrastinate_java_set_event_recording_v1(?, make_interval(secs => ?))";

  /** Creates the DAO. */
  public EventRecordingDao() {}

  /**
   * Reads the triggers' states.
   *
   * @param connection the connection
   * @return the recording now in place; a missing trigger counts as disabled
   * @throws SQLException if the query fails
   */
  public EventRecording read(Connection connection) throws SQLException {
    Map<String, Boolean> enabled = triggers(connection);
    return EventRecording.of(
        enabled.getOrDefault(EventRecording.UPSTREAM_INSERT_TRIGGER, false),
        enabled.getOrDefault(EventRecording.UPSTREAM_UPDATE_TRIGGER, false),
        enabled.getOrDefault(EventRecording.LEAN_UPDATE_TRIGGER, false));
  }

  /**
   * Tells whether the schema has the lean trigger, which migration V12 creates.
   *
   * @param connection the connection
   * @return true if the switch exists
   * @throws SQLException if the query fails
   */
  public boolean switchable(Connection connection) throws SQLException {
    return triggers(connection).containsKey(EventRecording.LEAN_UPDATE_TRIGGER);
  }

  /** The status-event triggers that exist, by name, each with whether it is enabled. */
  private static Map<String, Boolean> triggers(Connection connection) throws SQLException {
    Map<String, Boolean> enabled = new HashMap<>();
    for (Map.Entry<String, Boolean> trigger :
        Jdbc.query(
            connection,
            EVENT_TRIGGERS,
            Jdbc.NO_PARAMETERS,
            row -> Map.entry(row.getString("name"), row.getBoolean("enabled")))) {
      enabled.put(trigger.getKey(), trigger.getValue());
    }
    return enabled;
  }

  /**
   * Switches the triggers to a mode, in the connection's transaction, asking for the job table's
   * brief lock with a 100 ms timeout until {@code maxWait} has passed.
   *
   * @param connection the connection
   * @param mode {@link EventRecording.Mode#FULL} or {@link EventRecording.Mode#LEAN}
   * @param maxWait how long to keep asking for the lock
   * @throws SQLException if the lock was not had in time ({@code 55P03}), or the statement fails
   */
  public void set(Connection connection, EventRecording.Mode mode, Duration maxWait)
      throws SQLException {
    Jdbc.execute(
        connection,
        EVENT_RECORDING_SET,
        p -> {
          p.setString(mode.key());
          p.setSeconds(maxWait);
        });
  }
}
