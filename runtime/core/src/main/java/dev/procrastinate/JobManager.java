package dev.procrastinate;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.procrastinate.internal.await.JobWaiters;
import dev.procrastinate.internal.inline.InlineJobs;
import dev.procrastinate.internal.json.Json;
import dev.procrastinate.internal.observe.Observers;
import dev.procrastinate.internal.sql.Database;
import dev.procrastinate.internal.sql.EventRecordingDao;
import dev.procrastinate.internal.sql.FlowControlDao;
import dev.procrastinate.internal.sql.JobDao;
import dev.procrastinate.internal.sql.QueryDao;
import dev.procrastinate.internal.sql.WorkerDao;
import dev.procrastinate.internal.sql.WorkflowDao;
import dev.procrastinate.internal.workflow.WorkflowGraph;
import dev.procrastinate.model.EventRecording;
import dev.procrastinate.model.FailureCounts;
import dev.procrastinate.model.FinishedJobs;
import dev.procrastinate.model.FlowControl;
import dev.procrastinate.model.JobCounts;
import dev.procrastinate.model.JobFailure;
import dev.procrastinate.model.JobStatus;
import dev.procrastinate.model.LimitTarget;
import dev.procrastinate.model.ProcrastinateEvent;
import dev.procrastinate.model.ProcrastinateJob;
import dev.procrastinate.model.ProcrastinatePeriodicDefer;
import dev.procrastinate.model.ProcrastinateWorker;
import dev.procrastinate.model.QueueBacklog;
import dev.procrastinate.model.RateLimit;
import dev.procrastinate.model.WorkflowStep;
import java.sql.Connection;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Collection;
import java.util.Iterator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.Executor;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import org.jspecify.annotations.Nullable;

/**
 * Defers, reads, cancels, retries and cleans up jobs through the schema's functions. Thread-safe;
 * get it from {@link App#jobManager()}.
 *
 * <p>The read queries ({@link #getJob}, {@link #listJobs}, the {@code countBy...} methods, {@link
 * #listEvents}, {@link #listPeriodicDefers}, {@link #listWorkers}, {@link #listStalledJobs}) only
 * read, and return the records of {@link dev.procrastinate.model}; every change goes through the
 * schema's SQL functions ({@code procrastinate_defer_jobs_v1}, {@code procrastinate_cancel_job_v1},
 * {@code procrastinate_retry_job_v2}, ...), as upstream's own client does.
 *
 * <p>Every method that writes has an overload taking a {@link Connection}: the work then joins the
 * caller's transaction (if the connection is not in autocommit mode), so a job deferred in a
 * transaction that rolls back never exists, and its NOTIFY is sent only on commit.
 *
 * <p>Arguments are turned into JSON before anything touches the database; one that cannot be
 * serialised fails with an {@link IllegalArgumentException} naming the task and the argument.
 */
public final class JobManager {
  /**
   * How many jobs of a batch go into one statement; a batch of any size runs in one transaction.
   */
  public static final int BATCH_CHUNK_SIZE = 10_000;

  /**
   * The most bytes of JSON a job's result may take (1 MiB): a task that returns more fails its run
   * with a message that says so, instead of storing it.
   */
  public static final int MAX_RESULT_BYTES = Json.MAX_RESULT_BYTES;

  /** How long {@link #setEventRecording} keeps asking for the job table's lock. */
  private static final Duration EVENT_RECORDING_MAX_WAIT = Duration.ofSeconds(30);

  private final Database database;
  private final ObjectMapper jsonMapper;
  private final JobDao dao = new JobDao();
  private final WorkerDao workers = new WorkerDao();
  private final QueryDao queries = new QueryDao();
  private final FlowControlDao flowControls = new FlowControlDao();
  private final EventRecordingDao eventRecording = new EventRecordingDao();
  private final WorkflowDao workflows = new WorkflowDao();
  private final JobWaiters waiters;
  private final Observers observers;
  private final Executor deferExecutor;
  private final @Nullable InlineJobs inline;

  JobManager(
      Database database,
      ObjectMapper jsonMapper,
      Observers observers,
      Executor deferExecutor,
      @Nullable InlineJobs inline) {
    this.database = database;
    this.jsonMapper = jsonMapper;
    this.observers = observers;
    this.deferExecutor = deferExecutor;
    this.inline = inline;
    this.waiters = new JobWaiters(database);
  }

  /**
   * Defers one job on a pooled connection, in a transaction of its own. A connection found lost
   * before the commit was sent (one the server had terminated while it idled in the pool, say) is
   * replaced and the job deferred once more: nothing of the first try was stored. A connection lost
   * after the commit was sent is not tried again; the exception then says that the job may have
   * been stored ({@link DatabaseUnavailableException#isOutcomeUnknown()}).
   *
   * @param job the job
   * @return the new job's id
   * @throws IllegalArgumentException if an argument cannot be written as JSON
   * @throws AlreadyEnqueuedException if its queueing lock is taken by a waiting job
   * @throws DatabaseUnavailableException if PostgreSQL cannot be reached
   */
  public long defer(NewJob job) {
    JobDao.Row row = toRow(job, Instant.now());
    if (inline != null) {
      return deferInline(job, row);
    }
    long id = database.inRetryableTransaction(action(job), c -> dao.deferMany(c, List.of(row))[0]);
    observers.deferred(job, id);
    return id;
  }

  /**
   * Defers one job on the caller's connection, inside the caller's transaction if one is open.
   *
   * @param connection the caller's connection; not closed
   * @param job the job
   * @return the new job's id
   * @throws IllegalArgumentException if an argument cannot be written as JSON
   * @throws AlreadyEnqueuedException if its queueing lock is taken; PostgreSQL then marks the
   *     caller's transaction as failed, so the caller must roll back
   */
  public long defer(Connection connection, NewJob job) {
    JobDao.Row row = toRow(job, Instant.now());
    if (inline != null) {
      return deferInline(job, row);
    }
    long id =
        database.onCallerConnection(
            connection, action(job), c -> dao.deferMany(c, List.of(row))[0]);
    observers.deferred(job, id);
    return id;
  }

