package dev.procrastinate.internal.worker;

import dev.procrastinate.ProcrastinateException;
import dev.procrastinate.RetryDecision;
import dev.procrastinate.internal.sql.Database;
import dev.procrastinate.internal.sql.JobDao;
import dev.procrastinate.internal.sql.WorkflowDao;
import dev.procrastinate.model.JobStatus;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Queue;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.TimeUnit;
import org.jspecify.annotations.Nullable;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Writes completions in batches on its own thread: ended jobs in one {@code UPDATE}, deleted ones
 * in one {@code DELETE}, retried ones in one {@code SELECT procrastinate_retry_job_v2(...)}, all in
 * one transaction. A completion leaves memory only once written. Not API.
 *
 * <p>Every write applies only to a job still in the run this worker fetched: {@code doing} for this
 * worker (or for no worker, when another worker pruned this one and nobody rescued the job yet),
 * with the attempts it had when fetched. A batch whose answer was lost is sent again, and the
 * server may have committed it the first time; the job may also have been rescued or retried by
 * hand, and fetched again meanwhile. Such a job is left alone: the replay or the late outcome
 * changes nothing.
 *
 * <p>A write that fails for now (the connection lost, a statement or lock timeout, a deadlock or
 * serialization failure, a server turned read-only by a failover, a full disk: see {@link
 * Database#isTransient}) is kept and tried again with backoff, for as long as it takes. Only a
 * write PostgreSQL refuses for the data itself is given up, and then the job still ends: a retry or
 * a delete refused so is written as {@code failed} instead, the reason logged. Only if even that is
 * refused does the job stay as it is, logged at ERROR.
 *
 * <p>A stop writes what is queued and ends; past its deadline (the database unreachable, say) it
 * ends with what it could not write still unwritten, its jobs left marked running for this worker
 * for a rescue, and says so.
 */
final class Completer implements Runnable {
  private static final Logger LOG = LoggerFactory.getLogger("procrastinate.worker");
  private static final int MAX_BATCH = 2_000;
  private static final long IDLE_WAIT_NANOS = TimeUnit.SECONDS.toNanos(1);

  private final String workerName;
  private final Database database;
  private final JobDao dao;
  private final WorkflowDao workflows = new WorkflowDao();
  private final Registration registration;
  private final OutcomeNotes notes;
  private final WorkerHooks hooks;
  private final Queue<Completion> queue = new ConcurrentLinkedQueue<>();
  private final Wakeup wakeup = new Wakeup();
  private volatile boolean stopping;
  private volatile long stopDeadline;
  private boolean outage;
  private int unwrittenAtStop;

  /**
   * Creates the completer; nothing runs before its thread starts.
   *
   * @param context the worker's context
   * @param registration the id the jobs run under (it changes when the worker registers again)
   * @param notes told of each completion once it is written (or found moot), or refused for good
   */
  Completer(WorkerContext context, Registration registration, OutcomeNotes notes) {
    this.workerName = context.name();
    this.database = context.database();
    this.dao = context.jobs();
    this.hooks = context.hooks();
    this.registration = registration;
    this.notes = notes;
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

  /**
   * Asks the thread to write what is queued and then end, giving up on what it could not write by
   * the deadline.
   *
   * @param deadline the {@link System#nanoTime()} after which a write that fails is not tried again
   */
  void stop(long deadline) {
    stopDeadline = deadline;
    stopping = true;
    wakeup.signal();
  }

  /**
   * Returns how many outcomes the stop left unwritten, their jobs still marked running.
   *
   * @return the count, 0 unless the stop's deadline passed with writes failing
   */
  int unwrittenAtStop() {
    return unwrittenAtStop;
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
        } else if (stopping && System.nanoTime() - stopDeadline >= 0) {
          unwrittenAtStop = batch.size() + queue.size();
          LOG.warn(
              "{} - stopping with the outcome of {} jobs unwritten: the database still refuses"
                  + " them after the stop's deadline; the jobs stay marked running for this"
                  + " worker, and run again once rescued (rescueStalledJobs) or retried by hand",
              workerName,
              unwrittenAtStop);
          return;
        } else {
          hooks.outcomeWriteFailed();
          wakeup.await(TimeUnit.MILLISECONDS.toNanos(Backoff.delayMillis(++failures)));
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
      registration.whileRegistered(
          () -> {
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
          });
      if (outage) {
        LOG.info("{} - writing job outcomes works again", workerName);
        outage = false;
      }
      failures = 0;
      hooks.afterOutcomesWritten();
      batch.forEach(notes::written);
      return true;
    } catch (ProcrastinateException e) {
      if (Database.isTransient(e)) {
        keeping(batch.size(), e);
        return false;
      }
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

  /** Says, once per outage, that outcomes are kept to be written later. */
  private void keeping(int count, ProcrastinateException e) {
    if (!outage) {
      String state = Database.sqlState(e);
      LOG.warn(
          "{} - cannot write the outcome of {} jobs for now{}, keeping them and trying again with"
              + " backoff: {}",
          workerName,
          count,
          state == null ? "" : " (SQLSTATE " + state + ")",
          e.getMessage());
      LOG.debug("{} - the outcome write's failure", workerName, e);
      outage = true;
    }
  }

  /** Counts how many statements a batch needs: results, failures, ended, deleted, retried. */
  private static int kinds(List<Completion> batch) {
    boolean results = false;
    boolean failures = false;
    boolean ended = false;
    boolean deleted = false;
    boolean retried = false;
    for (Completion completion : batch) {
      failures |= completion.failure() != null && !completion.delete();
      results |= completion.result() != null && !completion.delete();
      if (completion.retry() != null) {
        retried = true;
      } else if (completion.delete()) {
        deleted = true;
      } else {
        ended = true;
      }
    }
    return (results ? 1 : 0)
        + (failures ? 1 : 0)
        + (ended ? 1 : 0)
        + (deleted ? 1 : 0)
        + (retried ? 1 : 0);
  }

  /**
   * The failure to record with a completion's outcome, or null: none for a success, and none for a
   * job the delete policy removes with its records.
   */
  private static JobDao.@Nullable Failure recorded(Completion completion) {
    FailureRecord failure = completion.failure();
    if (failure == null || completion.delete()) {
      return null;
    }
    return new JobDao.Failure(
        completion.job().id(),
        failure.attempt(),
        failure.status(),
        failure.exceptionClass(),
        failure.message(),
        failure.stackTrace(),
        failure.details());
  }

  private void writeBatch(java.sql.Connection connection, List<Completion> batch)
      throws java.sql.SQLException {
    List<Completion> ended = new ArrayList<>();
    List<Completion> deleted = new ArrayList<>();
    List<JobDao.Retry> retries = new ArrayList<>();
    Instant now = Instant.now();
    long worker = registration.id();
    hooks.beforeOutcomesWritten();
    List<JobDao.Failure> failures = new ArrayList<>();
    for (Completion completion : batch) {
      JobDao.Failure failure = recorded(completion);
      if (failure != null) {
        failures.add(failure);
      }
    }
    if (!failures.isEmpty()) {
      // First, in the outcomes' transaction: the row checks that its job is still there.
      dao.recordFailures(connection, workerName, failures);
    }
    List<JobDao.Result> results = new ArrayList<>();
    for (Completion completion : batch) {
      String result = completion.result();
      if (result != null && !completion.delete()) {
        results.add(new JobDao.Result(completion.job().id(), completion.job().attempts(), result));
      }
    }
    if (!results.isEmpty()) {
      // Before the successes, which end the run the statement checks the jobs are still in.
      dao.recordResults(connection, worker, results);
    }
    for (Completion completion : batch) {
      RetryDecision retry = completion.retry();
      if (retry != null) {
        retries.add(JobDao.Retry.of(completion.job(), retry, now));
      } else if (completion.delete()) {
        deleted.add(completion);
      } else {
        ended.add(completion);
      }
    }
    if (!ended.isEmpty()) {
      long[] ids = new long[ended.size()];
      int[] attempts = new int[ended.size()];
      JobStatus[] statuses = new JobStatus[ended.size()];
      for (int i = 0; i < ids.length; i++) {
        ids[i] = ended.get(i).job().id();
        attempts[i] = ended.get(i).job().attempts();
        statuses[i] = ended.get(i).status();
      }
      notRunning(ids.length, dao.finishRunning(connection, ids, attempts, statuses, worker).length);
    }
    if (!deleted.isEmpty()) {
      long[] ids = deleted.stream().mapToLong(c -> c.job().id()).toArray();
      int[] attempts = deleted.stream().mapToInt(c -> c.job().attempts()).toArray();
      // The delete alone would not tell a workflow's step that succeeded from one that failed.
      workflows.endBeforeDelete(
          connection,
          ids,
          deleted.stream().map(Completion::status).toArray(JobStatus[]::new),
          attempts,
          worker);
      notRunning(ids.length, dao.deleteRunning(connection, ids, attempts, worker).length);
    }
    if (!retries.isEmpty()) {
      notRunning(retries.size(), dao.retryRunning(connection, retries, worker).length);
    }
  }

  private void notRunning(int written, int applied) {
    if (applied != written) {
      LOG.warn(
          "{} - {} of {} jobs were no longer in the run this worker fetched when their outcome"
              + " was written (rescued, retried by hand, or written already); left as they are",
          workerName,
          written - applied,
          written);
    }
  }

  /**
   * Writes one completion; returns false, keeping it, if the write fails for now. A write refused
   * for its data ends the job failed instead.
   */
  private boolean writeOne(Completion completion) {
    long id = completion.job().id();
    try {
      String action = "writing the outcome of job " + id;
      Database.SqlWork<@Nullable Void> work =
          c -> {
            writeBatch(c, List.of(completion));
            return null;
          };
      registration.whileRegistered(
          () -> {
            if (kinds(List.of(completion)) > 1) {
              database.inTransaction(action, work); // its failure's record and its outcome
            } else {
              database.withConnection(action, work);
            }
          });
    } catch (ProcrastinateException e) {
      if (Database.isTransient(e)) {
        keeping(1, e);
        return false;
      }
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
      boolean failedAlready =
          completion.retry() == null
              && !completion.delete()
              && completion.status() == JobStatus.FAILED;
      if (!failedAlready) {
        LOG.error(
            "{} - writing the outcome of job {} ({}) was refused for its data, so the job ends"
                + " failed instead: {}",
            workerName,
            id,
            completion.retry() != null ? "retry " + completion.retry() : completion.status(),
            e.getMessage());
        return writeOne(new Completion(completion.job(), JobStatus.FAILED, null, false));
      }
      LOG.error(
          "{} - ending job {} as failed was refused too, so it stays as it is (a write whose"
              + " answer was lost may have stored it already); fix what refuses it (a trigger or a"
              + " constraint of the application, say), then retry or cancel the job by hand: {}",
          workerName,
          id,
          e.getMessage());
      notes.dropped(completion);
      return true;
    }
    notes.written(completion);
    return true;
  }
}
