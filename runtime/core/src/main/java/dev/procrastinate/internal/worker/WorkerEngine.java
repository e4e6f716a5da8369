package dev.procrastinate.internal.worker;

import com.fasterxml.jackson.databind.ObjectMapper;
import dev.procrastinate.AbortReason;
import dev.procrastinate.App;
import dev.procrastinate.DatabaseUnavailableException;
import dev.procrastinate.WorkerOptions;
import dev.procrastinate.internal.builtin.BuiltinTasks;
import dev.procrastinate.internal.observe.Observers;
import dev.procrastinate.internal.periodic.PeriodicDeferrer;
import dev.procrastinate.internal.registry.TaskRegistry;
import dev.procrastinate.internal.sql.Database;
import dev.procrastinate.internal.sql.JobDao;
import dev.procrastinate.internal.sql.WorkerDao;
import dev.procrastinate.model.ProcrastinateJob;
import java.time.Clock;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.ThreadPoolExecutor;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicLong;
import java.util.function.LongSupplier;
import org.jspecify.annotations.Nullable;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * A worker: wires the fetcher, the executor threads and their {@link JobExecutor}, the completer,
 * the listener, the housekeeper and the periodic deferrer, and owns their lifecycle, as {@code
 * runtime/docs/concurrency.md} describes. Thread-safe. Not API: {@link dev.procrastinate.Worker} is
 * the public face.
 */
public final class WorkerEngine {
  private static final Logger LOG = LoggerFactory.getLogger("procrastinate.worker");
  private static final Logger JOBS = LoggerFactory.getLogger("procrastinate.jobs");

  private final App app;
  private final WorkerOptions options;
  private final TaskRegistry registry;
  private final Database database;
  private final ObjectMapper json;
  private final Duration periodicMaxDelay;
  private final JobDao dao;
  private final WorkerDao workers = new WorkerDao();
  private final String name;
  private final Map<Long, RunningJob> held = new ConcurrentHashMap<>();

  /**
   * Jobs fetched again while an earlier run of theirs is still held (retried by hand or by another
   * process while it ran): each starts once that run lets go. Guarded by itself, with {@link
   * #held}.
   */
  private final Map<Long, Parked> parked = new LinkedHashMap<>();

  /** Jobs whose run the lease abandoned, left marked running for this worker, not taken back. */
  private final java.util.Set<Long> abandonedRuns = ConcurrentHashMap.newKeySet();

  private final Slots slots;
  private final Registration registration;
  private final Lease lease;
  private final Fetcher fetcher;
  private final JobExecutor jobExecutor;
  private final Housekeeper housekeeper;
  private final Completer completer;
  private final @Nullable Listener listener;
  private final ThreadPoolExecutor executor;
  private final WorkerHooks hooks;
  private final LongSupplier nanoTime;
  private final Clock clock;
  private final AtomicBoolean started = new AtomicBoolean();
  private final AtomicBoolean stopRequested = new AtomicBoolean();
  private final CountDownLatch terminated = new CountDownLatch(1);
  private final AtomicLong processed = new AtomicLong();

  /** Runs started on an executor thread and not yet ended. */
  private final AtomicInteger running = new AtomicInteger();

  private final Wakeup drained = new Wakeup();
  private volatile boolean stopping;
  private @Nullable Thread fetcherThread;
  private @Nullable Thread completerThread;
  private @Nullable Thread listenerThread;
  private @Nullable PeriodicDeferrer periodic;
  private @Nullable Thread periodicThread;
  private @Nullable Thread shutdownHook;

  /**
   * Creates a worker; nothing runs before {@link #start()}.
   *
   * @param app the app, which running jobs' contexts return
   * @param database the app's database
   * @param registry the tasks this worker knows
   * @param options the options
   * @param observers the app's observers and context propagator
   * @param json the app's JSON mapper
   * @param periodicMaxDelay how late a periodic tick may still be deferred
   */
  public WorkerEngine(
      App app,
      Database database,
      TaskRegistry registry,
      WorkerOptions options,
      Observers observers,
      ObjectMapper json,
      Duration periodicMaxDelay) {
    this(
        app,
        database,
        registry,
        options,
        observers,
        json,
        periodicMaxDelay,
        WorkerHooks.NONE,
        Clock.systemUTC(),
        System::nanoTime);
  }

