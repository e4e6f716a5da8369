package dev.procrastinate.internal.worker;

import dev.procrastinate.ProcrastinateException;
import dev.procrastinate.RetryDecision;
import dev.procrastinate.WorkerOptions;
import dev.procrastinate.internal.registry.TaskRegistry;
import dev.procrastinate.internal.sql.Database;
import dev.procrastinate.internal.sql.JobDao;
import dev.procrastinate.internal.sql.WorkerDao;
import dev.procrastinate.model.JobStatus;
import dev.procrastinate.model.ProcrastinateJob;
import dev.procrastinate.spi.TaskDescriptor;
import java.time.Clock;
import java.time.Duration;
import java.util.Arrays;
import java.util.List;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.function.LongSupplier;
import org.jspecify.annotations.Nullable;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The worker's periodic chores. The heartbeat (and registration again when another worker pruned
 * this one) has a thread of its own and a connection of its own, borrowed once and kept: no chore
 * and no task holding every pooled connection can delay it past the lease. Abort polling while jobs
 * run and, with {@code rescueStalledJobs}, the rescue of jobs whose worker went silent share a
 * second thread and borrow from the pool. Each chore logs the first failure of an outage at WARN
 * and goes on.
 *
 * <p>A second thread, the timer, never touches the database, so that a chore stuck on a silent
 * network delays nothing time-critical: it fires per-job timeouts and watches the {@link Lease}
 * that each recorded heartbeat renews. When the lease runs out while jobs run, it asks them to
 * abort ({@link dev.procrastinate.AbortReason#LEASE_EXPIRED}). Not API.
 */
final class Housekeeper {
  private static final Logger LOG = LoggerFactory.getLogger("procrastinate.worker");
  private static final Logger JOBS = LoggerFactory.getLogger("procrastinate.jobs");
  private static final int RESCUE_BATCH = 100;

  private final String name;
  private final WorkerOptions options;
  private final Database database;
  private final JobDao dao;
  private final WorkerDao workers;
  private final Registration registration;
  private final TaskRegistry registry;
  private final HeldJobs held;
  private final Lease lease;
  private final LeaseEvents leaseEvents;
  private final WorkerHooks hooks;
  private final Clock clock;
  private final LongSupplier nanoTime;
  private final ScheduledExecutorService scheduler;
  private final ScheduledExecutorService beats;
  private final ScheduledExecutorService timer;
  private final DedicatedConnection heartbeatConnection;
  private final AtomicBoolean heartbeatOutage = new AtomicBoolean();
  private boolean lapsed;

  /** When the heartbeat in progress began, on the monotonic clock; 0 when none is. */
  private volatile long heartbeatSince;

  /**
   * Creates the housekeeper; nothing runs before {@link #start()}.
   *
   * @param context the worker's context
   * @param registry the tasks the worker knows, whose retry policies decide a rescued job's fate
   * @param registration the worker's registration, which heartbeats renew
   * @param held the jobs held, whose abort requests are polled and which a rescue skips
   * @param lease the worker's lease, renewed by each recorded heartbeat
   * @param leaseEvents told when the lease runs out and when it holds again
   */
  Housekeeper(
      WorkerContext context,
      TaskRegistry registry,
      Registration registration,
      HeldJobs held,
      Lease lease,
      LeaseEvents leaseEvents) {
    this.name = context.name();
    this.options = context.options();
    this.database = context.database();
    this.dao = context.jobs();
    this.workers = context.workers();
    this.hooks = context.hooks();
    this.clock = context.clock();
    this.nanoTime = context.nanoTime();
    this.registration = registration;
    this.registry = registry;
    this.held = held;
    this.lease = lease;
    this.leaseEvents = leaseEvents;
    this.scheduler = daemonScheduler(context, "housekeeper");
    this.beats = daemonScheduler(context, "heartbeat");
    this.timer = daemonScheduler(context, "timer");
    this.heartbeatConnection = new DedicatedConnection(database);
  }

  private static ScheduledExecutorService daemonScheduler(WorkerContext context, String role) {
    return Executors.newSingleThreadScheduledExecutor(runnable -> context.daemon(runnable, role));
  }

  /** Returns the timer thread's scheduler, which fires per-job timeouts. */
  ScheduledExecutorService timer() {
    return timer;
  }

  /**
   * Borrows the heartbeat's own connection, before any task may take the pool's others, and
   * schedules the chores.
   */
  void start() {
    if (!heartbeatConnection.kept()) {
      LOG.warn(
          "{} - the pool has fewer than {} connections: the heartbeat borrows one for each beat"
              + " instead of keeping its own, and tasks that hold every pooled connection can delay"
              + " it past the worker's lease, which stops its jobs; give the pool more connections",
          name,
          DedicatedConnection.MIN_POOL_SIZE);
    }
    try {
      heartbeatConnection.run("opening the heartbeat's connection", c -> null);
    } catch (RuntimeException e) {
      LOG.debug(
          "{} - the heartbeat's connection opens at its first beat: {}", name, e.getMessage());
    }
    long heartbeat = options.updateHeartbeatInterval().toMillis();
    scheduleHeartbeat(heartbeat);
    long abortPolling = options.abortJobPollingInterval().toMillis();
    scheduler.scheduleWithFixedDelay(
        this::pollAborts, abortPolling, abortPolling, TimeUnit.MILLISECONDS);
    if (options.rescueStalledJobs()) {
      // As often as heartbeats, so that a job is rescued within about a heartbeat of its worker
      // going stale, not up to a second stalled timeout later.
      long every = Math.min(options.stalledWorkerTimeout().toMillis(), heartbeat);
      scheduler.scheduleWithFixedDelay(
          this::rescueStalledJobs, Math.min(every, 1_000), every, TimeUnit.MILLISECONDS);
    }
    timer.execute(this::watchLease);
  }

  /** Stops every chore and pending timeout, and gives the heartbeat's connection back. */
  void stop() {
    scheduler.shutdownNow();
    beats.shutdownNow();
    timer.shutdownNow();
    try {
      beats.awaitTermination(5, TimeUnit.SECONDS);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
    }
    heartbeatConnection.close();
  }

  /**
   * On the timer thread, at the lease's end as last known: aborts the running jobs if the lease has
   * run out, once per lapse; then looks again at its new end, or a quarter heartbeat later.
   */
  void watchLease() {
    long remaining = lease.remainingNanos();
    if (remaining > 0) {
      synchronized (this) {
        lapsed = false;
      }
    } else {
      boolean first;
      synchronized (this) {
        first = !lapsed;
        lapsed = true;
      }
      if (first) {
        if (options.fleetRescuesStalledJobs()) {
          LOG.warn(
              "{} - no heartbeat recorded for over {} (the worker's lease): its running jobs are"
                  + " asked to abort, before another worker may rescue them after {} of silence,"
                  + " and nothing is written for them; no job is fetched until a heartbeat is"
                  + " recorded again, when the jobs still marked running for this worker run"
                  + " again",
              name,
              lease.length(),
              options.stalledWorkerTimeout());
        } else {
          LOG.warn(
              "{} - no heartbeat recorded for over {} (the worker's lease): its running jobs go"
                  + " on, as nothing of the fleet rescues stalled jobs (fleetRescuesStalledJobs is"
                  + " off); no job is fetched until a heartbeat is recorded again",
              name,
              lease.length());
        }
        long since = heartbeatSince;
        if (since != 0) {
          LOG.warn(
              "{} - a heartbeat has been waiting for {} ms: for a connection of the pool (tasks"
                  + " may hold every pooled connection) or for the database's answer",
              name,
              TimeUnit.NANOSECONDS.toMillis(nanoTime.getAsLong() - since));
        }
      }
      // Every time, not once: a job dispatched meanwhile must stop as well.
      leaseEvents.expired();
    }
    long next =
        remaining > 0
            ? remaining
            : TimeUnit.MILLISECONDS.toNanos(
                Math.max(1, options.updateHeartbeatInterval().toMillis() / 4));
    try {
      timer.schedule(this::watchLease, next, TimeUnit.NANOSECONDS);
    } catch (java.util.concurrent.RejectedExecutionException e) {
      // Stopped.
    }
  }

  /**
   * How soon a heartbeat is tried again after one failed: the database's return is seen within
   * this, and the worker fetches at once (see {@link #heartbeat()}).
   */
  static final long OUTAGE_RETRY_MILLIS = 250;

  private void scheduleHeartbeat(long delayMillis) {
    try {
      beats.schedule(
          () -> {
            boolean recorded = heartbeat();
            long interval = options.updateHeartbeatInterval().toMillis();
            scheduleHeartbeat(recorded ? interval : Math.min(interval, OUTAGE_RETRY_MILLIS));
          },
          delayMillis,
          TimeUnit.MILLISECONDS);
    } catch (java.util.concurrent.RejectedExecutionException e) {
      // Stopped.
    }
  }

  /**
   * Records the heartbeat; registers again if another worker pruned this one. After a failure the
   * next try comes within {@link #OUTAGE_RETRY_MILLIS}, not a whole interval later, and the first
   * heartbeat recorded after an outage tells the fetcher to look for work at once: the database's
   * return is not waited for until the next interval or poll.
   *
   * @return whether the heartbeat was recorded
   */
  boolean heartbeat() {
    long workerId = registration.id();
    // When the statement leaves, a connection in hand: the server records it then or later.
    long[] sentAt = {0};
    heartbeatSince = nanoTime.getAsLong();
    try {
      hooks.beforeHeartbeat();
      WorkerDao.Heartbeat beat =
          heartbeatConnection.run(
              "recording the worker's heartbeat",
              c -> {
                sentAt[0] = nanoTime.getAsLong();
                return workers.heartbeat(c, workerId);
              });
      boolean back = heartbeatOutage.compareAndSet(true, false);
      if (back) {
        LOG.info("{} - heartbeat recorded again", name);
      }
      registration.heartbeatRead(beat.serverStarted());
      if (!beat.registered()) {
        registration.registerAgain(workerId);
      } else {
        renewLease(sentAt[0]);
      }
      if (back) {
        // The database answers again: what waited for it (a new job, a retry due) runs now.
        leaseEvents.renewed();
      }
      return true;
    } catch (RuntimeException e) {
      if (heartbeatOutage.compareAndSet(false, true)) {
        LOG.warn(
            "{} - cannot record the heartbeat: {}{}; once it has failed for {}, running jobs are"
                + " asked to abort",
            name,
            e.getMessage(),
            poolExhausted(e)
                ? " (no connection of the pool came free in time: tasks may hold every pooled"
                    + " connection, and this pool is too small to keep one for the heartbeat; give"
                    + " the pool at least 4 connections, more than the worker's concurrency plus 4"
                    + " if tasks use it, or let tasks hold fewer)"
                : "",
            lease.length());
        LOG.debug("{} - the heartbeat's failure", name, e);
      }
      return false;
    } finally {
      heartbeatSince = 0;
    }
  }

  /** Whether a failure is a wait for a pooled connection that timed out. */
  static boolean poolExhausted(Throwable failure) {
    for (Throwable t = failure; t != null; t = t.getCause()) {
      if (t instanceof java.sql.SQLTransientConnectionException) {
        return true;
      }
      if (t.getCause() == t) {
        break;
      }
    }
    return false;
  }

  /** Renews the lease; after a lapse, says so and lets the fetcher fetch again. */
  void renewLease(long sentAt) {
    boolean wasExpired = lease.expired();
    int generation = lease.generation();
    lease.renew(sentAt);
    if (lease.generation() != generation) {
      // Renewed after a gap, by a registration again say: every job held now was taken before it.
      leaseEvents.expired();
    }
    if (wasExpired && !lease.expired()) {
      synchronized (this) {
        if (lapsed) {
          LOG.info("{} - heartbeat recorded: the lease holds again, fetching resumes", name);
        }
        lapsed = false;
      }
      leaseEvents.renewed();
    }
  }

  /** Flags the held jobs that have an abort request (the safety net of the notification). */
  void pollAborts() {
    long[] ids = held.ids();
    if (ids.length == 0) {
      return;
    }
    try {
      long[] aborted =
          database.withConnection(
              "looking for abort requests", c -> dao.listAbortRequested(c, ids));
      for (long id : aborted) {
        held.abortRequested(id);
      }
    } catch (RuntimeException e) {
      LOG.debug("{} - abort polling failed: {}", name, e.getMessage());
    }
  }

  /**
   * Prunes the workers silent for longer than the stalled-worker timeout and rescues the jobs they
   * left running: each goes through its task's retry policy, as a failure of the run would.
   */
  void rescueStalledJobs() {
    Duration timeout = options.stalledWorkerTimeout();
    try {
      long[] pruned =
          database.withConnection("pruning stalled workers", c -> workers.pruneStalled(c, timeout));
      if (pruned.length > 0) {
        LOG.warn(
            "{} - pruned workers {} silent for over {}", name, Arrays.toString(pruned), timeout);
      }
      String[] known = registry.byName().keySet().toArray(new String[0]);
      List<ProcrastinateJob> stalled =
          database.withConnection(
              "listing stalled jobs",
              c -> workers.listStalledJobs(c, timeout, null, known, RESCUE_BATCH));
      long[] mine = held.ids();
      for (ProcrastinateJob job : stalled) {
        if (Arrays.stream(mine).noneMatch(id -> id == job.id())) {
          rescue(job, timeout);
        }
      }
    } catch (RuntimeException e) {
      LOG.warn("{} - stalled-job rescue failed, trying again later: {}", name, e.getMessage());
    }
  }

  private void rescue(ProcrastinateJob job, Duration timeout) {
    TaskDescriptor task = registry.find(job.taskName()).orElseThrow();
    ProcrastinateException stalled =
        new ProcrastinateException(
            "job "
                + job.id()
                + " was running on a worker that stopped heart-beating for over "
                + timeout);
    @Nullable RetryDecision retry;
    try {
      retry = task.retryPolicy().decide(stalled, job);
    } catch (RuntimeException | Error e) {
      JOBS.error(
          "{} - job {} ({}): the retry policy {} threw while deciding, so the stalled job fails",
          name,
          job.id(),
          job.taskName(),
          task.retryPolicy().getClass().getName(),
          e);
      retry = null;
    }
    @Nullable RetryDecision decision = retry;
    // Only a job still running for no worker is rescued: its worker may have registered again
    // and re-attached it since it was listed, or ended it.
    boolean rescued =
        database.withConnection(
            "rescuing stalled job " + job.id(),
            c ->
                decision != null
                    ? dao.retryRunning(
                                c,
                                List.of(JobDao.Retry.of(job, decision, clock.instant())),
                                JobDao.NO_WORKER)
                            .length
                        == 1
                    : dao.finishRunning(
                                c,
                                new long[] {job.id()},
                                new int[] {job.attempts()},
                                new JobStatus[] {JobStatus.FAILED},
                                JobDao.NO_WORKER)
                            .length
                        == 1);
    if (rescued) {
      JOBS.warn(
          "{} - rescued stalled job {} ({}): {}",
          name,
          job.id(),
          job.taskName(),
          decision != null ? "retry " + decision : "failed, its retry strategy allows no retry");
    } else {
      LOG.debug("{} - job {} was not rescued: it ended or its worker came back", name, job.id());
    }
  }
}
