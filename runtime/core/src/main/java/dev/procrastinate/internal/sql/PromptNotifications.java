package dev.procrastinate.internal.sql;

import java.lang.reflect.Field;
import java.sql.Connection;
import java.sql.SQLException;
import org.jspecify.annotations.Nullable;
import org.postgresql.core.BaseConnection;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Lets pgjdbc's {@code getNotifications(timeout)} return as soon as a notification has arrived, on
 * a listening connection (the worker's listener, the benchmarks' own). Not API.
 *
 * <p>After reading a notification, pgjdbc (42.7) looks for more messages before it returns: {@code
 * PGStream.hasMessagePending()} reads the socket under a 1 ms timeout when no byte is buffered. So
 * every wake-up of the listener came a millisecond after its notification, which was a third of the
 * worker's latency from a defer to the job's start. The check is skipped while the stream's field
 * {@code nextStreamAvailableCheckTime} lies in the future; set far ahead, {@code hasMessagePending}
 * still sees the bytes already received, and a notification still on its way is read by the
 * listener's next call, which blocks until it comes. Nothing else reads that field but that check.
 *
 * <p>The field is the driver's internals, reached by reflection: with another driver version, a
 * connection that is not pgjdbc's, or a module system that refuses the access, nothing is changed
 * (and a debug line says so); the listener then works as before, a millisecond later. The old value
 * is put back before the connection returns to the pool.
 */
public final class PromptNotifications {
  private static final Logger LOG = LoggerFactory.getLogger("procrastinate.worker");

  private final Object stream;
  private final Field nextCheck;
  private final long previous;

  private PromptNotifications(Object stream, Field nextCheck, long previous) {
    this.stream = stream;
    this.nextCheck = nextCheck;
    this.previous = previous;
  }

  /**
   * Makes a listening connection's reads of notifications return at once.
   *
   * @param connection the listening connection
   * @return the change, to undo before the connection is given back; null if nothing was changed
   */
  public static @Nullable PromptNotifications apply(Connection connection) {
    try {
      Object executor = connection.unwrap(BaseConnection.class).getQueryExecutor();
      Field streamField = field(executor.getClass(), "pgStream");
      streamField.setAccessible(true);
      Object stream = streamField.get(executor);
      Field nextCheck = field(stream.getClass(), "nextStreamAvailableCheckTime");
      if (nextCheck.getType() != long.class) {
        throw new NoSuchFieldException("nextStreamAvailableCheckTime is not a long");
      }
      nextCheck.setAccessible(true);
      long previous = nextCheck.getLong(stream);
      nextCheck.setLong(stream, Long.MAX_VALUE);
      return new PromptNotifications(stream, nextCheck, previous);
    } catch (SQLException | ReflectiveOperationException | RuntimeException | LinkageError e) {
      LOG.debug(
          "notifications are read as pgjdbc does by default, up to a millisecond after they come:"
              + " {}",
          e.toString());
      return null;
    }
  }

  /** Puts the driver's value back. */
  public void undo() {
    try {
      nextCheck.setLong(stream, previous);
    } catch (IllegalAccessException | RuntimeException e) {
      LOG.debug("cannot put back the driver's notification check: {}", e.toString());
    }
  }

  private static Field field(Class<?> type, String name) throws NoSuchFieldException {
    for (Class<?> c = type; c != null; c = c.getSuperclass()) {
      try {
        return c.getDeclaredField(name);
      } catch (NoSuchFieldException e) {
        // look in the superclass
      }
    }
    throw new NoSuchFieldException(type.getName() + "." + name);
  }
}
