package dev.procrastinate.dashboard;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.procrastinate.App;
import dev.procrastinate.JobFilter;
import dev.procrastinate.JobManager;
import dev.procrastinate.RetryPolicy;
import dev.procrastinate.internal.AppAccess;
import dev.procrastinate.internal.periodic.CronSchedule;
import dev.procrastinate.model.JobCounts;
import dev.procrastinate.model.JobStatus;
import dev.procrastinate.model.ProcrastinateEvent;
import dev.procrastinate.model.ProcrastinateJob;
import dev.procrastinate.model.ProcrastinatePeriodicDefer;
import dev.procrastinate.model.ProcrastinateWorker;
import dev.procrastinate.model.QueueBacklog;
import dev.procrastinate.spi.PeriodicSchedule;
import dev.procrastinate.spi.TaskDescriptor;
import java.time.Duration;
import java.time.Instant;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;
import java.util.stream.Collectors;
import org.jspecify.annotations.Nullable;

/**
 * Renders the pages of one request: the layout, each page, the confirmation pages and the error
 * page. One per request; not thread-safe.
 */
final class Pages {
  /** The statuses shown as columns, in the order of a job's life. */
  private static final List<JobStatus> COLUMNS =
      List.of(
          JobStatus.TODO,
          JobStatus.DOING,
          JobStatus.SUCCEEDED,
          JobStatus.FAILED,
          JobStatus.CANCELLED,
          JobStatus.ABORTED);

  private static final ObjectMapper JSON = new ObjectMapper();

  private final App app;
  private final JobManager jobs;
  private final String base;
  private final String csrfToken;
  private final Map<String, String> formFields;
  private final Instant now;
  private final boolean readOnly;
  private final Duration refreshInterval;
  private final Duration stalledWorkerTimeout;
  private final int countCap;

  Pages(
      App app,
      String base,
      String csrfToken,
      Map<String, String> formFields,
      Instant now,
      boolean readOnly,
      Duration refreshInterval,
      Duration stalledWorkerTimeout,
      int countCap) {
    this.app = app;
    this.jobs = app.jobManager();
    this.base = base;
    this.csrfToken = csrfToken;
    this.formFields = formFields;
    this.now = now;
    this.readOnly = readOnly;
    this.refreshInterval = refreshInterval;
    this.stalledWorkerTimeout = stalledWorkerTimeout;
    this.countCap = countCap;
  }

  String base() {
    return base;
  }

  // ---------------------------------------------------------------------------------------------
  // Layout

  private String layout(String current, String title, @Nullable String notice, Html content) {
    Html page = new Html();
    page.raw("<!doctype html><html lang=\"en\"><head><meta charset=\"utf-8\">")
        .raw("<meta name=\"viewport\" content=\"width=device-width, initial-scale=1\">")
        .element("title", title + " · procrastinate")
        .open("link", "rel", "stylesheet", "href", base + "/assets/dashboard.css")
        .open("link", "rel", "icon", "href", base + "/assets/favicon.svg", "type", "image/svg+xml")
        .raw("</head>")
        .open("body", "data-refresh", String.valueOf(refreshInterval.toMillis()))
        .raw("<header class=\"top\">")
        .open("a", "class", "brand", "href", base + "/")
        .raw("<img src=\"")
        .text(base + "/assets/favicon.svg")
        .raw("\" alt=\"\" width=\"20\" height=\"20\">procrastinate</a><nav>");
    String[][] links = {
      {"overview", "/", "Overview"},
      {"jobs", "/jobs", "Jobs"},
      {"tasks", "/tasks", "Tasks"},
      {"locks", "/locks", "Locks"},
      {"periodic", "/periodic", "Periodic"},
      {"workers", "/workers", "Workers"}
    };
    for (String[] link : links) {
      if (link[0].equals(current)) {
        page.link(base + link[1], link[2], "aria-current", "page", "class", "current");
      } else {
        page.link(base + link[1], link[2]);
      }
    }
    page.raw("</nav><span class=\"flags\">");
    if (readOnly) {
      page.element("span", "read-only", "class", "badge readonly", "id", "read-only");
    }
    page.element("span", "live", "class", "live", "id", "live-status", "title", "Figures refresh");
    page.raw("</span></header><main>");
    page.element("h1", title);
    if (notice != null) {
      page.element("p", notice, "class", "notice", "role", "status", "id", "notice");
    }
    page.raw(content.toString());
    page.raw("</main><footer>");
    page.text("Times in UTC · page rendered at " + Format.instant(now));
    page.raw("</footer>");
    page.open("script", "src", base + "/assets/dashboard.js", "defer", "defer").close("script");
    page.raw("</body></html>");
    return page.toString();
  }

