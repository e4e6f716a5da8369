package dev.procrastinate.internal.worker;

import dev.procrastinate.ProcrastinateException;
import dev.procrastinate.WorkerOptions;
import dev.procrastinate.internal.sql.Database;
import dev.procrastinate.internal.sql.JobDao;
import dev.procrastinate.internal.sql.WorkerDao;
import dev.procrastinate.model.ProcrastinateJob;
import java.sql.Connection;
import java.sql.SQLException;
import java.time.Duration;
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
final class Fetcher implements Runnable, WorkSignals {
  private static final Logger LOG = LoggerFactory.getLogger("procrastinate.worker");
  private static final long MIN_WAIT_NANOS = TimeUnit.MILLISECONDS.toNanos(1);

  /** Added to the time since the last fetch began when looking for a rate limit's start. */
  private static final Duration LOOK_BACK_MARGIN = Duration.ofMillis(1);

  private final String name;
  private final Database database;
  private final JobDao dao;
  private final WorkerDao workers;
  private final Registration registration;
  private final Slots slots;
  private final HeldJobs held;
  private final FetchedJobs fetchedJobs;
  private final boolean withHeaders;
  private final String @Nullable [] queues;
  private final long pollNanos;
  private final int batchSize;
  private final boolean waitForJobs;
  private final WorkerHooks hooks;
  private final Lease lease;
  private final LongSupplier nanoTime;
  private final Wakeup wakeup = new Wakeup();
  private final AtomicBoolean notified = new AtomicBoolean(true);
  private final AtomicBoolean mayBeDue = new AtomicBoolean(true);
  private final AtomicBoolean lookForOrphans = new AtomicBoolean();
  private volatile boolean scheduleChanged = true;
  private volatile boolean concurrencyLimited;

  /** Whether a rate limit existed at the last look; read and written on the fetcher thread. */
  private boolean rateLimited;

  /** When the last fetch began, on the nano clock; read and written on the fetcher thread. */
  private long lastFetchStart;

  private final Set<Long> dropped = ConcurrentHashMap.newKeySet();
  private volatile boolean stopping;
  private boolean takeBackOrphans;

  // The loop's state, read and written on the fetcher thread only.

  /** When the fetcher next looks without being told, on the monotonic clock. */
  private long nextWake;

  /**
   * When the next scheduled job becomes due, as last read; looked up again only when it may have
   * changed (a new job, a retry, a change of the flow controls, a polling tick) or has passed, not
   * after every fetch.
   */
  private long knownDue;

  /** Whether the last lookup found a scheduled job ahead ({@link #knownDue}). */
  private boolean dueKnown;

  /**
   * Whether the last lookup answered: its answer, a moment or none ahead, holds until it may have
   * changed. Without it, a worker with no scheduled job ahead looked again after every fetch that
   * left a slot free: a round trip on the fetcher's thread, which doubled its time per fetch under
   * jobs with a lock (fetched one or two at a time, for the slots that can run them at once).
   */
  private boolean looked;

  /** Whether the last fetch left jobs with a lock for want of idle slots. */
  private boolean lockedLeft;

  /** Fetches failed in a row. */
  private int failures;

  /**
   * Creates the fetcher; nothing runs before its thread starts.
   *
   * @param context the worker's context (its queues, polling interval, batch size and whether it
   *     waits for jobs come from the options)
   * @param registration the worker's id, registered again when a fetch finds it pruned
   * @param slots how many jobs may be fetched now
   * @param held the jobs held, which a takeback of orphans does not take again
   * @param lease the worker's lease: no fetch while it has run out
   * @param fetchedJobs where fetched jobs go
   * @param withHeaders whether jobs' headers are read with them (a context propagator needs them)
   */
  Fetcher(
      WorkerContext context,
      Registration registration,
      Slots slots,
      HeldJobs held,
      Lease lease,
      FetchedJobs fetchedJobs,
      boolean withHeaders) {
    this.name = context.name();
    this.database = context.database();
    this.dao = context.jobs();
    this.workers = context.workers();
    this.hooks = context.hooks();
    this.nanoTime = context.nanoTime();
    WorkerOptions options = context.options();
    this.queues = options.queues().isEmpty() ? null : options.queues().toArray(new String[0]);
    this.pollNanos = options.fetchJobPollingInterval().toNanos();
    this.batchSize = options.fetchBatchSize();
    this.waitForJobs = options.waitForJobs();
    this.registration = registration;
    this.slots = slots;
    this.held = held;
    this.lease = lease;
    this.fetchedJobs = fetchedJobs;
    this.withHeaders = withHeaders;
  }

