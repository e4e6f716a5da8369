package dev.procrastinate;

import dev.procrastinate.model.JobStatus;
import org.jspecify.annotations.Nullable;

/**
 * Which jobs to list: every non-null criterion must match. Immutable; start from {@link #all()} and
 * narrow with the {@code with}-style methods, each returning a new filter.
 *
 * <p>Results are ordered by id. Paging is by id: {@link #afterId(long)} with the last id of the
 * previous page, and {@link #limit(int)} rows per page.
 */
public final class JobFilter {
  /** The default number of rows returned. */
  public static final int DEFAULT_LIMIT = 1000;

  private static final JobFilter ALL =
      new JobFilter(null, null, null, null, null, null, null, 0L, DEFAULT_LIMIT);

  private final @Nullable Long id;
  private final @Nullable String queue;
  private final @Nullable String task;
  private final @Nullable JobStatus status;
  private final @Nullable String lock;
  private final @Nullable String queueingLock;
  private final @Nullable Long workerId;
  private final long afterId;
  private final int limit;

  private JobFilter(
      @Nullable Long id,
      @Nullable String queue,
      @Nullable String task,
      @Nullable JobStatus status,
      @Nullable String lock,
      @Nullable String queueingLock,
      @Nullable Long workerId,
      long afterId,
      int limit) {
    this.id = id;
    this.queue = queue;
    this.task = task;
    this.status = status;
    this.lock = lock;
    this.queueingLock = queueingLock;
    this.workerId = workerId;
    this.afterId = afterId;
    this.limit = limit;
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
    return new JobFilter(id, queue, task, status, lock, queueingLock, workerId, afterId, limit);
  }

  /**
   * Matches a queue.
   *
   * @param queue the queue name
   * @return a new filter
   */
  public JobFilter queue(String queue) {
    return new JobFilter(id, queue, task, status, lock, queueingLock, workerId, afterId, limit);
  }

  /**
   * Matches a task name.
   *
   * @param task the task name
   * @return a new filter
   */
  public JobFilter task(String task) {
    return new JobFilter(id, queue, task, status, lock, queueingLock, workerId, afterId, limit);
  }

  /**
   * Matches a status.
   *
   * @param status the status
   * @return a new filter
   */
  public JobFilter status(JobStatus status) {
    return new JobFilter(id, queue, task, status, lock, queueingLock, workerId, afterId, limit);
  }

  /**
   * Matches a lock.
   *
   * @param lock the lock
   * @return a new filter
   */
  public JobFilter lock(String lock) {
    return new JobFilter(id, queue, task, status, lock, queueingLock, workerId, afterId, limit);
  }

  /**
   * Matches a queueing lock.
   *
   * @param queueingLock the queueing lock
   * @return a new filter
   */
  public JobFilter queueingLock(String queueingLock) {
    return new JobFilter(id, queue, task, status, lock, queueingLock, workerId, afterId, limit);
  }

  /**
   * Matches the worker running the job.
   *
   * @param workerId the worker id
   * @return a new filter
   */
  public JobFilter workerId(long workerId) {
    return new JobFilter(id, queue, task, status, lock, queueingLock, workerId, afterId, limit);
  }

  /**
   * Starts after this id, for paging.
   *
   * @param afterId the last id of the previous page
   * @return a new filter
   */
  public JobFilter afterId(long afterId) {
    return new JobFilter(id, queue, task, status, lock, queueingLock, workerId, afterId, limit);
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
    return new JobFilter(id, queue, task, status, lock, queueingLock, workerId, afterId, limit);
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
   * @return the status, or null
   */
  public @Nullable JobStatus status() {
    return status;
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
   * Returns the id after which listing starts.
   *
   * @return the id, 0 for the start
   */
  public long afterId() {
    return afterId;
  }

  /**
   * Returns the maximum number of jobs returned.
   *
   * @return the limit
   */
  public int limit() {
    return limit;
  }
}
