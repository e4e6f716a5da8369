package dev.procrastinate.dashboard;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.procrastinate.App;
import dev.procrastinate.AppConfig;
import dev.procrastinate.JobManager;
import dev.procrastinate.NewJob;
import dev.procrastinate.Worker;
import dev.procrastinate.WorkerOptions;
import dev.procrastinate.model.EventRecording;
import dev.procrastinate.model.FlowControl;
import dev.procrastinate.model.JobStatus;
import dev.procrastinate.model.LimitTarget;
import dev.procrastinate.model.RateLimit;
import dev.procrastinate.testing.Sql;
import dev.procrastinate.testing.TestDatabase;
import java.io.OutputStream;
import java.net.InetAddress;
import java.net.Socket;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Base64;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.extension.RegisterExtension;

/** The dashboard's handler and server over a real database, without a browser. */
@Timeout(60)
class DashboardTest {
  @RegisterExtension static final TestDatabase DB = TestDatabase.migrated();

  private static App app;
  private static JobManager jobs;
  private static Dashboard dashboard;
  private static long failed;
  private static long waiting;
  private static long succeeded;

  @BeforeAll
  static void setUp() throws Exception {
    app =
        App.builder()
            .dataSource(DB.dataSource())
            .taskRegistrars(List.of(DemoTasks.registrar()))
            .build();
    jobs = app.jobManager();
    succeeded =
        jobs.defer(
            NewJob.builder(DemoTasks.WELCOME)
                .queue("emails")
                .arg("user_id", 7)
                .arg("template", "welcome <b>")
                .build());
    failed =
        jobs.defer(
            NewJob.builder(DemoTasks.FLAKY)
                .queue("imports")
                .lock("import-lock")
                .queueingLock("import-q")
                .arg("file", "a.csv")
                .build());
    try (Worker worker =
        app.worker(
            WorkerOptions.builder()
                .installSignalHandlers(false)
                .waitForJobs(false)
                .queues("emails", "imports")
                .build())) {
      worker.run();
    }
    waiting =
        jobs.defer(
            NewJob.builder(DemoTasks.WELCOME)
                .queue("emails")
                .scheduleIn(Duration.ofHours(1))
                .arg("user_id", 8)
                .arg("template", "later")
                .build());
    dashboard = Dashboard.builder(app).build();
  }

  @AfterAll
  static void tearDown() {
    app.close();
  }

  private static DashboardResponse get(Dashboard dashboard, String path, String query) {
    return dashboard.handle(DashboardRequest.get(path, query));
  }

  private static DashboardResponse post(
      Dashboard dashboard, String path, String query, String cookie, String body) {
    return dashboard.handle(
        new DashboardRequest(
            "POST",
            "",
            path,
            query,
            cookie == null ? Map.of() : Map.of("Cookie", cookie),
            body.getBytes(StandardCharsets.UTF_8)));
  }

  @Test
  void everyPageAnswersWithItsFigures() {
    assertThat(jobs.getStatus(succeeded)).contains(JobStatus.SUCCEEDED);
    assertThat(jobs.getStatus(failed)).contains(JobStatus.FAILED);

    String overview = get(dashboard, "/", "").bodyText();
    assertThat(overview).contains("<h1>Overview</h1>", "data-queue=\"emails\"", "id=\"chart\"");
    assertThat(overview).contains("2 in the last hour");

    String list = get(dashboard, "/jobs", "").bodyText();
    assertThat(list).contains("data-job=\"" + failed + "\"", "data-job=\"" + waiting + "\"");
    assertThat(list.indexOf("data-job=\"" + waiting + "\""))
        .as("newest first")
        .isLessThan(list.indexOf("data-job=\"" + succeeded + "\""));

    String job = get(dashboard, "/jobs/" + succeeded, "").bodyText();
    assertThat(job)
        .contains("Job #" + succeeded, "&quot;welcome &lt;b&gt;&quot;", "data-event=\"succeeded\"")
        .doesNotContain("<b>\"");
    assertThat(job.substring(job.indexOf("id=\"job-result\"")))
        .as("what the task returned, escaped")
        .contains("&quot;delivered&quot; : true", "&quot;template&quot; : &quot;welcome &lt;b&gt;");
    assertThat(get(dashboard, "/jobs/" + failed, "").bodyText()).doesNotContain("job-result");

    assertThat(get(dashboard, "/tasks", "").bodyText())
        .contains(
            "id=\"known-tasks\"", DemoTasks.NIGHTLY, DemoTasks.NIGHTLY_CRON, "id=\"seen-tasks\"");
    assertThat(get(dashboard, "/periodic", "").bodyText())
        .contains(DemoTasks.NIGHTLY_CRON, "never");
    assertThat(get(dashboard, "/workers", "").bodyText()).contains("No worker is registered");
    assertThat(get(dashboard, "/locks", "").bodyText())
        .contains("No waiting or running job holds a lock");
    assertThat(get(dashboard, "/assets/dashboard.css", "").contentType()).startsWith("text/css");
  }

