package dev.procrastinate.micrometer;

import dev.procrastinate.App;
import dev.procrastinate.JobObserver;
import dev.procrastinate.NewJob;
import dev.procrastinate.model.ProcrastinateJob;
import dev.procrastinate.model.QueueBacklog;
import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.MultiGauge;
import io.micrometer.core.instrument.Tags;
import io.micrometer.core.instrument.Timer;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import org.jspecify.annotations.Nullable;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Job and queue metrics in a Micrometer {@link MeterRegistry}. Counters and the run timer are fed
 * as a {@link JobObserver}; queue gauges are read from the database by {@link #monitorQueues}.
 *
 * <pre>{@code
 * ProcrastinateMetrics metrics = new ProcrastinateMetrics(registry);
 * App app = App.builder().dataSource(dataSource).observer(metrics).build();
 * metrics.monitorQueues(app, Duration.ofSeconds(15));   // depth and oldest-job age per queue
 * }</pre>
 *
 * <table>
 *   <caption>Meters</caption>
 *   <tr><th>name</th><th>type</th><th>tags</th></tr>
 *   <tr><td>{@value #DEFERRED}</td><td>counter</td><td>task, queue</td></tr>
 *   <tr><td>{@value #STARTED}</td><td>counter</td><td>task, queue</td></tr>
 *   <tr><td>{@value #SUCCEEDED}, {@value #FAILED}, {@value #ABORTED}, {@value #RETRIED}</td>
 *       <td>counter</td><td>task, queue</td></tr>
 *   <tr><td>{@value #RUN_TIME}</td><td>timer</td><td>task, queue, outcome</td></tr>
 *   <tr><td>{@value #QUEUE_DEPTH}</td><td>gauge</td><td>queue (waiting jobs)</td></tr>
 *   <tr><td>{@value #QUEUE_DUE}</td><td>gauge</td><td>queue (waiting jobs that are due)</td></tr>
 *   <tr><td>{@value #QUEUE_OLDEST_AGE}</td><td>gauge, seconds</td>
 *       <td>queue (wait of the oldest due job)</td></tr>
 * </table>
 *
 * <p>Deferred jobs are counted when inserted through {@link dev.procrastinate.JobManager} (the
 * generated deferrers use it), by the app they were deferred with; started and ended jobs by the
 * app's workers. Thread-safe.
 */
public final class ProcrastinateMetrics implements JobObserver, AutoCloseable {
  /** Jobs inserted. */
  public static final String DEFERRED = "procrastinate.jobs.deferred";

  /** Jobs a worker started. */
  public static final String STARTED = "procrastinate.jobs.started";

  /** Runs that ended {@code succeeded}. */
  public static final String SUCCEEDED = "procrastinate.jobs.succeeded";

  /** Runs that ended {@code failed}. */
  public static final String FAILED = "procrastinate.jobs.failed";

  /** Runs that ended {@code aborted}. */
  public static final String ABORTED = "procrastinate.jobs.aborted";

  /** Runs whose retry policy scheduled another run. */
  public static final String RETRIED = "procrastinate.jobs.retried";

  /** How long runs took, middleware included. */
  public static final String RUN_TIME = "procrastinate.jobs.run.time";

  /** Waiting ({@code todo}) jobs per queue. */
  public static final String QUEUE_DEPTH = "procrastinate.queue.depth";

  /** Waiting jobs per queue whose schedule has come. */
  public static final String QUEUE_DUE = "procrastinate.queue.due";

  /**
   * Seconds the oldest due job of a queue has waited; NaN while it is not known (a job deferred
   * under lean event recording, without a schedule).
   */
  public static final String QUEUE_OLDEST_AGE = "procrastinate.queue.oldest.age";

  private static final Logger LOG = LoggerFactory.getLogger("procrastinate.metrics");

  private final MeterRegistry registry;
  private final Map<String, Counter> counters = new ConcurrentHashMap<>();
  private final Map<String, Timer> timers = new ConcurrentHashMap<>();
  private final Object monitorLock = new Object();
  private @Nullable ScheduledExecutorService monitor;

  /**
   * Creates the metrics; meters appear in the registry as jobs come.
   *
   * @param registry where meters are registered
   */
  public ProcrastinateMetrics(MeterRegistry registry) {
    this.registry = Objects.requireNonNull(registry, "registry");
  }

  @Override
  public void deferred(NewJob job, long id) {
    counter(DEFERRED, job.taskName(), job.queue()).increment();
  }

  @Override
  public void started(ProcrastinateJob job) {
    counter(STARTED, job.taskName(), job.queueName()).increment();
  }

  @Override
  public void ended(ProcrastinateJob job, Outcome outcome, Duration runTime) {
    String name =
        switch (outcome) {
          case SUCCEEDED -> SUCCEEDED;
          case FAILED -> FAILED;
          case ABORTED -> ABORTED;
          case RETRIED -> RETRIED;
        };
    counter(name, job.taskName(), job.queueName()).increment();
    String outcomeTag = outcome.name().toLowerCase(java.util.Locale.ROOT);
    timers
        .computeIfAbsent(
            job.taskName() + '\0' + job.queueName() + '\0' + outcomeTag,
            key ->
                Timer.builder(RUN_TIME)
                    .description("How long job runs took, middleware included")
                    .tags("task", job.taskName(), "queue", job.queueName(), "outcome", outcomeTag)
                    .register(registry))
        .record(runTime);
  }

  private Counter counter(String name, String task, String queue) {
    return counters.computeIfAbsent(
        name + '\0' + task + '\0' + queue,
        key -> Counter.builder(name).tags("task", task, "queue", queue).register(registry));
  }

  /**
   * Reads the backlog of every queue now and then every {@code interval}, into the gauges {@value
   * #QUEUE_DEPTH}, {@value #QUEUE_DUE} and {@value #QUEUE_OLDEST_AGE} tagged by queue; a queue
   * whose jobs are all gone leaves the gauges. A failed read is logged at DEBUG and retried at the
   * next interval. Runs on one daemon thread until {@link #close()}.
   *
   * @param app the app whose database to read
   * @param interval how often to read
   * @return this
   * @throws IllegalStateException if queues are already monitored
   */
  public ProcrastinateMetrics monitorQueues(App app, Duration interval) {
    Objects.requireNonNull(app, "app");
    if (interval.isNegative() || interval.isZero()) {
      throw new IllegalArgumentException("interval must be positive, got " + interval);
    }
    synchronized (monitorLock) {
      if (monitor != null) {
        throw new IllegalStateException("queues are already monitored");
      }
      MultiGauge depth =
          MultiGauge.builder(QUEUE_DEPTH).description("Waiting jobs").register(registry);
      MultiGauge due =
          MultiGauge.builder(QUEUE_DUE).description("Waiting jobs that are due").register(registry);
      MultiGauge age =
          MultiGauge.builder(QUEUE_OLDEST_AGE)
              .description("How long the oldest due job has waited")
              .baseUnit("seconds")
              .register(registry);
      monitor =
          Executors.newSingleThreadScheduledExecutor(
              runnable -> {
                Thread thread = new Thread(runnable, "procrastinate-metrics");
                thread.setDaemon(true);
                return thread;
              });
      monitor.scheduleWithFixedDelay(
          () -> refresh(app, depth, due, age), 0, interval.toMillis(), TimeUnit.MILLISECONDS);
    }
    return this;
  }

  private static void refresh(App app, MultiGauge depth, MultiGauge due, MultiGauge age) {
    List<QueueBacklog> backlog;
    try {
      backlog = app.jobManager().queueBacklog();
    } catch (RuntimeException e) {
      LOG.debug("cannot read the queue backlog: {}", e.getMessage());
      return;
    }
    depth.register(
        backlog.stream()
            .map(q -> MultiGauge.Row.of(Tags.of("queue", q.queue()), q.waiting()))
            .toList(),
        true);
    due.register(
        backlog.stream().map(q -> MultiGauge.Row.of(Tags.of("queue", q.queue()), q.due())).toList(),
        true);
    age.register(
        backlog.stream()
            .map(
                q ->
                    MultiGauge.Row.of(
                        Tags.of("queue", q.queue()),
                        q.oldestDueAgeKnown() ? q.oldestDueAge().toNanos() / 1e9 : Double.NaN))
            .toList(),
        true);
  }

  /** Stops monitoring queues; counters and timers stay in the registry. */
  @Override
  public void close() {
    synchronized (monitorLock) {
      if (monitor != null) {
        monitor.shutdownNow();
        monitor = null;
      }
    }
  }
}
