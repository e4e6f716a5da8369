package dev.procrastinate.test;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.procrastinate.model.ProcrastinateJob;
import java.lang.reflect.Field;
import java.lang.reflect.Modifier;
import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import org.jspecify.annotations.Nullable;

/**
 * What a deferred job is expected to look like, for {@link TestJobs}: its task, and optionally its
 * arguments, queue, lock, queueing lock, priority and schedule. Immutable; each method returns a
 * new match.
 *
 * <pre>{@code
 * JobMatch.task(SendWelcomeDeferrer.class).args(Map.of("user_id", 42)).queue("emails")
 * }</pre>
 */
public final class JobMatch {
  private final @Nullable String task;
  private final @Nullable Map<String, ?> args;
  private final @Nullable String argsJson;
  private final Map<String, @Nullable Object> fields;
  private final @Nullable Instant scheduledFrom;
  private final @Nullable Instant scheduledTo;

  private JobMatch(
      @Nullable String task,
      @Nullable Map<String, ?> args,
      @Nullable String argsJson,
      Map<String, @Nullable Object> fields,
      @Nullable Instant scheduledFrom,
      @Nullable Instant scheduledTo) {
    this.task = task;
    this.args = args;
    this.argsJson = argsJson;
    this.fields = fields;
    this.scheduledFrom = scheduledFrom;
    this.scheduledTo = scheduledTo;
  }

  /**
   * Matches every job.
   *
   * @return the match
   */
  public static JobMatch any() {
    return new JobMatch(null, null, null, Map.of(), null, null);
  }

  /**
   * Matches the jobs of a task given by its persisted name.
   *
   * @param taskName the name, such as {@code SendWelcomeDeferrer.TASK_NAME}
   * @return the match
   */
  public static JobMatch task(String taskName) {
    return new JobMatch(
        Objects.requireNonNull(taskName, "taskName"), null, null, Map.of(), null, null);
  }

  /**
   * Matches the jobs of the task a generated deferrer defers.
   *
   * @param deferrer the generated {@code <Method>Deferrer} class
   * @return the match
   * @throws IllegalArgumentException if the class has no {@code TASK_NAME} constant
   */
  public static JobMatch task(Class<?> deferrer) {
    return task(taskName(deferrer));
  }

  /**
   * Reads the task name of a generated deferrer.
   *
   * @param deferrer the generated {@code <Method>Deferrer} class
   * @return its {@code TASK_NAME}
   * @throws IllegalArgumentException if the class has no {@code TASK_NAME} constant
   */
  static String taskName(Class<?> deferrer) {
    try {
      Field field = deferrer.getField("TASK_NAME");
      if (Modifier.isStatic(field.getModifiers()) && field.getType() == String.class) {
        return (String) Objects.requireNonNull(field.get(null));
      }
    } catch (NoSuchFieldException | IllegalAccessException e) {
      // reported below
    }
    throw new IllegalArgumentException(
        deferrer.getName()
            + " is not a generated deferrer: it has no public static String TASK_NAME; pass the"
            + " <Method>Deferrer class the annotation processor generated, or the task's name");
  }

  /**
   * Also requires these arguments, exactly: the map is written to JSON with the app's mapper, as a
   * deferrer writes arguments, and compared with the job's JSON.
   *
   * @param expected argument values by name
   * @return a new match
   */
  public JobMatch args(Map<String, ?> expected) {
    return new JobMatch(
        task,
        new LinkedHashMap<>(Objects.requireNonNull(expected, "expected")),
        null,
        fields,
        scheduledFrom,
        scheduledTo);
  }

  /**
   * Also requires these arguments, exactly, given as a JSON object.
   *
   * @param expected the JSON object, such as {@code {"user_id": 42}}
   * @return a new match
   */
  public JobMatch argsJson(String expected) {
    return new JobMatch(
        task,
        null,
        Objects.requireNonNull(expected, "expected"),
        fields,
        scheduledFrom,
        scheduledTo);
  }

  /**
   * Also requires this queue.
   *
   * @param queue the queue name
   * @return a new match
   */
  public JobMatch queue(String queue) {
    return with("queue", Objects.requireNonNull(queue, "queue"));
  }

  /**
   * Also requires this lock, or none when null.
   *
   * @param lock the lock, or null for a job without lock
   * @return a new match
   */
  public JobMatch lock(@Nullable String lock) {
    return with("lock", lock);
  }

  /**
   * Also requires this queueing lock, or none when null.
   *
   * @param queueingLock the queueing lock, or null for a job without one
   * @return a new match
   */
  public JobMatch queueingLock(@Nullable String queueingLock) {
    return with("queueing_lock", queueingLock);
  }

