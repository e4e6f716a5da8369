package dev.procrastinate.spring.dashboard;

import static org.assertj.core.api.Assertions.assertThat;

import dev.procrastinate.App;
import dev.procrastinate.JobManager;
import dev.procrastinate.model.JobStatus;
import dev.procrastinate.testing.TestDatabase;
import java.net.http.HttpResponse;
import java.util.concurrent.TimeUnit;
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
 * The dashboard behind Spring Boot's default Spring Security: every request authenticated (form
 * login and HTTP Basic), CSRF protection on. A signed-in user retries a failed job through the
 * forms as served; an anonymous visitor is refused.
 */
@SpringBootTest(
    classes = DashboardTestApplication.class,
    webEnvironment = WebEnvironment.RANDOM_PORT,
    properties = {
      "spring.flyway.enabled=false",
      "spring.liquibase.enabled=false",
      "spring.security.user.name=ops",
      "spring.security.user.password=s3cret-pass",
      "procrastinate.dashboard.enabled=true"
    })
@Timeout(value = 120, unit = TimeUnit.SECONDS)
class DashboardSpringSecurityTest {
  @RegisterExtension static final TestDatabase DB = TestDatabase.empty();

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
  void anAnonymousVisitorIsRefused() throws Exception {
    Browser anonymous = Browser.anonymous(port);
    HttpResponse<String> overview = anonymous.get("/procrastinate/");
    if (overview.statusCode() == 302) {
      assertThat(overview.headers().firstValue("Location"))
          .hasValueSatisfying(location -> assertThat(location).endsWith("/login"));
    } else {
      assertThat(overview.statusCode()).isEqualTo(401);
    }
    assertThat(overview.body()).doesNotContain("procrastinate</a>");
    assertThat(Browser.signedIn(port, "ops", "wrong").get("/procrastinate/").statusCode())
        .isEqualTo(401);
  }

  @Test
  void aSignedInUserRetriesAFailedJobWithCsrfProtectionOn() throws Exception {
    JobManager jobs = app.jobManager();
    long id = DashboardTestApplication.failedJob(app);
    Browser ops = Browser.signedIn(port, "ops", "s3cret-pass");

    HttpResponse<String> confirm = ops.get("/procrastinate/jobs/" + id + "/retry");
    assertThat(confirm.statusCode()).isEqualTo(200);
    Browser.Form form = Browser.Form.of(confirm.body());
    // The dashboard's own token, and Spring Security's.
    assertThat(form.fields()).containsOnlyKeys("csrf", "_csrf");

    // Spring Security's CSRF filter refuses the form without its token, before the dashboard: a
    // 403, or a 401 when the error page that renders the 403 is itself refused (HTTP Basic keeps
    // no sign-in in the session, and the CSRF filter runs before the Basic one).
    HttpResponse<String> withoutSpringToken = ops.submit(form.without("_csrf"));
    assertThat(withoutSpringToken.statusCode()).isIn(401, 403);
    assertThat(withoutSpringToken.body()).doesNotContain("security token");
    assertThat(jobs.getStatus(id)).contains(JobStatus.FAILED);
    // The dashboard refuses it without its own.
    HttpResponse<String> withoutDashboardToken = ops.submit(form.without("csrf"));
    assertThat(withoutDashboardToken.statusCode()).isEqualTo(403);
    assertThat(withoutDashboardToken.body()).contains("security token");
    assertThat(jobs.getStatus(id)).contains(JobStatus.FAILED);

    HttpResponse<String> done = ops.submit(form);
    assertThat(done.statusCode()).isEqualTo(303);
    assertThat(done.headers().firstValue("Location"))
        .contains("/procrastinate/jobs/" + id + "?done=retry");
    assertThat(jobs.getStatus(id)).contains(JobStatus.TODO);
    assertThat(ops.get("/procrastinate/jobs/" + id + "?done=retry").body())
        .contains("Job retried.");
  }
}