  @Test
  void theOverviewShowsWhichStatusChangesAreRecordedAndWhatLeanRecordingHides() {
    assertThat(get(dashboard, "/", "").bodyText())
        .contains(
            "data-mode=\"full\">Event recording: full, every status change writes an event row");
    long due = 0;
    try {
      jobs.setEventRecording(EventRecording.Mode.LEAN);
      due = jobs.defer(NewJob.builder(DemoTasks.WELCOME).queue("lean-queue").build());
      String overview = get(dashboard, "/", "").bodyText();
      assertThat(overview)
          .contains(
              "data-mode=\"lean\">Event recording: lean, no 'deferred' or 'started' event rows");
      String row = overview.substring(overview.indexOf("data-queue=\"lean-queue\""));
      assertThat(row.substring(0, row.indexOf("</tr>")))
          .contains("unknown (deferred under lean event recording)");
    } finally {
      jobs.setEventRecording(EventRecording.Mode.FULL);
      if (due != 0) {
        jobs.cancelAndDelete(due);
      }
    }
  }

  @Test
  void theListFiltersByEveryCriterionAndPages() {
    assertThat(ids("status=failed")).containsExactly(failed);
    assertThat(ids("status=todo,succeeded")).containsExactly(waiting, succeeded);
    assertThat(ids("queue=imports")).containsExactly(failed);
    assertThat(ids("task=" + DemoTasks.WELCOME)).containsExactly(waiting, succeeded);
    assertThat(ids("lock=import-lock")).containsExactly(failed);
    assertThat(ids("queueing_lock=import-q")).containsExactly(failed);
    assertThat(ids("id=" + succeeded)).containsExactly(succeeded);
    assertThat(ids("from=2000-01-01T00:00&to=2100-01-01")).hasSize(3);
    assertThat(ids("to=2000-01-01T00:00Z")).isEmpty();
    assertThat(ids("limit=1")).containsExactly(waiting);
    assertThat(ids("limit=1&before=" + waiting)).containsExactly(failed);
    String firstPage = get(dashboard, "/jobs", "limit=1").bodyText();
    assertThat(firstPage).contains("href=\"/jobs?before=" + waiting + "&amp;limit=1\"");
  }

  private static List<Long> ids(String query) {
    DashboardResponse response = get(dashboard, "/jobs", query);
    assertThat(response.status()).as(query).isEqualTo(200);
    List<Long> ids = new ArrayList<>();
    java.util.regex.Matcher matcher =
        java.util.regex.Pattern.compile("data-job=\"(\\d+)\"").matcher(response.bodyText());
    while (matcher.find()) {
      ids.add(Long.parseLong(matcher.group(1)));
    }
    return ids;
  }

  @Test
  void badInputGetsAPageThatSaysSoWithoutAStackTrace() {
    assertProblem(get(dashboard, "/jobs/abc", ""), 400, "is not a job id");
    assertProblem(get(dashboard, "/jobs/987654321", ""), 404, "There is no job 987654321");
    assertProblem(get(dashboard, "/jobs", "status=sleeping"), 400, "Parameter 'status'");
    assertProblem(get(dashboard, "/jobs", "from=yesterday"), 400, "Parameter 'from'");
    assertProblem(get(dashboard, "/jobs", "id=-3"), 400, "Parameter 'id'");
    assertProblem(get(dashboard, "/jobs", "limit=100000"), 400, "Parameter 'limit'");
    assertProblem(get(dashboard, "/jobs", "from=2026-01-02&to=2026-01-01"), 400, "swap them");
    assertProblem(get(dashboard, "/jobs", "queue=%zz"), 400, "malformed");
    assertProblem(get(dashboard, "/nowhere", ""), 404, "There is no page /nowhere");
    assertProblem(get(dashboard, "/jobs/" + failed + "/explode", ""), 404, "no action");
  }

  private static void assertProblem(DashboardResponse response, int status, String message) {
    assertThat(response.status()).isEqualTo(status);
    assertThat(response.bodyText())
        .contains(message)
        .doesNotContain("Exception", "\tat ", "dev.procrastinate.");
  }

