package dev.procrastinate;

import dev.procrastinate.model.JobStatus;
import java.time.Instant;
import java.util.Collections;
import java.util.EnumSet;
import java.util.Objects;
import java.util.Set;
import org.jspecify.annotations.Nullable;

/**
 * Which jobs to list or count: every criterion that is set must match. Immutable and thread-safe;
 * start from {@link #all()} and narrow with the {@code with}-style methods, each returning a new
 * filter.
 *
 * <p>Two time criteria exist: {@link #scheduledBetween} on the job's {@code scheduled_at} (jobs
 * without one never match it), and {@link #deferredBetween} on the time of the job's {@code
 * deferred} event, written when the job was inserted. Both ranges include their start and exclude
 * their end; a null bound is open.
 *
 * <p>Listed jobs are ordered by id. Paging is by id (keyset paging): {@link #afterId(long)} with
 * the last id of the previous page, and {@link #limit(int)} rows per page. To list the newest jobs
 * first, set {@link #beforeId(long)} ({@link Long#MAX_VALUE} for the first page, then the last id
 * of the previous page). Counting ignores all three.
 */
public final class JobFilter {
  /** The default number of rows returned. */
  public static final int DEFAULT_LIMIT = 1000;

  private static final JobFilter ALL = new JobFilter();

  private @Nullable Long id;
  private @Nullable String queue;
  private @Nullable String task;
  private Set<JobStatus> statuses = Set.of();
  private @Nullable String lock;
  private @Nullable String queueingLock;
  private @Nullable Long workerId;
  private @Nullable String failure;
  private @Nullable Instant scheduledFrom;
  private @Nullable Instant scheduledTo;
  private @Nullable Instant deferredFrom;
  private @Nullable Instant deferredTo;
  private long afterId;
  private @Nullable Long beforeId;
  private int limit = DEFAULT_LIMIT;

  private JobFilter() {}

  private JobFilter copy() {
    JobFilter copy = new JobFilter();
    copy.id = id;
    copy.queue = queue;
    copy.task = task;
    copy.statuses = statuses;
    copy.lock = lock;
    copy.queueingLock = queueingLock;
    copy.workerId = workerId;
    copy.failure = failure;
    copy.scheduledFrom = scheduledFrom;
    copy.scheduledTo = scheduledTo;
    copy.deferredFrom = deferredFrom;
    copy.deferredTo = deferredTo;
    copy.afterId = afterId;
    copy.beforeId = beforeId;
    copy.limit = limit;
    return copy;
  }

  /**
   * Returns the filter that matches every job (first {@value #DEFAULT_LIMIT} by id).
   *
   * @return the filter
   */
  public static JobFilter all() {
    return ALL;
  }

  /**
   * Matches one job id.
   *
   * @param id the job id
   * @return a new filter
   */
  public JobFilter id(long id) {
    JobFilter copy = copy();
    copy.id = id;
    return copy;
  }

  /**
   * Matches a queue.
   *
   * @param queue the queue name
   * @return a new filter
   */
  public JobFilter queue(String queue) {
    JobFilter copy = copy();
    copy.queue = Objects.requireNonNull(queue, "queue");
    return copy;
  }

  /**
   * Matches a task name.
   *
   * @param task the task name
   * @return a new filter
   */
  public JobFilter task(String task) {
    JobFilter copy = copy();
    copy.task = Objects.requireNonNull(task, "task");
    return copy;
  }

  /**
   * Matches one status.
   *
   * @param status the status
   * @return a new filter
   */
  public JobFilter status(JobStatus status) {
    return statusIn(Set.of(Objects.requireNonNull(status, "status")));
  }

  /**
   * Matches any of these statuses.
   *
   * @param statuses the statuses; none matches every status
   * @return a new filter
   */
  public JobFilter statusIn(JobStatus... statuses) {
    return statusIn(Set.of(statuses));
  }

