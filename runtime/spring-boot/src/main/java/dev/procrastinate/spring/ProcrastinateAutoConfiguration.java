package dev.procrastinate.spring;

import dev.procrastinate.App;
import dev.procrastinate.AppConfigurer;
import dev.procrastinate.ContextPropagator;
import dev.procrastinate.JobManager;
import dev.procrastinate.JobObserver;
import dev.procrastinate.SchemaManager;
import javax.sql.DataSource;
import org.jspecify.annotations.Nullable;
import org.springframework.beans.factory.BeanClassLoaderAware;
import org.springframework.beans.factory.BeanFactory;
import org.springframework.beans.factory.ObjectProvider;
import org.springframework.boot.autoconfigure.AutoConfiguration;
import org.springframework.boot.autoconfigure.condition.ConditionalOnBean;
import org.springframework.boot.autoconfigure.condition.ConditionalOnBooleanProperty;
import org.springframework.boot.autoconfigure.condition.ConditionalOnClass;
import org.springframework.boot.autoconfigure.condition.ConditionalOnMissingBean;
import org.springframework.boot.autoconfigure.condition.ConditionalOnMissingClass;
import org.springframework.boot.autoconfigure.condition.ConditionalOnSingleCandidate;
import org.springframework.boot.context.properties.EnableConfigurationProperties;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Configuration;

/**
 * Configures procrastinate in a Spring Boot application (3.5 or 4.0) that has a {@link DataSource}:
 * the {@link App} on that data source, joined to Spring's transactions and installed as {@link
 * App#getDefault()}; its {@link JobManager} and {@link SchemaManager}; the start-up migration; the
 * in-application worker when {@code procrastinate.worker.enabled=true}; the Actuator health
 * contributor {@code procrastinate} and the Micrometer metrics when those are present.
 *
 * <p>Every bean backs off when the application defines its own.
 */
@AutoConfiguration(
    afterName = {
      "org.springframework.boot.jdbc.autoconfigure.DataSourceAutoConfiguration",
      "org.springframework.boot.autoconfigure.jdbc.DataSourceAutoConfiguration",
      // Spring Boot's OpenTelemetry bean, on each line, for the tracing of jobs.
      "org.springframework.boot.opentelemetry.autoconfigure.OpenTelemetrySdkAutoConfiguration",
      "org.springframework.boot.actuate.autoconfigure.opentelemetry.OpenTelemetryAutoConfiguration"
    },
    beforeName = {
      "org.springframework.boot.flyway.autoconfigure.FlywayAutoConfiguration",
      "org.springframework.boot.autoconfigure.flyway.FlywayAutoConfiguration",
      "org.springframework.boot.liquibase.autoconfigure.LiquibaseAutoConfiguration",
      "org.springframework.boot.autoconfigure.liquibase.LiquibaseAutoConfiguration"
    })
@ConditionalOnClass(App.class)
@ConditionalOnSingleCandidate(DataSource.class)
@EnableConfigurationProperties(ProcrastinateProperties.class)
public class ProcrastinateAutoConfiguration implements BeanClassLoaderAware {
  private @Nullable ClassLoader classLoader;

  /** Created by Spring Boot. */
  public ProcrastinateAutoConfiguration() {}

  @Override
  public void setBeanClassLoader(ClassLoader classLoader) {
    this.classLoader = classLoader;
  }

  /**
   * The app, on the application's data source, installed as {@link App#getDefault()} until the
   * context closes.
   *
   * @param dataSource the application's data source
   * @param properties the {@code procrastinate.*} settings
   * @param configurers the application's {@link AppConfigurer} beans, applied in their order
   * @param observers the application's {@link JobObserver} beans
   * @param propagator the application's {@link ContextPropagator} bean, if any
   * @param beanFactory where {@code @Task} instance methods find their beans
   * @return the app
   */
  @Bean(destroyMethod = "close")
  @ConditionalOnMissingBean
  public App procrastinateApp(
      DataSource dataSource,
      ProcrastinateProperties properties,
      ObjectProvider<AppConfigurer> configurers,
      ObjectProvider<JobObserver> observers,
      ObjectProvider<ContextPropagator> propagator,
      BeanFactory beanFactory) {
    App.Builder builder =
        App.builder()
            .dataSource(new SpringTransactionDataSource(dataSource, properties.getSchema()))
            .periodicMaxDelay(properties.getPeriodicMaxDelay())
            // A @Task instance method runs on its class's bean, with its injected dependencies.
            .taskInstances(type -> beanFactory.getBeanProvider(type).getIfUnique());
    if (properties.isInline()) {
      builder.inline();
    }
    if (classLoader != null) {
      builder.classLoader(classLoader);
    }
    observers.orderedStream().forEach(builder::observer);
    ContextPropagator contextPropagator = propagator.getIfUnique();
    if (contextPropagator != null) {
      builder.contextPropagator(contextPropagator);
    }
    for (AppConfigurer configurer : configurers.orderedStream().toList()) {
      try {
        configurer.configure(builder);
      } catch (Exception e) {
        throw new IllegalStateException(
            "the AppConfigurer bean "
                + configurer.getClass().getName()
                + " failed while configuring the procrastinate app: "
                + e,
            e);
      }
    }
    App app = builder.build();
    App.setDefault(app);
    return app;
  }

  /**
   * Puts back the previous default app when the context closes.
   *
   * @param app the app
   * @return the binding
   */
  @Bean
  public DefaultAppBinding procrastinateDefaultAppBinding(App app) {
    return new DefaultAppBinding(app);
  }

