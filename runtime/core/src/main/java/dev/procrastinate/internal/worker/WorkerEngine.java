package dev.procrastinate.internal.worker;

import com.fasterxml.jackson.databind.ObjectMapper;
import dev.procrastinate.AbortReason;
import dev.procrastinate.App;
import dev.procrastinate.ArgumentsException;
import dev.procrastinate.ContextPropagator;
import dev.procrastinate.DatabaseUnavailableException;
import dev.procrastinate.DeleteJobs;
import dev.procrastinate.JobMiddleware;
import dev.procrastinate.JobObserver;
import dev.procrastinate.JobTimeoutException;
import dev.procrastinate.ProcrastinateException;
import dev.procrastinate.RetryDecision;
import dev.procrastinate.TaskNotFoundException;
import dev.procrastinate.WorkerOptions;
import dev.procrastinate.internal.builtin.BuiltinTasks;
import dev.procrastinate.internal.observe.Observers;
import dev.procrastinate.internal.periodic.PeriodicDeferrer;
import dev.procrastinate.internal.registry.JsonTaskArguments;
import dev.procrastinate.internal.registry.TaskRegistry;
import dev.procrastinate.internal.sql.Database;
import dev.procrastinate.internal.sql.JobDao;
import dev.procrastinate.model.JobStatus;
import dev.procrastinate.model.ProcrastinateJob;
import dev.procrastinate.spi.TaskDescriptor;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.Executors;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.Semaphore;
import java.util.concurrent.ThreadLocalRandom;
import java.util.concurrent.ThreadPoolExecutor;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicLong;
import org.jspecify.annotations.Nullable;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.slf4j.MDC;

/**
 * Runs jobs: fetcher, executor, completer, listener and housekeeper, as {@code
 * runtime/core/docs/concurrency.md} describes. Thread-safe. Not API: {@link
 * dev.procrastinate.Worker} is the public face.
 */
public final class WorkerEngine {
  private static final Logger LOG = LoggerFactory.getLogger("procrastinate.worker");
  private static final Logger JOBS = LoggerFactory.getLogger("procrastinate.jobs");

  private final App app;
  private final Observers observers;
  private final WorkerOptions options;
  private final TaskRegistry registry;
  private final Database database;
  private final ObjectMapper json;
  private final JobDao dao = new JobDao();
  private final String name;
  private final String @Nullable [] queues;
  private final Semaphore slots;
  private final Map<Long, RunningJob> running = new ConcurrentHashMap<>();
  private final Wakeup wakeup = new Wakeup();
  private final AtomicBoolean notified = new AtomicBoolean(true);
  private final AtomicBoolean started = new AtomicBoolean();
  private final AtomicBoolean stopRequested = new AtomicBoolean();
  private final CountDownLatch terminated = new CountDownLatch(1);
  private final AtomicLong processed = new AtomicLong();
  private final ThreadPoolExecutor executor;
  private final ScheduledExecutorService housekeeper;
  private final Completer completer;
  private final @Nullable Listener listener;
  private volatile boolean stopping;
  private volatile long workerId;
  private @Nullable Thread fetcherThread;
  private @Nullable Thread completerThread;
  private @Nullable Thread listenerThread;
  private @Nullable PeriodicDeferrer periodic;
  private @Nullable Thread periodicThread;
  private @Nullable Thread shutdownHook;

