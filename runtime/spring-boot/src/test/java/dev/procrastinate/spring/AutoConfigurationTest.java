package dev.procrastinate.spring;

import static org.assertj.core.api.Assertions.assertThat;

import dev.procrastinate.App;
import dev.procrastinate.AppConfigurer;
import dev.procrastinate.ContextPropagator;
import dev.procrastinate.JobManager;
import dev.procrastinate.JobObserver;
import dev.procrastinate.NewJob;
import dev.procrastinate.SchemaManager;
import dev.procrastinate.micrometer.ProcrastinateMetrics;
import dev.procrastinate.testing.TestDatabase;
import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import io.opentelemetry.api.OpenTelemetry;
import io.opentelemetry.api.trace.Span;
import io.opentelemetry.api.trace.propagation.W3CTraceContextPropagator;
import io.opentelemetry.context.propagation.ContextPropagators;
import io.opentelemetry.sdk.OpenTelemetrySdk;
import io.opentelemetry.sdk.testing.exporter.InMemorySpanExporter;
import io.opentelemetry.sdk.trace.SdkTracerProvider;
import io.opentelemetry.sdk.trace.export.SimpleSpanProcessor;
import java.io.IOException;
import java.io.InputStream;
import java.net.URL;
import java.nio.charset.StandardCharsets;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import javax.sql.DataSource;
import org.jspecify.annotations.Nullable;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.postgresql.PGConnection;
import org.springframework.boot.autoconfigure.AutoConfigurations;
import org.springframework.boot.flyway.autoconfigure.FlywayAutoConfiguration;
import org.springframework.boot.health.contributor.Health;
import org.springframework.boot.health.contributor.HealthIndicator;
import org.springframework.boot.health.contributor.Status;
import org.springframework.boot.jdbc.autoconfigure.DataSourceAutoConfiguration;
import org.springframework.boot.jdbc.autoconfigure.DataSourceTransactionManagerAutoConfiguration;
import org.springframework.boot.test.context.runner.ApplicationContextRunner;
import org.springframework.boot.transaction.autoconfigure.TransactionAutoConfiguration;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Configuration;
import org.springframework.jdbc.datasource.DataSourceUtils;
import org.springframework.transaction.PlatformTransactionManager;
import org.springframework.transaction.support.TransactionTemplate;

/**
 * The auto-configuration with Spring Boot's own DataSource, transaction and Flyway
 * auto-configurations, on a real PostgreSQL.
 */
class AutoConfigurationTest {
  @RegisterExtension static final TestDatabase DB = TestDatabase.empty();

  private ApplicationContextRunner runner() {
    return new ApplicationContextRunner()
        .withConfiguration(
            AutoConfigurations.of(
                DataSourceAutoConfiguration.class,
                DataSourceTransactionManagerAutoConfiguration.class,
                TransactionAutoConfiguration.class,
                FlywayAutoConfiguration.class,
                ProcrastinateAutoConfiguration.class))
        .withPropertyValues(
            "spring.datasource.url=" + DB.url(),
            "spring.datasource.username=" + DB.user(),
            "spring.datasource.password=" + DB.password(),
            "spring.flyway.locations=classpath:db/spring-test");
  }

  @Test
  void tracesADeferWithTheApplicationsOpenTelemetryBean() {
    InMemorySpanExporter exporter = InMemorySpanExporter.create();
    OpenTelemetrySdk sdk =
        OpenTelemetrySdk.builder()
            .setTracerProvider(
                SdkTracerProvider.builder()
                    .addSpanProcessor(SimpleSpanProcessor.create(exporter))
                    .build())
            .setPropagators(ContextPropagators.create(W3CTraceContextPropagator.getInstance()))
            .build();
    runner()
        .withBean(OpenTelemetry.class, () -> sdk)
        .run(
            context -> {
              assertThat(context).hasNotFailed();
              assertThat(context.getBean(ContextPropagator.class))
                  .isInstanceOf(dev.procrastinate.opentelemetry.OpenTelemetryTracing.class);
              Span request = sdk.getTracer("test").spanBuilder("request").startSpan();
              long id;
              io.opentelemetry.context.Scope current = request.makeCurrent();
              try {
                id = context.getBean(JobManager.class).defer(NewJob.builder("traced.task").build());
              } finally {
                current.close();
                request.end();
              }
              assertThat(context.getBean(JobManager.class).getJob(id)).isPresent();
              assertThat(exporter.getFinishedSpanItems())
                  .anySatisfy(
                      span -> {
                        assertThat(span.getName()).isEqualTo("send default");
                        assertThat(span.getTraceId())
                            .isEqualTo(request.getSpanContext().getTraceId());
                      });
            });
    sdk.close();
  }