  WorkerEngine(
      App app,
      Database database,
      TaskRegistry registry,
      WorkerOptions options,
      Observers observers,
      ObjectMapper json,
      Duration periodicMaxDelay,
      WorkerHooks hooks,
      Clock clock,
      LongSupplier nanoTime) {
    this.app = app;
    this.options = options;
    this.registry = registry;
    // Every part of the worker learns of a lost connection, whoever met it.
    database = database.observingConnectionLoss(this::connectionLost);
    this.database = database;
    this.dao = new JobDao(options.asynchronousOutcomes());
    this.json = json;
    this.periodicMaxDelay = periodicMaxDelay;
    this.hooks = hooks;
    this.clock = clock;
    this.nanoTime = nanoTime;
    this.name = options.name();
    this.slots = new Slots(options.concurrency(), options.fetchBatchSize());
    this.lease = new Lease(Lease.length(options), nanoTime);
    this.registration =
        new Registration(
            name,
            database,
            workers,
            this::heldOrAbandonedIds,
            this::heartbeatRecorded,
            nanoTime,
            this::serverRestarted);
    AtomicInteger counter = new AtomicInteger();
    this.executor =
        new ThreadPoolExecutor(
            options.concurrency(),
            options.concurrency(),
            0,
            TimeUnit.SECONDS,
            new LinkedBlockingQueue<>(),
            runnable ->
                daemon(
                    runnable, "procrastinate-" + name + "-executor-" + counter.incrementAndGet()));
    this.housekeeper =
        new Housekeeper(
            name,
            options,
            database,
            dao,
            workers,
            registration,
            registry,
            this::heldIds,
            this::abortRequested,
            lease,
            this::leaseExpired,
            this::leaseRenewed,
            hooks,
            clock,
            nanoTime);
    this.jobExecutor =
        new JobExecutor(name, options, registry, json, observers, housekeeper.timer(), nanoTime);
    this.fetcher =
        new Fetcher(
            name,
            database,
            dao,
            workers,
            registration,
            slots,
            held.keySet(),
            this::dispatch,
            observers.propagates(),
            options.queues().isEmpty() ? null : options.queues().toArray(new String[0]),
            options.fetchJobPollingInterval().toNanos(),
            options.fetchBatchSize(),
            options.waitForJobs(),
            this::stop,
            hooks,
            lease,
            nanoTime);
    this.completer =
        new Completer(name, database, dao, registration::id, this::written, this::dropped, hooks);
    this.listener =
        options.listenNotify()
            ? new Listener(
                name,
                database,
                options.queues(),
                json,
                fetcher::jobsInserted,
                this::abortRequested,
                this::listenerReconnected)
            : null;
  }

  private static Thread daemon(Runnable runnable, String threadName) {
    Thread thread = new Thread(runnable, threadName);
    thread.setDaemon(true);
    return thread;
  }

