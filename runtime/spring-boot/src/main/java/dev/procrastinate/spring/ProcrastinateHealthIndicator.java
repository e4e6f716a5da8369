package dev.procrastinate.spring;

import dev.procrastinate.HealthReport;
import java.util.Objects;
import org.springframework.boot.health.contributor.AbstractHealthIndicator;
import org.springframework.boot.health.contributor.Health;

/**
 * The Actuator health contributor {@code procrastinate} on Spring Boot 4: {@code UP} when every
 * check of {@link ProcrastinateHealth} passes, {@code DOWN} otherwise, each check in the details.
 */
public final class ProcrastinateHealthIndicator extends AbstractHealthIndicator {
  private final ProcrastinateHealth health;

  /**
   * Creates the indicator.
   *
   * @param health the checks
   */
  public ProcrastinateHealthIndicator(ProcrastinateHealth health) {
    super("procrastinate health check failed");
    this.health = Objects.requireNonNull(health, "health");
  }

  @Override
  protected void doHealthCheck(Health.Builder builder) {
    HealthReport report = health.check();
    (report.healthy() ? builder.up() : builder.down())
        .withDetails(ProcrastinateHealth.details(report));
  }
}