  /**
   * Creates a worker; nothing runs before {@link #start()}.
   *
   * @param app the app
   * @param database the app's database
   * @param registry the tasks this worker knows
   * @param options the options
   * @param observers the app's observers and context propagator
   */
  public WorkerEngine(
      App app,
      Database database,
      TaskRegistry registry,
      WorkerOptions options,
      Observers observers) {
    this.app = app;
    this.observers = observers;
    this.options = options;
    this.registry = registry;
    this.database = database;
    this.json = app.jsonMapper();
    this.name = options.name();
    this.queues = options.queues().isEmpty() ? null : options.queues().toArray(new String[0]);
    this.slots = new Semaphore(options.concurrency());
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
        Executors.newSingleThreadScheduledExecutor(
            runnable -> daemon(runnable, "procrastinate-" + name + "-housekeeper"));
    this.completer = new Completer(name, database, dao, this::written);
    this.listener =
        options.listenNotify()
            ? new Listener(
                name,
                database,
                options.queues(),
                json,
                this::jobsMayBeAvailable,
                this::abortRequested,
                this::jobsMayBeAvailable)
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
      periodic =
          new PeriodicDeferrer(
              name, database, dao, registry, json, Clock.systemUTC(), app.periodicMaxDelay());
    }
    long[] pruned =
        database.withConnection(
            "pruning stalled workers",
            c -> dao.pruneStalledWorkers(c, options.stalledWorkerTimeout()));
    if (pruned.length > 0) {
      LOG.info("{} - pruned {} stalled workers", name, pruned.length);
    }
    workerId = database.withConnection("registering the worker", dao::registerWorker);
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
    long heartbeat = options.updateHeartbeatInterval().toMillis();
    housekeeper.scheduleWithFixedDelay(
        this::heartbeat, heartbeat, heartbeat, TimeUnit.MILLISECONDS);
    long abortPolling = options.abortJobPollingInterval().toMillis();
    housekeeper.scheduleWithFixedDelay(
        this::pollAborts, abortPolling, abortPolling, TimeUnit.MILLISECONDS);
    if (options.rescueStalledJobs()) {
      long every = options.stalledWorkerTimeout().toMillis();
      housekeeper.scheduleWithFixedDelay(
          this::rescueStalledJobs, Math.min(every, 1_000), every, TimeUnit.MILLISECONDS);
    }
    fetcherThread = daemon(this::fetchLoop, "procrastinate-" + name + "-fetcher");
    fetcherThread.start();
    if (periodic != null) {
      periodicThread = daemon(periodic, "procrastinate-" + name + "-periodic");
      periodicThread.start();
    }
    if (options.installSignalHandlers()) {
      Thread hook =
          new Thread(
              () -> {
                LOG.info("{} - signal received, stopping gracefully", name);
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
    return workerId;
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
   * Returns the number of jobs currently running.
   *
   * @return the count
   */
  public int runningJobs() {
    return running.size();
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
    LOG.info("{} - Shutdown initiated", name);
    stopping = true;
    wakeup.signal();
    daemon(this::shutdown, "procrastinate-" + name + "-shutdown").start();
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

  // ---------------------------------------------------------------------------------- fetcher

  private void jobsMayBeAvailable() {
    notified.set(true);
    wakeup.signal();
  }

  private void fetchLoop() {
    MDC.put("worker", name);
    long pollNanos = options.fetchJobPollingInterval().toNanos();
    int refill = Math.max(1, Math.min(options.concurrency(), options.fetchBatchSize()) / 2);
    long nextPoll = 0;
    boolean drained = false;
    int failures = 0;
    while (!stopping) {
      try {
        long now = System.nanoTime();
        int free = slots.availablePermits();
        boolean look = notified.get() || !drained || now - nextPoll >= 0;
        // While the queue is busy, wait for half of the slots to free up, so that each round trip
        // fetches many jobs rather than one at a time; a notification or an idle worker fetches
        // at once.
        boolean enough = free >= refill || notified.get() || free == options.concurrency();
        if (free == 0 || !look || !enough) {
          wakeup.await(free == 0 ? pollNanos : Math.max(nextPoll - now, 1));
          continue;
        }
        if (takeBackOrphans) {
          takeBackOrphans();
          continue;
        }
        notified.set(false);
        int limit = Math.min(free, options.fetchBatchSize());
        // Read before fetching: only outcomes written before the fetch are seen by it.
        boolean idleBeforeFetch = running.isEmpty();
        List<ProcrastinateJob> jobs;
        Map<Long, String> headers;
        try {
          Fetched fetched =
              database.withConnection(
                  "fetching jobs", c -> withHeaders(c, dao.fetchMany(c, queues, workerId, limit)));
          jobs = fetched.jobs();
          headers = fetched.headers();
          if (failures > 0) {
            LOG.info("{} - fetching jobs works again", name);
            failures = 0;
          }
        } catch (ProcrastinateException e) {
          if (Database.isForeignKeyViolation(e)) {
            // The only foreign key a fetch writes is worker_id: this worker was pruned.
            try {
              registerAgain(workerId);
              continue;
            } catch (RuntimeException again) {
              e.addSuppressed(again);
            }
          }
          if (failures++ == 0) {
            LOG.warn("{} - cannot fetch jobs, retrying with backoff: {}", name, e.getMessage());
          }
          // The call may have taken jobs before its answer was lost: look for them once back.
          takeBackOrphans = true;
          notified.set(true);
          wakeup.await(TimeUnit.MILLISECONDS.toNanos(Backoff.delayMillis(failures)));
          continue;
        }
        for (ProcrastinateJob job : jobs) {
          slots.acquireUninterruptibly();
          dispatch(job, headers.get(job.id()));
        }
        drained = jobs.size() < limit;
        if (drained) {
          nextPoll = System.nanoTime() + jitter(pollNanos);
          if (!options.waitForJobs() && jobs.isEmpty() && idleBeforeFetch) {
            LOG.info("{} - no job left to run, stopping (wait=false)", name);
            stop();
            return;
          }
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

  private boolean takeBackOrphans;

  /**
   * Dispatches the jobs marked doing for this worker that it does not run: those of a fetch whose
   * answer was lost with its connection.
   */
  private void takeBackOrphans() {
    Fetched mine;
    try {
      mine =
          database.withConnection(
              "listing this worker's jobs", c -> withHeaders(c, dao.listOfWorker(c, workerId)));
    } catch (ProcrastinateException e) {
      LOG.debug("{} - cannot list this worker's jobs yet: {}", name, e.getMessage());
      try {
        Thread.sleep(Backoff.delayMillis(1));
      } catch (InterruptedException interrupted) {
        Thread.currentThread().interrupt();
      }
      return;
    }
    takeBackOrphans = false;
    int taken = 0;
    for (ProcrastinateJob job : mine.jobs()) {
      if (!running.containsKey(job.id())) {
        slots.acquireUninterruptibly();
        dispatch(job, mine.headers().get(job.id()));
        taken++;
      }
    }
    if (taken > 0) {
      LOG.warn(
          "{} - took back {} jobs that a fetch whose answer was lost had marked as running",
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

  private Fetched withHeaders(java.sql.Connection connection, List<ProcrastinateJob> jobs)
      throws java.sql.SQLException {
    if (!observers.propagates() || jobs.isEmpty()) {
      return new Fetched(jobs, Map.of());
    }
    long[] ids = jobs.stream().mapToLong(ProcrastinateJob::id).toArray();
    return new Fetched(jobs, dao.headers(connection, ids));
  }

  private void dispatch(ProcrastinateJob job, @Nullable String headersJson) {
    RunningJob context =
        new RunningJob(
            job,
            name,
            options.queues(),
            options.additionalContext(),
            app,
            headersJson == null ? Map.of() : parseHeaders(job, headersJson));
    running.put(job.id(), context);
    executor.execute(() -> run(context));
  }

  private Map<String, String> parseHeaders(ProcrastinateJob job, String headersJson) {
    try {
      Map<String, String> headers = new java.util.LinkedHashMap<>();
      json.readTree(headersJson)
          .properties()
          .forEach(field -> headers.put(field.getKey(), field.getValue().asText()));
      return Map.copyOf(headers);
    } catch (com.fasterxml.jackson.core.JsonProcessingException e) {
      LOG.warn("{} - headers of job {} are not valid JSON; ignored", name, job.id());
      return Map.of();
    }
  }

  // --------------------------------------------------------------------------------- executor

  private void run(RunningJob context) {
    ProcrastinateJob job = context.job();
    MDC.put("worker", name);
    MDC.put("job_id", Long.toString(job.id()));
    MDC.put("task", job.taskName());
    MDC.put("queue", job.queueName());
    Completion completion;
    long startNanos = System.nanoTime();
    try {
      observers.started(job);
      completion = execute(context);
      if (observers.any()) {
        observers.ended(job, outcome(completion), Duration.ofNanos(System.nanoTime() - startNanos));
      }
    } finally {
      MDC.remove("job_id");
      MDC.remove("task");
      MDC.remove("queue");
    }
    completer.submit(completion);
    // The slot is free once the task has returned; its outcome is written in the background.
    slots.release();
    wakeup.signal();
  }

  private static JobObserver.Outcome outcome(Completion completion) {
    if (completion.retry() != null) {
      return JobObserver.Outcome.RETRIED;
    }
    return switch (java.util.Objects.requireNonNull(completion.status())) {
      case SUCCEEDED -> JobObserver.Outcome.SUCCEEDED;
      case ABORTED -> JobObserver.Outcome.ABORTED;
      default -> JobObserver.Outcome.FAILED;
    };
  }

  private Completion execute(RunningJob context) {
    ProcrastinateJob job = context.job();
    @Nullable TaskDescriptor task = registry.find(job.taskName()).orElse(null);
    long startNanos = System.nanoTime();
    context.enter();
    // Opened before the worker middleware, closed after the outcome is logged.
    ContextPropagator.Scope scope = observers.extract(context);
    try {
      if (task != null && task.timeout().isPresent()) {
        context.timeout(
            housekeeper.schedule(
                () -> context.abort(AbortReason.TIMEOUT),
                task.timeout().get().toNanos(),
                TimeUnit.NANOSECONDS));
      }
      Object result = chain(options.workerMiddleware(), 0, context, () -> runTask(context, task));
      JOBS.info(
          "{} - job {} ({}) succeeded in {} ms, returned {}",
          name,
          job.id(),
          job.taskName(),
          elapsedMillis(startNanos),
          result);
      return end(job, JobStatus.SUCCEEDED);
    } catch (TaskNotFoundException e) {
      JOBS.error("{} - job {} failed: {}", name, job.id(), e.getMessage());
      return end(job, JobStatus.FAILED);
    } catch (ArgumentsException e) {
      JOBS.warn("{} - job {} failed: {}", name, job.id(), e.getMessage());
      return end(job, JobStatus.FAILED);
    } catch (Throwable e) {
      if (task == null) {
        // A worker middleware failed a job whose task is unknown: nothing could retry it.
        JOBS.warn("{} - job {} ({}) failed: {}", name, job.id(), job.taskName(), e.toString(), e);
        return end(job, JobStatus.FAILED);
      }
      return failure(context, task, e, startNanos);
    } finally {
      context.exit();
      scope.close();
    }
  }

  /** Decodes the arguments and runs the task inside the worker's and the task's middleware. */
  private @Nullable Object runTask(RunningJob context, @Nullable TaskDescriptor task)
      throws Exception {
    ProcrastinateJob job = context.job();
    if (task == null) {
      throw new TaskNotFoundException(job.taskName(), registry.byName().keySet());
    }
    JsonTaskArguments arguments = JsonTaskArguments.parse(task, job.argsJson(), json);
    JOBS.info("{} - job {} ({}) started", name, job.id(), job.taskName());
    List<JobMiddleware> middleware = task.middleware();
    if (!options.taskMiddleware().isEmpty()) {
      middleware = new ArrayList<>(options.taskMiddleware());
      middleware.addAll(task.middleware());
    }
    return chain(middleware, 0, context, () -> task.handler().invoke(context, arguments));
  }

  /** Runs middleware {@code index} and those after it, then {@code last}. */
  private static @Nullable Object chain(
      List<JobMiddleware> middleware, int index, RunningJob context, JobMiddleware.Next last)
      throws Exception {
    if (index == middleware.size()) {
      return last.proceed();
    }
    return middleware.get(index).around(context, () -> chain(middleware, index + 1, context, last));
  }

  private Completion failure(RunningJob context, TaskDescriptor task, Throwable e, long start) {
    ProcrastinateJob job = context.job();
    AbortReason reason = context.abortReason().orElse(null);
    if (reason == AbortReason.USER_REQUEST) {
      JOBS.info("{} - job {} ({}) aborted on request", name, job.id(), job.taskName());
      return end(job, JobStatus.ABORTED);
    }
    Throwable cause =
        reason == AbortReason.TIMEOUT
            ? new JobTimeoutException(
                job.id(), job.taskName(), task.timeout().orElse(Duration.ZERO), e)
            : e;
    RetryDecision retry = decideRetry(task, cause, job);
    if (retry != null) {
      JOBS.warn(
          "{} - job {} ({}) failed after {} ms, to retry {}: {}",
          name,
          job.id(),
          job.taskName(),
          elapsedMillis(start),
          retry,
          cause.toString(),
          cause);
      return new Completion(job, null, retry, false);
    }
    if (reason == AbortReason.SHUTDOWN) {
      JOBS.warn("{} - job {} ({}) aborted by shutdown", name, job.id(), job.taskName());
      return end(job, JobStatus.ABORTED);
    }
    JOBS.warn(
        "{} - job {} ({}) failed after {} ms: {}",
        name,
        job.id(),
        job.taskName(),
        elapsedMillis(start),
        cause.toString(),
        cause);
    return end(job, JobStatus.FAILED);
  }

  /** Asks the task's retry policy, which is user code: a policy that throws fails the job. */
  private @Nullable RetryDecision decideRetry(
      TaskDescriptor task, Throwable cause, ProcrastinateJob job) {
    try {
      return task.retryPolicy().decide(cause, job);
    } catch (RuntimeException | Error e) {
      JOBS.error(
          "{} - job {} ({}): the retry policy {} threw while deciding, so the job fails; fix the"
              + " policy",
          name,
          job.id(),
          job.taskName(),
          task.retryPolicy().getClass().getName(),
          e);
      return null;
    }
  }

  private Completion end(ProcrastinateJob job, JobStatus status) {
    DeleteJobs policy = options.deleteJobs();
    boolean delete =
        policy == DeleteJobs.ALWAYS
            || (policy == DeleteJobs.SUCCESSFUL && status == JobStatus.SUCCEEDED);
    return new Completion(job, status, null, delete);
  }

  private static long elapsedMillis(long startNanos) {
    return TimeUnit.NANOSECONDS.toMillis(System.nanoTime() - startNanos);
  }

  private void written(Completion completion) {
    running.remove(completion.job().id());
    processed.incrementAndGet();
    if (!options.waitForJobs() && running.isEmpty()) {
      // A one-shot worker looks once more before stopping: retries may have made jobs due.
      notified.set(true);
    }
    wakeup.signal();
  }

  // ------------------------------------------------------------------------------ housekeeper

  private final AtomicBoolean heartbeatOutage = new AtomicBoolean();

  private void heartbeat() {
    try {
      boolean registered =
          database.withConnection(
              "recording the worker's heartbeat", c -> dao.heartbeat(c, workerId));
      if (heartbeatOutage.compareAndSet(true, false)) {
        LOG.info("{} - heartbeat recorded again", name);
      }
      if (!registered) {
        registerAgain(workerId);
      }
    } catch (RuntimeException e) {
      if (heartbeatOutage.compareAndSet(false, true)) {
        LOG.warn("{} - cannot record the heartbeat: {}", name, e.getMessage());
      }
    }
  }

  private final Object registration = new Object();

  /**
   * Registers again after another worker pruned this one (it could not heartbeat for longer than
   * the stalled-worker timeout, during an outage say), and gives its running jobs, whose {@code
   * worker_id} the prune cleared, back to it, so that no rescuer takes them while they run.
   *
   * @param lostId the id that was pruned; nothing happens if the worker already registered again
   */
  private void registerAgain(long lostId) {
    synchronized (registration) {
      if (workerId != lostId || stopping) {
        return;
      }
      long newId = database.withConnection("registering the worker again", dao::registerWorker);
      long[] runningIds = running.keySet().stream().mapToLong(Long::longValue).toArray();
      int adopted =
          runningIds.length == 0
              ? 0
              : database.withConnection(
                  "re-attaching running jobs", c -> dao.adopt(c, newId, runningIds));
      // Published last: the fetcher, failing meanwhile under the lost id, waits on this lock.
      workerId = newId;
      LOG.warn(
          "{} - worker id {} was pruned by another worker while this one could not heartbeat;"
              + " registered again as worker id {} and re-attached {} of {} running jobs",
          name,
          lostId,
          newId,
          adopted,
          runningIds.length);
    }
  }

  private void pollAborts() {
    if (running.isEmpty()) {
      return;
    }
    long[] ids = running.keySet().stream().mapToLong(Long::longValue).toArray();
    try {
      long[] aborted =
          database.withConnection(
              "looking for abort requests", c -> dao.listAbortRequested(c, ids));
      for (long id : aborted) {
        abortRequested(id);
      }
    } catch (RuntimeException e) {
      LOG.debug("{} - abort polling failed: {}", name, e.getMessage());
    }
  }

  private void abortRequested(long jobId) {
    RunningJob context = running.get(jobId);
    if (context != null && !context.shouldAbort()) {
      JOBS.info("{} - abort requested for job {}", name, jobId);
      context.abort(AbortReason.USER_REQUEST);
    }
  }

  private void rescueStalledJobs() {
    Duration timeout = options.stalledWorkerTimeout();
    try {
      long[] pruned =
          database.withConnection(
              "pruning stalled workers", c -> dao.pruneStalledWorkers(c, timeout));
      if (pruned.length > 0) {
        LOG.warn(
            "{} - pruned workers {} silent for over {}", name, Arrays.toString(pruned), timeout);
      }
      String[] known = registry.byName().keySet().toArray(new String[0]);
      List<ProcrastinateJob> stalled =
          database.withConnection(
              "listing stalled jobs", c -> dao.listStalled(c, timeout, null, known, 100));
      for (ProcrastinateJob job : stalled) {
        if (!running.containsKey(job.id())) {
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
    RetryDecision retry = decideRetry(task, stalled, job);
    try {
      database.withConnection(
          "rescuing stalled job " + job.id(),
          c -> {
            if (retry != null) {
              dao.retryMany(c, List.of(JobDao.Retry.of(job.id(), retry, Instant.now())));
            } else {
              dao.finishOne(c, job.id(), JobStatus.FAILED, false);
            }
            return null;
          });
      JOBS.warn(
          "{} - rescued stalled job {} ({}): {}",
          name,
          job.id(),
          job.taskName(),
          retry != null ? "retry " + retry : "failed, its retry strategy allows no retry");
    } catch (ProcrastinateException e) {
      // Another worker rescued it first, or it ended meanwhile.
      LOG.debug("{} - job {} was not rescued: {}", name, job.id(), e.getMessage());
    }
  }

  // --------------------------------------------------------------------------------- shutdown

  private void shutdown() {
    try {
      Thread fetcher = fetcherThread;
      if (fetcher != null) {
        fetcher.interrupt();
        fetcher.join();
      }
      PeriodicDeferrer deferrer = periodic;
      Thread deferrerThread = periodicThread;
      if (deferrer != null && deferrerThread != null) {
        deferrer.stop();
        deferrerThread.join();
      }
      Duration graceful = options.shutdownGracefulTimeout();
      if (!running.isEmpty()) {
        LOG.info(
            "{} - waiting for {} running jobs{}",
            name,
            running.size(),
            graceful == null ? "" : " for up to " + graceful);
      }
      long deadline = graceful == null ? Long.MAX_VALUE : System.nanoTime() + graceful.toNanos();
      while (!running.isEmpty() && System.nanoTime() - deadline < 0) {
        wakeup.awaitMillis(50);
      }
      if (!running.isEmpty()) {
        LOG.warn("{} - aborting {} jobs still running after {}", name, running.size(), graceful);
        running.values().forEach(context -> context.abort(AbortReason.SHUTDOWN));
        while (!running.isEmpty()) {
          wakeup.awaitMillis(50);
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
          listenerRef.join();
        }
      }
      housekeeper.shutdownNow();
      executor.shutdown();
      try {
        database.withConnection(
            "unregistering the worker",
            c -> {
              dao.unregisterWorker(c, workerId);
              return null;
            });
      } catch (RuntimeException e) {
        LOG.warn("{} - cannot unregister worker {}: {}", name, workerId, e.getMessage());
      }
      removeShutdownHook();
      LOG.info("{} - Shutdown completed, {} jobs processed", name, processed.get());
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      LOG.warn("{} - shutdown interrupted", name);
    } finally {
      terminated.countDown();
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
}
