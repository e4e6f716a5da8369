package dev.procrastinate.spring;

import java.util.Set;
import org.springframework.boot.sql.init.dependency.AbstractBeansOfTypeDatabaseInitializerDetector;
import org.springframework.core.Ordered;

/**
 * Declares {@link ProcrastinateSchemaInitializer} to Spring Boot's database-initialization
 * ordering, ahead of Flyway and Liquibase (their detectors have order 1): their initializers, and
 * every bean that depends on database initialization, are created after the Procrastinate schema
 * exists. Listed in {@code META-INF/spring.factories}; the same package on Boot 3.5 and 4.0.
 */
public final class ProcrastinateSchemaInitializerDetector
    extends AbstractBeansOfTypeDatabaseInitializerDetector {
  /** Created by Spring Boot from {@code META-INF/spring.factories}. */
  public ProcrastinateSchemaInitializerDetector() {}

  @Override
  protected Set<Class<?>> getDatabaseInitializerBeanTypes() {
    return Set.of(ProcrastinateSchemaInitializer.class);
  }

  @Override
  public int getOrder() {
    return Ordered.HIGHEST_PRECEDENCE;
  }
}
