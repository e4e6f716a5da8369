package dev.procrastinate.spring.dashboard;

import dev.procrastinate.App;
import dev.procrastinate.AppConfigurer;
import dev.procrastinate.JobManager;
import dev.procrastinate.NewJob;
import dev.procrastinate.RetryStrategy;
import dev.procrastinate.Worker;
import dev.procrastinate.WorkerOptions;
import dev.procrastinate.spi.TaskDescriptor;
import dev.procrastinate.spi.TaskRegistrar;
import java.util.List;
import org.springframework.boot.SpringBootConfiguration;
import org.springframework.boot.autoconfigure.EnableAutoConfiguration;
import org.springframework.context.annotation.Bean;

/**
 * A servlet web application on embedded Tomcat with everything auto-configured: Spring MVC, JPA,
 * and Spring Security unless a test excludes it. Its two tasks give the dashboard a job that
 * succeeded and one that failed.
 */
@SpringBootConfiguration
@EnableAutoConfiguration
public class DashboardTestApplication {
  /** A task that succeeds. */
  static final String WELCOME = "dashboard.welcome";

  /** A task that fails, without retries. */
  static final String BROKEN = "dashboard.broken";

  /**
   * The auto-configurations of Spring Security for servlet applications, for the tests without it.
   */
  static final String WITHOUT_SECURITY =
      "spring.autoconfigure.exclude="
          + "org.springframework.boot.security.autoconfigure.SecurityAutoConfiguration,"
          + "org.springframework.boot.security.autoconfigure.UserDetailsServiceAutoConfiguration,"
          + "org.springframework.boot.security.autoconfigure.web.servlet.SecurityFilterAutoConfiguration,"
          + "org.springframework.boot.security.autoconfigure.web.servlet.ServletWebSecurityAutoConfiguration";

  /** Created by Spring. */
  public DashboardTestApplication() {}

  /**
   * The tasks.
   *
   * @return the configurer that registers them
   */
  @Bean
  public AppConfigurer dashboardTasks() {
    TaskRegistrar registrar =
        () ->
            List.of(
                TaskDescriptor.builder(WELCOME)
                    .source("DashboardTestApplication")
                    .build((context, args) -> null),
                TaskDescriptor.builder(BROKEN)
                    .retryStrategy(RetryStrategy.builder().maxAttempts(0).build())
                    .source("DashboardTestApplication")
                    .build(
                        (context, args) -> {
                          throw new IllegalStateException("broken on purpose");
                        }));
    return builder -> builder.taskRegistrars(List.of(registrar));
  }

  /**
   * Defers a job of the broken task and runs it once, so that it fails.
   *
   * @param app the application's app
   * @return the failed job's id
   * @throws InterruptedException if interrupted while the worker runs
   */
  static long failedJob(App app) throws InterruptedException {
    JobManager jobs = app.jobManager();
    long id = jobs.defer(NewJob.builder(BROKEN).build());
    try (Worker worker =
        app.worker(
            WorkerOptions.builder().installSignalHandlers(false).waitForJobs(false).build())) {
      worker.run();
    }
    return id;
  }
}
