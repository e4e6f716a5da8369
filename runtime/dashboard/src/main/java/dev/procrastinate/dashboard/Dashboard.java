package dev.procrastinate.dashboard;

import dev.procrastinate.App;
import dev.procrastinate.DatabaseUnavailableException;
import dev.procrastinate.JobFilter;
import dev.procrastinate.JobManager;
import dev.procrastinate.ProcrastinateException;
import dev.procrastinate.WorkerOptions;
import dev.procrastinate.model.JobStatus;
import dev.procrastinate.model.ProcrastinateJob;
import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.time.Duration;
import java.time.Instant;
import java.util.Map;
import java.util.Objects;
import org.jspecify.annotations.Nullable;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The dashboard as a request handler, independent of any server: give it a {@link
 * DashboardRequest}, send back the {@link DashboardResponse}. {@link DashboardServer} serves it on
 * the JDK's HTTP server; another adapter can mount it under any path, as the Spring Boot starter's
 * servlet does. Thread-safe.
 *
 * <p>Pages: {@code /} (overview), {@code /jobs} (filtered list), {@code /jobs/<id>}, {@code
 * /tasks}, {@code /locks}, {@code /periodic}, {@code /workers}. Actions, each confirmed on a page
 * of its own and then POSTed: {@code /jobs/<id>/retry}, {@code /jobs/<id>/cancel}, {@code
 * /jobs/<id>/abort}, and {@code /jobs/bulk/<action>?<filter>} for every job a filter selects.
 */
public final class Dashboard {
  /** How often pages refresh their figures by default. */
  public static final Duration DEFAULT_REFRESH_INTERVAL = Duration.ofSeconds(2);

  /**
   * Up to which number jobs are counted per queue, task and status by default; a larger count shows
   * as at least this many, so that the pages stay fast on tables of millions of jobs.
   */
  public static final int DEFAULT_COUNT_CAP = 10_000;

  private static final Logger LOG = LoggerFactory.getLogger("procrastinate.dashboard");

  private final App app;
  private final JobManager jobs;
  private final boolean readOnly;
  private final Duration stalledWorkerTimeout;
  private final Duration refreshInterval;
  private final int countCap;
  private final Map<String, Asset> assets;

  private record Asset(String contentType, byte[] bytes) {}

  /** The single-job and bulk actions. */
  enum Action {
    RETRY("retry", "Retry", "retried", "Job retried.", "Retried %s.", JobStatus.FAILED),
    CANCEL("cancel", "Cancel", "cancelled", "Job cancelled.", "Cancelled %s.", JobStatus.TODO),
    ABORT(
        "abort",
        "Abort",
        "aborted",
        "Abort requested: the job stops at its worker's next check.",
        "Requested the abort of %s.",
        JobStatus.DOING);

    final String path;
    final String verb;
    final String participle;
    final String doneOne;
    final String doneMany;
    final JobStatus appliesTo;

    Action(
        String path,
        String verb,
        String participle,
        String doneOne,
        String doneMany,
        JobStatus appliesTo) {
      this.path = path;
      this.verb = verb;
      this.participle = participle;
      this.doneOne = doneOne;
      this.doneMany = doneMany;
      this.appliesTo = appliesTo;
    }

    static @Nullable Action of(String path) {
      for (Action action : values()) {
        if (action.path.equals(path)) {
          return action;
        }
      }
      return null;
    }
  }

  private Dashboard(Builder builder) {
    this.app = builder.app;
    this.jobs = builder.app.jobManager();
    this.readOnly = builder.readOnly;
    this.stalledWorkerTimeout = builder.stalledWorkerTimeout;
    this.refreshInterval = builder.refreshInterval;
    this.countCap = builder.countCap;
    this.assets =
        Map.of(
            "dashboard.css", asset("dashboard.css", "text/css; charset=utf-8"),
            "dashboard.js", asset("dashboard.js", "text/javascript; charset=utf-8"),
            "favicon.svg", asset("favicon.svg", "image/svg+xml"));
  }

  private static Asset asset(String name, String contentType) {
    try (InputStream in = Dashboard.class.getResourceAsStream("assets/" + name)) {
      if (in == null) {
        throw new IllegalStateException("dashboard asset " + name + " is missing from the jar");
      }
      return new Asset(contentType, in.readAllBytes());
    } catch (IOException e) {
      throw new UncheckedIOException("cannot read dashboard asset " + name, e);
    }
  }

  /**
   * Starts a dashboard over an app's jobs.
   *
   * @param app the app; its {@link JobManager} answers every query, its tasks fill the tasks and
   *     periodic pages
   * @return a builder
   */
  public static Builder builder(App app) {
    return new Builder(app);
  }

  /**
   * Tells whether actions are refused.
   *
   * @return true if the dashboard only shows
   */
  public boolean readOnly() {
    return readOnly;
  }

