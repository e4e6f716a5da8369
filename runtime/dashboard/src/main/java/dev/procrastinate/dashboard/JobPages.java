package dev.procrastinate.dashboard;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.procrastinate.JobManager;
import dev.procrastinate.dashboard.view.ActionLink;
import dev.procrastinate.dashboard.view.ConfirmPage;
import dev.procrastinate.dashboard.view.JobPage;
import dev.procrastinate.dashboard.view.JobsPage;
import dev.procrastinate.dashboard.view.Link;
import dev.procrastinate.dashboard.view.Page;
import dev.procrastinate.dashboard.view.ProblemPage;
import dev.procrastinate.model.JobFailure;
import dev.procrastinate.model.JobStatus;
import dev.procrastinate.model.ProcrastinateEvent;
import dev.procrastinate.model.ProcrastinateJob;
import dev.procrastinate.model.WorkflowStep;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;
import org.jspecify.annotations.Nullable;

/**
 * The pages about jobs, filled from {@link JobManager}: the filtered list, a job's page, and the
 * confirmations of the actions on one job or on every job of a filter.
 */
final class JobPages {
  private static final ObjectMapper JSON = new ObjectMapper();

  private final PageContext context;
  private final JobManager jobs;

  JobPages(PageContext context) {
    this.context = context;
    this.jobs = context.jobs();
  }

  JobsPage list(JobQuery query, @Nullable String notice) {
    String criteria = query.toQueryString(false);
    List<ActionLink> bulk = new ArrayList<>();
    for (Action action : Action.values()) {
      bulk.add(
          new ActionLink(
              action.path,
              context.base()
                  + "/jobs/bulk/"
                  + action.path
                  + (criteria.isEmpty() ? "" : "?" + criteria),
              action.verb + " " + action.adjective() + "…"));
    }
    List<ProcrastinateJob> page = jobs.listJobs(query.filter());
    List<JobsPage.Row> rows = new ArrayList<>();
    Map<Long, JobFailure> failures =
        jobs.latestFailures(page.stream().map(ProcrastinateJob::id).toList());
    for (ProcrastinateJob job : page) {
      JobFailure failure = failures.get(job.id());
      rows.add(
          new JobsPage.Row(
              job.id(),
              jobUrl(job),
              job.taskName(),
              job.queueName(),
              job.status().dbValue(),
              job.abortRequested(),
              job.attempts(),
              job.priority(),
              job.lock() == null ? "" : job.lock(),
              job.scheduledAt() == null ? "" : Format.instant(job.scheduledAt()),
              job.workerId() == null ? "" : "#" + job.workerId(),
              failure == null ? null : lastError(failure),
              failure == null ? null : failure.exceptionClass()));
    }
    return new JobsPage(
        context.layout("jobs", "Jobs", notice),
        filter(query),
        bulk,
        rows,
        query.before() == null ? null : context.jobsUrl(query.withBefore(null).toQueryString(true)),
        page.size() == query.limit()
            ? context.jobsUrl(query.withBefore(page.get(page.size() - 1).id()).toQueryString(true))
            : null);
  }

  private JobsPage.Filter filter(JobQuery query) {
    JobStatus selected = query.statuses().size() == 1 ? query.statuses().iterator().next() : null;
    List<JobsPage.Option> statuses = new ArrayList<>();
    for (JobStatus status : JobStatus.values()) {
      statuses.add(new JobsPage.Option(status.dbValue(), status == selected));
    }
    List<JobsPage.Field> fields =
        List.of(
            field("Queue", "queue", query.queue(), ""),
            field("Task", "task", query.task(), ""),
            field("Lock", "lock", query.lock(), ""),
            field("Queueing lock", "queueing_lock", query.queueingLock(), ""),
            field("Id", "id", query.id(), ""),
            field("Running on worker", "worker", query.worker(), ""),
            field("Failure", "failure", query.failure(), "class or message"),
            field("Deferred from", "from", query.from(), "2026-01-31T12:00"),
            field("to", "to", query.to(), "UTC"));
    return new JobsPage.Filter(
        context.base() + "/jobs",
        statuses,
        fields,
        query.limit() == JobQuery.DEFAULT_LIMIT ? null : String.valueOf(query.limit()),
        query.statuses().size() > 1 ? query.describe() : null);
  }

