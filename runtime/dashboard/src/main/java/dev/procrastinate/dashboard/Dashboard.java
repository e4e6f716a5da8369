package dev.procrastinate.dashboard;

import dev.procrastinate.App;
import dev.procrastinate.DatabaseUnavailableException;
import dev.procrastinate.JobFilter;
import dev.procrastinate.JobManager;
import dev.procrastinate.ProcrastinateException;
import dev.procrastinate.WorkerOptions;
import dev.procrastinate.dashboard.view.Page;
import dev.procrastinate.model.ProcrastinateJob;
import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Locale;
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
 * /tasks}, {@code /locks}, {@code /periodic}, {@code /workers}, {@code /limits} (flow controls).
 * Actions, each confirmed on a page of its own and then POSTed: {@code /jobs/<id>/retry}, {@code
 * /jobs/<id>/cancel}, {@code /jobs/<id>/abort}, {@code /jobs/bulk/<action>?<filter>} for every job
 * a filter selects, {@code /queues/pause?queue=<queue>} and {@code /queues/resume?queue=<queue>},
 * {@code /limits/set?scope=queue|task&name=<name>&concurrency=<n>&rate=<n/period>} and {@code
 * /limits/clear?scope=queue|task&name=<name>}.
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
  private final List<Route> routes;

  private record Asset(String contentType, byte[] bytes) {}

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
    this.routes = routes();
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
    PageContext context =
        new PageContext(
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
      response = route(request, context);
    } catch (HttpProblem problem) {
      response = problem(context, problem);
    } catch (DatabaseUnavailableException e) {
      LOG.warn("Dashboard - the database cannot be reached for {}", request, e);
      response =
          problem(
              context,
              new HttpProblem(
                  503,
                  "Database unavailable",
                  "The database cannot be reached. The dashboard's log says why; this page"
                      + " will work again once it answers."));
    } catch (RuntimeException e) {
      LOG.warn("Dashboard - failed to answer {}", request, e);
      response =
          problem(
              context,
              new HttpProblem(
                  500,
                  "Internal error",
                  "The dashboard could not answer this request. Its log has the details."));
    }
    if (newToken && response.contentType().startsWith("text/html")) {
      response = response.withHeader("Set-Cookie", Csrf.setCookie(token, request.basePath()));
    }
    return response;
  }

  /** Returns the route table: the pages, the assets and the actions, tried in order. */
  private List<Route> routes() {
    return List.of(
        Route.get(
            "/",
            call -> page(new StatusPages(call.page()).overview(FlowPages.notice(call.query())))),
        Route.get("/assets", this::asset),
        Route.get("/assets/(.+)", this::asset),
        Route.get("/jobs", this::jobList),
        Route.get("/jobs/bulk/([^/]+)", this::confirmOnFilter),
        Route.get("/jobs/([^/]+)", this::jobPage),
        Route.get("/jobs/([^/]+)/([^/]+)", this::confirmOnJob),
        Route.get("/tasks", call -> page(new TaskPages(call.page()).tasks())),
        Route.get("/locks", call -> page(new StatusPages(call.page()).locks())),
        Route.get("/periodic", call -> page(new TaskPages(call.page()).periodic())),
        Route.get("/workers", call -> page(new StatusPages(call.page()).workers())),
        Route.get(
            "/limits",
            call -> page(new FlowPages(call.page()).limits(FlowPages.notice(call.query())))),
        Route.get("/limits/set", this::confirmLimits),
        Route.get(
            "/limits/clear", call -> page(new FlowPages(call.page()).confirmClear(call.query()))),
        Route.get(
            "/queues/(pause|resume)",
            call ->
                page(
                    new FlowPages(call.page())
                        .confirmQueue(FlowPages.QueueAction.of(call.param(0)), call.query()))),
        Route.post("/jobs/bulk/([^/]+)", this::actOnFilter),
        Route.post("/jobs/([^/]+)/([^/]+)", this::actOnJob),
        Route.post(
            "/queues/(pause|resume)",
            call ->
                new FlowPages(call.page())
                    .actOnQueue(FlowPages.QueueAction.of(call.param(0)), call.query())),
        Route.post(
            "/limits/set", call -> new FlowPages(call.page()).set(FlowPages.change(call.query()))),
        Route.post("/limits/clear", call -> new FlowPages(call.page()).clear(call.query())));
  }

  /**
   * Confirms the limits the form gives, or shows the limits page again with the form as it was
   * filled and why it was refused (400).
   */
  private DashboardResponse confirmLimits(Route.Call call) {
    call.page().refuseIfReadOnly("change limits");
    FlowPages flow = new FlowPages(call.page());
    FlowPages.LimitChange change;
    try {
      change = FlowPages.change(call.query());
    } catch (HttpProblem problem) {
      HtmlOutput output = new HtmlOutput();
      flow.refused(call.query(), problem.getMessage()).render(output);
      return DashboardResponse.html(problem.status(), output.toString());
    }
    return page(flow.confirmSet(change));
  }

  private DashboardResponse jobList(Route.Call call) {
    return page(new JobPages(call.page()).list(JobQuery.parse(call.query()), notice(call.query())));
  }

  private DashboardResponse jobPage(Route.Call call) {
    return page(new JobPages(call.page()).job(job(call.param(0)), notice(call.query())));
  }

  private DashboardResponse confirmOnJob(Route.Call call) {
    ProcrastinateJob job = job(call.param(0));
    return page(new JobPages(call.page()).confirm(action(call.param(1)), job));
  }

  private DashboardResponse confirmOnFilter(Route.Call call) {
    Action action = action(call.param(0));
    return page(new JobPages(call.page()).confirmBulk(action, JobQuery.parse(call.query())));
  }

  private DashboardResponse route(DashboardRequest request, PageContext context) {
    String method = request.method();
    String path = request.path();
    if (path.length() > 1 && path.endsWith("/")) {
      path = path.substring(0, path.length() - 1);
    }
    QueryString query = QueryString.parse(request.query());
    boolean post = method.equals("POST");
    if (!post && !method.equals("GET") && !method.equals("HEAD")) {
      throw new HttpProblem(405, "Method not allowed", "Use GET to read pages, POST for actions.");
    }
    if (post) {
      if (readOnly) {
        throw new HttpProblem(
            403,
            "Read-only",
            "This dashboard is read-only: it shows jobs, queues and limits but does not retry,"
                + " cancel or abort jobs, pause or resume queues, or change limits.");
      }
      Csrf.check(request, QueryString.parse(request.bodyText()));
    }
    for (Route route : routes) {
      List<String> params = route.match(method, path);
      if (params != null) {
        return route.handler().answer(new Route.Call(request, path, params, query, context));
      }
    }
    if (post) {
      throw HttpProblem.notFound("There is no action at " + request.path() + ".");
    }
    throw HttpProblem.notFound(
        "There is no page "
            + path
            + ". The pages are the overview, jobs, tasks, locks, periodic, workers"
            + " and limits.");
  }

  private static DashboardResponse page(Page page) {
    HtmlOutput output = new HtmlOutput();
    page.render(output);
    return DashboardResponse.html(200, output.toString());
  }

  private static DashboardResponse problem(PageContext context, HttpProblem problem) {
    HtmlOutput output = new HtmlOutput();
    context.problem(problem).render(output);
    return DashboardResponse.html(problem.status(), output.toString());
  }

  private DashboardResponse asset(Route.Call call) {
    Asset asset = call.params().isEmpty() ? null : assets.get(call.param(0));
    if (asset == null) {
      throw HttpProblem.notFound("There is no asset " + call.path() + ".");
    }
    return new DashboardResponse(
        200, asset.contentType(), Map.of("Cache-Control", "max-age=300"), asset.bytes());
  }

  private ProcrastinateJob job(String idText) {
    long id = jobId(idText);
    return jobs.getJob(id)
        .orElseThrow(
            () ->
                HttpProblem.notFound(
                    "There is no job "
                        + id
                        + ". It may have been deleted once finished; see the job list."));
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
              Locale.ROOT, action.doneMany, count + (count.equals("1") ? " job" : " jobs"));
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

  /** Applies an action to every job of a filter, then shows the list with how many it touched. */
  private DashboardResponse actOnFilter(Route.Call call) {
    Action action = action(call.param(0));
    JobQuery query = JobQuery.parse(call.query());
    JobFilter criteria = query.criteria();
    int done =
        switch (action) {
          case RETRY -> jobs.retryAll(criteria);
          case CANCEL -> jobs.cancelAll(criteria);
          case ABORT -> jobs.abortAll(criteria);
        };
    String filter = query.withBefore(null).toQueryString(false);
    return DashboardResponse.redirect(
        call.page().base()
            + "/jobs?"
            + (filter.isEmpty() ? "" : filter + "&")
            + "done="
            + action.path
            + "&n="
            + done);
  }

  /** Applies an action to one job, then shows the job with whether it was done. */
  private DashboardResponse actOnJob(Route.Call call) {
    Action action = action(call.param(1));
    long id = jobId(call.param(0));
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
        call.page().base() + "/jobs/" + id + "?done=" + (done ? action.path : "nothing"));
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
