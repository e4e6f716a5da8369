package dev.procrastinate.internal.periodic;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.procrastinate.AlreadyEnqueuedException;
import dev.procrastinate.ProcrastinateException;
import dev.procrastinate.internal.registry.TaskRegistry;
import dev.procrastinate.internal.sql.Database;
import dev.procrastinate.internal.sql.JobDao;
import dev.procrastinate.spi.PeriodicSchedule;
import dev.procrastinate.spi.TaskDescriptor;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Objects;
import java.util.Optional;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import org.jspecify.annotations.Nullable;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.slf4j.MDC;

/**
 * The worker's periodic deferrer, as upstream's: for every schedule of every task it defers each
 * cron tick through {@code procrastinate_defer_periodic_job_v2}, which claims (task, periodic id,
 * tick) so that a tick is deferred once however many workers run. The first round defers only the
 * latest past tick, and only if it is at most {@code maxDelay} old; later rounds defer every tick
 * since the last one. A job's args are the schedule's plus {@code "timestamp"}, the tick in epoch
 * seconds. A queueing-lock clash skips the tick. Between rounds it sleeps until the next tick plus
 * half a second, or until {@link #stop()}. Run it on its own thread; {@link #stop()} is
 * thread-safe, the rest is confined to that thread.
 */
public final class PeriodicDeferrer implements Runnable {
  /** How old the latest tick may be for the first round to defer it: upstream's 600 s. */
  public static final Duration DEFAULT_MAX_DELAY = Duration.ofSeconds(600);

  private static final Logger LOG = LoggerFactory.getLogger("procrastinate.periodic");
  private static final Duration MARGIN = Duration.ofMillis(500);
  private static final Duration IDLE = Duration.ofHours(1);
  private static final long MAX_BACKOFF_MILLIS = 10_000;

  private final String name;
  private final Database database;
  private final JobDao dao;
  private final Clock clock;
  private final Duration maxDelay;
  private final List<Schedule> schedules;
  private final CountDownLatch stopped = new CountDownLatch(1);
  private int failures;

  /** One schedule of one task, with the last tick this deferrer handled. */
  private static final class Schedule {
    final TaskDescriptor task;
    final PeriodicSchedule periodic;
    final CronSchedule cron;
    final ObjectNode args;
    @Nullable Instant last;

    Schedule(TaskDescriptor task, PeriodicSchedule periodic, CronSchedule cron, ObjectNode args) {
      this.task = task;
      this.periodic = periodic;
      this.cron = cron;
      this.args = args;
    }
  }

  /**
   * Prepares a deferrer for every schedule of every task of a registry.
   *
   * @param name the worker's name, for logs
   * @param database the database
   * @param dao the statements
   * @param registry the tasks
   * @param json the app's JSON mapper, to read the schedules' args
   * @param clock the clock that tells ticks apart, UTC or not (ticks are UTC)
   * @param maxDelay how old the latest tick may be for the first round to defer it
   * @throws IllegalArgumentException if a schedule's cron expression or args are invalid, naming
   *     the task
   */
  public PeriodicDeferrer(
      String name,
      Database database,
      JobDao dao,
      TaskRegistry registry,
      ObjectMapper json,
      Clock clock,
      Duration maxDelay) {
    this.name = Objects.requireNonNull(name, "name");
    this.database = Objects.requireNonNull(database, "database");
    this.dao = Objects.requireNonNull(dao, "dao");
    this.clock = Objects.requireNonNull(clock, "clock");
    this.maxDelay = Objects.requireNonNull(maxDelay, "maxDelay");
    if (maxDelay.isNegative()) {
      throw new IllegalArgumentException("periodic max delay must not be negative: " + maxDelay);
    }
    List<Schedule> all = new ArrayList<>();
    for (TaskDescriptor task : registry.tasks()) {
      for (PeriodicSchedule periodic : task.periodicSchedules()) {
        all.add(new Schedule(task, periodic, cron(task, periodic), args(task, periodic, json)));
      }
    }
    this.schedules = List.copyOf(all);
  }

  /**
   * Tells whether any task of a registry has a schedule, that is whether a deferrer is needed.
   *
   * @param registry the tasks
   * @return true if some task is periodic
   */
  public static boolean hasSchedules(TaskRegistry registry) {
    return registry.tasks().stream().anyMatch(task -> !task.periodicSchedules().isEmpty());
  }

  private static CronSchedule cron(TaskDescriptor task, PeriodicSchedule periodic) {
    try {
      return CronSchedule.parse(periodic.cron());
    } catch (IllegalArgumentException e) {
      throw new IllegalArgumentException(
          "task " + task.name() + " from " + task.source() + ": " + e.getMessage(), e);
    }
  }

  private static ObjectNode args(
      TaskDescriptor task, PeriodicSchedule periodic, ObjectMapper json) {
    JsonNode tree;
    try {
      tree = json.readTree(periodic.argsJson().isBlank() ? "{}" : periodic.argsJson());
    } catch (JsonProcessingException e) {
      tree = null;
    }
    if (!(tree instanceof ObjectNode object)) {
      throw new IllegalArgumentException(
          "task "
              + task.name()
              + " from "
              + task.source()
              + ": the args of periodic schedule "
              + periodic
              + " are not a JSON object");
    }
    return object;
  }