  @Test
  void actionsNeedTheCsrfTokenOfTheCookie() {
    DashboardResponse page = get(dashboard, "/jobs/" + waiting + "/cancel", "");
    String cookie = page.headers().get("Set-Cookie");
    assertThat(cookie).contains("SameSite=Strict", "HttpOnly");
    String token = cookie.substring(cookie.indexOf('=') + 1, cookie.indexOf(';'));
    assertThat(page.bodyText()).contains("name=\"csrf\" value=\"" + token + "\"");
    String path = "/jobs/" + waiting + "/cancel";

    assertThat(post(dashboard, path, "", null, "csrf=" + token).status()).isEqualTo(403);
    assertThat(post(dashboard, path, "", Csrf.COOKIE + "=" + token, "").status()).isEqualTo(403);
    assertThat(
            post(dashboard, path, "", Csrf.COOKIE + "=" + token, "csrf=" + Csrf.newToken())
                .status())
        .isEqualTo(403);
    DashboardResponse crossSite =
        dashboard.handle(
            new DashboardRequest(
                "POST",
                "",
                path,
                "",
                Map.of(
                    "Cookie", Csrf.COOKIE + "=" + token,
                    "Origin", "https://evil.example",
                    "Host", "127.0.0.1:8080"),
                ("csrf=" + token).getBytes(StandardCharsets.UTF_8)));
    assertThat(crossSite.status()).isEqualTo(403);
    assertThat(jobs.getStatus(waiting)).contains(JobStatus.TODO);

    DashboardResponse done = post(dashboard, path, "", Csrf.COOKIE + "=" + token, "csrf=" + token);
    assertThat(done.status()).isEqualTo(303);
    assertThat(done.headers().get("Location")).isEqualTo("/jobs/" + waiting + "?done=cancel");
    assertThat(jobs.getStatus(waiting)).contains(JobStatus.CANCELLED);
    assertThat(get(dashboard, "/jobs/" + waiting, "done=cancel").bodyText())
        .contains("Job cancelled.");
  }

  @Test
  void formsCarryTheFieldsOfAFilterInFront() {
    DashboardRequest request =
        new DashboardRequest(
            "GET",
            "/ops",
            "/jobs/" + failed + "/retry",
            "",
            Map.of(),
            new byte[0],
            Map.of("_csrf", "spring\"<token>"));
    String page = dashboard.handle(request).bodyText();
    assertThat(page)
        .contains("action=\"/ops/jobs/" + failed + "/retry\"")
        .contains("name=\"_csrf\" value=\"spring&quot;&lt;token&gt;\"");
    assertThat(request.toString()).doesNotContain("spring");
    assertThatThrownBy(
            () ->
                new DashboardRequest(
                    "GET", "", "/", "", Map.of(), new byte[0], Map.of("csrf", "mine")))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessageContaining("the dashboard's own token field");
  }

  @Test
  void bulkActionsSayHowManyJobsTheyTouch() {
    long first =
        jobs.defer(NewJob.builder(DemoTasks.WELCOME).queue("bulk").arg("user_id", 1).build());
    long second =
        jobs.defer(NewJob.builder(DemoTasks.WELCOME).queue("bulk").arg("user_id", 2).build());
    DashboardResponse confirm = get(dashboard, "/jobs/bulk/cancel", "queue=bulk");
    assertThat(confirm.bodyText()).contains("Cancel 2 waiting jobs matching queue bulk?");
    assertThat(get(dashboard, "/jobs/bulk/retry", "queue=bulk").bodyText())
        .contains("No failed job matches queue bulk: nothing to do.");
    String token = Csrf.newToken();
    DashboardResponse done =
        post(
            dashboard,
            "/jobs/bulk/cancel",
            "queue=bulk",
            Csrf.COOKIE + "=" + token,
            "csrf=" + token);
    assertThat(done.status()).isEqualTo(303);
    assertThat(done.headers().get("Location")).isEqualTo("/jobs?queue=bulk&done=cancel&n=2");
    assertThat(jobs.getStatus(first)).contains(JobStatus.CANCELLED);
    assertThat(jobs.getStatus(second)).contains(JobStatus.CANCELLED);
    assertThat(get(dashboard, "/jobs", "queue=bulk&done=cancel&n=2").bodyText())
        .contains("Cancelled 2 jobs.");
  }