  String problem(HttpProblem problem) {
    Html content = new Html();
    content
        .element("p", problem.getMessage(), "class", "problem", "id", "problem")
        .open("p")
        .link(base + "/", "Back to the overview")
        .close("p");
    return layout("", problem.status() + " · " + problem.title(), null, content);
  }

  private Html statusBadge(Html html, JobStatus status) {
    return html.element("span", status.dbValue(), "class", "status s-" + status.dbValue());
  }

  private String jobsUrl(String query) {
    return base + "/jobs" + (query.isEmpty() ? "" : "?" + query);
  }

  private static String param(String name, String value) {
    return name + "=" + QueryString.encode(value);
  }

  // ---------------------------------------------------------------------------------------------
  // Overview

  String overview() {
    Html content = new Html();
    content.raw("<section><h2>Queues</h2><div class=\"scroll\" data-live=\"queues\">");
    queuesTable(content);
    content.raw("</div></section>");

    content.raw("<section><h2>Jobs finished per minute, last hour</h2>");
    content.raw("<div data-live=\"chart\">");
    Chart.finishedPerMinute(content, jobs.countFinishedPerMinute(Duration.ofHours(1)), now);
    content.raw("</div></section>");

    content.raw("<section><h2>Workers</h2><div class=\"scroll\" data-live=\"workers\">");
    workersTable(content);
    content.raw("</div></section>");
    return layout("overview", "Overview", null, content);
  }

  private void queuesTable(Html html) {
    List<JobCounts> counts = jobs.countByQueue(countCap);
    Map<String, QueueBacklog> backlogs = new HashMap<>();
    for (QueueBacklog backlog : jobs.queueBacklog()) {
      backlogs.put(backlog.queue(), backlog);
    }
    if (counts.isEmpty()) {
      html.element("p", "No jobs yet.", "class", "empty");
      return;
    }
    html.raw("<table id=\"queues\"><thead><tr><th>Queue</th>");
    for (JobStatus status : COLUMNS) {
      html.open("th", "class", "num").raw("");
      statusBadge(html, status).close("th");
    }
    html.raw("<th class=\"num\">Due now</th><th class=\"num\">Oldest due</th></tr></thead><tbody>");
    for (JobCounts queue : counts) {
      html.open("tr", "data-queue", queue.name()).open("td");
      html.link(jobsUrl(param("queue", queue.name())), queue.name()).close("td");
      for (JobStatus status : COLUMNS) {
        long count = queue.count(status);
        html.open("td", "class", "num", "data-status", status.dbValue());
        if (count == 0) {
          html.element("span", "0", "class", "zero");
        } else {
          html.link(
              jobsUrl(param("status", status.dbValue()) + "&" + param("queue", queue.name())),
              Format.capped(count, countCap));
        }
        html.close("td");
      }
      QueueBacklog backlog = backlogs.get(queue.name());
      html.element("td", backlog == null ? "0" : Format.count(backlog.due()), "class", "num");
      html.element(
          "td",
          backlog == null || backlog.due() == 0 ? "—" : Format.age(backlog.oldestDueAge()),
          "class",
          "num");
      html.close("tr");
    }
    html.raw("</tbody></table>");
    if (counts.stream()
        .anyMatch(q -> q.byStatus().values().stream().anyMatch(c -> c >= countCap))) {
      html.element(
          "p",
          "Counts stop at " + Format.count(countCap) + " per queue and status (shown as ≥).",
          "class",
          "hint");
    }
  }