  /**
   * Answers one request. Never throws: a bad request gets a 400 or 404 page, an unreachable
   * database a 503 page, anything unexpected a 500 page (the cause goes to the log).
   *
   * @param request the request
   * @return the response
   */
  public DashboardResponse handle(DashboardRequest request) {
    Objects.requireNonNull(request, "request");
    String token = Csrf.cookie(request);
    boolean newToken = token == null;
    if (token == null) {
      token = Csrf.newToken();
    }
    Pages pages =
        new Pages(
            app,
            request.basePath(),
            token,
            request.formFields(),
            Instant.now(),
            readOnly,
            refreshInterval,
            stalledWorkerTimeout,
            countCap);
    DashboardResponse response;
    try {
      response = route(request, pages);
    } catch (HttpProblem problem) {
      response = DashboardResponse.html(problem.status(), pages.problem(problem));
    } catch (DatabaseUnavailableException e) {
      LOG.warn("Dashboard - the database cannot be reached for {}", request, e);
      response =
          DashboardResponse.html(
              503,
              pages.problem(
                  new HttpProblem(
                      503,
                      "Database unavailable",
                      "The database cannot be reached. The dashboard's log says why; this page"
                          + " will work again once it answers.")));
    } catch (RuntimeException e) {
      LOG.warn("Dashboard - failed to answer {}", request, e);
      response =
          DashboardResponse.html(
              500,
              pages.problem(
                  new HttpProblem(
                      500,
                      "Internal error",
                      "The dashboard could not answer this request. Its log has the details.")));
    }
    if (newToken && response.contentType().startsWith("text/html")) {
      response = response.withHeader("Set-Cookie", Csrf.setCookie(token, request.basePath()));
    }
    return response;
  }

  private DashboardResponse route(DashboardRequest request, Pages pages) {
    String method = request.method();
    String path = request.path();
    if (path.length() > 1 && path.endsWith("/")) {
      path = path.substring(0, path.length() - 1);
    }
    String[] parts = path.substring(1).split("/", -1);
    QueryString query = QueryString.parse(request.query());
    boolean post = method.equals("POST");
    if (!post && !method.equals("GET") && !method.equals("HEAD")) {
      throw new HttpProblem(405, "Method not allowed", "Use GET to read pages, POST for actions.");
    }
    if (post) {
      return post(request, parts, pages);
    }
    switch (parts[0]) {
      case "":
        return page(pages.overview());
      case "assets":
        if (parts.length == 2 && assets.containsKey(parts[1])) {
          Asset asset = assets.get(parts[1]);
          return new DashboardResponse(
              200, asset.contentType(), Map.of("Cache-Control", "max-age=300"), asset.bytes());
        }
        throw HttpProblem.notFound("There is no asset " + path + ".");
      case "jobs":
        if (parts.length == 1) {
          return page(pages.jobs(JobQuery.parse(query), notice(query)));
        }
        if (parts.length == 3 && parts[1].equals("bulk")) {
          return page(pages.confirmBulk(action(parts[2]), JobQuery.parse(query)));
        }
        long id = jobId(parts[1]);
        ProcrastinateJob job =
            jobs.getJob(id)
                .orElseThrow(
                    () ->
                        HttpProblem.notFound(
                            "There is no job "
                                + id
                                + ". It may have been deleted once finished; see the job list."));
        if (parts.length == 2) {
          return page(pages.job(job, notice(query)));
        }
        if (parts.length == 3) {
          return page(pages.confirm(action(parts[2]), job));
        }
        break;
      case "tasks":
        if (parts.length == 1) {
          return page(pages.tasks());
        }
        break;
      case "locks":
        if (parts.length == 1) {
          return page(pages.locks());
        }
        break;
      case "periodic":
        if (parts.length == 1) {
          return page(pages.periodic());
        }
        break;
      case "workers":
        if (parts.length == 1) {
          return page(pages.workers());
        }
        break;
      default:
        break;
    }
    throw HttpProblem.notFound(
        "There is no page "
            + path
            + ". The pages are the overview, jobs, tasks, locks, periodic"
            + " and workers.");
  }

  private static DashboardResponse page(String html) {
    return DashboardResponse.html(200, html);
  }

  private static @Nullable String notice(QueryString query) {
    String done = query.first("done");
    if (done == null) {
      return null;
    }
    String count = query.first("n");
    for (Action action : Action.values()) {
      if (action.path.equals(done)) {
        if (count != null && count.matches("\\d{1,10}")) {
          return String.format(
              java.util.Locale.ROOT,
              action.doneMany,
              count + (count.equals("1") ? " job" : " jobs"));
        }
        return action.doneOne;
      }
    }
    if (done.equals("nothing")) {
      return "Nothing was done: the job's status had changed. See its status below.";
    }
    return null;
  }