  /**
   * Defers one job on the app's defer executor ({@link App.Builder#deferExecutor}), on a pooled
   * connection.
   *
   * @param job the job
   * @return a future of the new job's id, completed exceptionally as {@link #defer(NewJob)} throws
   * @throws java.util.concurrent.RejectedExecutionException if the executor refuses the work, as
   *     the app's own one does once the app is closed
   */
  public CompletableFuture<Long> deferAsync(NewJob job) {
    Objects.requireNonNull(job, "job");
    if (inline != null) {
      // Inline: on the caller's thread, like every other defer of an inline app.
      try {
        return CompletableFuture.completedFuture(defer(job));
      } catch (RuntimeException | Error e) {
        return CompletableFuture.failedFuture(e);
      }
    }
    return CompletableFuture.supplyAsync(() -> defer(job), deferExecutor);
  }

  /** Runs the job of an inline app now, on this thread ({@link App.Builder#inline()}). */
  private long deferInline(NewJob job, JobDao.Row row) {
    long id = Objects.requireNonNull(inline).run(row);
    observers.deferred(job, id);
    return id;
  }

  /**
   * Defers many jobs in one transaction, {@value #BATCH_CHUNK_SIZE} per statement. The jobs are
   * read lazily, so a batch larger than memory can be streamed. All or nothing: a queueing-lock
   * clash or a bad argument anywhere rolls the whole batch back. A batch given as a {@link
   * Collection} is tried once more on a fresh connection when its first connection is found lost
   * before the commit, as {@link #defer(NewJob)} is; any other iterable is read once.
   *
   * @param jobs the jobs
   * @return the new ids, in the order of {@code jobs}
   * @throws IllegalArgumentException if an argument cannot be written as JSON
   * @throws AlreadyEnqueuedException if a queueing lock is taken; no job of the batch is stored
   */
  public long[] deferBatch(Iterable<NewJob> jobs) {
    Objects.requireNonNull(jobs, "jobs");
    if (inline != null) {
      return deferAllInline(jobs);
    }
    if (jobs instanceof Collection<NewJob> replayable) {
      // A collection can be read again, so the batch can be tried again on a fresh connection.
      List<NewJob> observed = observedBatch();
      return deferred(
          observed,
          database.inRetryableTransaction(
              "deferring a batch of " + replayable.size() + " jobs",
              c -> deferAll(c, replayable.iterator(), observed)));
    }
    List<NewJob> observed = observedBatch();
    return deferred(
        observed,
        database.inTransaction(
            "deferring a batch of jobs", c -> deferAll(c, jobs.iterator(), observed)));
  }

  /**
   * Defers many jobs on the caller's connection, inside the caller's transaction if one is open.
   *
   * @param connection the caller's connection; not closed
   * @param jobs the jobs
   * @return the new ids, in the order of {@code jobs}
   * @throws AlreadyEnqueuedException if a queueing lock is taken; the caller must roll back
   */
  public long[] deferBatch(Connection connection, Iterable<NewJob> jobs) {
    Objects.requireNonNull(jobs, "jobs");
    if (inline != null) {
      return deferAllInline(jobs);
    }
    List<NewJob> observed = observedBatch();
    return deferred(
        observed,
        database.onCallerConnection(
            connection, "deferring a batch of jobs", c -> deferAll(c, jobs.iterator(), observed)));
  }

  /**
   * Defers a workflow on a pooled connection, in a transaction of its own: every step gets its job
   * id now; the steps that wait for nothing become jobs at once, the others when the steps they
   * wait for have succeeded (see {@link Workflow}). Tried once more on a fresh connection when the
   * first is found lost before the commit, as {@link #defer(NewJob)} is.
   *
   * @param workflow the workflow
   * @return the job ids of its steps, in the order the workflow was written ({@link
   *     Workflow#jobs()})
   * @throws IllegalArgumentException if an argument cannot be written as JSON
   * @throws AlreadyEnqueuedException if a first step's queueing lock is taken; nothing is stored
   * @throws UnsupportedOperationException in an app that runs jobs inline
   */
  public List<Long> defer(Workflow workflow) {
    Objects.requireNonNull(workflow, "workflow");
    WorkflowGraph graph = WorkflowGraph.of(workflow);
    List<WorkflowDao.Step> steps = workflowSteps(graph);
    long[] ids =
        database.inRetryableTransaction(
            "deferring a workflow of " + steps.size() + " jobs",
            c -> workflows.defer(c, steps, graph.fromPositions(), graph.toPositions()));
    return workflowDeferred(graph, ids);
  }

  /**
   * Defers a workflow on the caller's connection, inside the caller's transaction if one is open.
   *
   * @param connection the caller's connection; not closed
   * @param workflow the workflow
   * @return the job ids of its steps, in the order the workflow was written
   * @throws IllegalArgumentException if an argument cannot be written as JSON
   * @throws AlreadyEnqueuedException if a first step's queueing lock is taken; the caller must roll
   *     back
   * @throws UnsupportedOperationException in an app that runs jobs inline
   */
  public List<Long> defer(Connection connection, Workflow workflow) {
    Objects.requireNonNull(workflow, "workflow");
    WorkflowGraph graph = WorkflowGraph.of(workflow);
    List<WorkflowDao.Step> steps = workflowSteps(graph);
    long[] ids =
        database.onCallerConnection(
            connection,
            "deferring a workflow of " + steps.size() + " jobs",
            c -> workflows.defer(c, steps, graph.fromPositions(), graph.toPositions()));
    return workflowDeferred(graph, ids);
  }

  private List<WorkflowDao.Step> workflowSteps(WorkflowGraph graph) {
    if (inline != null) {
      throw new UnsupportedOperationException(
          "an app that runs jobs inline cannot defer a workflow: its steps wait for one another"
              + " through the database; defer the jobs one by one, or build the app without"
              + " inline()");
    }
    int[] waiting = graph.waitingFor();
    Instant now = Instant.now();
    List<WorkflowDao.Step> steps = new ArrayList<>();
    for (int i = 0; i < graph.jobs().size(); i++) {
      NewJob job = graph.jobs().get(i);
      // A delay counts from the step's release, not from this defer.
      JobDao.Row row = toRow(job, now);
      if (job.scheduleIn() != null) {
        row = row.unscheduled();
      }
      steps.add(new WorkflowDao.Step(row, job.scheduleIn(), waiting[i]));
    }
    return steps;
  }

  private List<Long> workflowDeferred(WorkflowGraph graph, long[] ids) {
    List<Long> result = new ArrayList<>(ids.length);
    for (int i = 0; i < ids.length; i++) {
      observers.deferred(graph.jobs().get(i), ids[i]);
      result.add(ids[i]);
    }
    return List.copyOf(result);
  }