  /**
   * Also requires this priority.
   *
   * @param priority the priority
   * @return a new match
   */
  public JobMatch priority(int priority) {
    return with("priority", priority);
  }

  /**
   * Also requires the job to be scheduled at this instant (to the microsecond PostgreSQL keeps).
   *
   * @param at the instant
   * @return a new match
   */
  public JobMatch scheduledAt(Instant at) {
    Instant micros = at.truncatedTo(ChronoUnit.MICROS);
    return new JobMatch(task, args, argsJson, fields, micros, micros.plusNanos(1_000));
  }

  /**
   * Also requires the job to be scheduled within {@code [from, to)}, for a schedule relative to the
   * moment the code under test ran ({@code scheduleIn}).
   *
   * @param from the earliest instant
   * @param to the instant it must be before
   * @return a new match
   */
  public JobMatch scheduledBetween(Instant from, Instant to) {
    return new JobMatch(
        task,
        args,
        argsJson,
        fields,
        Objects.requireNonNull(from, "from"),
        Objects.requireNonNull(to, "to"));
  }

  /**
   * Also requires the job to have no schedule: due as soon as it is deferred.
   *
   * @return a new match
   */
  public JobMatch notScheduled() {
    return with("scheduled_at", null);
  }

  private JobMatch with(String field, @Nullable Object value) {
    Map<String, @Nullable Object> more = new LinkedHashMap<>(fields);
    more.put(field, value);
    return new JobMatch(task, args, argsJson, more, scheduledFrom, scheduledTo);
  }

  /**
   * Returns the task name this match requires, or null for any.
   *
   * @return the task name
   */
  public @Nullable String taskName() {
    return task;
  }

  /**
   * Says whether a job matches, and if not, why.
   *
   * @param job the job
   * @param mapper the app's JSON mapper
   * @return the mismatches, empty when the job matches
   */
  List<String> mismatches(ProcrastinateJob job, ObjectMapper mapper) {
    List<String> wrong = new ArrayList<>();
    if (task != null && !task.equals(job.taskName())) {
      wrong.add("task " + job.taskName());
    }
    JsonNode expectedArgs = expectedArgs(mapper);
    if (expectedArgs != null) {
      JsonNode actual;
      try {
        actual = mapper.readTree(job.argsJson());
      } catch (JsonProcessingException e) {
        throw new IllegalStateException("job " + job.id() + " has args that are not JSON", e);
      }
      if (!expectedArgs.equals(actual)) {
        wrong.add("args " + actual);
      }
    }
    for (Map.Entry<String, @Nullable Object> field : fields.entrySet()) {
      Object actual =
          switch (field.getKey()) {
            case "queue" -> job.queueName();
            case "lock" -> job.lock();
            case "queueing_lock" -> job.queueingLock();
            case "priority" -> job.priority();
            case "scheduled_at" -> job.scheduledAt();
            default -> throw new IllegalStateException(field.getKey());
          };
      if (!Objects.equals(field.getValue(), actual)) {
        wrong.add(field.getKey() + " " + actual);
      }
    }
    if (scheduledFrom != null && scheduledTo != null) {
      Instant at = job.scheduledAt();
      if (at == null || at.isBefore(scheduledFrom) || !at.isBefore(scheduledTo)) {
        wrong.add("scheduled_at " + at);
      }
    }
    return wrong;
  }

  private @Nullable JsonNode expectedArgs(ObjectMapper mapper) {
    try {
      if (args != null) {
        return mapper.readTree(mapper.writeValueAsString(args));
      }
      if (argsJson != null) {
        return mapper.readTree(argsJson);
      }
      return null;
    } catch (JsonProcessingException e) {
      throw new IllegalArgumentException(
          "the expected arguments cannot be written or read as JSON: " + e.getOriginalMessage(), e);
    }
  }

  /**
   * Describes the match, such as {@code task=mail.send, args={"user_id":42}, queue=emails}.
   *
   * @return the description
   */
  @Override
  public String toString() {
    List<String> parts = new ArrayList<>();
    parts.add("task=" + (task == null ? "any" : task));
    if (args != null) {
      parts.add("args=" + args);
    }
    if (argsJson != null) {
      parts.add("args=" + argsJson);
    }
    fields.forEach((key, value) -> parts.add(key + "=" + value));
    if (scheduledFrom != null) {
      parts.add("scheduled_at in [" + scheduledFrom + ", " + scheduledTo + ")");
    }
    return String.join(", ", parts);
  }
}