  private void workersTable(Html html) {
    List<ProcrastinateWorker> workers = jobs.listWorkers();
    Map<Long, Long> running = jobs.countRunningByWorker();
    if (workers.isEmpty()) {
      html.element("p", "No worker is registered.", "class", "empty");
      return;
    }
    html.raw(
        "<table id=\"workers\"><thead><tr><th>Worker</th><th>Last heartbeat</th>"
            + "<th class=\"num\">Running jobs</th><th>State</th></tr></thead><tbody>");
    for (ProcrastinateWorker worker : workers) {
      boolean stalled =
          Duration.between(worker.lastHeartbeat(), now).compareTo(stalledWorkerTimeout) > 0;
      html.open(
          "tr", "data-worker", String.valueOf(worker.id()), "class", stalled ? "stalled" : "");
      html.element("td", "#" + worker.id());
      html.open("td")
          .open("time", "datetime", Format.iso(worker.lastHeartbeat()))
          .text(Format.ago(worker.lastHeartbeat(), now))
          .close("time")
          .close("td");
      long count = running.getOrDefault(worker.id(), 0L);
      html.open("td", "class", "num");
      if (count == 0) {
        html.element("span", "0", "class", "zero");
      } else {
        html.link(
            jobsUrl(param("worker", String.valueOf(worker.id())) + "&status=doing"),
            Format.count(count));
      }
      html.close("td").open("td");
      if (stalled) {
        html.element(
            "span",
            "stalled",
            "class",
            "badge stalled",
            "title",
            "No heartbeat for more than " + Format.age(stalledWorkerTimeout));
      } else {
        html.element("span", "alive", "class", "badge alive");
      }
      html.close("td").close("tr");
    }
    html.raw("</tbody></table>");
  }

  // ---------------------------------------------------------------------------------------------
  // Jobs

  String jobs(JobQuery query, @Nullable String notice) {
    Html content = new Html();
    filterForm(content, query);
    if (!readOnly) {
      String criteria = query.toQueryString(false);
      content.raw("<div class=\"bulk\" id=\"bulk\"><span>On every job of this list:</span>");
      for (Dashboard.Action action : Dashboard.Action.values()) {
        content.link(
            base + "/jobs/bulk/" + action.path + (criteria.isEmpty() ? "" : "?" + criteria),
            action.verb + " " + adjective(action.appliesTo) + "…",
            "class",
            "button " + action.path,
            "id",
            "bulk-" + action.path);
      }
      content.raw("</div>");
    }
    List<ProcrastinateJob> page = jobs.listJobs(query.filter());
    content.raw("<div class=\"scroll\" data-live=\"jobs\">");
    if (page.isEmpty()) {
      content.element("p", "No job matches.", "class", "empty", "id", "no-jobs");
    } else {
      content.raw(
          "<table id=\"jobs\"><thead><tr><th class=\"num\">Id</th><th>Task</th><th>Queue</th>"
              + "<th>Status</th><th class=\"num\">Attempts</th><th class=\"num\">Priority</th>"
              + "<th>Lock</th><th>Scheduled</th><th>Worker</th></tr></thead><tbody>");
      for (ProcrastinateJob job : page) {
        content.open("tr", "data-job", String.valueOf(job.id()));
        content.open("td", "class", "num").link(base + "/jobs/" + job.id(), "#" + job.id());
        content.close("td");
        content.element("td", job.taskName(), "class", "task");
        content.element("td", job.queueName());
        content.open("td");
        statusBadge(content, job.status());
        if (job.abortRequested()) {
          content.element("span", "abort requested", "class", "badge abort");
        }
        content.close("td");
        content.element("td", job.attempts(), "class", "num");
        content.element("td", job.priority(), "class", "num");
        content.element("td", job.lock() == null ? "" : job.lock());
        content.element("td", job.scheduledAt() == null ? "" : Format.instant(job.scheduledAt()));
        content.element("td", job.workerId() == null ? "" : "#" + job.workerId());
        content.close("tr");
      }
      content.raw("</tbody></table>");
    }
    content.raw("</div><nav class=\"pager\">");
    if (query.before() != null) {
      content.link(jobsUrl(query.withBefore(null).toQueryString(true)), "« Newest", "id", "newest");
    }
    if (page.size() == query.limit()) {
      content.link(
          jobsUrl(query.withBefore(page.get(page.size() - 1).id()).toQueryString(true)),
          "Older »",
          "id",
          "older");
    }
    content.raw("</nav>");
    return layout("jobs", "Jobs", notice, content);
  }