  /**
   * Registers the worker and starts its threads.
   *
   * @throws IllegalStateException if already started
   * @throws DatabaseUnavailableException if the database cannot be reached
   */
  public void start() {
    if (!started.compareAndSet(false, true)) {
      throw new IllegalStateException("worker " + name + " was already started");
    }
    LOG.info(
        "{} - Starting: queues {}, concurrency {}, {} tasks known",
        name,
        options.queues().isEmpty() ? "all" : options.queues(),
        options.concurrency(),
        registry.tasks().size());
    if (registry.tasks().stream().allMatch(BuiltinTasks::isBuiltin)) {
      LOG.warn(
          "{} - no task is known: jobs will fail as unknown. Tasks come from @Task methods"
              + " compiled with procrastinate-processor, found on the class path through"
              + " META-INF/services/dev.procrastinate.spi.TaskRegistrar",
          name);
    }
    warnIfOthersMayRescueEarly();
    if (PeriodicDeferrer.hasSchedules(registry)) {
      periodic = new PeriodicDeferrer(name, database, dao, registry, json, clock, periodicMaxDelay);
    }
    long[] pruned =
        database.withConnection(
            "pruning stalled workers",
            c -> workers.pruneStalled(c, options.stalledWorkerTimeout()));
    if (pruned.length > 0) {
      LOG.info("{} - pruned {} stalled workers", name, pruned.length);
    }
    long workerId = registration.register();
    if (listener != null) {
      try {
        listener.connect();
      } catch (java.sql.SQLException e) {
        LOG.warn("{} - cannot LISTEN yet, polling until it can: {}", name, e.getMessage());
      }
      listenerThread = daemon(listener, "procrastinate-" + name + "-listener");
      listenerThread.start();
    }
    completerThread = daemon(completer, "procrastinate-" + name + "-completer");
    completerThread.start();
    housekeeper.start();
    fetcherThread = daemon(fetcher, "procrastinate-" + name + "-fetcher");
    fetcherThread.start();
    if (periodic != null) {
      periodicThread = daemon(periodic, "procrastinate-" + name + "-periodic");
      periodicThread.start();
    }
    if (options.installSignalHandlers()) {
      Thread hook =
          new Thread(
              () -> {
                logStop(false, name + " - signal received, stopping gracefully");
                stop();
                awaitTerminationUninterruptibly();
              },
              "procrastinate-" + name + "-signal");
      Runtime.getRuntime().addShutdownHook(hook);
      shutdownHook = hook;
    }
    LOG.info("{} - Started as worker id {}", name, workerId);
  }

  /**
   * Returns the id this worker registered under.
   *
   * @return the worker id, 0 before start
   */
  public long workerId() {
    return registration.id();
  }

  /**
   * Returns how many jobs ran to an outcome that was written.
   *
   * @return the count
   */
  public long processedJobs() {
    return processed.get();
  }

  /**
   * Returns the number of jobs this worker holds: running, fetched ahead, or ended with their
   * outcome not yet written.
   *
   * @return the count
   */
  public int runningJobs() {
    return held.size();
  }

  /** Asks the worker to stop gracefully; returns at once. */
  public void stop() {
    if (!stopRequested.compareAndSet(false, true)) {
      return;
    }
    if (!started.get()) {
      terminated.countDown();
      return;
    }
    stopping = true;
    fetcher.stop();
    daemon(this::shutdown, "procrastinate-" + name + "-shutdown").start();
    logStop(false, name + " - Shutdown initiated");
  }

  /**
   * Waits for the worker to end.
   *
   * @param timeout the most to wait
   * @return whether it ended
   * @throws InterruptedException if interrupted
   */
  public boolean awaitTermination(Duration timeout) throws InterruptedException {
    return terminated.await(timeout.toNanos(), TimeUnit.NANOSECONDS);
  }

  /**
   * Waits for the worker to end.
   *
   * @throws InterruptedException if interrupted
   */
  public void awaitTermination() throws InterruptedException {
    terminated.await();
  }

  /** Waits for the worker to end, keeping the thread's interrupt status. */
  public void awaitTerminationUninterruptibly() {
    boolean interrupted = false;
    while (true) {
      try {
        terminated.await();
        break;
      } catch (InterruptedException e) {
        interrupted = true;
      }
    }
    if (interrupted) {
      Thread.currentThread().interrupt();
    }
  }

  // -------------------------------------------------------------------------------- hand-offs

  private long[] heldIds() {
    return held.keySet().stream().mapToLong(Long::longValue).toArray();
  }

  /**
   * The jobs held, plus those whose run the lease abandoned and that may still be marked running
   * for this worker: a registration again after a prune re-attaches them all, so that the abandoned
   * ones are taken back and run here rather than left running for no worker.
   */
  private long[] heldOrAbandonedIds() {
    java.util.Set<Long> ids = new java.util.HashSet<>(held.keySet());
    ids.addAll(abandonedRuns);
    return ids.stream().mapToLong(Long::longValue).toArray();
  }

