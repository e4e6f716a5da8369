package dev.procrastinate.dashboard;

import dev.procrastinate.App;
import dev.procrastinate.JobManager;
import dev.procrastinate.dashboard.view.ConfirmPage;
import dev.procrastinate.dashboard.view.Count;
import dev.procrastinate.dashboard.view.Layout;
import dev.procrastinate.dashboard.view.Link;
import dev.procrastinate.dashboard.view.ProblemPage;
import dev.procrastinate.dashboard.view.StatusCount;
import dev.procrastinate.model.JobCounts;
import dev.procrastinate.model.JobStatus;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import org.jspecify.annotations.Nullable;

/**
 * What the pages of one request share: the dashboard's settings, where it is mounted, the CSRF
 * token its forms carry, the time of the request; and how the pages link to the job list and show
 * counts. Immutable.
 *
 * @param app the app whose jobs and tasks the pages show
 * @param base where the dashboard is mounted, without a trailing slash
 * @param csrfToken the token every form carries
 * @param formFields further hidden fields every form carries
 * @param now the time of the request
 * @param readOnly true if the dashboard refuses actions
 * @param refreshInterval how often pages refresh their figures
 * @param stalledWorkerTimeout after how long without a heartbeat a worker is stalled
 * @param countCap up to which number jobs are counted per queue, task and status
 */
record PageContext(
    App app,
    String base,
    String csrfToken,
    Map<String, String> formFields,
    Instant now,
    boolean readOnly,
    Duration refreshInterval,
    Duration stalledWorkerTimeout,
    int countCap) {

  /** The statuses shown as columns, in the order of a job's life. */
  private static final List<JobStatus> COLUMNS =
      List.of(
          JobStatus.TODO,
          JobStatus.DOING,
          JobStatus.SUCCEEDED,
          JobStatus.FAILED,
          JobStatus.CANCELLED,
          JobStatus.ABORTED);

  /** The navigation's sections: the name a page gives as current, the path, the label. */
  private static final List<String[]> SECTIONS =
      List.of(
          new String[] {"overview", "/", "Overview"},
          new String[] {"jobs", "/jobs", "Jobs"},
          new String[] {"tasks", "/tasks", "Tasks"},
          new String[] {"locks", "/locks", "Locks"},
          new String[] {"periodic", "/periodic", "Periodic"},
          new String[] {"workers", "/workers", "Workers"},
          new String[] {"limits", "/limits", "Limits"});

  private static final Count ZERO = new Count("0", null);

  JobManager jobs() {
    return app.jobManager();
  }

  /**
   * Returns a page's layout.
   *
   * @param current the section the page belongs to, such as {@code jobs}; empty for none
   */
  Layout layout(String current, String title, @Nullable String notice) {
    List<Layout.NavLink> nav = new ArrayList<>();
    for (String[] section : SECTIONS) {
      nav.add(new Layout.NavLink(base + section[1], section[2], section[0].equals(current)));
    }
    return new Layout(
        base, title, nav, readOnly, refreshInterval.toMillis(), notice, Format.instant(now));
  }

  /**
   * Returns the confirmation page of an action: a question and a form that POSTs it, with the CSRF
   * token and the further form fields.
   *
   * @param section the navigation's section of the page
   * @param style the action's name, which styles its button, such as {@code retry}
   */
  ConfirmPage confirmation(
      String section,
      String title,
      String question,
      String target,
      String style,
      String label,
      String back) {
    List<ConfirmPage.HiddenField> fields = new ArrayList<>();
    fields.add(new ConfirmPage.HiddenField(Csrf.FIELD, csrfToken));
    new TreeMap<>(formFields)
        .forEach((name, value) -> fields.add(new ConfirmPage.HiddenField(name, value)));
    return new ConfirmPage(
        layout(section, title, null), question, target, style, fields, label, back);
  }

  /**
   * Refuses an action's confirmation on a read-only dashboard.
   *
   * @param what the action in words, such as {@code retry jobs}
   * @throws HttpProblem 403 if the dashboard is read-only
   */
  void refuseIfReadOnly(String what) {
    if (readOnly) {
      throw new HttpProblem(
          403, "Read-only", "This dashboard is read-only: it does not " + what + ".");
    }
  }

  /** Returns the error page of a problem. */
  ProblemPage problem(HttpProblem problem) {
    return new ProblemPage(
        layout("", problem.status() + " · " + problem.title(), null),
        problem.getMessage(),
        new Link(base + "/", "Back to the overview"));
  }

  /** Returns the job list's URL for a query string without {@code ?}, or for none if empty. */
  String jobsUrl(String query) {
    return base + "/jobs" + (query.isEmpty() ? "" : "?" + query);
  }

  /** Returns a query parameter, its value encoded. */
  static String param(String name, String value) {
    return name + "=" + QueryString.encode(value);
  }

  /** Returns the names of the status columns. */
  static List<String> columnNames() {
    return COLUMNS.stream().map(JobStatus::dbValue).toList();
  }

  /** Returns a count that links to the jobs counted, or a zero. */
  static Count count(long count, String href) {
    return count == 0 ? ZERO : new Count(Format.count(count), href);
  }

  /**
   * Returns the counts of a queue's or a task's jobs per status column, each linking to its jobs,
   * the counts at the cap shown as at least so many.
   *
   * @param counts the counts of one queue or task
   * @param parameter the job list's parameter for the queue or task: {@code queue} or {@code task}
   */
  List<StatusCount> statusCounts(JobCounts counts, String parameter) {
    List<StatusCount> cells = new ArrayList<>();
    for (JobStatus status : COLUMNS) {
      long count = counts.count(status);
      Count cell =
          count == 0
              ? ZERO
              : new Count(
                  Format.capped(count, countCap),
                  jobsUrl(
                      param("status", status.dbValue()) + "&" + param(parameter, counts.name())));
      cells.add(new StatusCount(status.dbValue(), cell));
    }
    return cells;
  }
}
