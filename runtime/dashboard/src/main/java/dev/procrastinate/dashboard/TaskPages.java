package dev.procrastinate.dashboard;

import dev.procrastinate.App;
import dev.procrastinate.JobManager;
import dev.procrastinate.RetryPolicy;
import dev.procrastinate.RetryStrategy;
import dev.procrastinate.dashboard.view.Link;
import dev.procrastinate.dashboard.view.PeriodicPage;
import dev.procrastinate.dashboard.view.TasksPage;
import dev.procrastinate.internal.periodic.CronSchedule;
import dev.procrastinate.model.JobCounts;
import dev.procrastinate.model.ProcrastinatePeriodicDefer;
import dev.procrastinate.spi.PeriodicSchedule;
import dev.procrastinate.spi.TaskDescriptor;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;
import java.util.stream.Collectors;
import org.jspecify.annotations.Nullable;

/**
 * The pages that set the {@link App}'s declared tasks beside the database's jobs: the tasks and
 * their counts, the periodic schedules and their ticks.
 */
final class TaskPages {
  private final PageContext context;
  private final JobManager jobs;
  private final List<TaskDescriptor> declared;

  TaskPages(PageContext context) {
    this.context = context;
    this.jobs = context.jobs();
    this.declared = context.app().internals().registry().tasks();
  }

  TasksPage tasks() {
    Set<String> knownNames = new HashSet<>();
    List<TasksPage.Known> known = new ArrayList<>();
    for (TaskDescriptor task : declared) {
      knownNames.add(task.name());
      knownNames.addAll(task.aliases());
      known.add(
          new TasksPage.Known(
              task.name(),
              taskJobsUrl(task.name()),
              task.aliases().isEmpty() ? null : String.join(", ", task.aliases()),
              task.queue(),
              task.priority(),
              task.lock().orElse("—"),
              task.queueingLock().orElse("—"),
              retry(task.retryPolicy()),
              task.timeout().map(Format::age).orElse("—"),
              task.parameters().stream()
                  .map(p -> p.name() + ": " + p.javaType() + (p.isRequired() ? "" : "?"))
                  .collect(Collectors.joining(", ")),
              task.periodicSchedules().stream()
                  .map(PeriodicSchedule::cron)
                  .collect(Collectors.joining(", "))));
    }
    List<TasksPage.Seen> seen = new ArrayList<>();
    for (JobCounts task : jobs.countByTask(context.countCap())) {
      seen.add(
          new TasksPage.Seen(
              task.name(),
              taskJobsUrl(task.name()),
              context.statusCounts(task, "task"),
              knownNames.contains(task.name()) ? "yes" : "no"));
    }
    return new TasksPage(
        context.layout("tasks", "Tasks", null), known, PageContext.columnNames(), seen);
  }

  private static String retry(RetryPolicy policy) {
    if (policy instanceof RetryStrategy strategy) {
      if (strategy.maxAttempts().isPresent() && strategy.maxAttempts().getAsInt() == 0) {
        return "none";
      }
      StringBuilder text =
          new StringBuilder(
              strategy.maxAttempts().isPresent()
                  ? strategy.maxAttempts().getAsInt() + " attempts"
                  : "forever");
      if (strategy.exponentialWait() > 0) {
        text.append(", exponential ").append(strategy.exponentialWait());
      }
      if (strategy.linearWaitSeconds() > 0) {
        text.append(", linear ").append(strategy.linearWaitSeconds()).append(" s");
      }
      if (strategy.fixedWaitSeconds() > 0) {
        text.append(", wait ").append(strategy.fixedWaitSeconds()).append(" s");
      }
      return text.toString();
    }
    return policy.getClass().getSimpleName();
  }

  /**
   * Returns every schedule this application declares, with its last tick if the database has one,
   * then the schedules the database has ticks of but this application does not declare.
   */
  PeriodicPage periodic() {
    Map<String, ProcrastinatePeriodicDefer> lastTicks = new TreeMap<>();
    for (ProcrastinatePeriodicDefer defer : jobs.listPeriodicDefers(null)) {
      lastTicks.merge(
          defer.taskName() + "\u0000" + defer.periodicId(),
          defer,
          (a, b) -> tick(b) > tick(a) ? b : a);
    }
    List<PeriodicPage.Schedule> schedules = new ArrayList<>();
    for (TaskDescriptor task : declared) {
      for (PeriodicSchedule schedule : task.periodicSchedules()) {
        ProcrastinatePeriodicDefer last =
            lastTicks.remove(task.name() + "\u0000" + schedule.periodicId());
        Instant next;
        try {
          next = CronSchedule.parse(schedule.cron()).next(context.now()).orElse(null);
        } catch (IllegalArgumentException e) {
          next = null;
        }
        schedules.add(schedule(task.name(), schedule.periodicId(), schedule.cron(), last, next));
      }
    }
    for (ProcrastinatePeriodicDefer other : lastTicks.values()) {
      schedules.add(schedule(other.taskName(), other.periodicId(), null, other, null));
    }
    return new PeriodicPage(context.layout("periodic", "Periodic schedules", null), schedules);
  }

  private static long tick(ProcrastinatePeriodicDefer defer) {
    return defer.deferTimestamp() == null ? 0 : defer.deferTimestamp();
  }

  private PeriodicPage.Schedule schedule(
      String task,
      String periodicId,
      @Nullable String cron,
      @Nullable ProcrastinatePeriodicDefer last,
      @Nullable Instant next) {
    Long tick = last == null ? null : last.deferTimestamp();
    Long jobId = last == null ? null : last.jobId();
    return new PeriodicPage.Schedule(
        task,
        taskJobsUrl(task),
        periodicId.isEmpty() ? "—" : periodicId,
        cron == null ? "(not declared here)" : cron,
        tick == null ? "never" : when(Instant.ofEpochSecond(tick)),
        jobId == null ? null : new Link(context.base() + "/jobs/" + jobId, "#" + jobId),
        next == null ? "—" : when(next));
  }

  /** Returns an instant and how far it is from now. */
  private String when(Instant at) {
    return Format.instant(at) + " (" + Format.ago(at, context.now()) + ")";
  }

  private String taskJobsUrl(String task) {
    return context.jobsUrl(PageContext.param("task", task));
  }
}