  /** Asks the loop to end; returns at once. */
  public void stop() {
    stopped.countDown();
  }

  @Override
  public void run() {
    MDC.put("worker", name);
    LOG.info("{} - periodic deferrer started for {} schedules", name, schedules.size());
    try {
      while (stopped.getCount() > 0) {
        Instant wake;
        try {
          wake = deferDueTicks();
        } catch (RuntimeException e) {
          LOG.error("{} - periodic deferrer failed, going on", name, e);
          wake = clock.instant().plusSeconds(1);
        }
        long millis = Math.max(0, Duration.between(clock.instant(), wake).toMillis());
        if (stopped.await(millis, TimeUnit.MILLISECONDS)) {
          break;
        }
      }
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
    }
    LOG.info("{} - periodic deferrer stopped", name);
  }

  /**
   * Runs one round: defers every tick that is due, as of the clock.
   *
   * @return when to run the next round: the next tick plus a margin, or sooner after a database
   *     failure
   */
  Instant deferDueTicks() {
    Instant now = clock.instant();
    boolean failed = false;
    for (Schedule schedule : schedules) {
      for (Instant tick : dueTicks(schedule, now)) {
        if (!defer(schedule, tick)) {
          failed = true;
          break;
        }
        schedule.last = tick;
      }
    }
    if (failed) {
      failures++;
      long backoff = Math.min(MAX_BACKOFF_MILLIS, 500L << Math.min(failures, 5));
      return now.plusMillis(backoff);
    }
    if (failures > 0) {
      LOG.info("{} - periodic deferrer reaches the database again", name);
      failures = 0;
    }
    Instant next = null;
    for (Schedule schedule : schedules) {
      Optional<Instant> tick = schedule.cron.next(now);
      if (tick.isPresent() && (next == null || tick.get().isBefore(next))) {
        next = tick.get();
      }
    }
    return next == null ? now.plus(IDLE) : next.plus(MARGIN);
  }

  /** The ticks to defer now: croniter semantics, first round within max delay only. */
  private List<Instant> dueTicks(Schedule schedule, Instant now) {
    Instant last = schedule.last;
    if (last == null) {
      Optional<Instant> latest = schedule.cron.latestAtOrBefore(now);
      if (latest.isEmpty()) {
        return List.of();
      }
      Duration delay = Duration.between(latest.get(), now);
      if (delay.compareTo(maxDelay) > 0) {
        LOG.debug(
            "{} - ignoring tick {} of periodic task {}: {} s late, more than the max delay {}",
            name,
            latest.get().getEpochSecond(),
            schedule.task.name(),
            delay.toSeconds(),
            maxDelay);
        return List.of();
      }
      return List.of(latest.get());
    }
    List<Instant> ticks = new ArrayList<>();
    Optional<Instant> tick = schedule.cron.next(last);
    while (tick.isPresent() && !tick.get().isAfter(now)) {
      ticks.add(tick.get());
      tick = schedule.cron.next(tick.get());
    }
    return ticks;
  }

  /** Defers one tick; false if the database failed, so that the tick is tried again. */
  private boolean defer(Schedule schedule, Instant tick) {
    TaskDescriptor task = schedule.task;
    long timestamp = tick.getEpochSecond();
    ObjectNode args = schedule.args.deepCopy();
    args.put("timestamp", timestamp);
    JobDao.Row row =
        new JobDao.Row(
            task.queue(),
            task.name(),
            task.priority(),
            task.lock().orElse(null),
            task.queueingLock().orElse(null),
            args.toString(),
            null);
    String periodicId = schedule.periodic.periodicId();
    try {
      Optional<Long> id =
          database.withConnection(
              "deferring periodic task " + task.name() + " for timestamp " + timestamp,
              c -> dao.deferPeriodic(c, row, periodicId, timestamp));
      if (id.isPresent()) {
        LOG.info(
            "{} - periodic task {} deferred for timestamp {} with id {}",
            name,
            task.name(),
            timestamp,
            id.get());
      } else {
        LOG.debug(
            "{} - periodic task {} already deferred for timestamp {}",
            name,
            task.name(),
            timestamp);
      }
      return true;
    } catch (AlreadyEnqueuedException e) {
      LOG.info(
          "{} - periodic task {} skipped for timestamp {}: a job with queueing lock {} is already"
              + " waiting",
          name,
          task.name(),
          timestamp,
          task.queueingLock().orElse("?"));
      return true;
    } catch (ProcrastinateException e) {
      if (failures == 0) {
        LOG.warn(
            "{} - cannot defer periodic task {} for timestamp {}, retrying with backoff: {}",
            name,
            task.name(),
            timestamp,
            e.getMessage());
      }
      return false;
    }
  }
}
