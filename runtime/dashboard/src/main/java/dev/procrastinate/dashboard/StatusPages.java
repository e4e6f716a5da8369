package dev.procrastinate.dashboard;

import dev.procrastinate.JobFilter;
import dev.procrastinate.JobManager;
import dev.procrastinate.dashboard.view.Count;
import dev.procrastinate.dashboard.view.LocksPage;
import dev.procrastinate.dashboard.view.OverviewPage;
import dev.procrastinate.dashboard.view.WorkerTable;
import dev.procrastinate.dashboard.view.WorkersPage;
import dev.procrastinate.model.FailureCounts;
import dev.procrastinate.model.FlowControl;
import dev.procrastinate.model.JobCounts;
import dev.procrastinate.model.JobStatus;
import dev.procrastinate.model.ProcrastinateWorker;
import dev.procrastinate.model.QueueBacklog;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;
import org.jspecify.annotations.Nullable;

/**
 * The pages of the queue's current state, filled from {@link JobManager}'s counts: the overview
 * (with the paused queues marked), the locks and the workers.
 */
final class StatusPages {
  private final PageContext context;
  private final JobManager jobs;

  StatusPages(PageContext context) {
    this.context = context;
    this.jobs = context.jobs();
  }

  OverviewPage overview(@Nullable String notice) {
    List<JobCounts> counts = new ArrayList<>(jobs.countByQueue(context.countCap()));
    Map<String, QueueBacklog> backlogs = new HashMap<>();
    for (QueueBacklog backlog : jobs.queueBacklog()) {
      backlogs.put(backlog.queue(), backlog);
    }
    Set<String> paused = pausedQueues();
    addPausedWithoutJobs(counts, paused);
    FlowPages flow = new FlowPages(context);
    List<OverviewPage.QueueRow> queues = new ArrayList<>();
    for (JobCounts queue : counts) {
      QueueBacklog backlog = backlogs.get(queue.name());
      boolean isPaused = paused.contains(queue.name());
      queues.add(
          new OverviewPage.QueueRow(
              queue.name(),
              context.jobsUrl(PageContext.param("queue", queue.name())),
              context.statusCounts(queue, "queue"),
              backlog == null ? "0" : Format.count(backlog.due()),
              oldestDue(backlog),
              isPaused,
              flow.queueAction(
                  isPaused ? FlowPages.QueueAction.RESUME : FlowPages.QueueAction.PAUSE,
                  queue.name(),
                  false)));
    }
    boolean capped =
        counts.stream()
            .anyMatch(q -> q.byStatus().values().stream().anyMatch(c -> c >= context.countCap()));
    FailureCounts recent = jobs.countFailures(Duration.ofHours(1), 5);
    return new OverviewPage(
        context.layout("overview", "Overview", notice),
        PageContext.columnNames(),
        queues,
        capped
            ? "Counts stop at "
                + Format.count(context.countCap())
                + " per queue and status (shown as ≥)."
            : null,
        jobs.eventRecording(),
        Chart.finishedPerMinute(jobs.countFinishedPerMinute(Duration.ofHours(1)), context.now()),
        workerTable(),
        failureRows(recent.byTask(), "task"),
        failureRows(recent.byException(), "failure"));
  }

  /** The oldest due job's wait, a dash without one, and a word when lean recording hides it. */
  private static String oldestDue(@Nullable QueueBacklog backlog) {
    if (backlog == null || backlog.due() == 0) {
      return "—";
    }
    return backlog.oldestDueAgeKnown()
        ? Format.age(backlog.oldestDueAge())
        : "unknown (deferred under lean event recording)";
  }

  private Set<String> pausedQueues() {
    Set<String> paused = new TreeSet<>();
    for (FlowControl control : jobs.flowControls()) {
      if (control.paused()) {
        paused.add(control.target().name());
      }
    }
    return paused;
  }

  /**
   * Adds the paused queues that have no job, with zero counts, each before the first queue whose
   * name comes after its own, so that a paused queue shows, and can be resumed, even when empty.
   */
  private static void addPausedWithoutJobs(List<JobCounts> counts, Set<String> paused) {
    Set<String> listed = new TreeSet<>();
    counts.forEach(c -> listed.add(c.name()));
    for (String queue : paused) {
      if (!listed.contains(queue)) {
        int at = 0;
        while (at < counts.size() && counts.get(at).name().compareTo(queue) < 0) {
          at++;
        }
        counts.add(at, new JobCounts(queue, 0, Map.of()));
      }
    }
  }

  /** The most frequent of a kind, each linking to its failed jobs. */
  private List<OverviewPage.FailureRow> failureRows(
      List<FailureCounts.Count> counts, String parameter) {
    List<OverviewPage.FailureRow> rows = new ArrayList<>();
    for (FailureCounts.Count count : counts) {
      rows.add(
          new OverviewPage.FailureRow(
              count.name(),
              context.jobsUrl(PageContext.param(parameter, count.name())),
              Format.count(count.failures())));
    }
    return rows;
  }

  LocksPage locks() {
    List<LocksPage.Row> rows = new ArrayList<>();
    for (JobCounts lock :
        jobs.countByLock(JobFilter.all().statusIn(JobStatus.TODO, JobStatus.DOING))) {
      rows.add(
          new LocksPage.Row(
              lock.name(),
              context.jobsUrl(PageContext.param("lock", lock.name())),
              lockCount(lock, JobStatus.DOING),
              lockCount(lock, JobStatus.TODO)));
    }
    return new LocksPage(context.layout("locks", "Locks", null), rows);
  }

  private Count lockCount(JobCounts lock, JobStatus status) {
    return PageContext.count(
        lock.count(status),
        context.jobsUrl(
            PageContext.param("status", status.dbValue())
                + "&"
                + PageContext.param("lock", lock.name())));
  }

  WorkersPage workers() {
    return new WorkersPage(context.layout("workers", "Workers", null), workerTable());
  }

  private WorkerTable workerTable() {
    List<ProcrastinateWorker> workers = jobs.listWorkers();
    Map<Long, Long> running = jobs.countRunningByWorker();
    List<WorkerTable.Row> rows = new ArrayList<>();
    for (ProcrastinateWorker worker : workers) {
      boolean stalled =
          Duration.between(worker.lastHeartbeat(), context.now())
                  .compareTo(context.stalledWorkerTimeout())
              > 0;
      rows.add(
          new WorkerTable.Row(
              worker.id(),
              Format.iso(worker.lastHeartbeat()),
              Format.ago(worker.lastHeartbeat(), context.now()),
              PageContext.count(
                  running.getOrDefault(worker.id(), 0L),
                  context.jobsUrl(
                      PageContext.param("worker", String.valueOf(worker.id())) + "&status=doing")),
              stalled));
    }
    return new WorkerTable(rows, Format.age(context.stalledWorkerTimeout()));
  }
}
