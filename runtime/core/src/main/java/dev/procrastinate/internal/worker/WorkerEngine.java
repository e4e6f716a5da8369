package dev.procrastinate.internal.worker;

import com.fasterxml.jackson.databind.ObjectMapper;
import dev.procrastinate.AbortReason;
import dev.procrastinate.DatabaseUnavailableException;
import dev.procrastinate.WorkerOptions;
import dev.procrastinate.internal.builtin.BuiltinTasks;
import dev.procrastinate.internal.observe.Observers;
import dev.procrastinate.internal.periodic.PeriodicDeferrer;
import dev.procrastinate.internal.registry.TaskRegistry;
import dev.procrastinate.internal.sql.Database;
import dev.procrastinate.internal.sql.FlowControlDao;
import dev.procrastinate.model.RateLimit;
import dev.procrastinate.spi.TaskDescriptor;
import java.sql.SQLException;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.OptionalInt;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicLong;
import java.util.function.Consumer;
import org.jspecify.annotations.Nullable;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * A worker's lifecycle: builds its parts, starts their threads, and stops them in order. The parts
 * and the signals between them are described in the package documentation and in {@code
 * runtime/docs/concurrency.md}; the edges that end here are the small inner classes at the end.
 * Thread-safe. Not API: {@link dev.procrastinate.Worker} is the public face.
 */
public final class WorkerEngine {
  private static final Logger LOG = LoggerFactory.getLogger("procrastinate.worker");

  private final WorkerContext context;
  private final String name;
  private final WorkerOptions options;
  private final TaskRegistry registry;
  private final ObjectMapper json;
  private final Duration periodicMaxDelay;
  private final HeldJobs held;
  private final Registration registration;
  private final Fetcher fetcher;
  private final Completer completer;
  private final ExecutorThreads threads;
  private final Housekeeper housekeeper;
  private final @Nullable Listener listener;
  private final AtomicBoolean started = new AtomicBoolean();
  private final AtomicBoolean stopRequested = new AtomicBoolean();
  private final CountDownLatch terminated = new CountDownLatch(1);
  private final AtomicLong processed = new AtomicLong();
  private @Nullable Thread fetcherThread;
  private @Nullable Thread completerThread;
  private @Nullable Thread listenerThread;
  private @Nullable PeriodicDeferrer periodic;
  private @Nullable Thread periodicThread;
  private @Nullable Thread shutdownHook;

  /**
   * Creates a worker; nothing runs before {@link #start()}.
   *
   * @param contexts the app's contexts of runs
   * @param database the app's database
   * @param registry the tasks this worker knows
   * @param options the options
   * @param observers the app's observers and context propagator
   * @param json the app's JSON mapper
   * @param periodicMaxDelay how late a periodic tick may still be deferred
   */
  public WorkerEngine(
      JobContexts contexts,
      Database database,
      TaskRegistry registry,
      WorkerOptions options,
      Observers observers,
      ObjectMapper json,
      Duration periodicMaxDelay) {
    this(
        WorkerContext.of(options, database, WorkerHooks.NONE),
        registry,
        new Collaborators(contexts, observers, json, periodicMaxDelay));
  }

  /**
   * What the worker takes from its app beside the context and the tasks.
   *
   * @param contexts the app's contexts of runs
   * @param observers the app's observers and context propagator
   * @param json the app's JSON mapper
   * @param periodicMaxDelay how late a periodic tick may still be deferred
   */
  record Collaborators(
      JobContexts contexts, Observers observers, ObjectMapper json, Duration periodicMaxDelay) {}

