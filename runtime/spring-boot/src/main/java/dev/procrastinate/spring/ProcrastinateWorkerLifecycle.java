package dev.procrastinate.spring;

import dev.procrastinate.App;
import dev.procrastinate.Worker;
import dev.procrastinate.WorkerOptions;
import java.util.Objects;
import org.jspecify.annotations.Nullable;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.boot.context.event.ApplicationReadyEvent;
import org.springframework.context.ApplicationListener;
import org.springframework.context.SmartLifecycle;

/**
 * The worker run inside the application ({@code procrastinate.worker.enabled=true}): started when
 * the application is ready, so that every bean a task needs exists and the web server already
 * answers; stopped gracefully when the context closes (it takes no more jobs, lets running ones end
 * up to {@code procrastinate.worker.shutdownGracefulTimeout}, writes their outcomes and
 * unregisters), before the data source closes. Thread-safe.
 */
public final class ProcrastinateWorkerLifecycle
    implements SmartLifecycle, ApplicationListener<ApplicationReadyEvent> {
  private static final Logger LOG = LoggerFactory.getLogger("procrastinate.spring");

  /**
   * The lifecycle phase: the worker stops after the web server's graceful shutdown (which stops
   * taking requests first) and before the beans it uses are destroyed.
   */
  public static final int PHASE = SmartLifecycle.DEFAULT_PHASE - 4096;

  private final App app;
  private final WorkerOptions options;
  private @Nullable Worker worker;

  /**
   * Creates the lifecycle; nothing runs before the application is ready.
   *
   * @param app the app
   * @param options the worker's options
   */
  public ProcrastinateWorkerLifecycle(App app, WorkerOptions options) {
    this.app = Objects.requireNonNull(app, "app");
    this.options = Objects.requireNonNull(options, "options");
  }

  /** Starts the worker once the application is ready. */
  @Override
  public void onApplicationEvent(ApplicationReadyEvent event) {
    start();
  }

  /**
   * Starts the worker if it is not running.
   *
   * @throws dev.procrastinate.DatabaseUnavailableException if the database cannot be reached
   */
  @Override
  public synchronized void start() {
    if (worker != null) {
      return;
    }
    Worker started = app.worker(options);
    started.start();
    worker = started;
    LOG.info(
        "Procrastinate worker {} started in the application (id {}, queues {})",
        options.name(),
        started.workerId(),
        options.queues().isEmpty() ? "all" : options.queues());
  }

  /** Stops the worker gracefully and waits until it has stopped. */
  @Override
  public void stop() {
    Worker running;
    synchronized (this) {
      running = worker;
      worker = null;
    }
    if (running != null) {
      LOG.info("Procrastinate worker {} stopping", options.name());
      running.close();
      LOG.info("Procrastinate worker {} stopped", options.name());
    }
  }

  @Override
  public synchronized boolean isRunning() {
    return worker != null;
  }

  /** Not started with the context: the worker waits for {@link ApplicationReadyEvent}. */
  @Override
  public boolean isAutoStartup() {
    return false;
  }

  @Override
  public int getPhase() {
    return PHASE;
  }

  /**
   * Returns the running worker.
   *
   * @return the worker, or null when not running
   */
  public synchronized @Nullable Worker worker() {
    return worker;
  }

  /**
   * Returns the worker's options.
   *
   * @return the options
   */
  public WorkerOptions options() {
    return options;
  }
}