  /** Registration → housekeeper: a registration recorded a first heartbeat. */
  private void heartbeatRecorded(long sentAt) {
    housekeeper.renewLease(sentAt);
  }

  /** Housekeeper → fetcher: a heartbeat renewed a lease that had run out. */
  private void leaseRenewed() {
    fetcher.leaseRenewed();
  }

  /**
   * Timer → running jobs: the lease ran out; each job is asked to abort, unless nothing of the
   * fleet rescues stalled jobs.
   */
  private void leaseExpired() {
    if (options.fleetRescuesStalledJobs()) {
      held.values().forEach(context -> context.abort(AbortReason.LEASE_EXPIRED));
    }
  }

  /** Any thread → fetcher: a connection was lost; jobs may be marked running but not held. */
  private void connectionLost() {
    Fetcher current = fetcher;
    if (current != null) {
      current.connectionLost();
    }
  }

  /** Listener → fetcher: the notification connection is back after a loss. */
  private void listenerReconnected() {
    fetcher.connectionLost();
    fetcher.jobsInserted();
  }

  /** Warns when another worker may count this one as dead while its lease still holds. */
  private void warnIfOthersMayRescueEarly() {
    String warning = earlyRescueWarning(options);
    if (warning != null) {
      LOG.warn("{} - {}", name, warning);
    }
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
    Duration leaseLength = Lease.length(options);
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

  /**
   * Fetcher → executor: the job waits in the executor's queue until a thread is free. A job whose
   * earlier run still goes on here waits for that run to end and let go: one job never runs twice
   * at once in this worker. (An earlier run that has ended, its outcome not yet noted, is replaced
   * at once; its note lets go of that run only.)
   */
  private void dispatch(ProcrastinateJob job, @Nullable String headersJson) {
    synchronized (parked) {
      RunningJob earlier = held.get(job.id());
      if (earlier != null && !earlier.ended()) {
        parked.put(job.id(), new Parked(job, headersJson));
        LOG.warn(
            "{} - job {} was fetched again while its earlier run here goes on (retried by hand or"
                + " by another process meanwhile): it starts once that run ends, whose outcome is"
                + " then not written",
            name,
            job.id());
        return;
      }
      RunningJob context =
          new RunningJob(
              job,
              name,
              options.queues(),
              options.additionalContext(),
              app,
              headersJson == null ? Map.of() : parseHeaders(job, headersJson),
              options.fleetRescuesStalledJobs() ? lease : null);
      held.put(job.id(), context);
      if (!abandonedRuns.isEmpty()) {
        abandonedRuns.remove(job.id());
      }
      executor.execute(new JobRun(context));
    }
  }

  /** A job fetched again while its earlier run was held. */
  private record Parked(ProcrastinateJob job, @Nullable String headersJson) {}

  /** One job's run on an executor thread; what the executor's queue holds. */
  private final class JobRun implements Runnable {
    private final RunningJob context;

    JobRun(RunningJob context) {
      this.context = context;
    }

    @Override
    public void run() {
      running.incrementAndGet();
      slots.started();
      long start = nanoTime.getAsLong();
      Completion completion = null;
      try {
        completion = jobExecutor.run(context);
      } finally {
        if (completion == null) {
          // Only an Error thrown past the executor's own guard can leave it null.
          completion = jobExecutor.end(context.job(), dev.procrastinate.model.JobStatus.FAILED);
        }
        context.markEnded();
        if (completion.abandoned() != null) {
          abandon(completion);
        } else {
          completer.submit(completion);
        }
        // The slot is free once the task has returned; its outcome is written in the background.
        slots.ended(nanoTime.getAsLong() - start);
        running.decrementAndGet();
        fetcher.slotFreed();
        drained.signal();
      }
    }
  }

  private Map<String, String> parseHeaders(ProcrastinateJob job, String headersJson) {
    try {
      Map<String, String> headers = new LinkedHashMap<>();
      json.readTree(headersJson)
          .properties()
          .forEach(field -> headers.put(field.getKey(), field.getValue().asText()));
      return Map.copyOf(headers);
    } catch (com.fasterxml.jackson.core.JsonProcessingException e) {
      LOG.warn("{} - headers of job {} are not valid JSON; ignored", name, job.id());
      return Map.of();
    }
  }

  /**
   * Lets go of a run abandoned because the lease ran out, writing nothing for it. A job that never
   * started goes back to the queue untouched, if the database answers; one that was stopped, or
   * could not go back, stays marked running for this worker, which takes it back and runs it again
   * once the lease holds, unless a rescue took it first.
   */
  private void abandon(Completion completion) {
    ProcrastinateJob job = completion.job();
    boolean handedBack = false;
    if (completion.abandoned() == Completion.Abandoned.UNSTARTED) {
      try {
        long[] back =
            database.withConnection(
                "handing back job " + job.id() + ", never started",
                c -> dao.releaseUnstarted(c, new long[] {job.id()}, registration.id()));
        handedBack = back.length == 1;
        if (handedBack) {
          JOBS.info("{} - job {} handed back to the queue, never started", name, job.id());
        }
      } catch (RuntimeException e) {
        LOG.debug("{} - cannot hand back job {}: {}", name, job.id(), e.getMessage());
      }
    }
    if (!handedBack) {
      abandonedRuns.add(job.id());
    }
    releaseRun(job);
    fetcher.runAbandoned();
    drained.signal();
  }

  /** Registration → fetcher: a heartbeat found that the server restarted. */
  private void serverRestarted() {
    fetcher.serverRestarted();
  }

  /**
   * Lets go of the run a completion ends. Only that run: once the outcome has committed, and before
   * this note, the job may have been fetched again (a retry due at once), and its new run, held
   * under the same id, stays held.
   */
  private void release(Completion completion) {
    releaseRun(completion.job());
  }

  /** Lets go of one run, and starts the job's next run if one was fetched meanwhile. */
  private void releaseRun(ProcrastinateJob job) {
    Parked next;
    synchronized (parked) {
      held.computeIfPresent(job.id(), (id, run) -> run.job() == job ? null : run);
      RunningJob still = held.get(job.id());
      if (still != null && !still.ended()) {
        return;
      }
      next = parked.remove(job.id());
    }
    if (next != null) {
      dispatch(next.job(), next.headersJson());
    }
  }

  /** Completer → fetcher: an outcome is written; its lock or its retry may make work due. */
  private void written(Completion completion) {
    release(completion);
    processed.incrementAndGet();
    if (completion.retry() != null || completion.job().lock() != null) {
      fetcher.workMayBeDue(completion.retry() != null);
    }
    if (!options.waitForJobs() && held.isEmpty()) {
      // A one-shot worker looks once more before stopping: retries may have made jobs due.
      fetcher.jobsInserted();
    }
    fetcher.slotFreed();
    drained.signal();
  }

  private void dropped(Completion completion) {
    fetcher.outcomeDropped(completion.job().id());
    release(completion);
    fetcher.slotFreed();
    drained.signal();
  }

  /** Listener or housekeeper → a held job: an abort was requested. */
  private void abortRequested(long jobId) {
    RunningJob context = held.get(jobId);
    if (context != null && !context.shouldAbort()) {
      JOBS.info("{} - abort requested for job {}", name, jobId);
      context.abort(AbortReason.USER_REQUEST);
    }
  }

  // --------------------------------------------------------------------------------- shutdown

  private void shutdown() {
    try {
      Thread fetcherRef = fetcherThread;
      if (fetcherRef != null) {
        fetcherRef.interrupt();
        fetcherRef.join();
      }
      PeriodicDeferrer deferrer = periodic;
      Thread deferrerThread = periodicThread;
      if (deferrer != null && deferrerThread != null) {
        deferrer.stop();
        deferrerThread.join();
      }
      releaseUnstarted();
      Duration graceful = options.shutdownGracefulTimeout();
      if (running.get() > 0) {
        logStop(
            false,
            name
                + " - waiting for "
                + running.get()
                + " running jobs"
                + (graceful == null ? "" : " for up to " + graceful));
      }
      long deadline = graceful == null ? Long.MAX_VALUE : nanoTime.getAsLong() + graceful.toNanos();
      while (running.get() > 0 && nanoTime.getAsLong() - deadline < 0) {
        drained.awaitMillis(50);
      }
      // Past it, other workers may rescue what is left: the stop does not wait longer, whether a
      // task ignores its abort or the database refuses the outcomes.
      long drainDeadline = System.nanoTime() + options.stalledWorkerTimeout().toNanos();
      if (running.get() > 0) {
        logStop(
            true, name + " - aborting " + running.get() + " jobs still running after " + graceful);
        held.values().forEach(context -> context.abort(AbortReason.SHUTDOWN));
        while (running.get() > 0 && System.nanoTime() - drainDeadline < 0) {
          drained.awaitMillis(50);
        }
        if (running.get() > 0) {
          logStop(
              true,
              name
                  + " - "
                  + running.get()
                  + " jobs still run "
                  + options.stalledWorkerTimeout()
                  + " after they were asked to abort; stopping without them: they stay marked"
                  + " running for this worker and run again once rescued");
        }
      }
      completer.stop(drainDeadline);
      Thread completerRef = completerThread;
      if (completerRef != null) {
        completerRef.join();
      }
      if (listener != null) {
        listener.stop();
        Thread listenerRef = listenerThread;
        if (listenerRef != null) {
          listenerRef.interrupt(); // ends a reconnection backoff at once
          listenerRef.join();
        }
      }
      housekeeper.stop();
      executor.shutdown();
      registration.unregister();
      removeShutdownHook();
      logStop(false, name + " - Shutdown completed, " + processed.get() + " jobs processed");
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      logStop(true, name + " - shutdown interrupted");
    } finally {
      terminated.countDown();
    }
  }

  /**
   * Logs on the way to a stop, where a failing logger must not keep the worker from stopping
   * gracefully: in a JVM shutting down, a logging back end may already be half torn down by its own
   * shutdown hook (Maven's logger has thrown there).
   */
  private static void logStop(boolean warn, String message) {
    try {
      if (warn) {
        LOG.warn(message);
      } else {
        LOG.info(message);
      }
    } catch (RuntimeException e) {
      System.err.println(message + " (the logger failed: " + e + ")");
    }
  }

  /**
   * Hands the jobs fetched ahead and never started back to the queue, so that other workers run
   * them now rather than after this one's graceful stop.
   */
  private void releaseUnstarted() {
    List<Runnable> queued = new ArrayList<>();
    executor.getQueue().drainTo(queued);
    List<Long> waiting = new ArrayList<>();
    for (Runnable run : queued) {
      waiting.add(((JobRun) run).context.job().id());
    }
    synchronized (parked) {
      waiting.addAll(parked.keySet());
      parked.clear();
    }
    if (waiting.isEmpty()) {
      return;
    }
    long[] ids = waiting.stream().mapToLong(Long::longValue).toArray();
    try {
      long workerId = registration.id();
      long[] released =
          database.withConnection(
              "handing back jobs fetched ahead", c -> dao.releaseUnstarted(c, ids, workerId));
      LOG.info(
          "{} - handed {} jobs fetched ahead and never started back to the queue",
          name,
          released.length);
    } catch (RuntimeException e) {
      // They stay doing for this worker, which unregisters: a rescuer takes them, as after a crash.
      LOG.warn(
          "{} - cannot hand back {} jobs fetched ahead: {}; they run again once rescued",
          name,
          ids.length,
          e.getMessage());
    }
    for (Runnable run : queued) {
      held.remove(((JobRun) run).context.job().id());
    }
    slots.released(ids.length);
  }

  private void removeShutdownHook() {
    Thread hook = shutdownHook;
    if (hook != null && Thread.currentThread() != hook) {
      try {
        Runtime.getRuntime().removeShutdownHook(hook);
      } catch (IllegalStateException e) {
        // The JVM is already shutting down: the hook is running.
      }
    }
  }
}
