package dev.procrastinate.internal.worker;

import dev.procrastinate.model.JobStatus;
import dev.procrastinate.model.ProcrastinateJob;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.ThreadFactory;
import java.util.concurrent.ThreadPoolExecutor;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.function.LongSupplier;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The executor threads of a worker and a run's path through them: a dispatched job is held (see
 * {@link HeldJobs}), waits in the executor's queue for a free thread, runs through {@link
 * JobExecutor}, and its completion goes to the {@link Completer}, or, when the lease abandoned the
 * run, is let go of here without an outcome. Thread-safe. Not API.
 */
final class ExecutorThreads {
  private static final Logger LOG = LoggerFactory.getLogger("procrastinate.worker");
  private static final Logger JOBS = LoggerFactory.getLogger("procrastinate.jobs");

  private final WorkerContext context;
  private final HeldJobs held;
  private final JobExecutor jobExecutor;
  private final Slots slots;
  private final Completer completer;
  private final Registration registration;
  private final WorkSignals work;
  private final ThreadPoolExecutor pool;

  /** Runs started on an executor thread and not yet ended. */
  private final AtomicInteger running = new AtomicInteger();

  private final Wakeup drained = new Wakeup();

  /**
   * Creates the threads (started as jobs come).
   *
   * @param context the worker's context
   * @param held the held jobs
   * @param jobExecutor runs a job's task and decides its outcome
   * @param slots counts the held jobs and frees a slot when a run ends
   * @param completer writes the outcomes
   * @param registration the worker's id, for the jobs handed back
   * @param work told when a slot frees or a run is abandoned
   */
  ExecutorThreads(
      WorkerContext context,
      HeldJobs held,
      JobExecutor jobExecutor,
      Slots slots,
      Completer completer,
      Registration registration,
      WorkSignals work) {
    this.context = context;
    this.held = held;
    this.jobExecutor = jobExecutor;
    this.slots = slots;
    this.completer = completer;
    this.registration = registration;
    this.work = work;
    int concurrency = context.options().concurrency();
    AtomicInteger counter = new AtomicInteger();
    ThreadFactory threads =
        context.options().virtualThreads()
            ? virtualThreads("procrastinate-" + context.name() + "-executor-")
            : runnable -> context.daemon(runnable, "executor-" + counter.incrementAndGet());
    this.pool =
        new ThreadPoolExecutor(
            concurrency, concurrency, 0, TimeUnit.SECONDS, new LinkedBlockingQueue<>(), threads);
  }

  /**
   * Makes virtual threads named {@code prefix1}, {@code prefix2}, and so on, through Java 21's
   * {@code Thread.ofVirtual()}, looked up at run time: the runtime compiles for Java 17, where
   * {@link dev.procrastinate.WorkerOptions} refuses the option before a worker is built.
   */
  private static ThreadFactory virtualThreads(String prefix) {
    try {
      Class<?> builder = Class.forName("java.lang.Thread$Builder");
      Object virtual = Thread.class.getMethod("ofVirtual").invoke(null);
      Object named =
          builder.getMethod("name", String.class, long.class).invoke(virtual, prefix, 1L);
      return (ThreadFactory) builder.getMethod("factory").invoke(named);
    } catch (ReflectiveOperationException e) {
      throw new IllegalStateException(
          "virtual threads are not available on Java " + Runtime.version(), e);
    }
  }

  /**
   * Holds a fetched job and queues its run for the next free thread, unless it is parked behind an
   * earlier run of the same job.
   *
   * @param fetched the job and its headers
   */
  void dispatch(HeldJobs.Fetched fetched) {
    RunningJob run = held.hold(fetched);
    if (run != null) {
      pool.execute(new JobRun(run));
    }
  }

  /**
   * Lets go of the run a noted outcome ends, and starts the job's next run if one was parked.
   *
   * @param job the job instance of the run
   */
  void release(ProcrastinateJob job) {
    HeldJobs.Fetched next = held.release(job);
    if (next != null) {
      dispatch(next);
    }
    drained.signal();
  }

  /**
   * Returns how many runs are on an executor thread now.
   *
   * @return the count
   */
  int running() {
    return running.get();
  }

  /**
   * Waits until no run is on an executor thread, or the deadline.
   *
   * @param clock the clock of the deadline
   * @param deadline the deadline
   * @return whether every run ended
   * @throws InterruptedException if interrupted
   */
  boolean awaitRunsEnded(LongSupplier clock, long deadline) throws InterruptedException {
    while (running.get() > 0 && clock.getAsLong() - deadline < 0) {
      drained.awaitMillis(50);
    }
    return running.get() == 0;
  }

  /**
   * Hands the jobs fetched ahead and never started (queued for a thread, or parked) back to the
   * queue, so that other workers run them now rather than after this one's graceful stop.
   */
  void releaseUnstarted() {
    List<Runnable> queued = new ArrayList<>();
    pool.getQueue().drainTo(queued);
    List<RunningJob> runs = new ArrayList<>();
    List<Long> waiting = new ArrayList<>();
    for (Runnable queuedRun : queued) {
      RunningJob run = ((JobRun) queuedRun).run;
      runs.add(run);
      waiting.add(run.job().id());
    }
    waiting.addAll(held.unparkAll());
    if (waiting.isEmpty()) {
      return;
    }
    long[] ids = waiting.stream().mapToLong(Long::longValue).toArray();
    String name = context.name();
    try {
      long workerId = registration.id();
      long[] released =
          context
              .database()
              .withConnection(
                  "handing back jobs fetched ahead",
                  c -> context.jobs().releaseUnstarted(c, ids, workerId));
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
    held.forget(runs);
    slots.released(ids.length);
  }

  /** Ends the threads once the runs they have end. */
  void shutdown() {
    pool.shutdown();
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
            context
                .database()
                .withConnection(
                    "handing back job " + job.id() + ", never started",
                    c ->
                        context
                            .jobs()
                            .releaseUnstarted(c, new long[] {job.id()}, registration.id()));
        handedBack = back.length == 1;
        if (handedBack) {
          JOBS.info(
              "{} - job {} handed back to the queue, never started", context.name(), job.id());
        }
      } catch (RuntimeException e) {
        LOG.debug("{} - cannot hand back job {}: {}", context.name(), job.id(), e.getMessage());
      }
    }
    if (!handedBack) {
      held.abandoned(job.id());
    }
    release(job);
    work.runAbandoned();
  }

  /** One job's run on an executor thread; what the executor's queue holds. */
  private final class JobRun implements Runnable {
    private final RunningJob run;

    JobRun(RunningJob run) {
      this.run = run;
    }

    @Override
    public void run() {
      LongSupplier nanoTime = context.nanoTime();
      running.incrementAndGet();
      slots.started();
      long start = nanoTime.getAsLong();
      Completion completion = null;
      try {
        completion = jobExecutor.run(run);
      } finally {
        if (completion == null) {
          // Only an Error thrown past the executor's own guard can leave it null.
          completion = jobExecutor.end(run.job(), JobStatus.FAILED);
        }
        run.markEnded();
        if (completion.abandoned() != null) {
          abandon(completion);
        } else {
          completer.submit(completion);
        }
        // The slot is free once the task has returned; its outcome is written in the background.
        slots.ended(nanoTime.getAsLong() - start);
        running.decrementAndGet();
        work.slotFreed();
        drained.signal();
      }
    }
  }
}