  @Test
  void aReadOnlyDashboardHidesAndRefusesActions() {
    Dashboard readOnly = Dashboard.builder(app).readOnly(true).build();
    String page = get(readOnly, "/jobs/" + failed, "").bodyText();
    assertThat(page).contains("id=\"read-only\"").doesNotContain("id=\"action-retry\"");
    assertThat(get(readOnly, "/jobs", "").bodyText()).doesNotContain("id=\"bulk-retry\"");
    assertProblem(get(readOnly, "/jobs/" + failed + "/retry", ""), 403, "read-only");
    String token = Csrf.newToken();
    DashboardResponse refused =
        post(
            readOnly, "/jobs/" + failed + "/retry", "", Csrf.COOKIE + "=" + token, "csrf=" + token);
    assertProblem(refused, 403, "read-only");
    assertThat(jobs.getStatus(failed)).contains(JobStatus.FAILED);

    // Flow control too: no button, no form, and a refusal of each confirmation and action.
    jobs.setConcurrencyLimit(LimitTarget.queue("read-only-q"), 2);
    try {
      assertThat(get(readOnly, "/", "").bodyText())
          .contains("data-queue=\"emails\"")
          .doesNotContain("data-action=\"pause\"");
      assertThat(get(readOnly, "/limits", "").bodyText())
          .contains("data-target=\"queue=read-only-q\"")
          .doesNotContain("id=\"limit-form\"", "data-action=\"clear\"", "data-action=\"pause\"");
      assertProblem(get(readOnly, "/queues/pause", "queue=emails"), 403, "read-only");
      assertProblem(
          get(readOnly, "/limits/set", "scope=queue&name=emails&concurrency=1"), 403, "read-only");
      assertProblem(
          get(readOnly, "/limits/clear", "scope=queue&name=read-only-q"), 403, "read-only");
      for (String[] action :
          new String[][] {
            {"/queues/pause", "queue=emails"},
            {"/limits/set", "scope=queue&name=emails&concurrency=1"},
            {"/limits/clear", "scope=queue&name=read-only-q"}
          }) {
        assertProblem(
            post(readOnly, action[0], action[1], Csrf.COOKIE + "=" + token, "csrf=" + token),
            403,
            "read-only");
      }
      assertThat(control(LimitTarget.queue("emails"))).isEmpty();
      assertThat(control(LimitTarget.queue("read-only-q")).orElseThrow().concurrency())
          .isEqualTo(2);
    } finally {
      jobs.clearLimits(LimitTarget.queue("read-only-q"));
    }
  }

  private static Optional<FlowControl> control(LimitTarget target) {
    return jobs.flowControls().stream().filter(c -> c.target().equals(target)).findFirst();
  }

  /** POSTs an action with a valid CSRF token. */
  private static DashboardResponse act(String path, String query) {
    String token = Csrf.newToken();
    return post(dashboard, path, query, Csrf.COOKIE + "=" + token, "csrf=" + token);
  }

