package dev.procrastinate.internal.worker;

import dev.procrastinate.ProcrastinateException;
import dev.procrastinate.internal.sql.Database;
import dev.procrastinate.internal.sql.JobDao;
import dev.procrastinate.internal.sql.WorkerDao;
import dev.procrastinate.model.ProcrastinateJob;
import java.sql.Connection;
import java.sql.SQLException;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ThreadLocalRandom;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.function.LongSupplier;
import org.jspecify.annotations.Nullable;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.slf4j.MDC;

/**
 * The fetch loop, on a thread of its own: takes runnable jobs in batches and hands them to the
 * executor. Not API.
 *
 * <p>It fetches when work may be due and a fetch is worth its round trip:
 *
 * <ul>
 *   <li>work may be due after a {@code job_inserted} notification, after a fetch that came back
 *       full, after the outcome of a job with a lock or of a retry was written (the lock's next
 *       job, or the retried job, may be runnable now), at the time the next scheduled job becomes
 *       due, and at each polling interval (the safety net for what sends no notification);
 *   <li>a fetch is worth it when half of the slots and prefetch buffer are free, or at once when an
 *       executor thread is idle with nothing buffered.
 * </ul>
 *
 * Otherwise it sleeps until one of those changes: a worker with nothing to do uses no CPU.
 *
 * <p>A fetch whose answer was lost with its connection may have marked jobs doing for this worker.
 * Before the next fetch, the fetcher takes back the jobs marked doing for this worker that it does
 * not hold; a job it ever dispatched is never dispatched again unless a new fetch returns it.
 */
final class Fetcher implements Runnable {
  private static final Logger LOG = LoggerFactory.getLogger("procrastinate.worker");
  private static final long MIN_WAIT_NANOS = TimeUnit.MILLISECONDS.toNanos(1);

  /** Hands fetched jobs to the executor. */
  interface Dispatcher {
    /**
     * Starts a fetched job on the executor (or buffers it there).
     *
     * @param job the job, marked doing for this worker
     * @param headersJson its headers, or null
     */
    void dispatch(ProcrastinateJob job, @Nullable String headersJson);
  }

  private final String name;
  private final Database database;
  private final JobDao dao;
  private final WorkerDao workers;
  private final Registration registration;
  private final Slots slots;
  private final Set<Long> held;
  private final Dispatcher dispatcher;
  private final boolean withHeaders;
  private final String @Nullable [] queues;
  private final long pollNanos;
  private final int batchSize;
  private final boolean waitForJobs;
  private final Runnable onDrained;
  private final WorkerHooks hooks;
  private final Lease lease;
  private final LongSupplier nanoTime;
  private final Wakeup wakeup = new Wakeup();
  private final AtomicBoolean notified = new AtomicBoolean(true);
  private final AtomicBoolean mayBeDue = new AtomicBoolean(true);
  private final AtomicBoolean lookForOrphans = new AtomicBoolean();
  private volatile boolean scheduleChanged = true;
  private final Set<Long> dropped = ConcurrentHashMap.newKeySet();
  private volatile boolean stopping;
  private boolean takeBackOrphans;

  Fetcher(
      String name,
      Database database,
      JobDao dao,
      WorkerDao workers,
      Registration registration,
      Slots slots,
      Set<Long> held,
      Dispatcher dispatcher,
      boolean withHeaders,
      String @Nullable [] queues,
      long pollNanos,
      int batchSize,
      boolean waitForJobs,
      Runnable onDrained,
      WorkerHooks hooks,
      Lease lease,
      LongSupplier nanoTime) {
    this.name = name;
    this.lease = lease;
    this.database = database;
    this.dao = dao;
    this.workers = workers;
    this.registration = registration;
    this.slots = slots;
    this.held = held;
    this.dispatcher = dispatcher;
    this.withHeaders = withHeaders;
    this.queues = queues;
    this.pollNanos = pollNanos;
    this.batchSize = batchSize;
    this.waitForJobs = waitForJobs;
    this.onDrained = onDrained;
    this.hooks = hooks;
    this.nanoTime = nanoTime;
  }

  /** A {@code job_inserted} notification came, or the listener reconnected. */
  void jobsInserted() {
    scheduleChanged = true;
    notified.set(true);
    wakeup.signal();
  }

  /**
   * An outcome was written that may make a job runnable: a lock released, a retry.
   *
   * @param retried whether the outcome was a retry, which may have scheduled the job for later
   */
  void workMayBeDue(boolean retried) {
    if (retried) {
      scheduleChanged = true;
    }
    mayBeDue.set(true);
    wakeup.signal();
  }

