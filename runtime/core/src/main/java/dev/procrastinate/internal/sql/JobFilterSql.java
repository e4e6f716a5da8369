package dev.procrastinate.internal.sql;

import dev.procrastinate.JobFilter;
import dev.procrastinate.model.JobStatus;
import java.sql.SQLException;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;

/**
 * Writes the conditions of a {@link JobFilter} into a statement: one condition per criterion that
 * is set, and nothing for the others, so PostgreSQL plans each combination of criteria on its own
 * and uses the index of a column that is filtered on. The condition texts are the fixed {@code
 * JobSql.JOB_FILTER_*} constants; values are always bound as parameters, never written into the
 * text. Stateless. Not API.
 */
final class JobFilterSql {
  private JobFilterSql() {}

  /**
   * A statement with a filter's conditions in place, and their values.
   *
   * @param sql the statement text
   * @param values one binder per {@code ?} of the conditions, in order
   */
  record Where(String sql, List<Jdbc.Binder> values) {
    Where {
      values = List.copyOf(values);
    }

    /**
     * Binds the values of the conditions, next in the statement's parameters.
     *
     * @param params the statement's parameters
     * @throws SQLException if a value cannot be bound
     */
    void bind(Jdbc.Params params) throws SQLException {
      for (Jdbc.Binder value : values) {
        value.bind(params);
      }
    }
  }

  /**
   * Puts a filter's conditions into a statement, at its {@link JobSql#JOB_FILTER} marker. Paging
   * ({@code afterId}, {@code limit}) is the statement's business.
   *
   * @param statement a statement of {@link JobSql} with the marker
   * @param filter the filter
   * @return the statement to run, with the values to bind at the marker's place
   * @throws IllegalArgumentException if the statement has no marker
   */
  static Where where(String statement, JobFilter filter) {
    if (!statement.contains(JobSql.JOB_FILTER)) {
      throw new IllegalArgumentException("statement has no JobSql.JOB_FILTER marker: " + statement);
    }
    StringBuilder conditions = new StringBuilder();
    List<Jdbc.Binder> values = new ArrayList<>();
    Long id = filter.id();
    if (id != null) {
      conditions.append(JobSql.JOB_FILTER_ID);
      values.add(p -> p.setLong(id)); // id
    }
    String queue = filter.queue();
    if (queue != null) {
      conditions.append(JobSql.JOB_FILTER_QUEUE);
      values.add(p -> p.setString(queue)); // queue_name
    }
    String task = filter.task();
    if (task != null) {
      conditions.append(JobSql.JOB_FILTER_TASK);
      values.add(p -> p.setString(task)); // task_name
    }
    if (!filter.statuses().isEmpty()) {
      List<String> statuses = filter.statuses().stream().map(JobStatus::dbValue).toList();
      conditions.append(JobSql.JOB_FILTER_STATUSES);
      values.add(p -> p.setEnumArray(statuses)); // status = ANY
    }
    String lock = filter.lock();
    if (lock != null) {
      conditions.append(JobSql.JOB_FILTER_LOCK);
      values.add(p -> p.setString(lock)); // lock
    }
    String queueingLock = filter.queueingLock();
    if (queueingLock != null) {
      conditions.append(JobSql.JOB_FILTER_QUEUEING_LOCK);
      values.add(p -> p.setString(queueingLock)); // queueing_lock
    }
    Long workerId = filter.workerId();
    if (workerId != null) {
      conditions.append(JobSql.JOB_FILTER_WORKER_ID);
      values.add(p -> p.setLong(workerId)); // worker_id
    }
    String failure = filter.failure();
    if (failure != null) {
      conditions.append(JobSql.JOB_FILTER_FAILURE);
      values.add(p -> p.setString(failure)); // exception_class
      values.add(p -> p.setString(failure)); // message
    }
    Instant scheduledFrom = filter.scheduledFrom();
    if (scheduledFrom != null) {
      conditions.append(JobSql.JOB_FILTER_SCHEDULED_FROM);
      values.add(p -> p.setTimestamp(scheduledFrom)); // scheduled_at >=
    }
    Instant scheduledTo = filter.scheduledTo();
    if (scheduledTo != null) {
      conditions.append(JobSql.JOB_FILTER_SCHEDULED_TO);
      values.add(p -> p.setTimestamp(scheduledTo)); // scheduled_at <
    }
    Instant deferredFrom = filter.deferredFrom();
    Instant deferredTo = filter.deferredTo();
    if (deferredFrom != null || deferredTo != null) {
      conditions.append(JobSql.JOB_FILTER_DEFERRED);
      if (deferredFrom != null) {
        conditions.append(JobSql.JOB_FILTER_DEFERRED_FROM);
        values.add(p -> p.setTimestamp(deferredFrom)); // deferred event at >=
      }
      if (deferredTo != null) {
        conditions.append(JobSql.JOB_FILTER_DEFERRED_TO);
        values.add(p -> p.setTimestamp(deferredTo)); // deferred event at <
      }
      conditions.append(JobSql.JOB_FILTER_DEFERRED_END);
    }
    return new Where(statement.replace(JobSql.JOB_FILTER, conditions), values);
  }
}
