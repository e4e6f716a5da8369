package dev.procrastinate.spring;

import dev.procrastinate.HealthReport;
import java.util.Objects;
import org.springframework.boot.actuate.health.AbstractHealthIndicator;
import org.springframework.boot.actuate.health.Health;

/**
 * The Actuator health contributor {@code procrastinate} on Spring Boot 3.5 (whose health API lives
 * in {@code org.springframework.boot.actuate.health}): {@code UP} when every check of {@link
 * ProcrastinateHealth} passes, {@code DOWN} otherwise, each check in the details.
 */
public final class ProcrastinateBoot3HealthIndicator extends AbstractHealthIndicator {
  private final ProcrastinateHealth health;

  /**
   * Creates the indicator.
   *
   * @param health the checks
   */
  public ProcrastinateBoot3HealthIndicator(ProcrastinateHealth health) {
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
