package dev.procrastinate.spring;

import dev.procrastinate.App;
import dev.procrastinate.AppConfigurer;
import dev.procrastinate.micrometer.ProcrastinateMetrics;
import io.micrometer.core.instrument.MeterRegistry;
import java.time.Duration;
import org.jspecify.annotations.Nullable;
import org.springframework.beans.factory.DisposableBean;
import org.springframework.beans.factory.ObjectProvider;
import org.springframework.beans.factory.SmartInitializingSingleton;

/**
 * Binds {@link ProcrastinateMetrics} to the application's {@link MeterRegistry} when there is one:
 * as an {@link AppConfigurer} bean it adds the metrics as the app's observer; once every singleton
 * exists it starts the queue gauges when {@code procrastinate.metrics.queuePollInterval} is set.
 */
public final class ProcrastinateMetricsBinder
    implements AppConfigurer, SmartInitializingSingleton, DisposableBean {
  private final ObjectProvider<MeterRegistry> registry;
  private final ObjectProvider<App> app;
  private final @Nullable Duration queuePollInterval;
  private volatile @Nullable ProcrastinateMetrics metrics;

  ProcrastinateMetricsBinder(
      ObjectProvider<MeterRegistry> registry,
      ObjectProvider<App> app,
      @Nullable Duration queuePollInterval) {
    this.registry = registry;
    this.app = app;
    this.queuePollInterval = queuePollInterval;
  }

  @Override
  public void configure(App.Builder builder) {
    MeterRegistry meterRegistry = registry.getIfUnique();
    if (meterRegistry != null) {
      ProcrastinateMetrics bound = new ProcrastinateMetrics(meterRegistry);
      metrics = bound;
      builder.observer(bound);
    }
  }

  @Override
  public void afterSingletonsInstantiated() {
    ProcrastinateMetrics bound = metrics;
    App built = app.getIfUnique();
    if (bound != null && built != null && queuePollInterval != null) {
      bound.monitorQueues(built, queuePollInterval);
    }
  }

  @Override
  public void destroy() {
    ProcrastinateMetrics bound = metrics;
    if (bound != null) {
      bound.close();
    }
  }

  /**
   * Returns the metrics bound to the registry.
   *
   * @return the metrics, or null when the application has no meter registry
   */
  public @Nullable ProcrastinateMetrics metrics() {
    return metrics;
  }
}
