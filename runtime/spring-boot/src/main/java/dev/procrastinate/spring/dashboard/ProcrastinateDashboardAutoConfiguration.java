package dev.procrastinate.spring.dashboard;

import dev.procrastinate.App;
import dev.procrastinate.dashboard.Dashboard;
import dev.procrastinate.spring.ProcrastinateAutoConfiguration;
import dev.procrastinate.spring.ProcrastinateProperties;
import jakarta.servlet.Servlet;
import org.springframework.boot.autoconfigure.AutoConfiguration;
import org.springframework.boot.autoconfigure.condition.ConditionalOnBean;
import org.springframework.boot.autoconfigure.condition.ConditionalOnBooleanProperty;
import org.springframework.boot.autoconfigure.condition.ConditionalOnClass;
import org.springframework.boot.autoconfigure.condition.ConditionalOnMissingBean;
import org.springframework.boot.autoconfigure.condition.ConditionalOnWebApplication;
import org.springframework.boot.context.properties.EnableConfigurationProperties;
import org.springframework.boot.web.servlet.ServletRegistrationBean;
import org.springframework.context.annotation.Bean;

/**
 * Mounts the procrastinate dashboard in a servlet web application (Spring Boot 3.5 or 4.0) when
 * {@code procrastinate.dashboard.enabled=true} and {@code procrastinate-dashboard} is on the class
 * path: a {@link Dashboard} over the application's {@link App}, served by a {@link
 * ProcrastinateDashboardServlet} at {@code procrastinate.dashboard.path} ({@code /procrastinate} by
 * default). Nothing changes for an application that does not enable it.
 *
 * <p>The servlet is behind the application's own filters, Spring Security's among them, which
 * decide who may see the pages and act on jobs; the credentials, the loopback-only rule and the
 * {@code Host} check of the stand-alone {@code DashboardServer} do not apply. Both beans back off
 * when the application defines its own ({@code Dashboard}, or a bean named {@code
 * procrastinateDashboardServlet}).
 */
@AutoConfiguration(after = ProcrastinateAutoConfiguration.class)
@ConditionalOnClass({Dashboard.class, Servlet.class})
@ConditionalOnWebApplication(type = ConditionalOnWebApplication.Type.SERVLET)
@ConditionalOnBooleanProperty(name = "procrastinate.dashboard.enabled")
@ConditionalOnBean(App.class)
@EnableConfigurationProperties(ProcrastinateProperties.class)
public class ProcrastinateDashboardAutoConfiguration {
  /** Created by Spring Boot. */
  public ProcrastinateDashboardAutoConfiguration() {}

  /**
   * The dashboard over the application's app.
   *
   * @param app the app
   * @param properties the settings: {@code procrastinate.dashboard.read-only}, and {@code
   *     procrastinate.worker.stalled-worker-timeout} for when a worker counts as stalled
   * @return the dashboard
   */
  @Bean
  @ConditionalOnMissingBean
  public Dashboard procrastinateDashboard(App app, ProcrastinateProperties properties) {
    return Dashboard.builder(app)
        .readOnly(properties.getDashboard().isReadOnly())
        .stalledWorkerTimeout(properties.getWorker().getStalledWorkerTimeout())
        .build();
  }

  /**
   * The servlet at {@code <procrastinate.dashboard.path>/*}.
   *
   * @param dashboard the dashboard
   * @param properties the settings
   * @return the servlet's registration
   * @throws IllegalArgumentException if the path is not a valid mount point
   */
  @Bean
  @ConditionalOnMissingBean(name = "procrastinateDashboardServlet")
  public ServletRegistrationBean<ProcrastinateDashboardServlet> procrastinateDashboardServlet(
      Dashboard dashboard, ProcrastinateProperties properties) {
    String path = properties.getDashboard().mountPath();
    ServletRegistrationBean<ProcrastinateDashboardServlet> registration =
        new ServletRegistrationBean<>(new ProcrastinateDashboardServlet(dashboard), path + "/*");
    registration.setName("procrastinateDashboard");
    return registration;
  }
}
