package dev.procrastinate.spi.rules;

import java.nio.charset.StandardCharsets;
import java.util.Objects;
import org.jspecify.annotations.Nullable;

/**
 * The limits the schema puts on queue and task names, and the words that say a name breaks them.
 * The processor reports these words on the {@code @Task} annotation, the runtime in the exception
 * of the call that got the name; each adds where the name came from. Stateless and thread-safe.
 */
public final class NameLimits {
  /** The longest PostgreSQL identifier, and so the longest NOTIFY channel name, in bytes. */
  public static final int MAX_CHANNEL_BYTES = 63;

  /** What the trigger that announces a new job puts before its queue name to make the channel. */
  public static final String QUEUE_CHANNEL_PREFIX = "procrastinate_queue_v1#";

  /**
   * The longest queue name, in UTF-8 bytes: {@value #MAX_CHANNEL_BYTES} bytes of channel name less
   * the 23 of {@value #QUEUE_CHANNEL_PREFIX}.
   */
  public static final int MAX_QUEUE_NAME_BYTES = 40;

  /** The rule a queue name must follow, as a clause to put after what is wrong with it. */
  public static final String QUEUE_NAME_RULE =
      "a queue name must be 1 to "
          + MAX_QUEUE_NAME_BYTES
          + " UTF-8 bytes so that it fits its PostgreSQL NOTIFY channel ("
          + QUEUE_CHANNEL_PREFIX
          + "<queue>)";

  /**
   * The longest task name or alias, in characters: {@code procrastinate_jobs.task_name} and {@code
   * procrastinate_periodic_defers.task_name} are {@code varchar(128)}.
   */
  public static final int MAX_TASK_NAME_LENGTH = 128;

  private NameLimits() {}

  /**
   * Checks a queue name.
   *
   * @param queue the name
   * @return null if it is valid, otherwise what is wrong: {@code "empty"} or e.g. {@code "41 bytes
   *     long"}; {@link #QUEUE_NAME_RULE} says what is allowed
   */
  public static @Nullable String queueNameProblem(String queue) {
    Objects.requireNonNull(queue, "queue");
    if (queue.isEmpty()) {
      return "empty";
    }
    int bytes = queue.getBytes(StandardCharsets.UTF_8).length;
    return bytes > MAX_QUEUE_NAME_BYTES ? bytes + " bytes long" : null;
  }

  /**
   * Checks a task name or alias.
   *
   * @param name the name
   * @return null if it is valid, otherwise what is wrong: {@code "blank"} or e.g. {@code "129
   *     characters long, but procrastinate_jobs.task_name holds at most 128"}
   */
  public static @Nullable String taskNameProblem(String name) {
    Objects.requireNonNull(name, "name");
    if (name.isBlank()) {
      return "blank";
    }
    if (name.length() > MAX_TASK_NAME_LENGTH) {
      return name.length()
          + " characters long, but procrastinate_jobs.task_name holds at most "
          + MAX_TASK_NAME_LENGTH;
    }
    return null;
  }
}
