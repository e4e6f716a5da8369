package dev.procrastinate.internal.worker;

import dev.procrastinate.AbortReason;
import dev.procrastinate.JobContext;
import dev.procrastinate.model.ProcrastinateJob;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.ScheduledFuture;
import org.jspecify.annotations.Nullable;

/**
 * A job on its way through the worker, with the {@link JobContext} its task sees. The abort reason
 * may be set from any thread; setting it interrupts the job's thread while the task runs. With a
 * {@link Lease}, the lease's end is an abort too, seen by the task's next check. Not API.
 */
final class RunningJob implements JobRun {
  private final ProcrastinateJob job;
  private final String workerName;
  private final List<String> workerQueues;
  private final Map<String, Object> additionalContext;
  private final JobContext context;
  private final Map<String, String> headers;
  private final Map<String, String> failureDetails = new java.util.concurrent.ConcurrentHashMap<>();
  private final @Nullable Lease lease;
  private final int leaseGeneration;
  private final Object lock = new Object();
  private volatile @Nullable AbortReason abortReason;
  private @Nullable Thread thread;
  private @Nullable Instant startTimestamp;
  private @Nullable ScheduledFuture<?> timeout;

  RunningJob(
      ProcrastinateJob job,
      String workerName,
      List<String> workerQueues,
      Map<String, Object> additionalContext,
      JobContexts contexts,
      Map<String, String> headers,
      @Nullable Lease lease) {
    this.job = job;
    this.lease = lease;
    this.leaseGeneration = lease == null ? 0 : lease.generation();
    this.workerName = workerName;
    this.workerQueues = workerQueues;
    this.additionalContext = additionalContext;
    this.headers = headers;
    // Last: the context reads this run, which is complete by now.
    this.context = contexts.of(this);
  }

  @Override
  public Map<String, String> headers() {
    return headers;
  }

  @Override
  public ProcrastinateJob job() {
    return job;
  }

  @Override
  public String workerName() {
    return workerName;
  }

  @Override
  public List<String> workerQueues() {
    return workerQueues;
  }

  @Override
  public Optional<AbortReason> abortReason() {
    // Read from the clock, not only from the watchdog: a paused process resumes every thread at
    // once, and the task's next check must see the lapse before the watchdog has run.
    if (abortReason == null && lease != null && lease.lostSince(leaseGeneration)) {
      synchronized (lock) {
        if (abortReason == null) {
          abortReason = AbortReason.LEASE_EXPIRED;
          // The task's own thread learns it from this answer; an interrupt would only fail what
          // it does next to stop cleanly.
          if (thread != null && thread != Thread.currentThread()) {
            thread.interrupt();
          }
        }
      }
    }
    return Optional.ofNullable(abortReason);
  }

  @Override
  public Map<String, Object> additionalContext() {
    return additionalContext;
  }

  @Override
  public void addFailureDetail(String key, String value) {
    failureDetails.put(
        java.util.Objects.requireNonNull(key, "key"),
        java.util.Objects.requireNonNull(value, "value"));
  }

  /**
   * Returns the details the task added for the record of a failure.
   *
   * @return a copy of the details
   */
  Map<String, String> failureDetails() {
    return Map.copyOf(failureDetails);
  }

  /**
   * Returns the context the task, its middleware and the propagator see.
   *
   * @return the app's context of this run
   */
  JobContext context() {
    return context;
  }

  /**
   * Tells whether the run should stop.
   *
   * @return whether an abort reason is set
   */
  boolean shouldAbort() {
    return abortReason().isPresent();
  }

  @Override
  public Instant startTimestamp() {
    Instant start = startTimestamp;
    return start == null ? Instant.now() : start;
  }

  private volatile boolean ended;

  /** Marks the run as ended: its task returned or threw, and its outcome is decided. */
  void markEnded() {
    ended = true;
  }

  /**
   * Tells whether the run has ended (its outcome may not be written yet).
   *
   * @return true once {@link #markEnded()} was called
   */
  boolean ended() {
    return ended;
  }

  /** Marks the task as running on the current thread. */
  void enter() {
    synchronized (lock) {
      startTimestamp = Instant.now();
      thread = Thread.currentThread();
      if (abortReason != null) {
        thread.interrupt();
      }
    }
  }

  /** Marks the task as no longer running and clears any interrupt meant for it. */
  void exit() {
    synchronized (lock) {
      thread = null;
      ScheduledFuture<?> pending = timeout;
      if (pending != null) {
        pending.cancel(false);
      }
    }
    // An abort that raced the end of the task must not reach the next job on this thread.
    Thread.interrupted();
  }

  /**
   * Asks the task to stop: {@link #shouldAbort()} turns true and its thread is interrupted. The
   * first reason given wins, and only it interrupts.
   *
   * @param reason why
   */
  void abort(AbortReason reason) {
    synchronized (lock) {
      if (abortReason != null) {
        return; // asked and interrupted once: the task's clean-up is not cut short again
      }
      abortReason = reason;
      if (thread != null) {
        thread.interrupt();
      }
    }
  }

  void timeout(ScheduledFuture<?> future) {
    synchronized (lock) {
      this.timeout = future;
    }
  }
}