  /** Runs the jobs of a batch of an inline app now, one after the other, on this thread. */
  private long[] deferAllInline(Iterable<NewJob> jobs) {
    List<Long> ran = new ArrayList<>();
    Instant now = Instant.now();
    for (NewJob job : jobs) {
      Objects.requireNonNull(job, "a job of the batch is null");
      ran.add(deferInline(job, toRow(job, now)));
    }
    return ran.stream().mapToLong(Long::longValue).toArray();
  }

  /**
   * Stores the jobs of a batch on a connection, {@value #BATCH_CHUNK_SIZE} per statement, and adds
   * them to {@code observed} when observers listen, to be told of once the batch is stored.
   */
  private long[] deferAll(
      Connection connection, Iterator<NewJob> jobs, @Nullable List<NewJob> observed)
      throws java.sql.SQLException {
    if (observed != null) {
      observed.clear(); // a second try starts again
    }
    long[] ids = new long[16];
    int count = 0;
    List<JobDao.Row> chunk = new ArrayList<>();
    Instant now = Instant.now();
    while (jobs.hasNext()) {
      NewJob job = Objects.requireNonNull(jobs.next(), "a job of the batch is null");
      chunk.add(toRow(job, now));
      if (observed != null) {
        observed.add(job);
      }
      if (chunk.size() == BATCH_CHUNK_SIZE || !jobs.hasNext()) {
        long[] chunkIds = dao.deferMany(connection, chunk);
        if (count + chunkIds.length > ids.length) {
          ids = Arrays.copyOf(ids, Math.max(ids.length * 2, count + chunkIds.length));
        }
        System.arraycopy(chunkIds, 0, ids, count, chunkIds.length);
        count += chunkIds.length;
        chunk.clear();
      }
    }
    return Arrays.copyOf(ids, count);
  }

  /** Tells the observers of a stored batch's jobs. */
  private long[] deferred(@Nullable List<NewJob> observed, long[] ids) {
    if (observed != null) {
      for (int i = 0; i < ids.length; i++) {
        observers.deferred(observed.get(i), ids[i]);
      }
    }
    return ids;
  }

  private @Nullable List<NewJob> observedBatch() {
    return observers.any() ? new ArrayList<>() : null;
  }

  /**
   * Reads a job.
   *
   * @param id the job id
   * @return the job, or empty if none has this id
   */
  public Optional<ProcrastinateJob> getJob(long id) {
    return database.withConnection("reading job " + id, c -> queries.get(c, id));
  }

  /**
   * Reads a job's status.
   *
   * @param id the job id
   * @return the status, or empty if no job has this id
   */
  public Optional<JobStatus> getStatus(long id) {
    return database.withConnection(
        "reading the status of job " + id, c -> queries.getStatus(c, id));
  }

  /**
   * Reads a job's status on the caller's connection, so a job deferred in the caller's open
   * transaction is seen.
   *
   * @param connection the caller's connection; not closed
   * @param id the job id
   * @return the status, or empty if no job has this id
   */
  public Optional<JobStatus> getStatus(Connection connection, long id) {
    return database.onCallerConnection(
        connection, "reading the status of job " + id, c -> queries.getStatus(c, id));
  }

  /**
   * Lists jobs matching a filter, ordered by id: upstream's {@code list_jobs}, with more criteria
   * and keyset paging. Read-only.
   *
   * <pre>{@code
   * JobFilter page = JobFilter.all().queue("emails").status(JobStatus.FAILED).limit(100);
   * List<ProcrastinateJob> jobs;
   * do {
   *   jobs = jobManager.listJobs(page);
   *   ...
   *   if (!jobs.isEmpty()) page = page.afterId(jobs.get(jobs.size() - 1).id());
   * } while (jobs.size() == 100);
   * }</pre>
   *
   * @param filter the criteria and page
   * @return the jobs, at most {@code filter.limit()}
   * @throws DatabaseUnavailableException if PostgreSQL cannot be reached
   */
  public List<ProcrastinateJob> listJobs(JobFilter filter) {
    Objects.requireNonNull(filter, "filter");
    return database.withConnection("listing jobs", c -> queries.list(c, filter));
  }

  /**
   * Counts the jobs matching a filter per queue and status: upstream's {@code list_queues}.
   * Read-only.
   *
   * @param filter the criteria; its paging is ignored
   * @return one entry per queue that has matching jobs, by queue name
   */
  public List<JobCounts> countByQueue(JobFilter filter) {
    Objects.requireNonNull(filter, "filter");
    return database.withConnection(
        "counting jobs per queue", c -> queries.countBy(c, QueryDao.CountBy.QUEUE, filter));
  }

  /**
   * Counts the jobs matching a filter per task and status: upstream's {@code list_tasks}.
   * Read-only.
   *
   * @param filter the criteria; its paging is ignored
   * @return one entry per task name that has matching jobs, by task name
   */
  public List<JobCounts> countByTask(JobFilter filter) {
    Objects.requireNonNull(filter, "filter");
    return database.withConnection(
        "counting jobs per task", c -> queries.countBy(c, QueryDao.CountBy.TASK, filter));
  }

  /**
   * Counts the jobs matching a filter per lock and status: upstream's {@code list_locks}. Jobs
   * without a lock are left out. Read-only.
   *
   * @param filter the criteria; its paging is ignored
   * @return one entry per lock that has matching jobs, by lock
   */
  public List<JobCounts> countByLock(JobFilter filter) {
    Objects.requireNonNull(filter, "filter");
    return database.withConnection(
        "counting jobs per lock", c -> queries.countBy(c, QueryDao.CountBy.LOCK, filter));
  }

  /**
   * Lists the events of a job in the order they were written: what the schema's triggers recorded
   * on each change. Read-only.
   *
   * @param jobId the job id
   * @return the events; empty if the job does not exist (its events go with it)
   */
  public List<ProcrastinateEvent> listEvents(long jobId) {
    return database.withConnection(
        "listing the events of job " + jobId, c -> queries.listEvents(c, jobId));
  }

  /**
   * Lists why each attempt of a job failed or was aborted, as the workers of this runtime recorded
   * it: the exception's class, message and stack trace, the worker, when, and the details the task
   * added. A job run by a Python worker (or before this runtime recorded failures) has none.
   * Read-only.
   *
   * @param jobId the job
   * @return its failures, by attempt; empty if none were recorded
   * @throws DatabaseUnavailableException if the database cannot be reached
   */
  public List<JobFailure> failures(long jobId) {
    return database.withConnection(
        "listing the failures of job " + jobId, c -> queries.listFailures(c, jobId));
  }