  private static String adjective(JobStatus status) {
    return switch (status) {
      case FAILED -> "failed";
      case TODO -> "waiting";
      default -> "running";
    };
  }

  private void filterForm(Html html, JobQuery query) {
    html.open("form", "class", "filter", "method", "get", "action", base + "/jobs", "id", "filter");
    html.raw(
        "<label>Status<select name=\"status\" id=\"f-status\"><option value=\"\">any</option>");
    JobStatus selected = query.statuses().size() == 1 ? query.statuses().iterator().next() : null;
    for (JobStatus status : JobStatus.values()) {
      if (status == selected) {
        html.open("option", "value", status.dbValue(), "selected", "selected");
      } else {
        html.open("option", "value", status.dbValue());
      }
      html.text(status.dbValue()).close("option");
    }
    html.raw("</select></label>");
    input(html, "Queue", "queue", query.queue(), "");
    input(html, "Task", "task", query.task(), "");
    input(html, "Lock", "lock", query.lock(), "");
    input(html, "Queueing lock", "queueing_lock", query.queueingLock(), "");
    input(html, "Id", "id", query.id(), "");
    input(html, "Running on worker", "worker", query.worker(), "");
    input(html, "Deferred from", "from", query.from(), "2026-01-31T12:00");
    input(html, "to", "to", query.to(), "UTC");
    if (query.limit() != JobQuery.DEFAULT_LIMIT) {
      html.open("input", "type", "hidden", "name", "limit", "value", String.valueOf(query.limit()));
    }
    html.raw("<span class=\"buttons\"><button type=\"submit\" id=\"apply-filter\">Filter</button>");
    html.link(base + "/jobs", "Clear", "class", "button secondary");
    html.raw("</span></form>");
    if (query.statuses().size() > 1) {
      html.element("p", "Showing " + query.describe() + ".", "class", "hint");
    }
  }

  private static void input(
      Html html, String label, String name, @Nullable Object value, String placeholder) {
    html.open("label").text(label);
    html.open(
        "input",
        "name",
        name,
        "id",
        "f-" + name,
        "value",
        value == null ? "" : String.valueOf(value),
        "placeholder",
        placeholder);
    html.close("label");
  }