  /** A failure in a list: the exception's simple name and the first line of its message. */
  private static String lastError(JobFailure failure) {
    String name = failure.exceptionClass();
    String simple = name.substring(Math.max(name.lastIndexOf('.'), name.lastIndexOf('$')) + 1);
    String firstLine = failure.firstMessageLine();
    return firstLine.isEmpty() ? simple : simple + ": " + firstLine;
  }

  private static JobsPage.Field field(
      String label, String name, @Nullable Object value, String placeholder) {
    return new JobsPage.Field(label, name, value == null ? "" : String.valueOf(value), placeholder);
  }

  JobPage job(ProcrastinateJob job, @Nullable String notice) {
    List<JobPage.Fact> facts = new ArrayList<>();
    facts.add(fact("Task", job.taskName(), "task"));
    facts.add(fact("Queue", job.queueName(), "queue"));
    facts.add(new JobPage.Fact("Attempts", String.valueOf(job.attempts()), null));
    facts.add(new JobPage.Fact("Priority", String.valueOf(job.priority()), null));
    facts.add(
        new JobPage.Fact(
            "Scheduled",
            job.scheduledAt() == null
                ? "at once"
                : Format.instant(job.scheduledAt())
                    + " ("
                    + Format.ago(job.scheduledAt(), context.now())
                    + ")",
            null));
    facts.add(fact("Lock", job.lock(), "lock"));
    facts.add(fact("Queueing lock", job.queueingLock(), "queueing_lock"));
    facts.add(
        new JobPage.Fact(
            "Worker",
            job.workerId() == null ? "—" : "#" + job.workerId(),
            job.workerId() == null || job.status() != JobStatus.DOING
                ? null
                : context.base() + "/jobs?worker=" + job.workerId()));
    List<ActionLink> actions = new ArrayList<>();
    for (Action action : Action.values()) {
      if (action.appliesTo == job.status()) {
        actions.add(
            new ActionLink(action.path, jobUrl(job) + "/" + action.path, action.verb + "…"));
      }
    }
    List<JobPage.Event> events = new ArrayList<>();
    for (ProcrastinateEvent event : jobs.listEvents(job.id())) {
      String type = event.type() == null ? "unknown" : event.type().dbValue();
      events.add(
          new JobPage.Event(
              type,
              type.replace('_', ' '),
              event.at() == null ? null : Format.iso(event.at()),
              Format.instant(event.at()),
              Format.ago(event.at(), context.now())));
    }
    List<JobPage.Failure> failures = new ArrayList<>();
    for (JobFailure failure : jobs.failures(job.id())) {
      List<String> details = new ArrayList<>();
      new TreeMap<>(failure.details()).forEach((name, value) -> details.add(name + ": " + value));
      failures.add(
          new JobPage.Failure(
              failure.attempt(),
              failure.status().dbValue(),
              failure.exceptionClass(),
              failure.message(),
              failure.stackTrace(),
              failure.workerName() == null ? "—" : failure.workerName(),
              details,
              Format.iso(failure.failedAt()),
              Format.instant(failure.failedAt()),
              Format.ago(failure.failedAt(), context.now())));
    }
    boolean failedOnce =
        job.attempts() > 0 || job.status() == JobStatus.FAILED || job.status() == JobStatus.ABORTED;
    return new JobPage(
        context.layout("jobs", "Job #" + job.id(), notice),
        job.status().dbValue(),
        job.abortRequested(),
        facts,
        actions,
        events,
        prettyJson(job.argsJson()),
        jobs.resultJson(job.id()).map(JobPages::prettyJson).orElse(null),
        failures,
        workflow(job.id()),
        failures.isEmpty() && failedOnce
            ? "No details (run by a worker that does not record them)."
            : null);
  }

