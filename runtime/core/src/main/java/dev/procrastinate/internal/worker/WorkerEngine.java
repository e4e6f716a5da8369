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
 * runtime/core/docs/concurrency.md} describes. Thread-safe. Not API: {@link
 * dev.procrastinate.Worker} is the public face.
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
  private final JobDao dao = new JobDao();
  private final WorkerDao workers = new WorkerDao();
  private final String name;
  private final Map<Long, RunningJob> held = new ConcurrentHashMap<>();
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
    this.database = database;
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
            this::heldIds,
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
                fetcher::jobsInserted)
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

  /** Registration → housekeeper: a registration recorded a first heartbeat. */
  private void heartbeatRecorded(long sentAt) {
    housekeeper.renewLease(sentAt);
  }

  /** Housekeeper → fetcher: a heartbeat renewed a lease that had run out. */
  private void leaseRenewed() {
    fetcher.leaseRenewed();
  }

  /** Timer → running jobs: the lease ran out; each job is asked to abort. */
  private void leaseExpired() {
    held.values().forEach(context -> context.abort(AbortReason.LEASE_EXPIRED));
  }

  /** Fetcher → executor: the job waits in the executor's queue until a thread is free. */
  private void dispatch(ProcrastinateJob job, @Nullable String headersJson) {
    RunningJob context =
        new RunningJob(
            job,
            name,
            options.queues(),
            options.additionalContext(),
            app,
            headersJson == null ? Map.of() : parseHeaders(job, headersJson),
            lease);
    held.put(job.id(), context);
    executor.execute(new JobRun(context));
  }

  /** One job's run on an executor thread; what the executor's queue holds. */
  private final class JobRun implements Runnable {
    private final RunningJob context;

    JobRun(RunningJob context) {
      this.context = context;
    }

    @Override
    public void run() {
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
        completer.submit(completion);
        // The slot is free once the task has returned; its outcome is written in the background.
        slots.ended(nanoTime.getAsLong() - start);
        fetcher.slotFreed();
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
    held.computeIfPresent(
        completion.job().id(), (id, run) -> run.job() == completion.job() ? null : run);
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
      if (!held.isEmpty()) {
        logStop(
            false,
            name
                + " - waiting for "
                + held.size()
                + " running jobs"
                + (graceful == null ? "" : " for up to " + graceful));
      }
      long deadline = graceful == null ? Long.MAX_VALUE : nanoTime.getAsLong() + graceful.toNanos();
      while (!held.isEmpty() && nanoTime.getAsLong() - deadline < 0) {
        drained.awaitMillis(50);
      }
      if (!held.isEmpty()) {
        logStop(
            true, name + " - aborting " + held.size() + " jobs still running after " + graceful);
        held.values().forEach(context -> context.abort(AbortReason.SHUTDOWN));
        while (!held.isEmpty()) {
          drained.awaitMillis(50);
        }
      }
      completer.stop();
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
    if (queued.isEmpty()) {
      return;
    }
    long[] ids = new long[queued.size()];
    for (int i = 0; i < ids.length; i++) {
      ids[i] = ((JobRun) queued.get(i)).context.job().id();
    }
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
    for (long id : ids) {
      held.remove(id);
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