  String job(ProcrastinateJob job, @Nullable String notice) {
    Html content = new Html();
    content.raw("<div class=\"columns\"><section><h2>Job</h2><div data-live=\"job\">");
    content.raw("<dl class=\"facts\" id=\"job-facts\">");
    content.raw("<dt>Status</dt><dd id=\"job-status\">");
    statusBadge(content, job.status());
    if (job.abortRequested()) {
      content.element("span", "abort requested", "class", "badge abort");
    }
    content.raw("</dd>");
    fact(content, "Task", job.taskName(), base + "/jobs?" + param("task", job.taskName()));
    fact(content, "Queue", job.queueName(), base + "/jobs?" + param("queue", job.queueName()));
    fact(content, "Attempts", String.valueOf(job.attempts()), null);
    fact(content, "Priority", String.valueOf(job.priority()), null);
    fact(
        content,
        "Scheduled",
        job.scheduledAt() == null
            ? "at once"
            : Format.instant(job.scheduledAt()) + " (" + Format.ago(job.scheduledAt(), now) + ")",
        null);
    fact(
        content,
        "Lock",
        job.lock() == null ? "—" : job.lock(),
        job.lock() == null ? null : base + "/jobs?" + param("lock", job.lock()));
    fact(
        content,
        "Queueing lock",
        job.queueingLock() == null ? "—" : job.queueingLock(),
        job.queueingLock() == null
            ? null
            : base + "/jobs?" + param("queueing_lock", job.queueingLock()));
    fact(
        content,
        "Worker",
        job.workerId() == null ? "—" : "#" + job.workerId(),
        job.workerId() == null || job.status() != JobStatus.DOING
            ? null
            : base + "/jobs?worker=" + job.workerId());
    content.raw("</dl>");
    if (!readOnly) {
      content.raw("<div class=\"actions\" id=\"job-actions\">");
      for (Dashboard.Action action : Dashboard.Action.values()) {
        if (action.appliesTo == job.status()) {
          content.link(
              base + "/jobs/" + job.id() + "/" + action.path,
              action.verb + "…",
              "class",
              "button " + action.path,
              "id",
              "action-" + action.path);
        }
      }
      content.raw("</div>");
    }
    content.raw("</div></section>");

    content.raw("<section><h2>Events</h2><div data-live=\"events\">");
    List<ProcrastinateEvent> events = jobs.listEvents(job.id());
    if (events.isEmpty()) {
      content.element("p", "No event recorded.", "class", "empty");
    } else {
      content.raw("<ol class=\"timeline\" id=\"timeline\">");
      for (ProcrastinateEvent event : events) {
        String type = event.type() == null ? "unknown" : event.type().dbValue();
        content.open("li", "class", "e-" + type, "data-event", type);
        content.element("span", type.replace('_', ' '), "class", "event");
        if (event.at() != null) {
          content
              .open("time", "datetime", Format.iso(event.at()))
              .text(Format.instant(event.at()))
              .close("time");
          content.element("span", Format.ago(event.at(), now), "class", "ago");
        }
        content.close("li");
      }
      content.raw("</ol>");
    }
    content.raw("</div></section></div>");

    content.raw("<section><h2>Arguments</h2>");
    content.element("pre", prettyJson(job.argsJson()), "class", "json", "id", "job-args");
    content.raw("</section>");
    return layout("jobs", "Job #" + job.id(), notice, content);
  }

  private static void fact(Html html, String name, String value, @Nullable String href) {
    html.element("dt", name).open("dd");
    if (href == null) {
      html.text(value);
    } else {
      html.link(href, value);
    }
    html.close("dd");
  }

  private static String prettyJson(String json) {
    try {
      return JSON.writerWithDefaultPrettyPrinter().writeValueAsString(JSON.readTree(json));
    } catch (JsonProcessingException e) {
      return json;
    }
  }

  String confirm(Dashboard.Action action, ProcrastinateJob job) {
    Html content = new Html();
    String subject =
        "job #" + job.id() + " (task " + job.taskName() + ", queue " + job.queueName() + ")";
    if (readOnly) {
      throw new HttpProblem(
          403, "Read-only", "This dashboard is read-only: it does not " + action.path + " jobs.");
    }
    if (job.status() != action.appliesTo) {
      content.element(
          "p",
          "Job #"
              + job.id()
              + " is "
              + job.status().dbValue()
              + "; only "
              + adjective(action.appliesTo)
              + " jobs can be "
              + action.participle
              + ".",
          "class",
          "problem",
          "id",
          "problem");
      content.open("p").link(base + "/jobs/" + job.id(), "Back to the job").close("p");
      return layout("jobs", action.verb + " job #" + job.id(), null, content);
    }
    content.element("p", action.verb + " " + subject + "?", "class", "question", "id", "question");
    confirmForm(
        content,
        base + "/jobs/" + job.id() + "/" + action.path,
        action,
        "Yes, " + action.verb.toLowerCase(java.util.Locale.ROOT) + " it",
        base + "/jobs/" + job.id());
    return layout("jobs", action.verb + " job #" + job.id(), null, content);
  }