  /**
   * Matches any of these statuses.
   *
   * @param statuses the statuses; empty matches every status
   * @return a new filter
   */
  public JobFilter statusIn(Set<JobStatus> statuses) {
    JobFilter copy = copy();
    copy.statuses =
        statuses.isEmpty()
            ? Set.of()
            : Collections.unmodifiableSet(EnumSet.copyOf(Objects.requireNonNull(statuses)));
    return copy;
  }

  /**
   * Matches a lock.
   *
   * @param lock the lock
   * @return a new filter
   */
  public JobFilter lock(String lock) {
    JobFilter copy = copy();
    copy.lock = Objects.requireNonNull(lock, "lock");
    return copy;
  }

  /**
   * Matches a queueing lock.
   *
   * @param queueingLock the queueing lock
   * @return a new filter
   */
  public JobFilter queueingLock(String queueingLock) {
    JobFilter copy = copy();
    copy.queueingLock = Objects.requireNonNull(queueingLock, "queueingLock");
    return copy;
  }

  /**
   * Matches the worker running the job (its {@code worker_id}).
   *
   * @param workerId the worker id
   * @return a new filter
   */
  public JobFilter workerId(long workerId) {
    JobFilter copy = copy();
    copy.workerId = workerId;
    return copy;
  }

  /**
   * Matches jobs with a recorded failure (see {@link JobManager#failures(long)}) whose exception
   * class name or message contains a text, whatever its case: {@code "TimeoutException"} or {@code
   * "card declined"}. A job run only by Python workers has no record, so it never matches.
   *
   * @param text the text to look for
   * @return a new filter
   * @throws IllegalArgumentException if the text is blank
   */
  public JobFilter failure(String text) {
    if (text.isBlank()) {
      throw new IllegalArgumentException("a failure filter needs a text to look for");
    }
    JobFilter copy = copy();
    copy.failure = text;
    return copy;
  }

  /**
   * Matches jobs whose {@code scheduled_at} is in {@code [from, to)}. Jobs due at once (no {@code
   * scheduled_at}) do not match.
   *
   * @param from the earliest instant, or null for no lower bound
   * @param to the instant before which, or null for no upper bound
   * @return a new filter
   * @throws IllegalArgumentException if {@code to} is before {@code from}
   */
  public JobFilter scheduledBetween(@Nullable Instant from, @Nullable Instant to) {
    checkRange("scheduledBetween", from, to);
    JobFilter copy = copy();
    copy.scheduledFrom = from;
    copy.scheduledTo = to;
    return copy;
  }

  /**
   * Matches jobs whose {@code deferred} event (written when the job was inserted) is in {@code
   * [from, to)}.
   *
   * @param from the earliest instant, or null for no lower bound
   * @param to the instant before which, or null for no upper bound
   * @return a new filter
   * @throws IllegalArgumentException if {@code to} is before {@code from}
   */
  public JobFilter deferredBetween(@Nullable Instant from, @Nullable Instant to) {
    checkRange("deferredBetween", from, to);
    JobFilter copy = copy();
    copy.deferredFrom = from;
    copy.deferredTo = to;
    return copy;
  }

  private static void checkRange(String name, @Nullable Instant from, @Nullable Instant to) {
    if (from != null && to != null && to.isBefore(from)) {
      throw new IllegalArgumentException(
          name + ": the end (" + to + ") is before the start (" + from + ")");
    }
  }

  /**
   * Starts after this id, for paging.
   *
   * @param afterId the last id of the previous page
   * @return a new filter
   */
  public JobFilter afterId(long afterId) {
    JobFilter copy = copy();
    copy.afterId = afterId;
    return copy;
  }

  /**
   * Lists the jobs newest first, by id descending, starting below this id, for paging backwards
   * through the table; {@link #afterId(long)}, if set, still bounds the ids from below.
   *
   * @param beforeId the last id of the previous page, or {@link Long#MAX_VALUE} for the first
   * @return a new filter
   */
  public JobFilter beforeId(long beforeId) {
    JobFilter copy = copy();
    copy.beforeId = beforeId;
    return copy;
  }

