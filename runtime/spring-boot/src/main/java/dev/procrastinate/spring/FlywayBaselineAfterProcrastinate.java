package dev.procrastinate.spring;

import org.flywaydb.core.Flyway;
import org.springframework.beans.factory.config.BeanPostProcessor;
import org.springframework.context.EnvironmentAware;
import org.springframework.core.env.Environment;

/**
 * Lets the application's own Flyway start on a database where the Procrastinate schema was just
 * applied. Flyway refuses to migrate a non-empty schema without its history table ("Found non-empty
 * schema(s) ... but no schema history table"), and on a new database the Procrastinate tables are
 * there first. So, unless the application sets {@code spring.flyway.baseline-on-migrate} itself,
 * its {@link Flyway} bean gets {@code baselineOnMigrate=true} with {@code baselineVersion=0}: the
 * history table is created with a baseline below every application migration, and all of them run.
 * A database that already has the history table is not affected.
 */
public final class FlywayBaselineAfterProcrastinate implements BeanPostProcessor, EnvironmentAware {
  private boolean applicationDecides;

  /** Created by the auto-configuration. */
  public FlywayBaselineAfterProcrastinate() {}

  @Override
  public void setEnvironment(Environment environment) {
    applicationDecides = environment.containsProperty("spring.flyway.baseline-on-migrate");
  }

  @Override
  public Object postProcessBeforeInitialization(Object bean, String beanName) {
    if (!applicationDecides
        && bean instanceof Flyway flyway
        && !flyway.getConfiguration().isBaselineOnMigrate()) {
      return Flyway.configure(flyway.getConfiguration().getClassLoader())
          .configuration(flyway.getConfiguration())
          .baselineOnMigrate(true)
          .baselineVersion("0")
          .load();
    }
    return bean;
  }
}
