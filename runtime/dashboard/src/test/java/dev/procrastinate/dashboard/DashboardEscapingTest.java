package dev.procrastinate.dashboard;

import static org.assertj.core.api.Assertions.assertThat;

import dev.procrastinate.App;
import dev.procrastinate.JobManager;
import dev.procrastinate.NewJob;
import dev.procrastinate.model.LimitTarget;
import dev.procrastinate.testing.TestDatabase;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.extension.RegisterExtension;

/**
 * A job whose task name, queue, locks and arguments hold markup shows that markup as text on every
 * page, and so do the filter's values, the path of a missing page and the fields of a filter in
 * front of the dashboard.
 */
@Timeout(60)
class DashboardEscapingTest {
  @RegisterExtension static final TestDatabase DB = TestDatabase.migrated();

  private static final String TASK = "<script>window.pwned=1</script>";
  private static final String QUEUE = "q'\"><b>bold</b>";
  private static final String LOCK = "</td><img src=x onerror=alert(1)>";
  private static final String QUEUEING_LOCK = "\" onmouseover=\"alert(2)";
  private static final String ARGUMENT = "</pre><script>alert('args')</script>";

  private static App app;
  private static Dashboard dashboard;
  private static long hostile;

  @BeforeAll
  static void setUp() {
    app =
        App.builder()
            .dataSource(DB.dataSource())
            .taskRegistrars(List.of(DemoTasks.registrar()))
            .build();
    JobManager jobs = app.jobManager();
    hostile =
        jobs.defer(
            NewJob.builder(TASK)
                .queue(QUEUE)
                .lock(LOCK)
                .queueingLock(QUEUEING_LOCK)
                .arg("note", ARGUMENT)
                .build());
    // Its queue paused and its task limited: the flow-control pages show them.
    jobs.pauseQueue(QUEUE);
    jobs.setConcurrencyLimit(LimitTarget.task(TASK), 1);
    dashboard = Dashboard.builder(app).build();
  }

  @AfterAll
  static void tearDown() {
    app.close();
  }

  private static String page(String path, String query) {
    DashboardResponse response = dashboard.handle(DashboardRequest.get(path, query));
    assertThat(response.contentType()).startsWith("text/html");
    return response.bodyText();
  }

  /** Checks that a page holds no markup but its own: one script, no injected element. */
  private static void assertNoInjectedMarkup(String where, String body) {
    assertThat(body.split("<script", -1)).as(where + ": script elements").hasSize(2);
    assertThat(body)
        .as(where)
        .contains("<script src=\"/assets/dashboard.js\" defer></script>")
        .doesNotContain(
            TASK, QUEUE, LOCK, QUEUEING_LOCK, ARGUMENT, "<b>", "<img src=x", "\" onmouseover");
  }

  @Test
  void markupInAJobShowsAsTextOnEveryPage() {
    String escapedTask = "&lt;script&gt;window.pwned=1&lt;/script&gt;";
    String escapedQueue = "q'&quot;&gt;&lt;b&gt;bold&lt;/b&gt;";
    for (String path :
        List.of(
            "/",
            "/jobs",
            "/jobs/" + hostile,
            "/jobs/" + hostile + "/cancel",
            "/tasks",
            "/locks",
            "/periodic",
            "/workers",
            "/limits")) {
      assertNoInjectedMarkup(path, page(path, ""));
    }
    String queue = "queue=" + QueryString.encode(QUEUE);
    String task = "scope=task&name=" + QueryString.encode(TASK);
    assertNoInjectedMarkup("resume", page("/queues/resume", queue));
    assertNoInjectedMarkup("pause", page("/queues/pause", queue));
    assertNoInjectedMarkup("clear", page("/limits/clear", task));
    assertNoInjectedMarkup("set", page("/limits/set", task + "&concurrency=2"));
    assertNoInjectedMarkup("refused limit", page("/limits/set", task + "&rate=" + queue));
    assertThat(page("/limits", ""))
        .contains("data-target=\"task=" + escapedTask + "\"")
        .contains("<a href=\"/jobs?task=%3Cscript%3Ewindow.pwned%3D1%3C%2Fscript%3E\">");
    assertThat(page("/queues/resume", queue)).contains("Resume queue " + escapedQueue + "?");

    String list = page("/jobs", "");
    assertThat(list)
        .contains("<td class=\"task\">" + escapedTask + "</td>")
        .contains("<td>" + escapedQueue + "</td>")
        .contains("<td>&lt;/td&gt;&lt;img src=x onerror=alert(1)&gt;</td>");

    String job = page("/jobs/" + hostile, "");
    assertThat(job)
        .contains(">" + escapedTask + "</a>")
        .contains(">&quot; onmouseover=&quot;alert(2)</a>")
        .contains("&lt;/pre&gt;&lt;script&gt;alert('args')&lt;/script&gt;");

    assertThat(page("/", "")).contains("data-queue=\"q&#39;&quot;&gt;&lt;b&gt;bold&lt;/b&gt;\"");
    assertThat(page("/tasks", "")).contains("data-task=\"" + escapedTask + "\"");
    assertThat(page("/jobs/" + hostile + "/cancel", ""))
        .contains("Cancel job #" + hostile + " (task " + escapedTask + ", queue " + escapedQueue);
  }

  @Test
  void markupInTheAddressShowsAsText() {
    String filter = "task=" + QueryString.encode(TASK) + "&queue=" + QueryString.encode(QUEUE);
    String list = page("/jobs", filter);
    assertNoInjectedMarkup("filtered list", list);
    assertThat(list)
        .contains("id=\"f-task\" value=\"&lt;script&gt;window.pwned=1&lt;/script&gt;\"")
        .contains("id=\"f-queue\" value=\"q&#39;&quot;&gt;&lt;b&gt;bold&lt;/b&gt;\"");
    assertNoInjectedMarkup("bulk confirmation", page("/jobs/bulk/cancel", filter));

    String missing = page("/" + TASK, "");
    assertNoInjectedMarkup("missing page", missing);
    assertThat(missing).contains("There is no page /&lt;script&gt;window.pwned=1&lt;/script&gt;");
  }

  @Test
  void theFieldsOfAFilterInFrontShowAsText() {
    String page =
        dashboard
            .handle(
                new DashboardRequest(
                    "GET",
                    "",
                    "/jobs/" + hostile + "/cancel",
                    "",
                    Map.of(),
                    new byte[0],
                    Map.of("_token", "\"><script>alert(3)</script>")))
            .bodyText();
    assertNoInjectedMarkup("confirmation", page);
    assertThat(page)
        .contains("name=\"_token\" value=\"&quot;&gt;&lt;script&gt;alert(3)&lt;/script&gt;\"");
  }
}