  /**
   * Returns the latest recorded failure of each of some jobs, in one query, for lists of jobs (the
   * shell's {@code list_jobs ... details}, the dashboard's job list). Read-only.
   *
   * @param jobIds the jobs
   * @return the latest failure by job id, for the jobs that have one
   * @throws DatabaseUnavailableException if the database cannot be reached
   */
  public Map<Long, JobFailure> latestFailures(Collection<Long> jobIds) {
    if (jobIds.isEmpty()) {
      return Map.of();
    }
    long[] ids = jobIds.stream().mapToLong(Long::longValue).toArray();
    Map<Long, JobFailure> latest = new LinkedHashMap<>();
    for (JobFailure failure :
        database.withConnection(
            "reading the latest failures of " + ids.length + " jobs",
            c -> queries.latestFailures(c, ids))) {
      latest.put(failure.jobId(), failure);
    }
    return latest;
  }

  /**
   * Counts the failures recorded in a recent window, by task and by exception class, the most
   * frequent first: what the dashboard's overview shows for the last hour. Read-only.
   *
   * @param window how far back, such as one hour
   * @param limit the most names of each kind, at least 1
   * @return the counts
   * @throws IllegalArgumentException if the window is negative or the limit below 1
   * @throws DatabaseUnavailableException if the database cannot be reached
   */
  public FailureCounts countFailures(Duration window, int limit) {
    if (window.isNegative() || limit < 1) {
      throw new IllegalArgumentException(
          "countFailures needs a window of zero or more and a limit of 1 or more, got "
              + window
              + " and "
              + limit);
    }
    Instant since = Instant.now().minus(window);
    return database.withConnection(
        "counting recent failures", c -> queries.countFailures(c, since, limit));
  }

  /**
   * Lists the claims that workers made on ticks of periodic tasks; only the latest of each (task,
   * periodic id) is kept. Read-only.
   *
   * @param taskName only this task, or null for all
   * @return the claims, by id
   */
  public List<ProcrastinatePeriodicDefer> listPeriodicDefers(@Nullable String taskName) {
    return database.withConnection(
        "listing periodic defers", c -> queries.listPeriodicDefers(c, taskName));
  }

  /**
   * Lists the workers registered in {@code procrastinate_workers}, with their last heartbeat.
   * Read-only.
   *
   * @return the workers, by id
   */
  public List<ProcrastinateWorker> listWorkers() {
    return database.withConnection("listing workers", queries::listWorkers);
  }

  /**
   * Tells how long ago a worker's last heartbeat was, measured on the database's clock, which wrote
   * the heartbeat: unlike comparing {@link ProcrastinateWorker#lastHeartbeat()} with this JVM's
   * clock, the answer does not depend on how far the two machines' clocks are apart. Read-only.
   *
   * @param workerId the worker's id
   * @return the age, never negative; empty if no such worker is registered (it stopped, or was
   *     pruned as stalled)
   */
  public Optional<Duration> workerHeartbeatAge(long workerId) {
    return database.withConnection(
        "reading a worker's heartbeat age", c -> queries.workerHeartbeatAge(c, workerId));
  }

  /**
   * Cancels a waiting job: upstream's {@code cancel_job_by_id(id)}, through {@code
   * procrastinate_cancel_job_v1(id, abort => false, delete_job => false)}. A {@code todo} job
   * becomes {@code cancelled} (event {@code cancelled}) and no worker will take it. A running job
   * is left alone: stop it with {@link #abort(long)}.
   *
   * @param id the job id
   * @return true if the job was waiting and is now cancelled; false if nothing was done (the job is
   *     running, finished or missing)
   * @throws DatabaseUnavailableException if PostgreSQL cannot be reached
   */
  public boolean cancel(long id) {
    return database.withConnection("cancelling job " + id, c -> dao.cancel(c, id, false, false));
  }

  /**
   * Cancels a waiting job on the caller's connection, inside the caller's transaction if one is
   * open; as {@link #cancel(long)}.
   *
   * @param connection the caller's connection; not closed
   * @param id the job id
   * @return true if the job was waiting and is now cancelled; false if nothing was done
   */
  public boolean cancel(Connection connection, long id) {
    return database.onCallerConnection(
        connection, "cancelling job " + id, c -> dao.cancel(c, id, false, false));
  }

  /**
   * Requests the abort of a job: upstream's {@code cancel_job_by_id(id, abort=True)}, through
   * {@code procrastinate_cancel_job_v1(id, abort => true, delete_job => false)}. A {@code todo} job
   * becomes {@code cancelled} with {@code abort_requested} set. A {@code doing} job keeps running
   * with {@code abort_requested} set, and its worker, told by NOTIFY {@code abort_job_requested} or
   * by polling, turns {@link JobContext#shouldAbort()} true and interrupts it; it ends {@code
   * aborted} when it stops.
   *
   * @param id the job id
   * @return true if the request was recorded; false if the job is finished or missing
   * @throws DatabaseUnavailableException if PostgreSQL cannot be reached
   */
  public boolean abort(long id) {
    return database.withConnection(
        "requesting the abort of job " + id, c -> dao.cancel(c, id, true, false));
  }

  /**
   * Requests the abort of a job on the caller's connection, inside the caller's transaction if one
   * is open (the worker hears of it on commit); as {@link #abort(long)}.
   *
   * @param connection the caller's connection; not closed
   * @param id the job id
   * @return true if the request was recorded; false if the job is finished or missing
   */
  public boolean abort(Connection connection, long id) {
    return database.onCallerConnection(
        connection, "requesting the abort of job " + id, c -> dao.cancel(c, id, true, false));
  }

  /**
   * Deletes a waiting job: upstream's {@code cancel_job_by_id(id, delete_job=True)}, through {@code
   * procrastinate_cancel_job_v1(id, abort => false, delete_job => true)}. A {@code todo} job is
   * deleted with its events, as if it had never been deferred; a periodic defer that made it keeps
   * its claim, without the job id. Any other job is left alone.
   *
   * @param id the job id
   * @return true if the job was waiting and is now deleted; false if nothing was done (the job is
   *     running, finished or missing)
   * @throws DatabaseUnavailableException if PostgreSQL cannot be reached
   */
  public boolean cancelAndDelete(long id) {
    return database.withConnection("deleting job " + id, c -> dao.cancel(c, id, false, true));
  }

