package dev.procrastinate;

import dev.procrastinate.internal.worker.WorkerEngine;
import java.time.Duration;

/**
 * Runs jobs of an {@link App}: fetches them in batches (woken by LISTEN/NOTIFY, polling as a safety
 * net), runs up to {@code concurrency} at once, writes their outcomes in batches, applies retries,
 * aborts and timeouts, heart-beats, and stops gracefully. Thread-safe; get one from {@link
 * App#worker(WorkerOptions)}.
 *
 * <pre>{@code
 * try (Worker worker = app.worker(WorkerOptions.builder().queues("emails").concurrency(4).build())) {
 *   worker.start();
 *   ...
 * } // close() stops gracefully and waits
 * }</pre>
 */
public final class Worker implements AutoCloseable {
  private final WorkerEngine engine;

  Worker(WorkerEngine engine) {
    this.engine = engine;
  }

  /**
   * Registers the worker in {@code procrastinate_workers} and starts its threads; returns at once.
   *
   * @throws IllegalStateException if already started
   * @throws DatabaseUnavailableException if the database cannot be reached
   */
  public void start() {
    engine.start();
  }

  /**
   * Starts the worker and blocks until it has stopped: after {@link #stop()}, a SIGTERM/SIGINT when
   * signal handlers are installed, or, with {@code waitForJobs(false)}, once no job is left.
   *
   * @throws InterruptedException if the calling thread is interrupted; the worker is then stopped
   */
  public void run() throws InterruptedException {
    start();
    try {
      engine.awaitTermination();
    } catch (InterruptedException e) {
      stop();
      throw e;
    }
  }

  /**
   * Asks the worker to stop gracefully and returns at once: it fetches no more jobs, lets running
   * ones end (up to the shutdown graceful timeout, after which they are aborted with reason {@link
   * AbortReason#SHUTDOWN}), writes their outcomes and unregisters.
   */
  public void stop() {
    engine.stop();
  }

  /**
   * Waits for the worker to have stopped.
   *
   * @param timeout the most to wait
   * @return whether it stopped
   * @throws InterruptedException if interrupted
   */
  public boolean awaitTermination(Duration timeout) throws InterruptedException {
    return engine.awaitTermination(timeout);
  }

  /**
   * Returns the id under which the worker registered in {@code procrastinate_workers}.
   *
   * @return the id, 0 before {@link #start()}
   */
  public long workerId() {
    return engine.workerId();
  }

  /**
   * Returns how many jobs ended (or were scheduled for retry) with their outcome written.
   *
   * @return the count
   */
  public long processedJobs() {
    return engine.processedJobs();
  }

  /**
   * Returns how many jobs run right now.
   *
   * @return the count
   */
  public int runningJobs() {
    return engine.runningJobs();
  }

  /** Stops gracefully and waits until the worker has stopped. */
  @Override
  public void close() {
    stop();
    engine.awaitTerminationUninterruptibly();
  }
}
