package dev.procrastinate.dashboard;

import dev.procrastinate.JobFilter;
import dev.procrastinate.model.JobStatus;
import java.time.Instant;
import java.time.LocalDate;
import java.time.LocalDateTime;
import java.time.OffsetDateTime;
import java.time.ZoneOffset;
import java.time.format.DateTimeParseException;
import java.util.ArrayList;
import java.util.EnumSet;
import java.util.List;
import java.util.Locale;
import java.util.Set;
import java.util.StringJoiner;
import org.jspecify.annotations.Nullable;

/**
 * The job list's filter as it travels in URLs: {@code status} (repeated or comma-separated), {@code
 * queue}, {@code task}, {@code lock}, {@code queueing_lock}, {@code id}, {@code worker} (the jobs
 * it runs: status {@code doing} unless a status is given), {@code failure} (a recorded failure's
 * class or message contains it), {@code from} and {@code to} (the time the job was deferred, UTC),
 * and the page: {@code before} (an id) and {@code limit}. Immutable.
 */
record JobQuery(
    Set<JobStatus> statuses,
    @Nullable String queue,
    @Nullable String task,
    @Nullable String lock,
    @Nullable String queueingLock,
    @Nullable Long id,
    @Nullable Long worker,
    @Nullable String failure,
    @Nullable Instant from,
    @Nullable Instant to,
    @Nullable Long before,
    int limit) {

  static final int DEFAULT_LIMIT = 50;
  static final int MAX_LIMIT = 500;

  JobQuery {
    statuses = statuses.isEmpty() ? Set.of() : Set.copyOf(EnumSet.copyOf(statuses));
  }

  static JobQuery parse(QueryString query) {
    Set<JobStatus> statuses = EnumSet.noneOf(JobStatus.class);
    for (String status : query.all("status")) {
      try {
        statuses.add(JobStatus.fromDb(status.toLowerCase(Locale.ROOT)));
      } catch (IllegalArgumentException e) {
        throw HttpProblem.badRequest(
            "Parameter 'status' must be one of todo, doing, succeeded, failed, cancelled,"
                + " aborting, aborted; got '"
                + status
                + "'.");
      }
    }
    Instant from = instant(query, "from");
    Instant to = instant(query, "to");
    if (from != null && to != null && to.isBefore(from)) {
      throw HttpProblem.badRequest(
          "Parameter 'to' (" + to + ") is before parameter 'from' (" + from + "); swap them.");
    }
    Long limit = number(query, "limit");
    if (limit != null && (limit < 1 || limit > MAX_LIMIT)) {
      throw HttpProblem.badRequest(
          "Parameter 'limit' must be between 1 and " + MAX_LIMIT + "; got " + limit + ".");
    }
    return new JobQuery(
        statuses,
        query.first("queue"),
        query.first("task"),
        query.first("lock"),
        query.first("queueing_lock"),
        number(query, "id"),
        number(query, "worker"),
        query.first("failure"),
        from,
        to,
        number(query, "before"),
        limit == null ? DEFAULT_LIMIT : limit.intValue());
  }

  static JobQuery none() {
    return new JobQuery(
        Set.of(), null, null, null, null, null, null, null, null, null, null, DEFAULT_LIMIT);
  }

  private static @Nullable Long number(QueryString query, String name) {
    String value = query.first(name);
    if (value == null) {
      return null;
    }
    try {
      long number = Long.parseLong(value);
      if (number < 0) {
        throw new NumberFormatException();
      }
      return number;
    } catch (NumberFormatException e) {
      throw HttpProblem.badRequest(
          "Parameter '" + name + "' must be a whole number of 0 or more; got '" + value + "'.");
    }
  }

  private static @Nullable Instant instant(QueryString query, String name) {
    String value = query.first(name);
    if (value == null) {
      return null;
    }
    String text = value.replace(' ', 'T');
    try {
      return OffsetDateTime.parse(text).toInstant();
    } catch (DateTimeParseException notOffset) {
      try {
        return LocalDateTime.parse(text).toInstant(ZoneOffset.UTC);
      } catch (DateTimeParseException notLocal) {
        try {
          return LocalDate.parse(text).atStartOfDay().toInstant(ZoneOffset.UTC);
        } catch (DateTimeParseException notDate) {
          throw HttpProblem.badRequest(
              "Parameter '"
                  + name
                  + "' must be a time such as 2026-01-31T12:00 (UTC) or"
                  + " 2026-01-31T12:00:00+01:00; got '"
                  + value
                  + "'.");
        }
      }
    }
  }

  /** Returns the filter for {@code JobManager}, newest first, paged. */
  JobFilter filter() {
    JobFilter filter = criteria();
    return filter.beforeId(before == null ? Long.MAX_VALUE : before).limit(limit);
  }

  /** Returns the criteria without paging, for counts and bulk actions. */
  JobFilter criteria() {
    JobFilter filter = JobFilter.all().statusIn(statuses);
    if (queue != null) {
      filter = filter.queue(queue);
    }
    if (task != null) {
      filter = filter.task(task);
    }
    if (lock != null) {
      filter = filter.lock(lock);
    }
    if (queueingLock != null) {
      filter = filter.queueingLock(queueingLock);
    }
    if (id != null) {
      filter = filter.id(id);
    }
    if (worker != null) {
      // A worker's running jobs, through the contract's index on running jobs' worker_id.
      filter = filter.workerId(worker);
      if (statuses.isEmpty()) {
        filter = filter.status(JobStatus.DOING);
      }
    }
    if (failure != null && !failure.isBlank()) {
      filter = filter.failure(failure);
    }
    if (from != null || to != null) {
      filter = filter.deferredBetween(from, to);
    }
    return filter;
  }

  boolean hasCriteria() {
    return !statuses.isEmpty()
        || queue != null
        || task != null
        || lock != null
        || queueingLock != null
        || id != null
        || worker != null
        || failure != null
        || from != null
        || to != null;
  }

  JobQuery withBefore(@Nullable Long before) {
    return new JobQuery(
        statuses, queue, task, lock, queueingLock, id, worker, failure, from, to, before, limit);
  }

  JobQuery withStatuses(Set<JobStatus> statuses) {
    return new JobQuery(
        statuses, queue, task, lock, queueingLock, id, worker, failure, from, to, null, limit);
  }

  /** Returns the query string of the criteria, and of the page if asked, without {@code ?}. */
  String toQueryString(boolean withPage) {
    List<String> parts = new ArrayList<>();
    if (!statuses.isEmpty()) {
      StringJoiner joined = new StringJoiner(",");
      statuses.stream().sorted().forEach(status -> joined.add(status.dbValue()));
      parts.add("status=" + QueryString.encode(joined.toString()));
    }
    add(parts, "queue", queue);
    add(parts, "task", task);
    add(parts, "lock", lock);
    add(parts, "queueing_lock", queueingLock);
    add(parts, "id", id);
    add(parts, "worker", worker);
    add(parts, "failure", failure);
    add(parts, "from", from);
    add(parts, "to", to);
    if (withPage) {
      add(parts, "before", before);
    }
    if (limit != DEFAULT_LIMIT) {
      add(parts, "limit", limit);
    }
    return String.join("&", parts);
  }

  private static void add(List<String> parts, String name, @Nullable Object value) {
    if (value != null) {
      parts.add(name + "=" + QueryString.encode(String.valueOf(value)));
    }
  }

  /** Describes the criteria in words, for confirmation pages. */
  String describe() {
    List<String> parts = new ArrayList<>();
    if (!statuses.isEmpty()) {
      StringJoiner joined = new StringJoiner(" or ");
      statuses.stream().sorted().forEach(status -> joined.add(status.dbValue()));
      parts.add("status " + joined);
    }
    describe(parts, "queue", queue);
    describe(parts, "task", task);
    describe(parts, "lock", lock);
    describe(parts, "queueing lock", queueingLock);
    describe(parts, "id", id);
    describe(parts, "worker", worker);
    if (worker != null && statuses.isEmpty()) {
      parts.add("running");
    }
    if (failure != null) {
      parts.add("a failure with '" + failure + "'");
    }
    if (from != null) {
      parts.add("deferred from " + Format.instant(from));
    }
    if (to != null) {
      parts.add("deferred before " + Format.instant(to));
    }
    return parts.isEmpty() ? "all jobs" : String.join(", ", parts);
  }

  private static void describe(List<String> parts, String name, @Nullable Object value) {
    if (value != null) {
      parts.add(name + " " + value);
    }
  }
}