  /**
   * Deletes a waiting job on the caller's connection, inside the caller's transaction if one is
   * open; as {@link #cancelAndDelete(long)}.
   *
   * @param connection the caller's connection; not closed
   * @param id the job id
   * @return true if the job was waiting and is now deleted; false if nothing was done
   */
  public boolean cancelAndDelete(Connection connection, long id) {
    return database.onCallerConnection(
        connection, "deleting job " + id, c -> dao.cancel(c, id, false, true));
  }

  /**
   * Retries a failed (or stalled) job now, keeping its queue, priority and lock.
   *
   * @param id the job id
   * @throws ProcrastinateException if the job is missing, neither {@code failed} nor {@code doing},
   *     or running on a live worker
   */
  public void retry(long id) {
    retry(id, Instant.now(), null, null, null);
  }

  /**
   * Retries a failed or stalled job through {@code procrastinate_retry_job_v2}: it goes back to
   * {@code todo}, due at {@code retryAt}. A job running on a live worker (one that recorded a
   * heartbeat within the default stalled-worker timeout) is refused: retried while it runs, it
   * could start a second time at once and free its lock for another job. A running job whose worker
   * is gone or silent (a stalled job) is retried, as upstream does.
   *
   * @param id the job id
   * @param retryAt when the job becomes due again
   * @param priority a new priority, or null to keep it
   * @param queue a new queue, or null to keep it
   * @param lock a new lock, or null to keep it
   * @throws ProcrastinateException if the job is missing, in another status, or running on a live
   *     worker, with the reason
   */
  public void retry(
      long id,
      Instant retryAt,
      @Nullable Integer priority,
      @Nullable String queue,
      @Nullable String lock) {
    Objects.requireNonNull(retryAt, "retryAt");
    if (queue != null) {
      NewJob.validateQueueName(queue);
    }
    JobDao.RunningOn runningOn;
    try {
      runningOn =
          database.inTransaction(
              "retrying job " + id,
              c -> {
                JobDao.RunningOn live =
                    dao.lockUnlessRunningLive(c, id, WorkerOptions.DEFAULT_STALLED_WORKER_TIMEOUT);
                if (live == null) {
                  dao.retry(c, new JobDao.Retry(id, 0, retryAt, priority, queue, lock));
                }
                return live;
              });
    } catch (ProcrastinateException e) {
      if (e.getMessage() != null && e.getMessage().contains("check_not_todo_abort_requested")) {
        throw new ProcrastinateException(
            "Job "
                + id
                + " cannot be retried: it failed after an abort was requested and still carries"
                + " abort_requested, which a waiting job may not have. Defer a new job instead.",
            e);
      }
      throw e;
    }
    if (runningOn != null) {
      throw new ProcrastinateException(
          "Job "
              + id
              + " is running on worker "
              + runningOn.workerId()
              + ", which recorded a heartbeat "
              + runningOn.heartbeatAge().toSeconds()
              + " s ago: a retry now would let a second run of it start while this one goes on"
              + " (and free its lock). Abort it and retry it once it has ended, or retry it once"
              + " its worker has been silent for "
              + WorkerOptions.DEFAULT_STALLED_WORKER_TIMEOUT.toSeconds()
              + " s (a stalled job). Nothing was changed.");
    }
  }

  /**
   * Deletes finished jobs whose latest event is older than {@code age}, like upstream's {@code
   * delete_old_jobs}: succeeded jobs always, the others when asked. Then deletes the rows of the
   * workflows that are over (no step waits, and no step's job is left, whatever deleted it), in
   * batches of a thousand workflows.
   *
   * @param age minimum time since the job's latest event
   * @param queue only this queue, or null for all
   * @param includeFailed also delete failed jobs
   * @param includeCancelled also delete cancelled jobs
   * @param includeAborted also delete aborted jobs
   * @return how many jobs were deleted
   */
  public int deleteOldJobs(
      Duration age,
      @Nullable String queue,
      boolean includeFailed,
      boolean includeCancelled,
      boolean includeAborted) {
    Objects.requireNonNull(age, "age");
    if (age.isNegative()) {
      throw new IllegalArgumentException("age must not be negative, got " + age);
    }
    List<JobStatus> statuses = new ArrayList<>();
    statuses.add(JobStatus.SUCCEEDED);
    if (includeFailed) {
      statuses.add(JobStatus.FAILED);
    }
    if (includeCancelled) {
      statuses.add(JobStatus.CANCELLED);
    }
    if (includeAborted) {
      statuses.add(JobStatus.ABORTED);
    }
    int deleted =
        database.withConnection("deleting old jobs", c -> dao.deleteOld(c, age, queue, statuses));
    int pruned;
    do {
      pruned =
          database.withConnection(
              "deleting the rows of workflows that are over",
              c -> workflows.pruneOver(c, WORKFLOW_PRUNE_BATCH));
    } while (pruned >= WORKFLOW_PRUNE_BATCH);
    return deleted;
  }

  /** The most workflows one statement of {@link #deleteOldJobs} deletes the rows of. */
  private static final int WORKFLOW_PRUNE_BATCH = 1_000;

  /**
   * Lists running jobs whose worker is gone: it unregistered or was pruned, or its last heartbeat
   * is older than {@code heartbeatAge}. Upstream's {@code get_stalled_jobs}; retry them with {@link
   * #retry(long)} or let a worker with {@code rescueStalledJobs} do it.
   *
   * @param heartbeatAge how old a heartbeat may be for its worker to count as alive
   * @param queue only this queue, or null
   * @param taskName only this task, or null
   * @return the stalled jobs, by id, at most {@value JobFilter#DEFAULT_LIMIT}
   */
  public List<ProcrastinateJob> listStalledJobs(
      Duration heartbeatAge, @Nullable String queue, @Nullable String taskName) {
    Objects.requireNonNull(heartbeatAge, "heartbeatAge");
    return database.withConnection(
        "listing stalled jobs",
        c ->
            workers.listStalledJobs(
                c,
                heartbeatAge,
                queue,
                taskName == null ? null : new String[] {taskName},
                JobFilter.DEFAULT_LIMIT));
  }