  /**
   * A heartbeat was recorded after the lease had run out, or after an outage: fetching may resume
   * at once, and the takeback of runs abandoned meanwhile (asked for by {@link #runAbandoned()})
   * may run.
   */
  void leaseRenewed() {
    mayBeDue.set(true);
    wakeup.signal();
  }

  /**
   * A connection of this worker was lost or refused, on any thread: a write whose answer was lost
   * with it, or that a server's crash recovery undid (an outcome, say), may have left jobs marked
   * running for this worker that it no longer holds. They are taken back once the database answers.
   */
  void connectionLost() {
    orphansMayExist();
  }

  /**
   * A run was abandoned when the lease ran out, its job left marked running for this worker: it is
   * taken back once the lease holds again.
   */
  void runAbandoned() {
    orphansMayExist();
  }

  /** A slot freed, or a job's outcome was written. */
  void slotFreed() {
    wakeup.signal();
  }

  /**
   * An outcome could not be written and the job may still be marked doing for this worker: it is
   * never taken back as an orphan.
   */
  void outcomeDropped(long jobId) {
    dropped.add(jobId);
  }

  /**
   * The server restarted: outcomes written shortly before may be lost (with asynchronous outcomes,
   * which commit without waiting for the disk), their jobs marked running for this worker again.
   * They are taken back.
   */
  void serverRestarted() {
    orphansMayExist();
  }

  /** Asks for a takeback of the jobs marked running for this worker that it does not hold. */
  private void orphansMayExist() {
    lookForOrphans.set(true);
    wakeup.signal();
  }

  /** Ends the loop; returns at once. */
  void stop() {
    stopping = true;
    wakeup.signal();
  }

  @Override
  public void run() {
    MDC.put("worker", name);
    long nextWake = nanoTime.getAsLong();
    // When the next scheduled job becomes due, as last read; looked up again only when it may have
    // changed (a new job, a retry, a polling tick) or has passed, not after every fetch.
    long knownDue = 0;
    boolean dueKnown = false;
    boolean lockedLeft = false;
    int failures = 0;
    while (!stopping) {
      try {
        if (lookForOrphans.getAndSet(false)) {
          takeBackOrphans = true;
        }
        // Before any slot or due check: a job taken back needs no free slot, and nothing else may
        // make the fetcher look.
        if (takeBackOrphans && !lease.expired()) {
          takeBackOrphans();
          continue;
        }
        long now = nanoTime.getAsLong();
        boolean tick = now - nextWake >= 0;
        boolean due = notified.get() || mayBeDue.get() || tick || (lockedLeft && slots.idle() > 0);
        int free = slots.free();
        boolean worthIt = free >= slots.refill() || slots.starving();
        if (free <= 0 || !due || !worthIt) {
          // Due work waits for a slot (a freed slot signals); otherwise sleep until the next poll.
          wakeup.await(due ? pollNanos : Math.max(nextWake - now, MIN_WAIT_NANOS));
          continue;
        }
        if (lease.expired()) {
          // Other workers may count this one as dead: a job taken now could be rescued while it
          // runs. A recorded heartbeat signals the wakeup.
          wakeup.await(pollNanos);
          continue;
        }
        notified.set(false);
        mayBeDue.set(false);
        int limit = Math.min(free, batchSize);
        // Jobs with a lock only for slots that run them at once: buffered, they would block their
        // locks for every worker while they wait.
        int lockLimit = Math.min(limit, slots.idle());
        // Read before fetching: only outcomes written before the fetch are seen by it.
        boolean idleBeforeFetch = held.isEmpty();
        long workerId = registration.id();
        Fetched fetched;
        long start = nanoTime.getAsLong();
        try {
          hooks.beforeFetch();
          fetched =
              database.withConnection(
                  "fetching jobs",
                  c -> withHeaders(c, dao.fetchMany(c, queues, workerId, limit, lockLimit)));
          if (failures > 0) {
            LOG.info("{} - fetching jobs works again", name);
            failures = 0;
          }
        } catch (ProcrastinateException e) {
          if (Database.isForeignKeyViolation(e)) {
            // The only foreign key a fetch writes is worker_id: this worker was pruned.
            try {
              registration.registerAgain(workerId);
              notified.set(true);
              continue;
            } catch (RuntimeException again) {
              e.addSuppressed(again);
            }
          }
          if (failures++ == 0) {
            LOG.warn("{} - cannot fetch jobs, retrying with backoff: {}", name, e.getMessage());
            LOG.debug("{} - the fetch failure's stack trace", name, e);
          }
          // The call may have taken jobs before its answer was lost: look for them once back.
          takeBackOrphans = true;
          notified.set(true);
          wakeup.await(TimeUnit.MILLISECONDS.toNanos(Backoff.delayMillis(failures)));
          continue;
        }
        List<ProcrastinateJob> jobs = fetched.jobs();
        slots.fetched(jobs.size(), nanoTime.getAsLong() - start);
        // Capped by the idle slots, the fetch may have left jobs with a lock: the next slot that
        // frees fetches again, whatever the job that frees it (its outcome may release nothing).
        lockedLeft = lockLimit < limit && withLock(jobs) >= lockLimit;
        for (ProcrastinateJob job : jobs) {
          dispatcher.dispatch(job, fetched.headers().get(job.id()));
        }
        if (jobs.size() >= limit) {
          mayBeDue.set(true);
          continue;
        }
        nextWake = nanoTime.getAsLong() + jitter(pollNanos);
        if (!waitForJobs && jobs.isEmpty() && idleBeforeFetch) {
          LOG.info("{} - no job left to run, stopping (wait=false)", name);
          onDrained.run();
          return;
        }
        long after = nanoTime.getAsLong();
        if (tick || scheduleChanged || !dueKnown || knownDue - after <= 0) {
          scheduleChanged = false;
          Long next = nextDue();
          dueKnown = next != null;
          knownDue = next == null ? 0 : next;
        }
        if (dueKnown) {
          nextWake = nextWake - knownDue > 0 ? knownDue : nextWake;
        }
      } catch (InterruptedException e) {
        if (stopping) {
          return;
        }
      } catch (RuntimeException e) {
        LOG.error("{} - fetcher failed, going on", name, e);
      }
    }
  }