  String confirmBulk(Dashboard.Action action, JobQuery query) {
    if (readOnly) {
      throw new HttpProblem(
          403, "Read-only", "This dashboard is read-only: it does not " + action.path + " jobs.");
    }
    Html content = new Html();
    JobFilter criteria = query.criteria();
    long count;
    if (!query.statuses().isEmpty() && !query.statuses().contains(action.appliesTo)) {
      count = 0;
    } else {
      count = jobs.countByStatus(criteria.statusIn(Set.of(action.appliesTo))).get(action.appliesTo);
    }
    String back = jobsUrl(query.withBefore(null).toQueryString(false));
    String title = action.verb + " " + adjective(action.appliesTo) + " jobs";
    if (count == 0) {
      content.element(
          "p",
          "No "
              + adjective(action.appliesTo)
              + " job matches "
              + query.describe()
              + ": nothing to do.",
          "class",
          "problem",
          "id",
          "problem");
      content.open("p").link(back, "Back to the list").close("p");
      return layout("jobs", title, null, content);
    }
    content.element(
        "p",
        action.verb
            + " "
            + Format.count(count)
            + " "
            + adjective(action.appliesTo)
            + (count == 1 ? " job" : " jobs")
            + " matching "
            + query.describe()
            + "?",
        "class",
        "question",
        "id",
        "question");
    String criteriaQuery = query.withBefore(null).toQueryString(false);
    confirmForm(
        content,
        base + "/jobs/bulk/" + action.path + (criteriaQuery.isEmpty() ? "" : "?" + criteriaQuery),
        action,
        "Yes, "
            + action.verb.toLowerCase(java.util.Locale.ROOT)
            + " "
            + Format.count(count)
            + (count == 1 ? " job" : " jobs"),
        back);
    return layout("jobs", title, null, content);
  }

  private void confirmForm(
      Html html, String target, Dashboard.Action action, String label, String back) {
    html.open("form", "method", "post", "action", target, "class", "confirm", "id", "confirm");
    html.open("input", "type", "hidden", "name", Csrf.FIELD, "value", csrfToken);
    new TreeMap<>(formFields)
        .forEach(
            (name, value) -> html.open("input", "type", "hidden", "name", name, "value", value));
    html.open("button", "type", "submit", "class", "button " + action.path, "id", "confirm-button")
        .text(label)
        .close("button");
    html.link(back, "No, go back", "class", "button secondary", "id", "go-back");
    html.close("form");
  }

  // ---------------------------------------------------------------------------------------------
  // Tasks, locks, periodic, workers

