package dev.procrastinate;

import java.util.concurrent.Executor;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.RejectedExecutionException;
import java.util.concurrent.ThreadPoolExecutor;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import org.jspecify.annotations.Nullable;

/**
 * The executor an {@link App} owns for {@link JobManager#deferAsync} when the builder was given
 * none: up to {@value #THREADS} daemon threads named {@code procrastinate-defer-N}, started on
 * first use and ended after {@value #KEEP_ALIVE_SECONDS} s idle; {@link #shutdown()} is called by
 * {@link App#close()}. Thread-safe.
 */
final class DeferPool implements Executor {
  static final int THREADS = 4;
  static final int KEEP_ALIVE_SECONDS = 30;
  static final int CLOSE_WAIT_SECONDS = 5;

  private final AtomicInteger threads = new AtomicInteger();
  private @Nullable ThreadPoolExecutor pool;
  private boolean shutdown;

  @Override
  public void execute(Runnable command) {
    pool().execute(command);
  }

  private synchronized ThreadPoolExecutor pool() {
    if (shutdown) {
      throw new RejectedExecutionException(
          "the App is closed, so deferAsync has no thread left to run on; defer before"
              + " App.close(), or give App.Builder.deferExecutor(...) an executor you close");
    }
    if (pool == null) {
      ThreadPoolExecutor executor =
          new ThreadPoolExecutor(
              THREADS,
              THREADS,
              KEEP_ALIVE_SECONDS,
              TimeUnit.SECONDS,
              new LinkedBlockingQueue<>(),
              runnable -> {
                Thread thread =
                    new Thread(runnable, "procrastinate-defer-" + threads.incrementAndGet());
                thread.setDaemon(true);
                return thread;
              });
      executor.allowCoreThreadTimeOut(true);
      pool = executor;
    }
    return pool;
  }

  /**
   * Rejects new defers, and waits up to {@value #CLOSE_WAIT_SECONDS} s for those already accepted,
   * so that they still find the app's connection pool open.
   */
  void shutdown() {
    ThreadPoolExecutor started;
    synchronized (this) {
      shutdown = true;
      started = pool;
    }
    if (started == null) {
      return;
    }
    started.shutdown();
    try {
      started.awaitTermination(CLOSE_WAIT_SECONDS, TimeUnit.SECONDS);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
    }
  }
}
