package dev.procrastinate.spring.dashboard;

import static org.assertj.core.api.Assertions.assertThat;

import dev.procrastinate.App;
import dev.procrastinate.JobManager;
import dev.procrastinate.NewJob;
import dev.procrastinate.model.JobStatus;
import dev.procrastinate.testing.TestDatabase;
import java.net.http.HttpResponse;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.beans.factory.annotation.Value;
import org.springframework.boot.test.context.SpringBootTest;
import org.springframework.boot.test.context.SpringBootTest.WebEnvironment;
import org.springframework.test.context.DynamicPropertyRegistry;
import org.springframework.test.context.DynamicPropertySource;

/**
 * The dashboard mounted at {@code /procrastinate} of a servlet application on embedded Tomcat, next
 * to Spring MVC's dispatcher, without Spring Security: pages, a job, a missing job and an action
 * that reaches the database.
 */
@SpringBootTest(
    classes = DashboardTestApplication.class,
    webEnvironment = WebEnvironment.RANDOM_PORT,
    properties = {
      DashboardTestApplication.WITHOUT_SECURITY,
      "spring.flyway.enabled=false",
      "spring.liquibase.enabled=false",
      "procrastinate.dashboard.enabled=true"
    })
@Timeout(value = 120, unit = TimeUnit.SECONDS)
class DashboardMountTest {
  @RegisterExtension static final TestDatabase DB = TestDatabase.empty();

  private static final Pattern LINK = Pattern.compile("(?:href|src|action)=\"([^\"]*)\"");

  @DynamicPropertySource
  static void database(DynamicPropertyRegistry registry) {
    registry.add("spring.datasource.url", DB::url);
    registry.add("spring.datasource.username", DB::user);
    registry.add("spring.datasource.password", DB::password);
  }

  @Value("${local.server.port}")
  int port;

  @Autowired App app;

  @Test
  void theOverviewLinksBelowTheMountPoint() throws Exception {
    Browser browser = Browser.anonymous(port);
    HttpResponse<String> overview = browser.get("/procrastinate/");
    assertThat(overview.statusCode()).isEqualTo(200);
    assertThat(overview.headers().firstValue("Content-Type"))
        .hasValueSatisfying(type -> assertThat(type).startsWith("text/html"));
    assertThat(overview.body()).contains("<title>Overview · procrastinate</title>");
    List<String> links = new ArrayList<>();
    Matcher link = LINK.matcher(overview.body());
    while (link.find()) {
      links.add(link.group(1));
    }
    assertThat(links)
        .contains("/procrastinate/", "/procrastinate/jobs", "/procrastinate/assets/dashboard.css")
        .filteredOn(target -> target.startsWith("/"))
        .allSatisfy(target -> assertThat(target).startsWith("/procrastinate/"));
    assertThat(browser.get("/procrastinate/assets/dashboard.css").statusCode()).isEqualTo(200);

    HttpResponse<String> bare = browser.get("/procrastinate?x=1");
    assertThat(bare.statusCode()).isEqualTo(302);
    assertThat(bare.headers().firstValue("Location"))
        .hasValueSatisfying(location -> assertThat(location).endsWith("/procrastinate/?x=1"));
  }

  @Test
  void aDeferredJobHasItsPageAndAMissingOneA404() throws Exception {
    long id =
        app.jobManager()
            .defer(NewJob.builder(DashboardTestApplication.WELCOME).queue("mail").build());
    Browser browser = Browser.anonymous(port);
    HttpResponse<String> page = browser.get("/procrastinate/jobs/" + id);
    assertThat(page.statusCode()).isEqualTo(200);
    assertThat(page.body())
        .contains("<h1>Job #" + id + "</h1>", DashboardTestApplication.WELCOME, "mail")
        .contains("href=\"/procrastinate/jobs/" + id + "/cancel\"");

    HttpResponse<String> missing = browser.get("/procrastinate/jobs/987654321");
    assertThat(missing.statusCode()).isEqualTo(404);
    assertThat(missing.body()).contains("There is no job 987654321");
    assertThat(browser.get("/procrastinate/nowhere").statusCode()).isEqualTo(404);
  }

  @Test
  void retryingAFailedJobThroughTheMountPutsItBackInTheQueue() throws Exception {
    JobManager jobs = app.jobManager();
    long id = DashboardTestApplication.failedJob(app);
    assertThat(jobs.getStatus(id)).contains(JobStatus.FAILED);
    Browser browser = Browser.anonymous(port);

    HttpResponse<String> confirm = browser.get("/procrastinate/jobs/" + id + "/retry");
    assertThat(confirm.statusCode()).isEqualTo(200);
    Browser.Form form = Browser.Form.of(confirm.body());
    assertThat(form.action()).isEqualTo("/procrastinate/jobs/" + id + "/retry");
    // No Spring Security: the dashboard's own token only.
    assertThat(form.fields()).containsOnlyKeys("csrf");

    HttpResponse<String> forged = browser.post(form.action(), Map.of("csrf", "forged-token-0000"));
    assertThat(forged.statusCode()).isEqualTo(403);
    assertThat(jobs.getStatus(id)).contains(JobStatus.FAILED);

    HttpResponse<String> done = browser.submit(form);
    assertThat(done.statusCode()).isEqualTo(303);
    assertThat(done.headers().firstValue("Location"))
        .contains("/procrastinate/jobs/" + id + "?done=retry");
    assertThat(jobs.getStatus(id)).contains(JobStatus.TODO);
    assertThat(browser.get("/procrastinate/jobs/" + id + "?done=retry").body())
        .contains("Job retried.");
  }

  @Test
  void aBulkActionKeepsItsFilterInTheQueryAndItsTokenInTheForm() throws Exception {
    JobManager jobs = app.jobManager();
    long first = jobs.defer(NewJob.builder(DashboardTestApplication.WELCOME).queue("bulk").build());
    long second =
        jobs.defer(NewJob.builder(DashboardTestApplication.WELCOME).queue("bulk").build());
    long other =
        jobs.defer(NewJob.builder(DashboardTestApplication.WELCOME).queue("other").build());
    Browser browser = Browser.anonymous(port);

    HttpResponse<String> confirm = browser.get("/procrastinate/jobs/bulk/cancel?queue=bulk");
    assertThat(confirm.statusCode()).isEqualTo(200);
    Browser.Form form = Browser.Form.of(confirm.body());
    assertThat(form.action()).isEqualTo("/procrastinate/jobs/bulk/cancel?queue=bulk");
    HttpResponse<String> done = browser.submit(form);
    assertThat(done.statusCode()).isEqualTo(303);
    assertThat(done.headers().firstValue("Location"))
        .contains("/procrastinate/jobs?queue=bulk&done=cancel&n=2");
    assertThat(jobs.getStatus(first)).contains(JobStatus.CANCELLED);
    assertThat(jobs.getStatus(second)).contains(JobStatus.CANCELLED);
    assertThat(jobs.getStatus(other)).contains(JobStatus.TODO);
  }
}