  String tasks() {
    Html content = new Html();
    List<TaskDescriptor> known = AppAccess.registry(app).tasks();
    Set<String> knownNames = new HashSet<>();
    content.raw("<section><h2>Known to this application</h2><div class=\"scroll\">");
    if (known.isEmpty()) {
      content.element("p", "This application declares no task.", "class", "empty");
    } else {
      content.raw(
          "<table id=\"known-tasks\"><thead><tr><th>Task</th><th>Queue</th>"
              + "<th class=\"num\">Priority</th><th>Lock</th><th>Queueing lock</th><th>Retry</th>"
              + "<th>Timeout</th><th>Parameters</th><th>Periodic</th></tr></thead><tbody>");
      for (TaskDescriptor task : known) {
        knownNames.add(task.name());
        knownNames.addAll(task.aliases());
        content.open("tr", "data-task", task.name()).open("td");
        content.link(jobsUrl(param("task", task.name())), task.name());
        if (!task.aliases().isEmpty()) {
          content.element("div", "aliases: " + String.join(", ", task.aliases()), "class", "hint");
        }
        content.close("td");
        content.element("td", task.queue());
        content.element("td", task.priority(), "class", "num");
        content.element("td", task.lock().orElse("—"));
        content.element("td", task.queueingLock().orElse("—"));
        content.element("td", retry(task.retryPolicy()));
        content.element("td", task.timeout().map(Format::age).orElse("—"));
        content.element(
            "td",
            task.parameters().stream()
                .map(p -> p.name() + ": " + p.javaType() + (p.isRequired() ? "" : "?"))
                .collect(Collectors.joining(", ")));
        content.element(
            "td",
            task.periodicSchedules().stream()
                .map(PeriodicSchedule::cron)
                .collect(Collectors.joining(", ")));
        content.close("tr");
      }
      content.raw("</tbody></table>");
    }
    content.raw("</div></section>");

    content.raw("<section><h2>Seen in the database</h2><div class=\"scroll\" data-live=\"seen\">");
    List<JobCounts> seen = jobs.countByTask(countCap);
    if (seen.isEmpty()) {
      content.element("p", "No job in the database.", "class", "empty");
    } else {
      content.raw("<table id=\"seen-tasks\"><thead><tr><th>Task</th>");
      for (JobStatus status : COLUMNS) {
        content.open("th", "class", "num");
        statusBadge(content, status).close("th");
      }
      content.raw("<th>Known here</th></tr></thead><tbody>");
      for (JobCounts task : seen) {
        content.open("tr", "data-task", task.name()).open("td");
        content.link(jobsUrl(param("task", task.name())), task.name()).close("td");
        for (JobStatus status : COLUMNS) {
          long count = task.count(status);
          content.open("td", "class", "num");
          if (count == 0) {
            content.element("span", "0", "class", "zero");
          } else {
            content.link(
                jobsUrl(param("status", status.dbValue()) + "&" + param("task", task.name())),
                Format.capped(count, countCap));
          }
          content.close("td");
        }
        content.element("td", knownNames.contains(task.name()) ? "yes" : "no");
        content.close("tr");
      }
      content.raw("</tbody></table>");
    }
    content.raw("</div></section>");
    return layout("tasks", "Tasks", null, content);
  }

