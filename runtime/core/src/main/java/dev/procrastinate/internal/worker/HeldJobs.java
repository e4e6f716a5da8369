package dev.procrastinate.internal.worker;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.procrastinate.AbortReason;
import dev.procrastinate.WorkerOptions;
import dev.procrastinate.model.ProcrastinateJob;
import java.util.ArrayList;
import java.util.Collections;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import org.jspecify.annotations.Nullable;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The jobs a worker holds, from their fetch until their outcome is noted: one {@link RunningJob}
 * per job id, the runs of jobs fetched again while an earlier run of theirs goes on (parked until
 * it lets go), and the runs the lease abandoned. Decides which run is held when; starts nothing and
 * writes nothing itself. Thread-safe. Not API.
 *
 * <p>A run is identified by its {@link ProcrastinateJob} instance, not only by the job's id: once
 * an outcome has committed, and before the completer's note reaches here, the job may have been
 * fetched again (a retry due at once), and the note lets go of the earlier run only.
 */
final class HeldJobs implements AbortRequests {
  private static final Logger LOG = LoggerFactory.getLogger("procrastinate.worker");
  private static final Logger JOBS = LoggerFactory.getLogger("procrastinate.jobs");

  private final String name;
  private final WorkerOptions options;
  private final JobContexts contexts;
  private final ObjectMapper json;
  private final Lease lease;
  private final Map<Long, RunningJob> held = new ConcurrentHashMap<>();

  /**
   * Jobs fetched again while an earlier run of theirs is still held (retried by hand or by another
   * process while it ran): each starts once that run lets go. Guarded by itself, with {@link
   * #held}.
   */
  private final Map<Long, Fetched> parked = new LinkedHashMap<>();

  /** Jobs whose run the lease abandoned, left marked running for this worker, not taken back. */
  private final Set<Long> abandoned = ConcurrentHashMap.newKeySet();

  /** A job as a fetch returned it, with its headers when a propagator needs them. */
  record Fetched(ProcrastinateJob job, @Nullable String headersJson) {}

  /**
   * Creates the empty set of held jobs.
   *
   * @param context the worker's context
   * @param contexts the app's contexts of runs
   * @param json the app's JSON mapper, to read headers
   * @param lease the worker's lease, which runs check before they start when other workers rescue
   *     stalled jobs
   */
  HeldJobs(WorkerContext context, JobContexts contexts, ObjectMapper json, Lease lease) {
    this.name = context.name();
    this.options = context.options();
    this.contexts = contexts;
    this.json = json;
    this.lease = lease;
  }

  /**
   * Holds a fetched job and returns its run, to be started; or parks it and returns null when an
   * earlier run of the job goes on here: one job never runs twice at once in this worker. (An
   * earlier run that has ended, its outcome not yet noted, is replaced at once; its note lets go of
   * that run only.)
   *
   * @param fetched the job and its headers
   * @return the run to start, or null if parked
   */
  @Nullable RunningJob hold(Fetched fetched) {
    ProcrastinateJob job = fetched.job();
    synchronized (parked) {
      RunningJob earlier = held.get(job.id());
      if (earlier != null && !earlier.ended()) {
        parked.put(job.id(), fetched);
        LOG.warn(
            "{} - job {} was fetched again while its earlier run here goes on (retried by hand or"
                + " by another process meanwhile): it starts once that run ends, whose outcome is"
                + " then not written",
            name,
            job.id());
        return null;
      }
      RunningJob run =
          new RunningJob(
              job,
              name,
              options.queues(),
              options.additionalContext(),
              contexts,
              fetched.headersJson() == null ? Map.of() : parseHeaders(job, fetched.headersJson()),
              options.fleetRescuesStalledJobs() ? lease : null);
      held.put(job.id(), run);
      if (!abandoned.isEmpty()) {
        abandoned.remove(job.id());
      }
      return run;
    }
  }

  /**
   * Lets go of one run, and returns the job's next run if one was parked behind it: the caller
   * starts it.
   *
   * @param job the job instance of the run that ended
   * @return the parked job to hold and start now, or null
   */
  @Nullable Fetched release(ProcrastinateJob job) {
    synchronized (parked) {
      held.computeIfPresent(job.id(), (id, run) -> run.job() == job ? null : run);
      RunningJob still = held.get(job.id());
      if (still != null && !still.ended()) {
        return null;
      }
      return parked.remove(job.id());
    }
  }

  /**
   * Notes that a run was abandoned with its job left marked running for this worker: a registration
   * again re-attaches it, so that it is taken back rather than left for no worker.
   *
   * @param jobId the job
   */
  void abandoned(long jobId) {
    abandoned.add(jobId);
  }

  /**
   * Forgets jobs handed back to the queue before their run started, parked ones included.
   *
   * @param runs the runs that never started
   */
  void forget(List<RunningJob> runs) {
    for (RunningJob run : runs) {
      held.remove(run.job().id());
    }
  }

  /**
   * Empties the parked jobs and returns their ids: a stopping worker hands them back.
   *
   * @return the ids of the jobs that were parked
   */
  List<Long> unparkAll() {
    synchronized (parked) {
      List<Long> ids = new ArrayList<>(parked.keySet());
      parked.clear();
      return ids;
    }
  }

  @Override
  public void abortRequested(long jobId) {
    RunningJob run = held.get(jobId);
    if (run != null && !run.shouldAbort()) {
      JOBS.info("{} - abort requested for job {}", name, jobId);
      run.abort(AbortReason.USER_REQUEST);
    }
  }

  /**
   * Asks every held run to abort.
   *
   * @param reason why
   */
  void abortAll(AbortReason reason) {
    held.values().forEach(run -> run.abort(reason));
  }

  /**
   * Returns the ids of the held jobs.
   *
   * @return the ids
   */
  long[] ids() {
    return held.keySet().stream().mapToLong(Long::longValue).toArray();
  }

  /**
   * Returns a live, read-only view of the held jobs' ids.
   *
   * @return the view
   */
  Set<Long> idView() {
    return Collections.unmodifiableSet(held.keySet());
  }

  /**
   * Returns the held jobs plus those whose run the lease abandoned and that may still be marked
   * running for this worker: a registration again after a prune re-attaches them all, so that the
   * abandoned ones are taken back and run here rather than left running for no worker.
   *
   * @return the ids
   */
  long[] idsWithAbandoned() {
    Set<Long> ids = new HashSet<>(held.keySet());
    ids.addAll(abandoned);
    return ids.stream().mapToLong(Long::longValue).toArray();
  }

  /**
   * Tells whether no job is held.
   *
   * @return whether none is
   */
  boolean isEmpty() {
    return held.isEmpty();
  }

  /**
   * Returns how many jobs are held: running, fetched ahead, or ended with their outcome not yet
   * noted.
   *
   * @return the count
   */
  int size() {
    return held.size();
  }

  private Map<String, String> parseHeaders(ProcrastinateJob job, String headersJson) {
    try {
      Map<String, String> headers = new LinkedHashMap<>();
      json.readTree(headersJson)
          .properties()
          .forEach(field -> headers.put(field.getKey(), field.getValue().asText()));
      return Map.copyOf(headers);
    } catch (JsonProcessingException e) {
      LOG.warn("{} - headers of job {} are not valid JSON; ignored", name, job.id());
      return Map.of();
    }
  }
}
