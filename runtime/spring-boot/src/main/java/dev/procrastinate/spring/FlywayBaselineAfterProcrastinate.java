package dev.procrastinate.spring;

import java.sql.Connection;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.LinkedHashSet;
import java.util.Set;
import javax.sql.DataSource;
import org.flywaydb.core.Flyway;
import org.flywaydb.core.api.configuration.Configuration;
import org.flywaydb.core.api.configuration.FluentConfiguration;
import org.jspecify.annotations.Nullable;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.beans.factory.config.BeanPostProcessor;
import org.springframework.context.EnvironmentAware;
import org.springframework.core.env.Environment;

/**
 * Lets the application's own Flyway start on a database where the Procrastinate schema was just
 * applied in the schema Flyway manages. Flyway refuses to migrate a non-empty schema without its
 * history table ("Found non-empty schema(s) ... but no schema history table"), and on a new
 * database the Procrastinate tables are there first. So the application's {@link Flyway} bean gets
 * {@code baselineOnMigrate=true} and {@code baselineVersion=0}: the history table is created with a
 * baseline below every application migration, and all of them run. A database that already has the
 * history table is not affected.
 *
 * <p>Only when it is needed, and never against the application's own choice:
 *
 * <ul>
 *   <li>Flyway is left alone when the queue's tables are not in a schema it manages: {@code
 *       procrastinate.schema} (or, unset, the connections' current schema) is compared with {@code
 *       spring.flyway.schemas} and {@code spring.flyway.default-schema} (or, unset, Flyway's
 *       connection's current schema). A queue in a schema of its own leaves Flyway's check of its
 *       own schema as it is. So does a Flyway on another database ({@code spring.flyway.url}
 *       different from {@code spring.datasource.url}).
 *   <li>Nothing is set if the application sets {@code spring.flyway.baseline-on-migrate} (to either
 *       value) or turns it on itself: the baseline is then the application's.
 *   <li>{@code baselineVersion} is kept if the application sets {@code
 *       spring.flyway.baseline-version}, or another version than Flyway's default in code; only
 *       {@code baselineOnMigrate} is turned on.
 * </ul>
 */
public final class FlywayBaselineAfterProcrastinate implements BeanPostProcessor, EnvironmentAware {
  private static final Logger LOG = LoggerFactory.getLogger(FlywayBaselineAfterProcrastinate.class);

  /** Flyway's own default baseline version. */
  private static final String FLYWAY_DEFAULT_BASELINE_VERSION = "1";

  private boolean onMigrateSet;
  private boolean versionSet;
  private boolean otherDatabase;
  private @Nullable String queueSchema;

  /** Created by the auto-configuration. */
  public FlywayBaselineAfterProcrastinate() {}

  @Override
  public void setEnvironment(Environment environment) {
    onMigrateSet = environment.containsProperty("spring.flyway.baseline-on-migrate");
    versionSet = environment.containsProperty("spring.flyway.baseline-version");
    String flywayUrl = environment.getProperty("spring.flyway.url");
    otherDatabase =
        flywayUrl != null
            && !flywayUrl.isBlank()
            && !flywayUrl
                .strip()
                .equals(strippedOrEmpty(environment.getProperty("spring.datasource.url")));
    String schema = environment.getProperty("procrastinate.schema");
    queueSchema = schema == null || schema.isBlank() ? null : schema;
  }

  private static String strippedOrEmpty(@Nullable String value) {
    return value == null ? "" : value.strip();
  }

  @Override
  public Object postProcessBeforeInitialization(Object bean, String beanName) {
    if (!(bean instanceof Flyway flyway)) {
      return bean;
    }
    Configuration configuration = flyway.getConfiguration();
    if (onMigrateSet || configuration.isBaselineOnMigrate()) {
      // The application decides, and its baseline version goes with its decision.
      return bean;
    }
    if (otherDatabase) {
      LOG.debug("Flyway migrates another database than the queue's; its baseline is left as it is");
      return bean;
    }
    if (!queueInFlywaysSchemas(configuration)) {
      return bean;
    }
    FluentConfiguration changed =
        Flyway.configure(configuration.getClassLoader())
            .configuration(configuration)
            .baselineOnMigrate(true);
    boolean versionIsFlywaysDefault =
        configuration.getBaselineVersion().getVersion().equals(FLYWAY_DEFAULT_BASELINE_VERSION);
    if (!versionSet && versionIsFlywaysDefault) {
      changed.baselineVersion("0");
    }
    return changed.load();
  }

  /** Tells whether the queue's tables are in a schema Flyway checks and migrates. */
  private boolean queueInFlywaysSchemas(Configuration configuration) {
    Set<String> flywaySchemas = new LinkedHashSet<>();
    if (configuration.getDefaultSchema() != null) {
      flywaySchemas.add(configuration.getDefaultSchema());
    }
    for (String schema : configuration.getSchemas()) {
      flywaySchemas.add(schema);
    }
    if (flywaySchemas.isEmpty() && queueSchema == null) {
      // Both in the connections' current schema.
      return true;
    }
    String queue = queueSchema;
    if (queue == null || flywaySchemas.isEmpty()) {
      String current = currentSchema(configuration.getDataSource());
      if (current == null) {
        return false;
      }
      if (queue == null) {
        queue = current;
      } else {
        flywaySchemas.add(current);
      }
    }
    boolean inside = flywaySchemas.contains(queue);
    if (!inside) {
      LOG.debug(
          "The queue's schema {} is not one of Flyway's {}; Flyway's baseline is left as it is",
          queue,
          flywaySchemas);
    }
    return inside;
  }

  private static @Nullable String currentSchema(@Nullable DataSource dataSource) {
    if (dataSource == null) {
      return null;
    }
    try (Connection connection = dataSource.getConnection();
        Statement statement = connection.createStatement();
        ResultSet rows = statement.executeQuery("SELECT current_schema()")) {
      return rows.next() ? rows.getString(1) : null;
    } catch (SQLException e) {
      LOG.debug("Cannot read Flyway's current schema; its baseline is left as it is", e);
      return null;
    }
  }
}
