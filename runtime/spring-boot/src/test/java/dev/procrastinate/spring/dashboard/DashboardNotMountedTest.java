package dev.procrastinate.spring.dashboard;

import static org.assertj.core.api.Assertions.assertThat;

import dev.procrastinate.dashboard.Dashboard;
import dev.procrastinate.testing.TestDatabase;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.beans.factory.annotation.Value;
import org.springframework.boot.test.context.SpringBootTest;
import org.springframework.boot.test.context.SpringBootTest.WebEnvironment;
import org.springframework.context.ApplicationContext;
import org.springframework.test.context.DynamicPropertyRegistry;
import org.springframework.test.context.DynamicPropertySource;

/** Without {@code procrastinate.dashboard.enabled}, nothing is mounted. */
@SpringBootTest(
    classes = DashboardTestApplication.class,
    webEnvironment = WebEnvironment.RANDOM_PORT,
    properties = {
      DashboardTestApplication.WITHOUT_SECURITY,
      "spring.flyway.enabled=false",
      "spring.liquibase.enabled=false"
    })
@Timeout(value = 120, unit = TimeUnit.SECONDS)
class DashboardNotMountedTest {
  @RegisterExtension static final TestDatabase DB = TestDatabase.empty();

  @DynamicPropertySource
  static void database(DynamicPropertyRegistry registry) {
    registry.add("spring.datasource.url", DB::url);
    registry.add("spring.datasource.username", DB::user);
    registry.add("spring.datasource.password", DB::password);
  }

  @Value("${local.server.port}")
  int port;

  @Autowired ApplicationContext context;

  @Test
  void thePathIsTheApplicationsOwn() throws Exception {
    assertThat(context.getBeanNamesForType(Dashboard.class)).isEmpty();
    assertThat(context.containsBean("procrastinateDashboardServlet")).isFalse();
    Browser browser = Browser.anonymous(port);
    assertThat(browser.get("/procrastinate/").statusCode()).isEqualTo(404);
    assertThat(browser.get("/procrastinate/jobs").statusCode()).isEqualTo(404);
  }
}
