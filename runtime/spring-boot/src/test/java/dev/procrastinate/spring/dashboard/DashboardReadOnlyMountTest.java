package dev.procrastinate.spring.dashboard;

import static org.assertj.core.api.Assertions.assertThat;

import dev.procrastinate.App;
import dev.procrastinate.model.JobStatus;
import dev.procrastinate.testing.TestDatabase;
import java.net.http.HttpResponse;
import java.util.Map;
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

/** {@code procrastinate.dashboard.read-only=true} at a mount point of its own: actions refused. */
@SpringBootTest(
    classes = DashboardTestApplication.class,
    webEnvironment = WebEnvironment.RANDOM_PORT,
    properties = {
      DashboardTestApplication.WITHOUT_SECURITY,
      "spring.flyway.enabled=false",
      "spring.liquibase.enabled=false",
      "procrastinate.dashboard.enabled=true",
      "procrastinate.dashboard.read-only=true",
      "procrastinate.dashboard.path=/admin/jobs/"
    })
@Timeout(value = 120, unit = TimeUnit.SECONDS)
class DashboardReadOnlyMountTest {
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
  void actionsAreHiddenAndRefused() throws Exception {
    long id = DashboardTestApplication.failedJob(app);
    Browser browser = Browser.anonymous(port);
    HttpResponse<String> page = browser.get("/admin/jobs/jobs/" + id);
    assertThat(page.statusCode()).isEqualTo(200);
    assertThat(page.body())
        .contains("id=\"read-only\"", "href=\"/admin/jobs/jobs\"")
        .doesNotContain("id=\"action-retry\"");
    assertThat(browser.get("/procrastinate/").statusCode()).isEqualTo(404);

    HttpResponse<String> confirm = browser.get("/admin/jobs/jobs/" + id + "/retry");
    assertThat(confirm.statusCode()).isEqualTo(403);
    assertThat(confirm.body()).contains("read-only");
    // A POST as a form would send it, with the dashboard's token of the cookie.
    String token = browser.cookie("procrastinate_csrf").orElseThrow();
    HttpResponse<String> refused =
        browser.post("/admin/jobs/jobs/" + id + "/retry", Map.of("csrf", token));
    assertThat(refused.statusCode()).isEqualTo(403);
    assertThat(refused.body()).contains("read-only");
    assertThat(app.jobManager().getStatus(id)).contains(JobStatus.FAILED);
  }
}
