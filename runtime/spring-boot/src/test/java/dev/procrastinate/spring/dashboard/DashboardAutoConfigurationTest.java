package dev.procrastinate.spring.dashboard;

import static org.assertj.core.api.Assertions.assertThat;

import dev.procrastinate.App;
import dev.procrastinate.dashboard.Dashboard;
import dev.procrastinate.testing.TestDatabase;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.springframework.boot.autoconfigure.AutoConfigurations;
import org.springframework.boot.test.context.runner.ApplicationContextRunner;
import org.springframework.boot.test.context.runner.WebApplicationContextRunner;
import org.springframework.boot.web.servlet.ServletRegistrationBean;

/** When the dashboard's auto-configuration applies, and how its beans back off. */
class DashboardAutoConfigurationTest {
  @RegisterExtension static final TestDatabase DB = TestDatabase.migrated();

  private static final AutoConfigurations CONFIGURATION =
      AutoConfigurations.of(ProcrastinateDashboardAutoConfiguration.class);

  private WebApplicationContextRunner web() {
    // The application's own App, without a DataSource bean: the main auto-configuration stays
    // out, the dashboard's binds the settings itself.
    return new WebApplicationContextRunner()
        .withConfiguration(CONFIGURATION)
        .withBean(App.class, DashboardAutoConfigurationTest::newApp);
  }

  /** An app of its own for each context, with a pool of its own: the context closes both. */
  private static App newApp() {
    return App.create(DB.config(null));
  }

  @Test
  void mountsAtThePathWhenEnabled() {
    web()
        .withPropertyValues(
            "procrastinate.dashboard.enabled=true", "procrastinate.dashboard.path=/ops/queue/")
        .run(
            context -> {
              assertThat(context).hasNotFailed().hasSingleBean(Dashboard.class);
              assertThat(context.getBean(Dashboard.class).readOnly()).isFalse();
              ServletRegistrationBean<?> registration =
                  context.getBean("procrastinateDashboardServlet", ServletRegistrationBean.class);
              assertThat(registration.getUrlMappings()).containsExactly("/ops/queue/*");
              assertThat(registration.getServlet())
                  .isInstanceOf(ProcrastinateDashboardServlet.class);
            });
  }

  @Test
  void staysOutUnlessEnabledInAServletApplicationWithAnApp() {
    web()
        .run(
            context ->
                assertThat(context)
                    .hasNotFailed()
                    .doesNotHaveBean(Dashboard.class)
                    .doesNotHaveBean("procrastinateDashboardServlet"));
    new ApplicationContextRunner()
        .withConfiguration(CONFIGURATION)
        .withBean(App.class, DashboardAutoConfigurationTest::newApp)
        .withPropertyValues("procrastinate.dashboard.enabled=true")
        .run(context -> assertThat(context).hasNotFailed().doesNotHaveBean(Dashboard.class));
    new WebApplicationContextRunner()
        .withConfiguration(CONFIGURATION)
        .withPropertyValues("procrastinate.dashboard.enabled=true")
        .run(context -> assertThat(context).hasNotFailed().doesNotHaveBean(Dashboard.class));
  }

  @Test
  void usesTheApplicationsOwnDashboard() {
    web()
        .withPropertyValues("procrastinate.dashboard.enabled=true")
        .withBean(
            "myDashboard",
            Dashboard.class,
            () -> Dashboard.builder(DB.app()).readOnly(true).build())
        .run(
            context -> {
              assertThat(context).hasNotFailed().hasSingleBean(Dashboard.class);
              assertThat(context.getBean(Dashboard.class).readOnly()).isTrue();
              assertThat(context).hasBean("procrastinateDashboardServlet");
            });
  }

  @Test
  void refusesAPathThatIsNoMountPoint() {
    for (String path : new String[] {"/", "procrastinate", "/jobs/*", "/a b"}) {
      web()
          .withPropertyValues(
              "procrastinate.dashboard.enabled=true", "procrastinate.dashboard.path=" + path)
          .run(
              context ->
                  assertThat(context)
                      .hasFailed()
                      .getFailure()
                      .rootCause()
                      .hasMessageContaining("procrastinate.dashboard.path must be a path")
                      .hasMessageContaining("'" + path + "'"));
    }
  }
}
