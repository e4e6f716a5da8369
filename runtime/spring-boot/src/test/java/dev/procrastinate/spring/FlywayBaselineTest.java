package dev.procrastinate.spring;

import static org.assertj.core.api.Assertions.assertThat;

import dev.procrastinate.testing.TestDatabase;
import java.sql.Connection;
import java.sql.SQLException;
import java.sql.Statement;
import org.flywaydb.core.Flyway;
import org.flywaydb.core.api.configuration.Configuration;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.springframework.boot.autoconfigure.AutoConfigurations;
import org.springframework.boot.flyway.autoconfigure.FlywayAutoConfiguration;
import org.springframework.boot.jdbc.autoconfigure.DataSourceAutoConfiguration;
import org.springframework.boot.test.context.runner.ApplicationContextRunner;

/**
 * When the starter lets the application's Flyway baseline below its first migration: only when the
 * queue's tables are in a schema that Flyway manages, and never against the application's own
 * baseline settings. Each test uses schemas of its own in one real database; the starter does not
 * create the queue's schema, so the tests do.
 */
class FlywayBaselineTest {
  @RegisterExtension static final TestDatabase DB = TestDatabase.empty();

  private ApplicationContextRunner runner() {
    return new ApplicationContextRunner()
        .withConfiguration(
            AutoConfigurations.of(
                DataSourceAutoConfiguration.class,
                FlywayAutoConfiguration.class,
                ProcrastinateAutoConfiguration.class))
        .withPropertyValues(
            "spring.datasource.url=" + DB.url(),
            "spring.datasource.username=" + DB.user(),
            "spring.datasource.password=" + DB.password(),
            "spring.flyway.locations=classpath:db/flyway-baseline");
  }

  @Test
  void theQueueInItsOwnSchemaLeavesTheApplicationsFlywayAlone() throws SQLException {
    // The application's schema holds a table Flyway does not know: Flyway must refuse to migrate
    // it, as it would without the starter, rather than baseline it because of the queue's tables,
    // which are elsewhere.
    execute("CREATE SCHEMA queue_a; CREATE SCHEMA app_a; CREATE TABLE app_a.legacy (id int)");
    runner()
        .withPropertyValues("procrastinate.schema=queue_a", "spring.flyway.schemas=app_a")
        .run(
            context -> {
              assertThat(context).hasFailed();
              assertThat(context.getStartupFailure())
                  .rootCause()
                  .hasMessageContaining("non-empty schema")
                  .hasMessageContaining("app_a");
            });
  }

  @Test
  void theQueueOutsideFlywaysDefaultSchemaLeavesItAlone() {
    // The queue's schema is unset (the connections' search_path: public); Flyway's is app_b.
    runner()
        .withPropertyValues("spring.flyway.schemas=app_b")
        .run(
            context -> {
              assertThat(context).hasNotFailed();
              Configuration flyway = context.getBean(Flyway.class).getConfiguration();
              assertThat(flyway.isBaselineOnMigrate()).isFalse();
              assertThat(flyway.getBaselineVersion().getVersion()).isEqualTo("1");
            });
  }

  @Test
  void theQueueInFlywaysSchemaGetsTheBaselineBelowEveryMigration() {
    // Flyway's schema is unset (the connection's current schema: public), the queue's is public.
    runner()
        .withPropertyValues("procrastinate.schema=public")
        .run(
            context -> {
              assertThat(context).hasNotFailed();
              Configuration flyway = context.getBean(Flyway.class).getConfiguration();
              assertThat(flyway.isBaselineOnMigrate()).isTrue();
              assertThat(flyway.getBaselineVersion().getVersion()).isEqualTo("0");
              assertThat(count("SELECT count(*) FROM public.notes")).isZero();
            });
  }

  @Test
  void aBaselineVersionTheApplicationSetsIsKept() throws SQLException {
    execute("CREATE SCHEMA shared_c");
    runner()
        .withPropertyValues(
            "procrastinate.schema=shared_c",
            "spring.flyway.schemas=shared_c",
            "spring.flyway.baseline-version=3")
        .run(
            context -> {
              assertThat(context).hasNotFailed();
              Configuration flyway = context.getBean(Flyway.class).getConfiguration();
              assertThat(flyway.isBaselineOnMigrate()).isTrue();
              assertThat(flyway.getBaselineVersion().getVersion()).isEqualTo("3");
            });
  }

  private static void execute(String sql) throws SQLException {
    try (Connection connection = DB.newConnection();
        Statement statement = connection.createStatement()) {
      statement.execute(sql);
    }
  }

  private static long count(String sql) {
    try (Connection connection = DB.newConnection();
        Statement statement = connection.createStatement();
        var rows = statement.executeQuery(sql)) {
      rows.next();
      return rows.getLong(1);
    } catch (SQLException e) {
      throw new IllegalStateException(e);
    }
  }
}