  private static int withLock(List<ProcrastinateJob> jobs) {
    int count = 0;
    for (ProcrastinateJob job : jobs) {
      if (job.lock() != null) {
        count++;
      }
    }
    return count;
  }

  /**
   * Returns when the next scheduled job of this worker's queues becomes due, on the nano clock, or
   * null if none is scheduled or the lookup failed.
   */
  private @Nullable Long nextDue() {
    try {
      Long millis =
          database.withConnection(
              "looking for the next scheduled job", c -> dao.nextDueMillis(c, queues));
      if (millis == null) {
        return null;
      }
      return nanoTime.getAsLong() + TimeUnit.MILLISECONDS.toNanos(Math.max(millis, 1));
    } catch (ProcrastinateException e) {
      LOG.debug("{} - cannot look for the next scheduled job: {}", name, e.getMessage());
      return null;
    }
  }

  /**
   * Dispatches the jobs marked doing for this worker that it does not hold: those of a fetch whose
   * answer was lost with its connection, and those whose outcome a server restart lost. What it
   * holds is read before the list: a job dispatched earlier and ended since is then known, so it is
   * not dispatched a second time.
   */
  private void takeBackOrphans() {
    Set<Long> known = new HashSet<>(held);
    known.addAll(dropped);
    long workerId = registration.id();
    Fetched mine;
    try {
      mine =
          database.withConnection(
              "listing this worker's jobs",
              c -> withHeaders(c, workers.listRunningJobs(c, workerId)));
    } catch (ProcrastinateException e) {
      LOG.debug("{} - cannot list this worker's jobs yet: {}", name, e.getMessage());
      try {
        wakeup.await(TimeUnit.MILLISECONDS.toNanos(Backoff.delayMillis(1)));
      } catch (InterruptedException interrupted) {
        Thread.currentThread().interrupt();
      }
      return;
    }
    hooks.afterOrphanList();
    takeBackOrphans = false;
    int taken = 0;
    for (ProcrastinateJob job : mine.jobs()) {
      if (!known.contains(job.id())) {
        slots.adopted(1);
        dispatcher.dispatch(job, mine.headers().get(job.id()));
        taken++;
      }
    }
    if (taken > 0) {
      LOG.warn(
          "{} - took back {} jobs marked as running for this worker that it did not hold (a"
              + " fetch whose answer was lost, or outcomes lost in a server restart)",
          name,
          taken);
    }
  }

  private static long jitter(long nanos) {
    double factor = 0.9 + 0.2 * ThreadLocalRandom.current().nextDouble();
    return (long) (nanos * factor);
  }

  /** Jobs just marked running for this worker, with their headers when a propagator needs them. */
  private record Fetched(List<ProcrastinateJob> jobs, Map<Long, String> headers) {}

  private Fetched withHeaders(Connection connection, List<ProcrastinateJob> jobs)
      throws SQLException {
    if (!withHeaders || jobs.isEmpty()) {
      return new Fetched(jobs, Map.of());
    }
    long[] ids = jobs.stream().mapToLong(ProcrastinateJob::id).toArray();
    return new Fetched(jobs, dao.headers(connection, ids));
  }
}