  private static String retry(RetryPolicy policy) {
    if (policy instanceof dev.procrastinate.RetryStrategy strategy) {
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

  String locks() {
    Html content = new Html();
    content.raw("<div class=\"scroll\" data-live=\"locks\">");
    List<JobCounts> locks =
        jobs.countByLock(JobFilter.all().statusIn(JobStatus.TODO, JobStatus.DOING));
    if (locks.isEmpty()) {
      content.element("p", "No waiting or running job holds a lock.", "class", "empty");
    } else {
      content.raw(
          "<table id=\"locks\"><thead><tr><th>Lock</th><th class=\"num\">Running</th>"
              + "<th class=\"num\">Waiting</th></tr></thead><tbody>");
      for (JobCounts lock : locks) {
        content.open("tr", "data-lock", lock.name()).open("td");
        content.link(jobsUrl(param("lock", lock.name())), lock.name()).close("td");
        content.open("td", "class", "num");
        countLink(content, lock.count(JobStatus.DOING), "lock", lock.name(), JobStatus.DOING);
        content.close("td").open("td", "class", "num");
        countLink(content, lock.count(JobStatus.TODO), "lock", lock.name(), JobStatus.TODO);
        content.close("td").close("tr");
      }
      content.raw("</tbody></table>");
    }
    content.raw("</div>");
    content.element(
        "p",
        "A lock lets one of its jobs run at a time; the others wait, whatever their queue.",
        "class",
        "hint");
    return layout("locks", "Locks", null, content);
  }

  private void countLink(Html html, long count, String name, String value, JobStatus status) {
    if (count == 0) {
      html.element("span", "0", "class", "zero");
    } else {
      html.link(
          jobsUrl(param("status", status.dbValue()) + "&" + param(name, value)),
          Format.count(count));
    }
  }

  String periodic() {
    Html content = new Html();
    Map<String, ProcrastinatePeriodicDefer> lastTicks = new TreeMap<>();
    for (ProcrastinatePeriodicDefer defer : jobs.listPeriodicDefers(null)) {
      lastTicks.merge(
          defer.taskName() + "\u0000" + defer.periodicId(),
          defer,
          (a, b) ->
              (b.deferTimestamp() == null ? 0 : b.deferTimestamp())
                      > (a.deferTimestamp() == null ? 0 : a.deferTimestamp())
                  ? b
                  : a);
    }
    content.raw("<div class=\"scroll\" data-live=\"periodic\">");
    int rows = 0;
    content.raw(
        "<table id=\"periodic\"><thead><tr><th>Task</th><th>Schedule id</th><th>Cron</th>"
            + "<th>Last tick</th><th>Job</th><th>Next tick</th></tr></thead><tbody>");
    for (TaskDescriptor task : AppAccess.registry(app).tasks()) {
      for (PeriodicSchedule schedule : task.periodicSchedules()) {
        ProcrastinatePeriodicDefer last =
            lastTicks.remove(task.name() + "\u0000" + schedule.periodicId());
        Instant next;
        try {
          next = CronSchedule.parse(schedule.cron()).next(now).orElse(null);
        } catch (IllegalArgumentException e) {
          next = null;
        }
        periodicRow(content, task.name(), schedule.periodicId(), schedule.cron(), last, next);
        rows++;
      }
    }
    for (ProcrastinatePeriodicDefer other : lastTicks.values()) {
      periodicRow(content, other.taskName(), other.periodicId(), null, other, null);
      rows++;
    }
    content.raw("</tbody></table>");
    if (rows == 0) {
      content.element(
          "p", "No periodic task is declared here or recorded in the database.", "class", "empty");
    }
    content.raw("</div>");
    return layout("periodic", "Periodic schedules", null, content);
  }

  private void periodicRow(
      Html html,
      String task,
      String periodicId,
      @Nullable String cron,
      @Nullable ProcrastinatePeriodicDefer last,
      @Nullable Instant next) {
    html.open("tr", "data-task", task).open("td");
    html.link(jobsUrl(param("task", task)), task).close("td");
    html.element("td", periodicId.isEmpty() ? "—" : periodicId);
    html.element("td", cron == null ? "(not declared here)" : cron, "class", "mono");
    Long tick = last == null ? null : last.deferTimestamp();
    if (tick == null) {
      html.element("td", "never");
    } else {
      Instant at = Instant.ofEpochSecond(tick);
      html.element("td", Format.instant(at) + " (" + Format.ago(at, now) + ")");
    }
    Long jobId = last == null ? null : last.jobId();
    html.open("td");
    if (jobId != null) {
      html.link(base + "/jobs/" + jobId, "#" + jobId);
    } else {
      html.text("—");
    }
    html.close("td");
    html.element(
        "td", next == null ? "—" : Format.instant(next) + " (" + Format.ago(next, now) + ")");
    html.close("tr");
  }

  String workers() {
    Html content = new Html();
    content.raw("<div class=\"scroll\" data-live=\"workers\">");
    workersTable(content);
    content.raw("</div>");
    content.element(
        "p",
        "A worker is stalled when its last heartbeat is older than "
            + Format.age(stalledWorkerTimeout)
            + "; another worker then prunes it and its running jobs can be retried.",
        "class",
        "hint");
    return layout("workers", "Workers", null, content);
  }
}