  @Test
  void buildsTheAppOnTheApplicationsDataSourceAndMigratesBeforeFlyway() {
    runner()
        .run(
            context -> {
              assertThat(context).hasNotFailed();
              App app = context.getBean(App.class);
              assertThat(App.getDefault()).isSameAs(app);
              assertThat(context.getBean(JobManager.class)).isSameAs(app.jobManager());
              SchemaManager schema = context.getBean(SchemaManager.class);
              assertThat(schema.currentVersion()).isEqualTo(schema.latestVersion());
              // Flyway's V1__orders references procrastinate_jobs: it ran after our schema.
              assertThat(tableExists("orders")).isTrue();
              assertThat(context.getBean(ProcrastinateSchemaInitializer.class).result().version())
                  .isEqualTo(schema.latestVersion());
              assertThat(context).doesNotHaveBean(ProcrastinateWorkerLifecycle.class);
            });
    // The closed context's app is no longer the default.
    assertThat(App.setDefault(null)).isNull();
  }

  @Test
  void withoutADataSourceConfiguresNothing() {
    new ApplicationContextRunner()
        .withConfiguration(AutoConfigurations.of(ProcrastinateAutoConfiguration.class))
        .run(context -> assertThat(context).hasNotFailed().doesNotHaveBean(App.class));
  }

  @Test
  void appConfigurerAndObserverBeansConfigureTheApp() {
    runner()
        .withUserConfiguration(Configurers.class)
        .run(
            context -> {
              App app = context.getBean(App.class);
              assertThat(app.periodicMaxDelay()).isEqualTo(Duration.ofSeconds(42));
              long id = app.jobManager().defer(NewJob.builder("observed.task").build());
              assertThat(context.getBean(Configurers.class).deferred).containsExactly(id);
            });
  }

  @Test
  void aDeferInsideASpringTransactionJoinsIt() {
    runner()
        .run(
            context -> {
              JobManager jobs = context.getBean(JobManager.class);
              TransactionTemplate transaction =
                  new TransactionTemplate(context.getBean(PlatformTransactionManager.class));
              try (Connection listener = DB.newConnection();
                  Statement listen = listener.createStatement()) {
                listen.execute("LISTEN procrastinate_any_queue_v1");

                long[] committed = new long[1];
                transaction.executeWithoutResult(
                    status -> {
                      committed[0] = jobs.defer(NewJob.builder("tx.committed").build());
                      assertThat(countJobs("tx.committed")).isZero();
                      assertThat(pendingNotifications(listener)).isEmpty();
                    });
                assertThat(countJobs("tx.committed")).isEqualTo(1);
                assertThat(notifications(listener, 5_000)).isNotEmpty();

                transaction.executeWithoutResult(
                    status -> {
                      jobs.defer(NewJob.builder("tx.rolled_back").build());
                      jobs.deferBatch(
                          List.of(
                              NewJob.builder("tx.rolled_back").build(),
                              NewJob.builder("tx.rolled_back").build()));
                      assertThat(countJobsIn(context.getBean(DataSource.class), "tx.rolled_back"))
                          .isEqualTo(3);
                      status.setRollbackOnly();
                    });
                assertThat(countJobs("tx.rolled_back")).isZero();
                assertThat(jobs.getJob(committed[0])).isPresent();
              }
            });
  }

  @Test
  void aDeferOutsideATransactionCommitsAtOnceEvenWithAutoCommitOffInThePool() {
    runner()
        .withPropertyValues("spring.datasource.hikari.auto-commit=false")
        .run(
            context -> {
              JobManager jobs = context.getBean(JobManager.class);
              jobs.defer(NewJob.builder("no.tx").build());
              jobs.deferBatch(List.of(NewJob.builder("no.tx").build()));
              assertThat(countJobs("no.tx")).isEqualTo(2);
              // The pool's own connections keep their configured mode.
              try (Connection connection = context.getBean(DataSource.class).getConnection()) {
                assertThat(connection.getAutoCommit()).isFalse();
              }
            });
  }

