package dev.procrastinate.internal.worker;

import dev.procrastinate.WorkerOptions;
import java.time.Duration;
import java.util.function.LongSupplier;
import org.jspecify.annotations.Nullable;

/**
 * How long this worker may still run jobs: each recorded heartbeat renews the lease until the
 * heartbeat's sending time plus the lease's length. Another worker rescues a job only once the
 * heartbeat of its worker is older than the stalled-worker timeout, and the lease is shorter: a
 * worker whose lease runs out aborts its jobs before anyone may take them, so that a job never runs
 * in two places at once, whether the worker was cut off from the database or paused.
 *
 * <p>The length is halfway between the heartbeat interval and the stalled-worker timeout (20 s with
 * the defaults 10 s and 30 s): a late heartbeat does not end it, and a job asked to abort has the
 * other half to stop before a rescue. Times are read from a monotonic clock, so neither a change of
 * the wall clock nor a clock difference with the database moves it. Thread-safe. Not API.
 */
final class Lease {
  private final long lengthNanos;
  private final LongSupplier nanoTime;
  private final Object lock = new Object();
  private long validUntil;
  private boolean granted;
  private int generation;

  /**
   * Creates a lease not yet granted: it counts as expired until the first {@link #renew(long)}.
   *
   * @param length how long a heartbeat keeps the lease
   * @param nanoTime the monotonic clock
   */
  Lease(Duration length, LongSupplier nanoTime) {
    this.lengthNanos = length.toNanos();
    this.nanoTime = nanoTime;
  }

  /**
   * Returns the lease's length for the given options: halfway between the heartbeat interval and
   * the stalled-worker timeout.
   *
   * @param options the worker's options
   * @return the length
   */
  static Duration length(WorkerOptions options) {
    Duration heartbeat = options.updateHeartbeatInterval();
    return heartbeat.plus(options.stalledWorkerTimeout().minus(heartbeat).dividedBy(2));
  }

  /**
   * Says why a worker with these options may see a job of its own rescued while it still runs it:
   * its lease outlasts upstream's default stalled timeout, with which every Python worker (and a
   * Java worker left at the default) prunes the workers it finds silent.
   *
   * @param options the worker's options
   * @return the warning, or null when the lease ends before that timeout
   */
  static @Nullable String earlyRescueWarning(WorkerOptions options) {
    Duration leaseLength = length(options);
    if (!options.fleetRescuesStalledJobs()
        || leaseLength.compareTo(WorkerOptions.DEFAULT_STALLED_WORKER_TIMEOUT) < 0) {
      return null;
    }
    return "this worker runs a job for up to "
        + leaseLength
        + " after its last recorded heartbeat (its lease, from stalledWorkerTimeout "
        + options.stalledWorkerTimeout()
        + "), while a Python worker, or a Java worker with the default timeout, counts it as dead"
        + " after "
        + WorkerOptions.DEFAULT_STALLED_WORKER_TIMEOUT
        + " and may prune it, and a rescue may then run its job a second time at once. Give every"
        + " worker of the fleet the same stalledWorkerTimeout, of "
        + WorkerOptions.DEFAULT_STALLED_WORKER_TIMEOUT
        + " or less unless the Python workers are given the same";
  }

  /** Returns the lease's length. */
  Duration length() {
    return Duration.ofNanos(lengthNanos);
  }

  /**
   * Renews the lease after a heartbeat was recorded.
   *
   * @param sentAt when the heartbeat's statement was sent, on the monotonic clock: the database
   *     recorded it at that time or later, so the lease never outlasts what others see
   */
  void renew(long sentAt) {
    synchronized (lock) {
      if (granted && sentAt - validUntil >= 0) {
        // A gap: from the lease's end to this heartbeat, other workers may have counted this one
        // as dead and taken its jobs. What ran under the lease before the gap stays stopped.
        generation++;
      }
      long until = sentAt + lengthNanos;
      if (!granted || until - validUntil > 0) {
        validUntil = until;
      }
      granted = true;
    }
  }

  /**
   * Returns the lease's generation: it changes when a heartbeat renews a lease that had already run
   * out. A job taken under one generation must not go on under the next.
   *
   * @return the generation
   */
  int generation() {
    synchronized (lock) {
      return generation;
    }
  }

  /**
   * Tells whether a job taken under the given generation must stop: the lease has run out, or has
   * run out and been renewed since.
   *
   * @param taken the generation when the job was taken
   * @return true if the job must stop
   */
  boolean lostSince(int taken) {
    synchronized (lock) {
      // One look at both, so that a renewal between them cannot hide the gap.
      return generation != taken || !granted || nanoTime.getAsLong() - validUntil >= 0;
    }
  }

  /** Tells whether the lease has run out (or was never granted). */
  boolean expired() {
    synchronized (lock) {
      return !granted || nanoTime.getAsLong() - validUntil >= 0;
    }
  }

  /** Returns how long the lease still holds, zero or negative once it ran out. */
  long remainingNanos() {
    synchronized (lock) {
      return granted ? validUntil - nanoTime.getAsLong() : 0;
    }
  }
}