  /**
   * The app's job manager.
   *
   * @param app the app
   * @return its job manager
   */
  @Bean
  @ConditionalOnMissingBean
  public JobManager procrastinateJobManager(App app) {
    return app.jobManager();
  }

  /**
   * The app's schema manager.
   *
   * @param app the app
   * @return its schema manager
   */
  @Bean
  @ConditionalOnMissingBean
  public SchemaManager procrastinateSchemaManager(App app) {
    return app.schemaManager();
  }

  /**
   * Migrates the schema at start-up, before Flyway and Liquibase.
   *
   * @param schemaManager the schema manager
   * @return the initializer
   */
  @Bean
  @ConditionalOnMissingBean
  @ConditionalOnBooleanProperty(name = "procrastinate.migrate", matchIfMissing = true)
  public ProcrastinateSchemaInitializer procrastinateSchemaInitializer(
      SchemaManager schemaManager) {
    return new ProcrastinateSchemaInitializer(schemaManager);
  }

  /**
   * The worker inside the application.
   *
   * @param app the app
   * @param properties the settings
   * @return the worker's lifecycle
   */
  @Bean
  @ConditionalOnMissingBean
  @ConditionalOnBooleanProperty(name = "procrastinate.worker.enabled")
  public ProcrastinateWorkerLifecycle procrastinateWorker(
      App app, ProcrastinateProperties properties) {
    return new ProcrastinateWorkerLifecycle(app, properties.getWorker().toOptions());
  }

  /**
   * Lets the application's Flyway baseline below its first migration on a database where the
   * Procrastinate schema came first.
   */
  /**
   * OpenTelemetry tracing of jobs, when {@code procrastinate-opentelemetry} is on the class path
   * and the application has an {@code OpenTelemetry} bean (its own, or Spring Boot's): the app's
   * context propagator, unless the application declared one.
   */
  @Configuration(proxyBeanMethods = false)
  @ConditionalOnClass(
      name = {
        "dev.procrastinate.opentelemetry.OpenTelemetryTracing",
        "io.opentelemetry.api.OpenTelemetry"
      })
  static class TracingConfiguration {
    @Bean
    @ConditionalOnBean(type = "io.opentelemetry.api.OpenTelemetry")
    @ConditionalOnMissingBean(ContextPropagator.class)
    ContextPropagator procrastinateTracing(io.opentelemetry.api.OpenTelemetry openTelemetry) {
      return new dev.procrastinate.opentelemetry.OpenTelemetryTracing(openTelemetry);
    }
  }

  @Configuration(proxyBeanMethods = false)
  @ConditionalOnClass(name = "org.flywaydb.core.Flyway")
  @ConditionalOnBooleanProperty(name = "procrastinate.migrate", matchIfMissing = true)
  static class FlywayBaselineConfiguration {
    @Bean
    static FlywayBaselineAfterProcrastinate procrastinateFlywayBaseline() {
      return new FlywayBaselineAfterProcrastinate();
    }
  }

  /** The health contributor on Spring Boot 4. */
  @Configuration(proxyBeanMethods = false)
  @ConditionalOnClass(name = "org.springframework.boot.health.contributor.HealthIndicator")
  @ConditionalOnBooleanProperty(
      name = "management.health.procrastinate.enabled",
      matchIfMissing = true)
  static class Boot4HealthConfiguration {
    @Bean
    @ConditionalOnMissingBean(name = "procrastinateHealthIndicator")
    ProcrastinateHealthIndicator procrastinateHealthIndicator(
        App app, ObjectProvider<ProcrastinateWorkerLifecycle> worker) {
      return new ProcrastinateHealthIndicator(new ProcrastinateHealth(app, worker.getIfUnique()));
    }
  }

  /** The health contributor on Spring Boot 3.5. */
  @Configuration(proxyBeanMethods = false)
  @ConditionalOnClass(name = "org.springframework.boot.actuate.health.HealthIndicator")
  @ConditionalOnMissingClass("org.springframework.boot.health.contributor.HealthIndicator")
  @ConditionalOnBooleanProperty(
      name = "management.health.procrastinate.enabled",
      matchIfMissing = true)
  static class Boot3HealthConfiguration {
    @Bean
    @ConditionalOnMissingBean(name = "procrastinateHealthIndicator")
    ProcrastinateBoot3HealthIndicator procrastinateHealthIndicator(
        App app, ObjectProvider<ProcrastinateWorkerLifecycle> worker) {
      return new ProcrastinateBoot3HealthIndicator(
          new ProcrastinateHealth(app, worker.getIfUnique()));
    }
  }

  /** The Micrometer binding, when Micrometer is on the class path. */
  @Configuration(proxyBeanMethods = false)
  @ConditionalOnClass(name = "io.micrometer.core.instrument.MeterRegistry")
  @ConditionalOnBooleanProperty(name = "procrastinate.metrics.enabled", matchIfMissing = true)
  static class MetricsConfiguration {
    @Bean
    ProcrastinateMetricsBinder procrastinateMetricsBinder(
        ObjectProvider<io.micrometer.core.instrument.MeterRegistry> registry,
        ObjectProvider<App> app,
        ProcrastinateProperties properties) {
      return new ProcrastinateMetricsBinder(
          registry, app, properties.getMetrics().getQueuePollInterval());
    }
  }
}