  private static Action action(String path) {
    Action action = Action.of(path);
    if (action == null) {
      throw HttpProblem.notFound(
          "There is no action '" + path + "'; the actions are retry, cancel and abort.");
    }
    return action;
  }

  private static long jobId(String text) {
    try {
      long id = Long.parseLong(text);
      if (id <= 0) {
        throw new NumberFormatException();
      }
      return id;
    } catch (NumberFormatException e) {
      throw HttpProblem.badRequest(
          "'" + text + "' is not a job id: a job id is a whole number, such as /jobs/42.");
    }
  }

  private DashboardResponse post(DashboardRequest request, String[] parts, Pages pages) {
    if (readOnly) {
      throw new HttpProblem(
          403,
          "Read-only",
          "This dashboard is read-only: it shows jobs but does not retry, cancel or abort them.");
    }
    QueryString form = QueryString.parse(request.bodyText());
    Csrf.check(request, form);
    if (parts.length == 3 && parts[0].equals("jobs") && parts[1].equals("bulk")) {
      Action action = action(parts[2]);
      JobQuery query = JobQuery.parse(QueryString.parse(request.query()));
      JobFilter criteria = query.criteria();
      int done =
          switch (action) {
            case RETRY -> jobs.retryAll(criteria);
            case CANCEL -> jobs.cancelAll(criteria);
            case ABORT -> jobs.abortAll(criteria);
          };
      String filter = query.withBefore(null).toQueryString(false);
      return DashboardResponse.redirect(
          pages.base()
              + "/jobs?"
              + (filter.isEmpty() ? "" : filter + "&")
              + "done="
              + action.path
              + "&n="
              + done);
    }
    if (parts.length == 3 && parts[0].equals("jobs")) {
      Action action = action(parts[2]);
      long id = jobId(parts[1]);
      if (jobs.getJob(id).isEmpty()) {
        throw HttpProblem.notFound("There is no job " + id + ".");
      }
      boolean done;
      switch (action) {
        case RETRY -> {
          try {
            jobs.retry(id);
            done = true;
          } catch (ProcrastinateException e) {
            done = false;
          }
        }
        case CANCEL -> done = jobs.cancel(id);
        case ABORT -> done = jobs.abort(id);
        default -> throw new IllegalStateException(action.name());
      }
      return DashboardResponse.redirect(
          pages.base() + "/jobs/" + id + "?done=" + (done ? action.path : "nothing"));
    }
    throw HttpProblem.notFound("There is no action at " + request.path() + ".");
  }

  /** Builds a {@link Dashboard}. Not thread-safe. */
  public static final class Builder {
    private final App app;
    private boolean readOnly;
    private Duration stalledWorkerTimeout = WorkerOptions.DEFAULT_STALLED_WORKER_TIMEOUT;
    private Duration refreshInterval = DEFAULT_REFRESH_INTERVAL;
    private int countCap = DEFAULT_COUNT_CAP;

    private Builder(App app) {
      this.app = Objects.requireNonNull(app, "app");
    }

    /**
     * Hides the actions and refuses them (403).
     *
     * @param readOnly true to only show
     * @return this builder
     */
    public Builder readOnly(boolean readOnly) {
      this.readOnly = readOnly;
      return this;
    }

    /**
     * Sets after how long without a heartbeat a worker is marked stalled; the workers' own {@code
     * stalledWorkerTimeout} by default.
     *
     * @param timeout a positive duration
     * @return this builder
     * @throws IllegalArgumentException if not positive
     */
    public Builder stalledWorkerTimeout(Duration timeout) {
      this.stalledWorkerTimeout = positive(timeout, "stalledWorkerTimeout");
      return this;
    }

    /**
     * Sets how often pages refresh their figures.
     *
     * @param interval a positive duration, {@link #DEFAULT_REFRESH_INTERVAL} by default
     * @return this builder
     * @throws IllegalArgumentException if not positive
     */
    public Builder refreshInterval(Duration interval) {
      this.refreshInterval = positive(interval, "refreshInterval");
      return this;
    }

    /**
     * Sets up to which number jobs are counted per queue, task and status.
     *
     * @param cap at least 1; {@link #DEFAULT_COUNT_CAP} by default
     * @return this builder
     * @throws IllegalArgumentException if below 1
     */
    public Builder countCap(int cap) {
      if (cap < 1) {
        throw new IllegalArgumentException("countCap must be at least 1, got " + cap);
      }
      this.countCap = cap;
      return this;
    }

    private static Duration positive(Duration duration, String name) {
      Objects.requireNonNull(duration, name);
      if (duration.isNegative() || duration.isZero()) {
        throw new IllegalArgumentException(name + " must be positive, got " + duration);
      }
      return duration;
    }

    /**
     * Builds the dashboard.
     *
     * @return the dashboard
     */
    public Dashboard build() {
      return new Dashboard(this);
    }
  }
}
