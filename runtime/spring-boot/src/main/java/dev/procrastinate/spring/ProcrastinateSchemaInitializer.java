package dev.procrastinate.spring;

import dev.procrastinate.SchemaManager;
import java.util.Objects;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.beans.factory.InitializingBean;

/**
 * Applies the Procrastinate schema when the application starts ({@code procrastinate.migrate}, true
 * by default). Spring Boot's database initialization runs it before Flyway's and Liquibase's
 * initializers (see {@link ProcrastinateSchemaInitializerDetector}), so the application's own
 * migrations may reference {@code procrastinate_jobs}.
 */
public final class ProcrastinateSchemaInitializer implements InitializingBean {
  private static final Logger LOG = LoggerFactory.getLogger("procrastinate.spring");

  private final SchemaManager schemaManager;
  private volatile SchemaManager.@org.jspecify.annotations.Nullable MigrationResult result;

  /**
   * Creates the initializer.
   *
   * @param schemaManager the app's schema manager
   */
  public ProcrastinateSchemaInitializer(SchemaManager schemaManager) {
    this.schemaManager = Objects.requireNonNull(schemaManager, "schemaManager");
  }

  /**
   * Migrates the schema.
   *
   * @throws dev.procrastinate.SchemaException if the schema cannot be migrated safely, saying why
   */
  @Override
  public void afterPropertiesSet() {
    SchemaManager.MigrationResult migrated = schemaManager.migrate();
    result = migrated;
    LOG.info(
        "Procrastinate schema {} in schema {}: version {}",
        migrated.outcome().name().toLowerCase(java.util.Locale.ROOT).replace('_', ' '),
        migrated.schema(),
        migrated.version());
  }

  /**
   * Returns what the start-up migration did.
   *
   * @return the result, or null before it ran
   */
  public SchemaManager.@org.jspecify.annotations.Nullable MigrationResult result() {
    return result;
  }
}