  @Test
  void queuesArePausedAndResumedFromTheOverviewAfterAConfirmation() {
    String overview = get(dashboard, "/", "").bodyText();
    assertThat(overview)
        .contains(
            "href=\"/queues/pause?queue=emails\" class=\"button small pause\""
                + " data-action=\"pause\">Pause…</a>")
        .doesNotContain("badge paused");

    DashboardResponse confirm = get(dashboard, "/queues/pause", "queue=emails");
    assertThat(confirm.status()).isEqualTo(200);
    String cookie = confirm.headers().get("Set-Cookie");
    String token = cookie.substring(cookie.indexOf('=') + 1, cookie.indexOf(';'));
    assertThat(confirm.bodyText())
        .contains(
            "Pause queue emails? No worker of this runtime starts its jobs until it is resumed",
            "Python workers do not obey.",
            "action=\"/queues/pause?queue=emails\"",
            "name=\"csrf\" value=\"" + token + "\"",
            "Yes, pause it");

    // Without the token, with a wrong one, or from another site: refused, and nothing paused.
    assertThat(post(dashboard, "/queues/pause", "queue=emails", null, "csrf=" + token).status())
        .isEqualTo(403);
    assertThat(
            post(
                    dashboard,
                    "/queues/pause",
                    "queue=emails",
                    Csrf.COOKIE + "=" + token,
                    "csrf=" + Csrf.newToken())
                .status())
        .isEqualTo(403);
    DashboardResponse crossSite =
        dashboard.handle(
            new DashboardRequest(
                "POST",
                "",
                "/queues/pause",
                "queue=emails",
                Map.of("Cookie", Csrf.COOKIE + "=" + token, "Sec-Fetch-Site", "cross-site"),
                ("csrf=" + token).getBytes(StandardCharsets.UTF_8)));
    assertThat(crossSite.status()).isEqualTo(403);
    assertThat(control(LimitTarget.queue("emails"))).isEmpty();

    try {
      DashboardResponse paused =
          post(
              dashboard,
              "/queues/pause",
              "queue=emails",
              Csrf.COOKIE + "=" + token,
              "csrf=" + token);
      assertThat(paused.status()).isEqualTo(303);
      assertThat(paused.headers().get("Location")).isEqualTo("/?done=paused&queue=emails");
      assertThat(control(LimitTarget.queue("emails")).orElseThrow().paused()).isTrue();
      String after = get(dashboard, "/", "done=paused&queue=emails").bodyText();
      assertThat(after)
          .contains(
              "Queue emails paused: no worker of this runtime starts its jobs until it is resumed",
              "<tr data-queue=\"emails\" data-paused=\"true\">",
              "badge paused",
              "href=\"/queues/resume?queue=emails\"");
      assertThat(get(dashboard, "/queues/pause", "queue=emails").bodyText())
          .contains("Queue emails is already paused: nothing to do.");
      assertThat(act("/queues/pause", "queue=emails").headers().get("Location"))
          .isEqualTo("/?done=already-paused&queue=emails");
      assertThat(get(dashboard, "/", "done=already-paused&queue=emails").bodyText())
          .contains("Queue emails was already paused: nothing changed.");

      // A paused queue without jobs shows too, so that it can be resumed; and from the limits page.
      act("/queues/pause", "queue=idle");
      assertThat(get(dashboard, "/", "").bodyText())
          .contains(
              "<tr data-queue=\"idle\" data-paused=\"true\">",
              "href=\"/queues/resume?queue=idle\"");
      assertThat(get(dashboard, "/limits", "").bodyText())
          .contains(
              "data-target=\"queue=idle\"", "href=\"/queues/resume?queue=idle&amp;from=limits\"");
      assertThat(get(dashboard, "/queues/resume", "queue=idle&from=limits").bodyText())
          .contains(
              "Resume queue idle? Its workers are woken and start its jobs again at once.",
              "action=\"/queues/resume?queue=idle&amp;from=limits\"",
              "href=\"/limits\" class=\"button secondary\"");
      assertThat(act("/queues/resume", "queue=idle&from=limits").headers().get("Location"))
          .isEqualTo("/limits?done=resumed&queue=idle");
      assertThat(get(dashboard, "/limits", "done=resumed&queue=idle").bodyText())
          .contains("Queue idle resumed: its workers start its jobs again.")
          .doesNotContain("data-target=\"queue=idle\"");
    } finally {
      jobs.resumeQueue("emails");
      jobs.resumeQueue("idle");
    }
    assertThat(get(dashboard, "/queues/resume", "queue=emails").bodyText())
        .contains("Queue emails is not paused: nothing to do.");
    assertThat(act("/queues/resume", "queue=emails").headers().get("Location"))
        .isEqualTo("/?done=not-paused&queue=emails");
    assertProblem(get(dashboard, "/queues/pause", ""), 400, "Say which queue");
    assertProblem(act("/queues/resume", ""), 400, "Say which queue");
  }