  /**
   * Lists the jobs oldest first again, by id ascending: clears {@link #beforeId(long)}.
   *
   * @return a new filter
   */
  public JobFilter oldestFirst() {
    JobFilter copy = copy();
    copy.beforeId = null;
    return copy;
  }

  /**
   * Returns at most this many jobs.
   *
   * @param limit at least 1
   * @return a new filter
   * @throws IllegalArgumentException if limit is below 1
   */
  public JobFilter limit(int limit) {
    if (limit < 1) {
      throw new IllegalArgumentException("limit must be at least 1, got " + limit);
    }
    JobFilter copy = copy();
    copy.limit = limit;
    return copy;
  }

  /**
   * Returns the id criterion.
   *
   * @return the id, or null
   */
  public @Nullable Long id() {
    return id;
  }

  /**
   * Returns the queue criterion.
   *
   * @return the queue, or null
   */
  public @Nullable String queue() {
    return queue;
  }

  /**
   * Returns the task criterion.
   *
   * @return the task name, or null
   */
  public @Nullable String task() {
    return task;
  }

  /**
   * Returns the status criterion.
   *
   * @return the statuses a job may have; empty for any
   */
  public Set<JobStatus> statuses() {
    return statuses;
  }

  /**
   * Returns the lock criterion.
   *
   * @return the lock, or null
   */
  public @Nullable String lock() {
    return lock;
  }

  /**
   * Returns the queueing lock criterion.
   *
   * @return the queueing lock, or null
   */
  public @Nullable String queueingLock() {
    return queueingLock;
  }

  /**
   * Returns the worker criterion.
   *
   * @return the worker id, or null
   */
  public @Nullable Long workerId() {
    return workerId;
  }

  /**
   * Returns the text a recorded failure of the job must contain.
   *
   * @return the text, or null
   */
  public @Nullable String failure() {
    return failure;
  }

  /**
   * Returns the lower bound of {@code scheduled_at}.
   *
   * @return the instant, or null
   */
  public @Nullable Instant scheduledFrom() {
    return scheduledFrom;
  }

  /**
   * Returns the (excluded) upper bound of {@code scheduled_at}.
   *
   * @return the instant, or null
   */
  public @Nullable Instant scheduledTo() {
    return scheduledTo;
  }

  /**
   * Returns the lower bound of the {@code deferred} event's time.
   *
   * @return the instant, or null
   */
  public @Nullable Instant deferredFrom() {
    return deferredFrom;
  }

  /**
   * Returns the (excluded) upper bound of the {@code deferred} event's time.
   *
   * @return the instant, or null
   */
  public @Nullable Instant deferredTo() {
    return deferredTo;
  }

  /**
   * Returns the id after which listing starts.
   *
   * @return the id, 0 for the start
   */
  public long afterId() {
    return afterId;
  }

  /**
   * Returns the id below which listing starts, newest first.
   *
   * @return the id, or null when jobs are listed oldest first
   */
  public @Nullable Long beforeId() {
    return beforeId;
  }

  /**
   * Returns the maximum number of jobs returned.
   *
   * @return the limit
   */
  public int limit() {
    return limit;
  }

  @Override
  public String toString() {
    StringBuilder out = new StringBuilder("JobFilter[");
    append(out, "id", id);
    append(out, "queue", queue);
    append(out, "task", task);
    append(out, "statuses", statuses.isEmpty() ? null : statuses);
    append(out, "lock", lock);
    append(out, "queueingLock", queueingLock);
    append(out, "workerId", workerId);
    append(out, "failure", failure);
    append(out, "scheduledFrom", scheduledFrom);
    append(out, "scheduledTo", scheduledTo);
    append(out, "deferredFrom", deferredFrom);
    append(out, "deferredTo", deferredTo);
    append(out, "afterId", afterId == 0 ? null : afterId);
    append(out, "beforeId", beforeId);
    append(out, "limit", limit);
    return out.append(']').toString();
  }

  private static void append(StringBuilder out, String name, @Nullable Object value) {
    if (value != null) {
      if (out.charAt(out.length() - 1) != '[') {
        out.append(", ");
      }
      out.append(name).append('=').append(value);
    }
  }
}
