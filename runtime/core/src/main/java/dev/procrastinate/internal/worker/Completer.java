package dev.procrastinate.internal.worker;

import dev.procrastinate.DatabaseUnavailableException;
import dev.procrastinate.ProcrastinateException;
import dev.procrastinate.RetryDecision;
import dev.procrastinate.internal.sql.Database;
import dev.procrastinate.internal.sql.JobDao;
import dev.procrastinate.model.JobStatus;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Queue;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.TimeUnit;
import java.util.function.Consumer;
import java.util.function.LongSupplier;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Writes completions in batches on its own thread: ended jobs in one {@code UPDATE}, deleted ones
 * in one {@code DELETE}, retried ones in one {@code SELECT procrastinate_retry_job_v2(...)}, all in
 * one transaction. A completion leaves memory only once written (or once PostgreSQL refused it for
 * good, which is logged). Not API.
 *
 * <p>Every write applies only to a job still {@code doing} for this worker (or for no worker, when
 * another worker pruned this one and nobody rescued the job yet). A batch whose answer was lost is
 * sent again, and the server may have committed it the first time; the job may also have been
 * rescued, retried and fetched by another worker meanwhile. Such a job is left alone: the replay or
 * the late outcome changes nothing.
 */
final class Completer implements Runnable {
  private static final Logger LOG = LoggerFactory.getLogger("procrastinate.worker");
  private static final int MAX_BATCH = 2_000;
  private static final long IDLE_WAIT_NANOS = TimeUnit.SECONDS.toNanos(1);

  private final String workerName;
  private final Database database;
  private final JobDao dao;
  private final LongSupplier workerId;
  private final Consumer<Completion> written;
  private final Consumer<Completion> dropped;
  private final WorkerHooks hooks;
  private final Queue<Completion> queue = new ConcurrentLinkedQueue<>();
  private final Wakeup wakeup = new Wakeup();
  private volatile boolean stopping;
  private boolean outage;

  /**
   * Creates the completer; nothing runs before its thread starts.
   *
   * @param workerName the worker's name, for logs
   * @param database the database
   * @param dao the statements
   * @param workerId the id the jobs run under (it changes when the worker registers again)
   * @param written told of each completion once it is written (or found moot)
   * @param dropped told of each completion PostgreSQL refused for good, the job possibly still
   *     marked doing for this worker
   * @param hooks test signals
   */
  Completer(
      String workerName,
      Database database,
      JobDao dao,
      LongSupplier workerId,
      Consumer<Completion> written,
      Consumer<Completion> dropped,
      WorkerHooks hooks) {
    this.workerName = workerName;
    this.database = database;
    this.dao = dao;
    this.workerId = workerId;
    this.written = written;
    this.dropped = dropped;
    this.hooks = hooks;
  }

  /**
   * Queues a completion for writing.
   *
   * @param completion the completion
   */
  void submit(Completion completion) {
    queue.add(completion);
    wakeup.signal();
  }

  /** Asks the thread to write what is queued and then end. */
  void stop() {
    stopping = true;
    wakeup.signal();
  }

  @Override
  public void run() {
    List<Completion> batch = new ArrayList<>();
    while (true) {
      try {
        if (batch.isEmpty()) {
          // Read before draining: a stop asked for after the last submit finds the queue drained.
          boolean stop = stopping;
          Completion next;
          while (batch.size() < MAX_BATCH && (next = queue.poll()) != null) {
            batch.add(next);
          }
          if (batch.isEmpty()) {
            if (stop) {
              return;
            }
            wakeup.await(IDLE_WAIT_NANOS);
            continue;
          }
        }
        if (write(batch)) {
          batch.clear();
        } else {
          Thread.sleep(Backoff.delayMillis(++failures));
        }
      } catch (InterruptedException e) {
        // Ignored: everything queued must still be written; stop() is the way to end.
        LOG.debug("{} - completer interrupted; it ends through stop()", workerName);
      }
    }
  }

  private int failures;