  @Test
  void limitsAreListedSetAndClearedAfterAConfirmation() throws Exception {
    Sql sql = new Sql(DB.dataSource());
    // The flaky task declares a concurrency limit in code, as a worker registering it writes.
    sql.execute(
        "INSERT INTO procrastinate_java_flow_controls (scope, name, declared_concurrency)"
            + " VALUES ('task', ?, 2)",
        DemoTasks.FLAKY);
    try {
      String empty = get(dashboard, "/limits", "").bodyText();
      assertThat(empty)
          .contains(
              "<h1>Limits</h1>",
              "href=\"/limits\" aria-current=\"page\"",
              "<tr data-target=\"task=" + DemoTasks.FLAKY + "\">",
              "id=\"limit-form\"",
              "action=\"/limits/set\"")
          .doesNotContain("data-action=\"clear\"");

      String query = "scope=task&name=" + DemoTasks.WELCOME + "&concurrency=3&rate=100%2Fm";
      String confirm = get(dashboard, "/limits/set", query).bodyText();
      assertThat(confirm)
          .contains(
              "Set concurrency 3 and rate 100/1m on task "
                  + DemoTasks.WELCOME
                  + "? Every worker of this runtime obeys it from its next fetch",
              "action=\"/limits/set?scope=task&amp;name="
                  + DemoTasks.WELCOME
                  + "&amp;concurrency=3&amp;rate=100%2F1m\"",
              "Yes, set it");
      String canonical = "scope=task&name=" + DemoTasks.WELCOME + "&concurrency=3&rate=100%2F1m";

      assertThat(post(dashboard, "/limits/set", canonical, null, "").status()).isEqualTo(403);
      assertThat(control(LimitTarget.task(DemoTasks.WELCOME))).isEmpty();

      DashboardResponse set = act("/limits/set", canonical);
      assertThat(set.status()).isEqualTo(303);
      assertThat(set.headers().get("Location"))
          .isEqualTo("/limits?done=limit-set&scope=task&name=" + DemoTasks.WELCOME);
      FlowControl welcome = control(LimitTarget.task(DemoTasks.WELCOME)).orElseThrow();
      assertThat(welcome.concurrency()).isEqualTo(3);
      assertThat(welcome.rate()).isEqualTo(new RateLimit(100, Duration.ofMinutes(1)));

      // A live limit over a declared one: the declared one shows struck out.
      act("/limits/set", "scope=task&name=" + DemoTasks.FLAKY + "&concurrency=1");
      act("/limits/set", "scope=queue&name=emails&rate=5%2Fs");
      String listed =
          get(dashboard, "/limits", "done=limit-set&scope=task&name=" + DemoTasks.WELCOME)
              .bodyText();
      assertThat(listed)
          .contains(
              "Limits of task "
                  + DemoTasks.WELCOME
                  + " set: every worker of this runtime obeys them from its next fetch.",
              "<td class=\"num\" data-limit=\"concurrency\">3</td>",
              "<td data-limit=\"rate\">100/1m</td>",
              "<td class=\"num overridden\" data-limit=\"declared-concurrency\"",
              "href=\"/limits/clear?scope=task&amp;name=" + DemoTasks.WELCOME + "\"",
              "<tr data-target=\"queue=emails\">",
              "href=\"/queues/pause?queue=emails&amp;from=limits\"");
      assertThat(listed.indexOf("data-target=\"queue=emails\""))
          .as("queues first")
          .isLessThan(listed.indexOf("data-target=\"task="));

      String clear =
          get(dashboard, "/limits/clear", "scope=task&name=" + DemoTasks.WELCOME).bodyText();
      assertThat(clear)
          .contains(
              "Clear concurrency 3 and rate 100/1m of task "
                  + DemoTasks.WELCOME
                  + "? Its code declares none: its jobs run without a limit.",
              "action=\"/limits/clear?scope=task&amp;name=" + DemoTasks.WELCOME + "\"");
      assertThat(get(dashboard, "/limits/clear", "scope=task&name=" + DemoTasks.FLAKY).bodyText())
          .contains("The limits its code declares apply again.");
      DashboardResponse cleared = act("/limits/clear", "scope=task&name=" + DemoTasks.WELCOME);
      assertThat(cleared.headers().get("Location"))
          .isEqualTo("/limits?done=limits-cleared&scope=task&name=" + DemoTasks.WELCOME);
      assertThat(control(LimitTarget.task(DemoTasks.WELCOME))).isEmpty();
      assertThat(get(dashboard, "/limits/clear", "scope=task&name=" + DemoTasks.WELCOME).bodyText())
          .contains("Task " + DemoTasks.WELCOME + " has no limit set here: nothing to clear.");
      assertThat(
              act("/limits/clear", "scope=task&name=" + DemoTasks.WELCOME)
                  .headers()
                  .get("Location"))
          .isEqualTo("/limits?done=nothing-cleared&scope=task&name=" + DemoTasks.WELCOME);

      act("/limits/clear", "scope=task&name=" + DemoTasks.FLAKY);
      FlowControl flaky = control(LimitTarget.task(DemoTasks.FLAKY)).orElseThrow();
      assertThat(flaky.concurrency()).isNull();
      assertThat(flaky.declaredConcurrency()).isEqualTo(2);
    } finally {
      sql.execute("DELETE FROM procrastinate_java_flow_controls");
    }
  }

  @Test
  void badLimitsShowTheFormAgainWithWhyAndChangeNothing() {
    DashboardResponse notANumber =
        get(dashboard, "/limits/set", "scope=queue&name=emails&concurrency=abc&rate=5%2Fs");
    assertThat(notANumber.status()).isEqualTo(400);
    assertThat(notANumber.bodyText())
        .contains(
            "<h1>Limits</h1>",
            "id=\"limit-error\">Concurrency 'abc'",
            "is not a whole number of at least 1: give the most jobs running at once, such as 5.",
            "id=\"l-name\" value=\"emails\"",
            "id=\"l-concurrency\" value=\"abc\"",
            "id=\"l-rate\" value=\"5/s\"")
        .doesNotContain("Exception");
    assertThat(get(dashboard, "/limits/set", "scope=task&name=t&concurrency=0").bodyText())
        .contains("Concurrency '0' is not a whole number of at least 1");
    assertThat(get(dashboard, "/limits/set", "scope=task&name=t&rate=fast").bodyText())
        .contains(
            "Rate limit 'fast' does not read: write N/PERIOD",
            "<option value=\"task\" selected>task</option>");
    assertThat(get(dashboard, "/limits/set", "scope=task&name=t").bodyText())
        .contains("Give a concurrency limit, a rate limit or both.");
    assertThat(get(dashboard, "/limits/set", "name=t&concurrency=2").bodyText())
        .contains("Say what to limit: a queue or a task");
    assertThat(get(dashboard, "/limits/set", "scope=queue&name=&concurrency=2").bodyText())
        .contains("Give the name of the queue to limit.");
    assertProblem(act("/limits/set", "scope=queue&name=emails&rate=1%2Fx"), 400, "does not read");
    assertProblem(get(dashboard, "/limits/clear", "scope=job&name=1"), 400, "Say what to limit");
    assertThat(jobs.flowControls()).isEmpty();
  }