  @Test
  void healthIsUpWithTheDatabaseAndDownWithoutIt() {
    runner()
        .run(
            context -> {
              Health health =
                  context.getBean("procrastinateHealthIndicator", HealthIndicator.class).health();
              assertThat(health.getStatus()).isEqualTo(Status.UP);
              assertThat(health.getDetails()).containsKeys("database", "schema");
              assertThat(health.getDetails()).doesNotContainKey("worker");
            });
    new ApplicationContextRunner()
        .withConfiguration(
            AutoConfigurations.of(
                DataSourceAutoConfiguration.class, ProcrastinateAutoConfiguration.class))
        .withPropertyValues(
            "spring.datasource.url=jdbc:postgresql://127.0.0.1:1/nowhere",
            "spring.datasource.hikari.connection-timeout=250",
            "spring.datasource.hikari.initialization-fail-timeout=-1",
            "procrastinate.migrate=false")
        .run(
            context -> {
              Health health =
                  context.getBean("procrastinateHealthIndicator", HealthIndicator.class).health();
              assertThat(health.getStatus()).isEqualTo(Status.DOWN);
              assertThat(health.getDetails().get("database").toString()).contains("127.0.0.1:1");
            });
  }

  @Test
  void bindsMetricsToTheApplicationsMeterRegistry() {
    runner()
        .withBean(MeterRegistry.class, SimpleMeterRegistry::new)
        .run(
            context -> {
              context.getBean(JobManager.class).defer(NewJob.builder("metered.task").build());
              MeterRegistry registry = context.getBean(MeterRegistry.class);
              assertThat(registry.get(ProcrastinateMetrics.DEFERRED).counter().count())
                  .isEqualTo(1.0);
            });
  }

  @Test
  void propertiesCarryConfigurationMetadata() throws IOException {
    String metadata = null;
    for (URL url :
        Collections.list(
            getClass()
                .getClassLoader()
                .getResources("META-INF/spring-configuration-metadata.json"))) {
      try (InputStream in = url.openStream()) {
        String text = new String(in.readAllBytes(), StandardCharsets.UTF_8);
        if (text.contains("\"procrastinate.worker.enabled\"")) {
          metadata = text;
        }
      }
    }
    assertThat(metadata)
        .isNotNull()
        .contains("\"procrastinate.worker.concurrency\"")
        .contains("\"procrastinate.worker.shutdown-graceful-timeout\"")
        .contains("\"procrastinate.migrate\"")
        .contains("\"procrastinate.schema\"")
        .contains("Whether to run a worker in the application");
  }

  private static boolean tableExists(String table) throws SQLException {
    try (Connection connection = DB.newConnection();
        PreparedStatement statement =
            connection.prepareStatement("SELECT to_regclass(?) IS NOT NULL")) {
      statement.setString(1, table);
      try (ResultSet rows = statement.executeQuery()) {
        rows.next();
        return rows.getBoolean(1);
      }
    }
  }

  private static long countJobs(String task) {
    try (Connection connection = DB.newConnection()) {
      return count(connection, task);
    } catch (SQLException e) {
      throw new IllegalStateException(e);
    }
  }

  /** Counts through the transaction's own connection, which sees its uncommitted rows. */
  private static long countJobsIn(DataSource dataSource, String task) {
    try {
      return count(DataSourceUtils.getConnection(dataSource), task);
    } catch (SQLException e) {
      throw new IllegalStateException(e);
    }
  }

  private static long count(Connection connection, String task) throws SQLException {
    try (PreparedStatement statement =
        connection.prepareStatement(
            "SELECT count(*) FROM procrastinate_jobs WHERE task_name = ?")) {
      statement.setString(1, task);
      try (ResultSet rows = statement.executeQuery()) {
        rows.next();
        return rows.getLong(1);
      }
    }
  }

  /** Returns the notifications already delivered, after a round trip, without waiting for more. */
  private static List<String> pendingNotifications(Connection listener) {
    try (Statement statement = listener.createStatement()) {
      statement.execute("SELECT 1");
      return names(listener.unwrap(PGConnection.class).getNotifications());
    } catch (SQLException e) {
      throw new IllegalStateException(e);
    }
  }

  private static List<String> notifications(Connection listener, int timeoutMillis) {
    try {
      return names(listener.unwrap(PGConnection.class).getNotifications(timeoutMillis));
    } catch (SQLException e) {
      throw new IllegalStateException(e);
    }
  }

  private static List<String> names(org.postgresql.PGNotification @Nullable [] received) {
    List<String> names = new ArrayList<>();
    if (received != null) {
      for (var notification : received) {
        names.add(notification.getName());
      }
    }
    return names;
  }

  /** An AppConfigurer and a JobObserver, as an application declares them. */
  @Configuration(proxyBeanMethods = false)
  static class Configurers {
    final List<Long> deferred = Collections.synchronizedList(new ArrayList<>());

    @Bean
    AppConfigurer delay() {
      return builder -> builder.periodicMaxDelay(Duration.ofSeconds(42));
    }

    @Bean
    JobObserver observer() {
      return new JobObserver() {
        @Override
        public void deferred(NewJob job, long id) {
          deferred.add(id);
        }
      };
    }
  }
}