  /**
   * Counts jobs per status.
   *
   * @return a count for every status, zero where there is none
   */
  public Map<JobStatus, Long> countByStatus() {
    return countByStatus(JobFilter.all());
  }

  /**
   * Counts jobs per status in one queue.
   *
   * @param queue the queue, or null for all queues
   * @return a count for every status, zero where there is none
   */
  public Map<JobStatus, Long> countByStatus(@Nullable String queue) {
    return countByStatus(queue == null ? JobFilter.all() : JobFilter.all().queue(queue));
  }

  /**
   * Counts the jobs matching a filter per status. Read-only.
   *
   * @param filter the criteria; its paging is ignored
   * @return a count for every status, zero where there is none
   */
  public Map<JobStatus, Long> countByStatus(JobFilter filter) {
    Objects.requireNonNull(filter, "filter");
    return database.withConnection("counting jobs", c -> queries.countByStatus(c, filter));
  }

  /**
   * Counts every job per queue and status, each count stopping at {@code atMost}: cheap on a table
   * of millions of jobs, where an exact count of the finished ones would read them all. Finished
   * jobs are counted through an index of their own, one index range per queue and status; waiting
   * and running ones exactly. Read-only.
   *
   * @param atMost the most a count may reach, at least 1; a count equal to it means at least that
   *     many
   * @return one entry per queue that has jobs, by queue name; totals are the sums of the counts
   * @throws IllegalArgumentException if {@code atMost} is below 1
   */
  public List<JobCounts> countByQueue(int atMost) {
    checkCap(atMost);
    return database.withConnection(
        "counting jobs per queue",
        c -> queries.countByCapped(c, QueryDao.CappedCountBy.QUEUE, atMost));
  }

  /**
   * Counts every job per task and status, each count stopping at {@code atMost}, as {@link
   * #countByQueue(int)} does per queue: the task names seen in the database. Read-only.
   *
   * @param atMost the most a count may reach, at least 1; a count equal to it means at least that
   *     many
   * @return one entry per task name that has jobs, by task name
   * @throws IllegalArgumentException if {@code atMost} is below 1
   */
  public List<JobCounts> countByTask(int atMost) {
    checkCap(atMost);
    return database.withConnection(
        "counting jobs per task",
        c -> queries.countByCapped(c, QueryDao.CappedCountBy.TASK, atMost));
  }

  private static void checkCap(int atMost) {
    if (atMost < 1) {
      throw new IllegalArgumentException("atMost must be at least 1, got " + atMost);
    }
  }

  /**
   * Counts the jobs that finished (succeeded, failed or aborted) per minute over a recent window,
   * from their events. Read-only.
   *
   * @param window how far back to count, from now
   * @return one entry per minute that has finished jobs, oldest first
   * @throws IllegalArgumentException if the window is negative
   */
  public List<FinishedJobs> countFinishedPerMinute(Duration window) {
    Objects.requireNonNull(window, "window");
    if (window.isNegative()) {
      throw new IllegalArgumentException("window must not be negative, got " + window);
    }
    Instant since = Instant.now().minus(window);
    return database.withConnection(
        "counting finished jobs per minute", c -> queries.countFinishedPerMinute(c, since));
  }

  /**
   * Counts the running jobs of each registered worker. Read-only.
   *
   * @return running jobs by worker id, for the workers that run some
   */
  public Map<Long, Long> countRunningByWorker() {
    return database.withConnection(
        "counting running jobs per worker", queries::countRunningByWorker);
  }

  /**
   * Retries every failed job matching a filter, as {@link #retry(long)} does one: the filter's
   * status criterion, if any, must include {@code failed}. A job that cannot be retried (one that
   * still carries an abort request) is skipped.
   *
   * @param filter the criteria; paging is ignored
   * @return how many jobs were retried
   */
  public int retryAll(JobFilter filter) {
    return forEachMatching(
        filter,
        JobStatus.FAILED,
        id -> {
          try {
            retry(id);
            return true;
          } catch (ProcrastinateException e) {
            return false;
          }
        });
  }

  /**
   * Cancels every waiting job matching a filter, as {@link #cancel(long)} does one.
   *
   * @param filter the criteria; paging is ignored
   * @return how many jobs were cancelled
   */
  public int cancelAll(JobFilter filter) {
    return forEachMatching(filter, JobStatus.TODO, this::cancel);
  }

  /**
   * Requests the abort of every running job matching a filter, as {@link #abort(long)} does one.
   *
   * @param filter the criteria; paging is ignored
   * @return how many abort requests were recorded
   */
  public int abortAll(JobFilter filter) {
    return forEachMatching(filter, JobStatus.DOING, this::abort);
  }

  /** What a bulk action does to one job. */
  private interface JobAction {
    boolean apply(long id);
  }

  private int forEachMatching(JobFilter filter, JobStatus status, JobAction action) {
    Objects.requireNonNull(filter, "filter");
    if (!filter.statuses().isEmpty() && !filter.statuses().contains(status)) {
      return 0;
    }
    // Oldest first: the bound of a newest-first page does not narrow a bulk action.
    JobFilter page = filter.statusIn(Set.of(status)).oldestFirst().limit(500);
    int done = 0;
    List<ProcrastinateJob> jobs;
    do {
      jobs = listJobs(page);
      for (ProcrastinateJob job : jobs) {
        if (action.apply(job.id())) {
          done++;
        }
      }
      if (!jobs.isEmpty()) {
        page = page.afterId(jobs.get(jobs.size() - 1).id());
      }
    } while (jobs.size() == 500);
    return done;
  }

  /**
   * Reads the backlog of every queue that has waiting jobs, for monitoring: one grouped scan of the
   * waiting jobs (through the partial index on {@code status = 'todo'}).
   *
   * @return one entry per queue with waiting jobs, by queue name
   */
  public List<QueueBacklog> queueBacklog() {
    return database.withConnection("reading the queue backlog", queries::queueBacklog);
  }

  // ------------------------------------------------------------------ results

  /**
   * Reads what a job's task returned, as JSON text. A job has a result once it succeeded on a
   * worker of this runtime and its task returned a value other than null (an empty {@code Optional}
   * is none); the result goes with its job when the job is deleted.
   *
   * @param id the job id
   * @return the JSON text, or empty when the job has no result (yet)
   */
  public Optional<String> resultJson(long id) {
    return database.withConnection("reading the result of job " + id, c -> dao.result(c, id));
  }