  @Test
  void theServerKeepsToThisMachineWithoutCredentials() {
    assertThatThrownBy(
            () ->
                DashboardServer.start(
                    dashboard,
                    new DashboardServer.Options("0.0.0.0", 0, DashboardCredentials.none())))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessageContaining("without credentials")
        .hasMessageContaining("PROCRASTINATE_DASHBOARD_USER")
        .hasMessageContaining("bind to 127.0.0.1");
    assertThatThrownBy(() -> DashboardCredentials.userAndPassword("ops", " "))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessageContaining("password");
  }

  @Test
  void credentialsAreRequiredAndCheckedOnAnyOtherAddress() throws Exception {
    String previousUser = System.setProperty("procrastinate.dashboard.user", "ops");
    String previousPassword = System.setProperty("procrastinate.dashboard.password", "pa55-word");
    String previousToken = System.setProperty("procrastinate.dashboard.token", "t0ken-t0ken");
    DashboardCredentials credentials;
    try {
      credentials = DashboardCredentials.fromSettings(getClass().getClassLoader());
    } finally {
      restore("procrastinate.dashboard.user", previousUser);
      restore("procrastinate.dashboard.password", previousPassword);
      restore("procrastinate.dashboard.token", previousToken);
    }
    assertThat(credentials.toString()).doesNotContain("pa55-word", "t0ken-t0ken");
    try (DashboardServer server =
        DashboardServer.start(dashboard, new DashboardServer.Options("0.0.0.0", 0, credentials))) {
      HttpClient client = HttpClient.newHttpClient();
      URI uri = URI.create("http://127.0.0.1:" + server.port() + "/workers");
      assertThat(send(client, uri, null).statusCode()).isEqualTo(401);
      assertThat(send(client, uri, basic("ops", "wrong")).statusCode()).isEqualTo(401);
      assertThat(send(client, uri, basic("ops", "pa55-word")).statusCode()).isEqualTo(200);
      assertThat(send(client, uri, basic("anyone", "t0ken-t0ken")).statusCode()).isEqualTo(200);
      assertThat(send(client, uri, "Bearer t0ken-t0ken").statusCode()).isEqualTo(200);
      assertThat(send(client, uri, "Bearer nope").statusCode()).isEqualTo(401);
    }
  }

  @Test
  void withoutCredentialsTheServerAnswersOnlyToLoopbackHostNames() throws Exception {
    try (DashboardServer server =
        DashboardServer.start(dashboard, DashboardServer.Options.local(0))) {
      int port = server.port();
      for (String host :
          List.of(
              "localhost",
              "LocalHost:" + port,
              "127.0.0.1:" + port,
              "127.0.0.1",
              "[::1]:" + port,
              "grafana.localhost:" + port)) {
        assertThat(rawGet(port, host)).as(host).startsWith("HTTP/1.1 200");
      }
      for (String host :
          List.of(
              "attacker.example:" + port,
              "attacker.example",
              "localhost.attacker.example",
              "127.0.0.1.nip.io:" + port,
              "192.168.1.20:" + port)) {
        String answer = rawGet(port, host);
        assertThat(answer).as(host).startsWith("HTTP/1.1 403");
        assertThat(answer)
            .as(host)
            .contains("text/plain")
            .contains("procrastinate.dashboard.allowed-hosts")
            .doesNotContain("failed");
      }
    }
  }