  /** Writes a batch; returns false if it must be tried again later. */
  private boolean write(List<Completion> batch) {
    try {
      String action = "writing the outcome of " + batch.size() + " jobs";
      if (kinds(batch) > 1) {
        database.inTransaction(
            action,
            c -> {
              writeBatch(c, batch);
              return null;
            });
      } else {
        // One statement is atomic by itself: no transaction round trips.
        database.withConnection(
            action,
            c -> {
              writeBatch(c, batch);
              return null;
            });
      }
      if (outage) {
        LOG.info("{} - writing job outcomes works again", workerName);
        outage = false;
      }
      failures = 0;
      hooks.afterOutcomesWritten();
      batch.forEach(written);
      return true;
    } catch (DatabaseUnavailableException e) {
      if (!outage) {
        LOG.warn(
            "{} - cannot write the outcome of {} jobs, keeping them until the database is back: {}",
            workerName,
            batch.size(),
            e.getMessage());
        outage = true;
      }
      return false;
    } catch (ProcrastinateException e) {
      // One job's write was refused (e.g. deleted meanwhile): write them one by one.
      LOG.debug("{} - batch write failed, writing one by one", workerName, e);
      while (!batch.isEmpty()) {
        if (!writeOne(batch.get(0))) {
          return false; // the database went away: keep the rest for later
        }
        batch.remove(0);
      }
      return true;
    }
  }

  /** Counts how many statements a batch needs: ended, deleted, retried. */
  private static int kinds(List<Completion> batch) {
    boolean ended = false;
    boolean deleted = false;
    boolean retried = false;
    for (Completion completion : batch) {
      if (completion.retry() != null) {
        retried = true;
      } else if (completion.delete()) {
        deleted = true;
      } else {
        ended = true;
      }
    }
    return (ended ? 1 : 0) + (deleted ? 1 : 0) + (retried ? 1 : 0);
  }

  private void writeBatch(java.sql.Connection connection, List<Completion> batch)
      throws java.sql.SQLException {
    List<Completion> ended = new ArrayList<>();
    List<Completion> deleted = new ArrayList<>();
    List<JobDao.Retry> retries = new ArrayList<>();
    Instant now = Instant.now();
    long worker = workerId.getAsLong();
    for (Completion completion : batch) {
      RetryDecision retry = completion.retry();
      if (retry != null) {
        retries.add(JobDao.Retry.of(completion.job().id(), retry, now));
      } else if (completion.delete()) {
        deleted.add(completion);
      } else {
        ended.add(completion);
      }
    }
    if (!ended.isEmpty()) {
      long[] ids = new long[ended.size()];
      JobStatus[] statuses = new JobStatus[ended.size()];
      for (int i = 0; i < ids.length; i++) {
        ids[i] = ended.get(i).job().id();
        statuses[i] = ended.get(i).status();
      }
      notRunning(ids.length, dao.finishRunning(connection, ids, statuses, worker).length);
    }
    if (!deleted.isEmpty()) {
      long[] ids = deleted.stream().mapToLong(c -> c.job().id()).toArray();
      notRunning(ids.length, dao.deleteRunning(connection, ids, worker).length);
    }
    if (!retries.isEmpty()) {
      notRunning(retries.size(), dao.retryRunning(connection, retries, worker).length);
    }
  }

  private void notRunning(int written, int applied) {
    if (applied != written) {
      LOG.warn(
          "{} - {} of {} jobs were no longer running for this worker when their outcome was"
              + " written (rescued by another worker, or written already); left as they are",
          workerName,
          written - applied,
          written);
    }
  }

  /** Writes one completion; returns false, keeping it, if the database cannot be reached. */
  private boolean writeOne(Completion completion) {
    long id = completion.job().id();
    try {
      database.withConnection(
          "writing the outcome of job " + id,
          c -> {
            writeBatch(c, List.of(completion));
            return null;
          });
    } catch (DatabaseUnavailableException e) {
      return false;
    } catch (ProcrastinateException e) {
      if (completion.delete() && completion.retry() == null && Database.isForeignKeyViolation(e)) {
        // A row of the application references the job under ON DELETE RESTRICT or NO ACTION:
        // the job cannot go, but its end must still be recorded.
        LOG.warn(
            "{} - job {} cannot be deleted by the delete-jobs policy, because a row references it"
                + " ({}); it is kept with status {}. Use ON DELETE SET NULL or CASCADE on that"
                + " foreign key, or a policy that keeps jobs",
            workerName,
            id,
            e.getMessage(),
            completion.status());
        return writeOne(new Completion(completion.job(), completion.status(), null, false));
      }
      LOG.error(
          "{} - writing the outcome of job {} ({}) was refused, so it is dropped (a write whose answer was lost may have stored it already): {}",
          workerName,
          id,
          completion.retry() != null ? "retry" : completion.status(),
          e.getMessage());
      dropped.accept(completion);
      return true;
    }
    written.accept(completion);
    return true;
  }
}