  /**
   * Reads what a job's task returned, decoded with the app's JSON mapper.
   *
   * @param <T> the type
   * @param id the job id
   * @param type the class to decode into: the task's return type, or one JSON can carry the same
   *     value into (a record, {@code List}, {@code Map}, ...)
   * @return the value, or empty when the job has no result (yet)
   * @throws IllegalArgumentException naming the job and the type, if the result does not decode
   *     into it
   */
  public <T> Optional<T> result(long id, Class<T> type) {
    Objects.requireNonNull(type, "type");
    return resultJson(id).map(text -> decodeResult(text, type, "the result of job " + id));
  }

  /** Decodes a stored result; one that does not decode into the type says which it was. */
  private <T> T decodeResult(String text, Class<T> type, String what) {
    try {
      return jsonMapper.readValue(text, type);
    } catch (JsonProcessingException e) {
      throw new IllegalArgumentException(
          what + " does not decode into " + type.getName() + ": " + e.getOriginalMessage(), e);
    }
  }

  /**
   * Lists the steps of the workflow a job belongs to, with where each stands: the status of its
   * job, or waiting (not a job yet) and the steps it still waits for; a cancelled step gives the
   * reason.
   *
   * @param jobId the job id of any step of the workflow
   * @return the steps in the order the workflow was written; empty if the job is no workflow's step
   */
  public List<WorkflowStep> workflow(long jobId) {
    return database.withConnection(
        "reading the workflow of job " + jobId, c -> workflows.steps(c, jobId));
  }

  /**
   * Reads what the steps a workflow's step runs after returned, decoded with the app's JSON mapper:
   * for a chain's step, its predecessor; for a group's callback, every member. A step that returned
   * nothing (a void task, or a result deleted with its job) gives a null.
   *
   * @param <T> the type
   * @param jobId the step's job id
   * @param type the class to decode into
   * @return the results in the order the workflow was written; empty if the job runs after nothing
   * @throws IllegalArgumentException naming the job and the type, if a result does not decode into
   *     it
   */
  public <T> List<@Nullable T> resultsBefore(long jobId, Class<T> type) {
    Objects.requireNonNull(type, "type");
    List<@Nullable String> texts =
        database.withConnection(
            "reading the results before job " + jobId, c -> workflows.resultsBefore(c, jobId));
    List<@Nullable T> results = new ArrayList<>(texts.size());
    for (String text : texts) {
      results.add(
          text == null ? null : decodeResult(text, type, "a result of a step before job " + jobId));
    }
    return results;
  }

  /**
   * Waits until a job has ended: its status is neither {@code todo} nor {@code doing}. The wait is
   * woken by a notification that this runtime's workers send in the transaction that ends jobs, and
   * all the app's waiters share one listening connection (opened at the first wait, closed with the
   * app). A job that a Python worker ends sends no notification: it is seen within a second.
   *
   * @param id the job id
   * @param timeout how long to wait at most
   * @return the ended job, or empty if it no longer exists (a delete policy removed it as it ended,
   *     or it was deleted by hand)
   * @throws TimeoutException if the job has not ended within the timeout
   * @throws InterruptedException if the thread is interrupted while it waits
   */
  public Optional<ProcrastinateJob> await(long id, Duration timeout)
      throws TimeoutException, InterruptedException {
    CompletableFuture<Optional<ProcrastinateJob>> ended = awaitAsync(id);
    try {
      return ended.get(timeout.toNanos(), TimeUnit.NANOSECONDS);
    } catch (TimeoutException e) {
      ended.cancel(false);
      throw new TimeoutException("job " + id + " has not ended within " + timeout);
    } catch (InterruptedException e) {
      ended.cancel(false);
      throw e;
    } catch (ExecutionException e) {
      throw e.getCause() instanceof RuntimeException unchecked
          ? unchecked
          : new ProcrastinateException("waiting for job " + id + " failed", e.getCause());
    }
  }

  /**
   * Waits until a job has ended, without blocking; see {@link #await(long, Duration)}. Give the
   * future a timeout ({@link CompletableFuture#orTimeout}), or cancel it, to stop waiting.
   *
   * @param id the job id
   * @return a future of the ended job, or of empty if it no longer exists
   */
  public CompletableFuture<Optional<ProcrastinateJob>> awaitAsync(long id) {
    return waiters.await(id);
  }

  /** Stops the waiters; called when the app closes. */
  void close() {
    waiters.close();
  }

  // ------------------------------------------------------------------ flow control

  /**
   * Pauses a queue for every worker of this runtime: none starts a job of it until it is resumed;
   * the jobs of it running now finish. Workers learn it at their next fetch. Python workers do not
   * obey it.
   *
   * @param queue the queue
   * @return true if the queue was running, false if it was paused already
   * @throws IllegalArgumentException if the queue name is blank
   */
  public boolean pauseQueue(String queue) {
    LimitTarget target = LimitTarget.queue(queue);
    return database.inTransaction(
        "pausing queue " + queue, c -> flowControls.pause(c, target.name()));
  }

  /**
   * Resumes a paused queue: every worker that listens to it is woken at once (a notification), not
   * at its next polling interval.
   *
   * @param queue the queue
   * @return true if the queue was paused, false if it was running already
   * @throws IllegalArgumentException if the queue name is blank
   */
  public boolean resumeQueue(String queue) {
    LimitTarget target = LimitTarget.queue(queue);
    return database.inTransaction(
        "resuming queue " + queue, c -> flowControls.resume(c, target.name()));
  }

  /**
   * Sets, live, how many jobs of a queue or task may run at once across every worker of this
   * runtime; it wins over a limit declared in code. Jobs that Python workers run count against it.
   * Workers apply it at their next fetch and are woken at once.
   *
   * @param target the queue or task
   * @param limit the most jobs running at once, at least 1
   * @throws IllegalArgumentException if the limit is below 1
   */
  public void setConcurrencyLimit(LimitTarget target, int limit) {
    if (limit < 1) {
      throw new IllegalArgumentException(
          "the concurrency limit of "
              + target
              + " is at least 1, not "
              + limit
              + "; to lift a limit, clear it");
    }
    database.inTransaction(
        "setting the concurrency limit of " + target,
        c -> {
          flowControls.setConcurrency(c, target, limit);
          return null;
        });
  }