  @Test
  void allowedHostsOpenTheServerToOtherNames() throws Exception {
    DashboardServer.Options options =
        new DashboardServer.Options(
            "127.0.0.1", 0, DashboardCredentials.none(), List.of("queue.internal", ".ops.test"));
    try (DashboardServer server = DashboardServer.start(dashboard, options)) {
      int port = server.port();
      for (String host :
          List.of("queue.internal:" + port, "QUEUE.internal", "a.ops.test", "localhost")) {
        assertThat(rawGet(port, host)).as(host).startsWith("HTTP/1.1 200");
      }
      for (String host : List.of("other.internal", "ops.test.example", "xqueue.internal")) {
        assertThat(rawGet(port, host)).as(host).startsWith("HTTP/1.1 403");
      }
    }
    DashboardServer.Options any =
        new DashboardServer.Options("127.0.0.1", 0, DashboardCredentials.none(), List.of("*"));
    try (DashboardServer server = DashboardServer.start(dashboard, any)) {
      assertThat(rawGet(server.port(), "anything.example")).startsWith("HTTP/1.1 200");
    }
    assertThatThrownBy(
            () ->
                new DashboardServer.Options(
                    "127.0.0.1", 0, DashboardCredentials.none(), List.of("bad host")))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessageContaining("bad host");
    String previous =
        System.setProperty("procrastinate.dashboard.allowed-hosts", "a.test, .b.test");
    try {
      assertThat(DashboardServer.allowedHostsFromSettings(getClass().getClassLoader()))
          .containsExactly("a.test", ".b.test");
    } finally {
      restore("procrastinate.dashboard.allowed-hosts", previous);
    }
  }

  @Test
  void withCredentialsAnyHostNameMayAskAndMustSignIn() throws Exception {
    DashboardServer.Options options =
        new DashboardServer.Options("127.0.0.1", 0, DashboardCredentials.token("t0ken-t0ken"));
    try (DashboardServer server = DashboardServer.start(dashboard, options)) {
      assertThat(rawGet(server.port(), "queue.example")).startsWith("HTTP/1.1 401");
    }
  }

  /** Sends a GET of /workers with the given Host header, and returns the whole answer. */
  private static String rawGet(int port, String host) throws Exception {
    try (Socket socket = new Socket(InetAddress.getLoopbackAddress(), port)) {
      socket.setSoTimeout(10_000);
      OutputStream out = socket.getOutputStream();
      out.write(
          ("GET /workers HTTP/1.1\r\nHost: " + host + "\r\nConnection: close\r\n\r\n")
              .getBytes(StandardCharsets.US_ASCII));
      out.flush();
      return new String(socket.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
    }
  }

  private static void restore(String property, String previous) {
    if (previous == null) {
      System.clearProperty(property);
    } else {
      System.setProperty(property, previous);
    }
  }

  private static String basic(String user, String password) {
    return "Basic "
        + Base64.getEncoder()
            .encodeToString((user + ":" + password).getBytes(StandardCharsets.UTF_8));
  }

  private static HttpResponse<String> send(HttpClient client, URI uri, String authorization)
      throws Exception {
    HttpRequest.Builder request = HttpRequest.newBuilder(uri).timeout(Duration.ofSeconds(10));
    if (authorization != null) {
      request.header("Authorization", authorization);
    }
    return client.send(request.build(), HttpResponse.BodyHandlers.ofString());
  }

  @Test
  void theDatabasePasswordNeverReachesAPage() throws Exception {
    String password = "Dash-Secret-" + Long.toHexString(System.nanoTime());
    Sql sql = new Sql(DB.dataSource());
    sql.execute("DROP ROLE IF EXISTS dashboard_viewer");
    sql.execute("CREATE ROLE dashboard_viewer LOGIN PASSWORD '" + password + "'");
    sql.execute("GRANT ALL ON ALL TABLES IN SCHEMA public TO dashboard_viewer");
    sql.execute("GRANT ALL ON ALL SEQUENCES IN SCHEMA public TO dashboard_viewer");
    AppConfig config =
        AppConfig.builder().url(DB.url()).user("dashboard_viewer").password(password).build();
    try (App viewer =
        App.builder().config(config).taskRegistrars(List.of(DemoTasks.registrar())).build()) {
      Dashboard own = Dashboard.builder(viewer).build();
      for (String path :
          List.of(
              "/",
              "/jobs",
              "/jobs/" + failed,
              "/tasks",
              "/locks",
              "/periodic",
              "/workers",
              "/limits")) {
        DashboardResponse response = get(own, path, "");
        assertThat(response.status()).as(path).isEqualTo(200);
        assertThat(response.bodyText()).as(path).doesNotContain(password, DB.url());
      }
      DashboardResponse missing = get(own, "/jobs/55555555", "");
      assertThat(missing.bodyText()).doesNotContain(password);
    } finally {
      sql.execute("DROP OWNED BY dashboard_viewer");
      sql.execute("DROP ROLE dashboard_viewer");
    }
  }
}
