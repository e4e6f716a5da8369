package dev.procrastinate.opentelemetry;

import dev.procrastinate.App;
import dev.procrastinate.AppConfigurer;
import io.opentelemetry.api.GlobalOpenTelemetry;

/**
 * Installs {@link OpenTelemetryTracing} over {@link GlobalOpenTelemetry} on every app built while
 * this module is on the class path, unless the application set a context propagator of its own.
 * Listed in {@code META-INF/services/dev.procrastinate.AppConfigurer}.
 */
public final class OpenTelemetryConfigurer implements AppConfigurer {
  /** Called by {@link java.util.ServiceLoader}. */
  public OpenTelemetryConfigurer() {}

  @Override
  public void configure(App.Builder builder) {
    if (builder.contextPropagator() == null) {
      builder.contextPropagator(new OpenTelemetryTracing(GlobalOpenTelemetry.get()));
    }
  }
}