  /**
   * Creates a worker from a context, as tests do to give it hooks or clocks.
   *
   * @param context the worker's context; its database is wrapped so that every part learns of a
   *     lost connection, whoever met it
   * @param registry the tasks this worker knows
   * @param collaborators the app's contexts of runs, observers, JSON mapper and periodic delay
   */
  WorkerEngine(WorkerContext context, TaskRegistry registry, Collaborators collaborators) {
    Database observed = context.database().observingConnectionLoss(this::connectionLost);
    this.context = context.withDatabase(observed);
    this.name = context.name();
    this.options = context.options();
    this.registry = registry;
    this.json = collaborators.json();
    this.periodicMaxDelay = collaborators.periodicMaxDelay();
    Lease lease = new Lease(Lease.length(options), context.nanoTime());
    Slots slots = new Slots(options.concurrency(), options.fetchBatchSize());
    this.held = new HeldJobs(this.context, collaborators.contexts(), json, lease);
    this.registration = new Registration(this.context, held, new RegistrationEdge());
    this.fetcher =
        new Fetcher(
            this.context,
            registration,
            slots,
            held,
            lease,
            new FetchedEdge(),
            collaborators.observers().propagates());
    this.housekeeper =
        new Housekeeper(this.context, registry, registration, held, lease, new LeaseEdge());
    this.completer = new Completer(this.context, registration, new OutcomeEdge());
    JobExecutor jobExecutor =
        new JobExecutor(
            name,
            options,
            registry,
            json,
            collaborators.observers(),
            housekeeper.timer(),
            context.nanoTime());
    this.threads =
        new ExecutorThreads(
            this.context, held, jobExecutor, slots, completer, registration, fetcher);
    this.listener = options.listenNotify() ? new Listener(this.context, json, fetcher, held) : null;
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
    String earlyRescue = Lease.earlyRescueWarning(options);
    if (earlyRescue != null) {
      LOG.warn("{} - {}", name, earlyRescue);
    }
    Database database = context.database();
    if (PeriodicDeferrer.hasSchedules(registry)) {
      periodic =
          new PeriodicDeferrer(
              name, database, context.jobs(), registry, json, context.clock(), periodicMaxDelay);
    }
    long[] pruned =
        database.withConnection(
            "pruning stalled workers",
            c -> context.workers().pruneStalled(c, options.stalledWorkerTimeout()));
    if (pruned.length > 0) {
      LOG.info("{} - pruned {} stalled workers", name, pruned.length);
    }
    declareFlowControls(database);
    long workerId = registration.register();
    if (listener != null) {
      try {
        listener.connect();
      } catch (SQLException e) {
        LOG.warn("{} - cannot LISTEN yet, polling until it can: {}", name, e.getMessage());
      }
      listenerThread = startDaemon(listener, "listener");
    }
    completerThread = startDaemon(completer, "completer");
    housekeeper.start();
    fetcherThread = startDaemon(fetcher, "fetcher");
    if (periodic != null) {
      periodicThread = startDaemon(periodic, "periodic");
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
   * Writes the limits the known tasks declare in code ({@code @Task(concurrencyLimit, rateLimit)})
   * where every worker reads them, and forgets those of known tasks that declare none any more.
   */
  private void declareFlowControls(Database database) {
    List<FlowControlDao.Declared> declared = new ArrayList<>();
    List<String> undeclared = new ArrayList<>();
    for (TaskDescriptor task : registry.tasks()) {
      OptionalInt concurrency = task.concurrencyLimit();
      RateLimit rate = task.rateLimit().orElse(null);
      if (concurrency.isPresent() || rate != null) {
        declared.add(
            new FlowControlDao.Declared(
                task.name(), concurrency.isPresent() ? concurrency.getAsInt() : null, rate));
      } else if (!BuiltinTasks.isBuiltin(task)) {
        undeclared.add(task.name());
      }
    }
    database.inTransaction(
        "writing the flow controls the tasks declare",
        c -> {
          new FlowControlDao().declare(c, declared, undeclared);
          return null;
        });
  }

  private Thread startDaemon(Runnable runnable, String role) {
    Thread thread = context.daemon(runnable, role);
    thread.start();
    return thread;
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
    fetcher.stop();
    context.daemon(this::shutdown, "shutdown").start();
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

  /** Any thread → fetcher: a connection was lost; jobs may be marked running but not held. */
  private void connectionLost() {
    Fetcher current = fetcher;
    if (current != null) { // a loss while the parts are still being built
      current.connectionLost();
    }
  }

  // --------------------------------------------------------------------------------- shutdown

  /**
   * Stops the parts in order: the fetcher and the periodic deferrer (nothing new starts), the jobs
   * fetched ahead go back, the runs end (asked to abort past the graceful timeout), their outcomes
   * are written, then the listener, the housekeeper and the registration end.
   */
  private void shutdown() {
    try {
      joinAfter(fetcherThread, Thread::interrupt);
      PeriodicDeferrer deferrer = periodic;
      if (deferrer != null) {
        deferrer.stop();
        joinAfter(periodicThread, thread -> {});
      }
      threads.releaseUnstarted();
      long drainDeadline = awaitRuns();
      completer.stop(drainDeadline);
      joinAfter(completerThread, thread -> {});
      if (listener != null) {
        listener.stop();
        joinAfter(listenerThread, Thread::interrupt); // ends a reconnection backoff at once
      }
      housekeeper.stop();
      threads.shutdown();
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

  /** Nudges a part's thread (an interrupt, or nothing) and waits for it to end. */
  private static void joinAfter(@Nullable Thread thread, Consumer<Thread> nudge)
      throws InterruptedException {
    if (thread != null) {
      nudge.accept(thread);
      thread.join();
    }
  }

  /**
   * Waits for the running jobs up to the graceful timeout, then asks them to abort and waits up to
   * the stalled-worker timeout; past it, other workers may rescue what is left, so the stop does
   * not wait longer, whether a task ignores its abort or the database refuses the outcomes.
   *
   * @return the deadline, on {@link System#nanoTime()}, for writing the last outcomes
   */
  private long awaitRuns() throws InterruptedException {
    Duration graceful = options.shutdownGracefulTimeout();
    if (threads.running() > 0) {
      logStop(
          false,
          name
              + " - waiting for "
              + threads.running()
              + " running jobs"
              + (graceful == null ? "" : " for up to " + graceful));
    }
    long deadline =
        graceful == null ? Long.MAX_VALUE : context.nanoTime().getAsLong() + graceful.toNanos();
    threads.awaitRunsEnded(context.nanoTime(), deadline);
    long drainDeadline = System.nanoTime() + options.stalledWorkerTimeout().toNanos();
    if (threads.running() > 0) {
      logStop(
          true,
          name + " - aborting " + threads.running() + " jobs still running after " + graceful);
      held.abortAll(AbortReason.SHUTDOWN);
      if (!threads.awaitRunsEnded(System::nanoTime, drainDeadline)) {
        logStop(
            true,
            name
                + " - "
                + threads.running()
                + " jobs still run "
                + options.stalledWorkerTimeout()
                + " after they were asked to abort; stopping without them: they stay marked"
                + " running for this worker and run again once rescued");
      }
    }
    return drainDeadline;
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

  // ------------------------------------------------------------------ the edges that end here

  /** Fetcher → executor threads: each fetched job; and, without waiting for jobs, the end. */
  private final class FetchedEdge implements FetchedJobs {
    @Override
    public void dispatch(HeldJobs.Fetched fetched) {
      threads.dispatch(fetched);
    }

    @Override
    public void noneLeft() {
      stop();
    }
  }

  /** Completer → held jobs and fetcher: an outcome was written, or dropped for good. */
  private final class OutcomeEdge implements OutcomeNotes {
    @Override
    public void written(Completion completion) {
      threads.release(completion.job());
      processed.incrementAndGet();
      // A lock released, a retry, or capacity freed under a concurrency limit.
      if (completion.retry() != null
          || completion.job().lock() != null
          || fetcher.concurrencyLimited()) {
        fetcher.workMayBeDue(completion.retry() != null);
      }
      if (!options.waitForJobs() && held.isEmpty()) {
        // A one-shot worker looks once more before stopping: retries may have made jobs due.
        fetcher.jobsInserted();
      }
      fetcher.slotFreed();
    }

    @Override
    public void dropped(Completion completion) {
      fetcher.outcomeDropped(completion.job().id());
      threads.release(completion.job());
      fetcher.slotFreed();
    }
  }

  /** Registration → housekeeper and fetcher. */
  private final class RegistrationEdge implements RegistrationEvents {
    @Override
    public void heartbeatRecorded(long sentAt) {
      housekeeper.renewLease(sentAt);
    }

    @Override
    public void serverRestarted() {
      fetcher.serverRestarted();
    }
  }

  /** Housekeeper → running jobs and fetcher. */
  private final class LeaseEdge implements LeaseEvents {
    /**
     * Each held job is asked to abort, unless nothing of the fleet rescues stalled jobs (the lease
     * then guards nothing).
     */
    @Override
    public void expired() {
      if (options.fleetRescuesStalledJobs()) {
        held.abortAll(AbortReason.LEASE_EXPIRED);
      }
    }

    @Override
    public void renewed() {
      fetcher.leaseRenewed();
    }
  }
}