  /**
   * Sets, live, how many jobs of a queue or task may start per period across every worker of this
   * runtime, spread evenly (see {@link RateLimit}); it wins over a limit declared in code.
   *
   * @param target the queue or task
   * @param rate the limit
   */
  public void setRateLimit(LimitTarget target, RateLimit rate) {
    Objects.requireNonNull(rate, "rate");
    database.inTransaction(
        "setting the rate limit of " + target,
        c -> {
          flowControls.setRate(c, target, rate);
          return null;
        });
  }

  /**
   * Clears the live limits (concurrency and rate) of a queue or task; the limits its code declares,
   * if any, apply again.
   *
   * @param target the queue or task
   * @return true if it had a live limit
   */
  public boolean clearLimits(LimitTarget target) {
    return database.inTransaction(
        "clearing the limits of " + target, c -> flowControls.clear(c, target));
  }

  /**
   * Lists the flow controls: paused queues, and the limits of queues and tasks (live and declared),
   * with the jobs of each running now.
   *
   * @return the controls, queues first, by name
   */
  public List<FlowControl> flowControls() {
    return database.withConnection("reading the flow controls", flowControls::list);
  }

  // ------------------------------------------------------------------ event recording

  /**
   * Reads which status changes of jobs write an event row now: every one ({@link
   * EventRecording.Mode#FULL}, the default), all but a job's defer and start ({@link
   * EventRecording.Mode#LEAN}), or an arrangement of the triggers that is neither ({@link
   * EventRecording.Mode#MIXED}).
   *
   * @return the recording, with the triggers enabled and disabled
   */
  public EventRecording eventRecording() {
    return database.withConnection("reading the event recording", eventRecording::read);
  }

  /**
   * Switches, for every writer of the database (Java and Python alike), which status changes write
   * an event row. Lean recording drops the {@code deferred} and {@code started} rows, two of the
   * four rows a job writes, and keeps the retries and ends; full recording is upstream's. The
   * switch is one {@code ALTER TABLE} that enables and disables the status-event triggers together;
   * it waits for the job table's brief lock at most 100 ms at a time, so writers never queue behind
   * it for longer, and keeps asking for up to 30 seconds.
   *
   * @param mode {@link EventRecording.Mode#FULL} or {@link EventRecording.Mode#LEAN}
   * @return the recording now in place
   * @throws IllegalArgumentException if the mode is {@link EventRecording.Mode#MIXED}
   * @throws IllegalStateException if the schema predates the switch (migration 12)
   * @throws dev.procrastinate.ProcrastinateException if a transaction kept the job table locked for
   *     30 seconds, or the database cannot be reached
   */
  public EventRecording setEventRecording(EventRecording.Mode mode) {
    Objects.requireNonNull(mode, "mode");
    if (mode == EventRecording.Mode.MIXED) {
      throw new IllegalArgumentException(
          "event recording can be set to full or lean; mixed is what a hand-changed trigger"
              + " leaves");
    }
    return database.withConnection(
        "switching event recording to " + mode.key(),
        c -> {
          if (!eventRecording.switchable(c)) {
            throw new IllegalStateException(
                "this database's Procrastinate schema has no lean event trigger yet: migrate it"
                    + " (mvn procrastinate:migrate, procrastinate schema --migrate, or"
                    + " SchemaManager.migrate()), then switch");
          }
          eventRecording.set(c, mode, EVENT_RECORDING_MAX_WAIT);
          return eventRecording.read(c);
        });
  }

  /**
   * Turns a job into a database row: serialises its arguments and resolves its schedule.
   *
   * @param job the job
   * @param now the instant {@code scheduleIn} counts from
   * @return the row
   * @throws IllegalArgumentException naming the task and the argument, if an argument cannot be
   *     written as JSON or the JSON text is not an object
   */
  JobDao.Row toRow(NewJob job, Instant now) {
    return new JobDao.Row(
        job.queue(),
        job.taskName(),
        job.priority(),
        job.lock(),
        job.queueingLock(),
        argsJson(job),
        job.resolveScheduledAt(now),
        headersJson(job));
  }

  private @Nullable String headersJson(NewJob job) {
    if (!observers.propagates()) {
      return null;
    }
    Map<String, String> headers = observers.inject(job);
    if (headers.isEmpty()) {
      return null;
    }
    try {
      return jsonMapper.writeValueAsString(headers);
    } catch (JsonProcessingException e) {
      throw new IllegalArgumentException(
          "headers of task '" + job.taskName() + "' cannot be written as JSON", e);
    }
  }

  private String argsJson(NewJob job) {
    String text = job.argsJson();
    if (text != null) {
      JsonNode node;
      try {
        node = jsonMapper.readTree(text);
      } catch (JsonProcessingException e) {
        throw new IllegalArgumentException(
            "arguments of task '"
                + job.taskName()
                + "' are not valid JSON: "
                + e.getOriginalMessage()
                + "; give a JSON object such as {\"user_id\": 3}",
            e);
      }
      if (node == null || !node.isObject()) {
        throw new IllegalArgumentException(
            "arguments of task '"
                + job.taskName()
                + "' must be a JSON object of argument names to values, such as"
                + " {\"user_id\": 3}; got "
                + text);
      }
      return node.toString();
    }
    try {
      return jsonMapper.writeValueAsString(job.args());
    } catch (JsonProcessingException | RuntimeException whole) {
      // Serialise one argument at a time to name the one that fails.
      for (Map.Entry<String, @Nullable Object> entry : job.args().entrySet()) {
        Object value = entry.getValue();
        try {
          jsonMapper.writeValueAsString(value);
        } catch (JsonProcessingException | RuntimeException e) {
          throw new IllegalArgumentException(
              "argument '"
                  + entry.getKey()
                  + "' of task '"
                  + job.taskName()
                  + "' cannot be written as JSON ("
                  + (value == null ? "null" : value.getClass().getName())
                  + "): "
                  + rootMessage(e)
                  + ". Pass a value Jackson can write and read back: numbers, strings, booleans,"
                  + " java.time values, lists, maps, records or beans.",
              e);
        }
      }
      throw new IllegalArgumentException(
          "arguments of task '" + job.taskName() + "' cannot be written as JSON: " + whole, whole);
    }
  }

  private static String rootMessage(Throwable e) {
    Throwable root = e;
    while (root.getCause() != null && root.getCause() != root) {
      root = root.getCause();
    }
    return String.valueOf(root.getMessage());
  }

  private static String action(NewJob job) {
    return "deferring a job of task '" + job.taskName() + "'";
  }
}