  /** Returns the steps of the workflow a job belongs to, or none. */
  private List<JobPage.Step> workflow(long jobId) {
    List<JobPage.Step> steps = new ArrayList<>();
    for (WorkflowStep step : jobs.workflow(jobId)) {
      steps.add(
          new JobPage.Step(
              step.id(),
              step.waiting() ? null : context.base() + "/jobs/" + step.id(),
              step.taskName(),
              step.waiting() ? "waiting" : step.status().dbValue(),
              ids(step.after()),
              ids(step.waitingFor()),
              step.reason(),
              step.id() == jobId));
    }
    return steps;
  }

  private static String ids(List<Long> ids) {
    if (ids.isEmpty()) {
      return "—";
    }
    StringBuilder text = new StringBuilder();
    for (long id : ids) {
      text.append(text.isEmpty() ? "#" : ", #").append(id);
    }
    return text.toString();
  }

  /** Returns a fact that links to the jobs sharing it, or a dash if the job has none. */
  private JobPage.Fact fact(String name, @Nullable String value, String parameter) {
    return value == null
        ? new JobPage.Fact(name, "—", null)
        : new JobPage.Fact(
            name, value, context.base() + "/jobs?" + PageContext.param(parameter, value));
  }

  private static String prettyJson(String json) {
    try {
      return JSON.writerWithDefaultPrettyPrinter().writeValueAsString(JSON.readTree(json));
    } catch (JsonProcessingException e) {
      return json;
    }
  }

  /** Returns the confirmation of an action on a job, or why the job's status does not allow it. */
  Page confirm(Action action, ProcrastinateJob job) {
    refuseIfReadOnly(action);
    String title = action.verb + " job #" + job.id();
    if (job.status() != action.appliesTo) {
      return new ProblemPage(
          context.layout("jobs", title, null),
          "Job #"
              + job.id()
              + " is "
              + job.status().dbValue()
              + "; only "
              + action.adjective()
              + " jobs can be "
              + action.participle
              + ".",
          new Link(jobUrl(job), "Back to the job"));
    }
    return confirmation(
        title,
        action.verb
            + " job #"
            + job.id()
            + " (task "
            + job.taskName()
            + ", queue "
            + job.queueName()
            + ")?",
        jobUrl(job) + "/" + action.path,
        action,
        "Yes, " + action.verb.toLowerCase(Locale.ROOT) + " it",
        jobUrl(job));
  }

  /**
   * Returns the confirmation of an action on every job of a filter, with their count, or that no
   * job is concerned.
   */
  Page confirmBulk(Action action, JobQuery query) {
    refuseIfReadOnly(action);
    long count;
    if (!query.statuses().isEmpty() && !query.statuses().contains(action.appliesTo)) {
      count = 0;
    } else {
      count =
          jobs.countByStatus(query.criteria().statusIn(Set.of(action.appliesTo)))
              .get(action.appliesTo);
    }
    String criteria = query.withBefore(null).toQueryString(false);
    String back = context.jobsUrl(criteria);
    String title = action.verb + " " + action.adjective() + " jobs";
    if (count == 0) {
      return new ProblemPage(
          context.layout("jobs", title, null),
          "No " + action.adjective() + " job matches " + query.describe() + ": nothing to do.",
          new Link(back, "Back to the list"));
    }
    String jobsCounted = Format.count(count) + (count == 1 ? " job" : " jobs");
    return confirmation(
        title,
        action.verb
            + " "
            + Format.count(count)
            + " "
            + action.adjective()
            + (count == 1 ? " job" : " jobs")
            + " matching "
            + query.describe()
            + "?",
        context.base() + "/jobs/bulk/" + action.path + (criteria.isEmpty() ? "" : "?" + criteria),
        action,
        "Yes, " + action.verb.toLowerCase(Locale.ROOT) + " " + jobsCounted,
        back);
  }

  private ConfirmPage confirmation(
      String title, String question, String target, Action action, String label, String back) {
    return context.confirmation("jobs", title, question, target, action.path, label, back);
  }

  private void refuseIfReadOnly(Action action) {
    context.refuseIfReadOnly(action.path + " jobs");
  }

  private String jobUrl(ProcrastinateJob job) {
    return context.base() + "/jobs/" + job.id();
  }
}