  @Override
  public void jobsInserted() {
    scheduleChanged = true;
    notified.set(true);
    wakeup.signal();
  }

  @Override
  public void workMayBeDue(boolean retried) {
    if (retried) {
      scheduleChanged = true;
    }
    mayBeDue.set(true);
    wakeup.signal();
  }

  @Override
  public void flowControlsChanged() {
    scheduleChanged = true;
    notified.set(true);
    wakeup.signal();
  }

  /**
   * Tells whether a concurrency limit existed at the last look: then the end of any job may free
   * capacity under it for a waiting job. (A rate limit's next start is planned for instead, and an
   * end frees nothing under a pause.)
   *
   * @return whether a concurrency limit existed when last looked up
   */
  boolean concurrencyLimited() {
    return concurrencyLimited;
  }

  @Override
  public void leaseRenewed() {
    mayBeDue.set(true);
    wakeup.signal();
  }

  @Override
  public void connectionLost() {
    orphansMayExist();
  }

  @Override
  public void runAbandoned() {
    orphansMayExist();
  }

  @Override
  public void slotFreed() {
    wakeup.signal();
  }

  @Override
  public void outcomeDropped(long jobId) {
    dropped.add(jobId);
  }

  @Override
  public void serverRestarted() {
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
    nextWake = nanoTime.getAsLong();
    while (!stopping) {
      try {
        if (!turn()) {
          return;
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

  /**
   * One turn of the loop: take back orphans if asked, else wait unless a fetch is due and worth it,
   * else fetch, hand the jobs on, and plan the next look.
   *
   * @return false once a worker that does not wait for jobs found none left
   */
  private boolean turn() throws InterruptedException {
    if (lookForOrphans.getAndSet(false)) {
      takeBackOrphans = true;
    }
    // Before any slot or due check: a job taken back needs no free slot, and nothing else may
    // make the fetcher look.
    if (takeBackOrphans && !lease.expired()) {
      takeBackOrphans();
      return true;
    }
    long now = nanoTime.getAsLong();
    boolean tick = now - nextWake >= 0;
    if (waitedForWork(now, tick)) {
      return true;
    }
    if (lease.expired()) {
      // Other workers may count this one as dead: a job taken now could be rescued while it
      // runs. A recorded heartbeat signals the wakeup.
      wakeup.await(pollNanos);
      return true;
    }
    notified.set(false);
    mayBeDue.set(false);
    int limit = Math.min(slots.free(), batchSize);
    // Jobs with a lock only for slots that run them at once: buffered, they would block their
    // locks for every worker while they wait.
    int lockLimit = Math.min(limit, slots.idle());
    // Read before fetching: only outcomes written before the fetch are seen by it.
    boolean idleBeforeFetch = held.isEmpty();
    Fetched fetched = fetch(limit, lockLimit);
    if (fetched == null) {
      return true;
    }
    List<ProcrastinateJob> jobs = fetched.jobs();
    hooks.afterFetch(jobs.size());
    // Capped by the idle slots, the fetch may have left jobs with a lock: the next slot that
    // frees fetches again, whatever the job that frees it (its outcome may release nothing).
    lockedLeft = lockLimit < limit && withLock(jobs) >= lockLimit;
    for (ProcrastinateJob job : jobs) {
      fetchedJobs.dispatch(new HeldJobs.Fetched(job, fetched.headers().get(job.id())));
    }
    if (jobs.size() >= limit) {
      mayBeDue.set(true); // a full batch: more may wait
      return true;
    }
    nextWake = nanoTime.getAsLong() + jitter(pollNanos);
    if (!waitForJobs && jobs.isEmpty() && idleBeforeFetch) {
      LOG.info("{} - no job left to run, stopping (wait=false)", name);
      fetchedJobs.noneLeft();
      return false;
    }
    planNextLook(tick);
    return true;
  }

  /**
   * Waits, and returns true, unless work may be due (a notification, an outcome that may make a job
   * runnable, a polling tick, a job with a lock left for an idle slot) and a fetch is worth its
   * round trip (enough slots free, or an idle executor thread with nothing buffered). Due work
   * waits for a slot, which signals when it frees; otherwise the fetcher sleeps until the next
   * look.
   */
  private boolean waitedForWork(long now, boolean tick) throws InterruptedException {
    boolean due = notified.get() || mayBeDue.get() || tick || (lockedLeft && slots.idle() > 0);
    int free = slots.free();
    boolean worthIt = free >= slots.refill() || slots.starving();
    if (free > 0 && due && worthIt) {
      return false;
    }
    wakeup.await(due ? pollNanos : Math.max(nextWake - now, MIN_WAIT_NANOS));
    return true;
  }

  /**
   * Fetches up to {@code limit} jobs, at most {@code lockLimit} of them with a lock; on a failure,
   * registers again if this worker was pruned, or backs off, and returns null.
   */
  private @Nullable Fetched fetch(int limit, int lockLimit) throws InterruptedException {
    long workerId = registration.id();
    long start = nanoTime.getAsLong();
    lastFetchStart = start;
    try {
      hooks.beforeFetch();
      Fetched fetched =
          database.withConnection(
              "fetching jobs",
              c -> withHeaders(c, dao.fetchMany(c, queues, workerId, limit, lockLimit)));
      if (failures > 0) {
        LOG.info("{} - fetching jobs works again", name);
        failures = 0;
      }
      slots.fetched(fetched.jobs().size(), nanoTime.getAsLong() - start);
      return fetched;
    } catch (ProcrastinateException e) {
      if (Database.isForeignKeyViolation(e)) {
        // The only foreign key a fetch writes is worker_id: this worker was pruned.
        try {
          registration.registerAgain(workerId);
          notified.set(true);
          return null;
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
      return null;
    }
  }

  /**
   * After a fetch that left slots free: the next look is at the polling interval, or earlier when
   * the next scheduled job becomes due or a rate limit lets the next job start, looked up again
   * only when it may have changed (after every such fetch while a rate limit exists: a fetch moves
   * its next start).
   */
  private void planNextLook(boolean tick) {
    long after = nanoTime.getAsLong();
    if (tick || scheduleChanged || rateLimited || !looked || (dueKnown && knownDue - after <= 0)) {
      scheduleChanged = false;
      Long next = nextDue();
      dueKnown = next != null;
      knownDue = next == null ? 0 : next;
    }
    if (dueKnown) {
      nextWake = nextWake - knownDue > 0 ? knownDue : nextWake;
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
   * Returns when the next scheduled job of this worker's queues becomes due, or a rate limit lets
   * its next job start, on the nano clock, or null if neither is ahead or the lookup failed; and
   * notes whether flow controls exist.
   */
  private @Nullable Long nextDue() {
    try {
      // A start that came due after the last fetch saw its limit counts, even if already due:
      // the fetch could not take it, and no other look is planned for it. A little margin, for
      // the fetch's transaction began after this clock was read.
      Duration sinceFetch =
          Duration.ofNanos(nanoTime.getAsLong() - lastFetchStart).plus(LOOK_BACK_MARGIN);
      hooks.beforeNextDueLookup();
      JobDao.NextDue next =
          database.withConnection(
              "looking for the next scheduled job", c -> dao.nextDue(c, queues, sinceFetch));
      concurrencyLimited = next.concurrencyLimited();
      rateLimited = next.rateLimited();
      looked = true;
      Long millis = next.millis();
      if (millis == null) {
        return null;
      }
      return nanoTime.getAsLong() + TimeUnit.MILLISECONDS.toNanos(Math.max(millis, 0));
    } catch (ProcrastinateException e) {
      LOG.debug("{} - cannot look for the next scheduled job: {}", name, e.getMessage());
      looked = false;
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
    Set<Long> known = new HashSet<>(held.idView());
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
        fetchedJobs.dispatch(new HeldJobs.Fetched(job, mine.headers().get(job.id())));
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
