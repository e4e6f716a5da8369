package dev.procrastinate.spring;

import static org.assertj.core.api.Assertions.assertThat;

import dev.procrastinate.App;
import dev.procrastinate.SchemaManager;
import dev.procrastinate.testing.Sql;
import dev.procrastinate.testing.TestDatabase;
import javax.sql.DataSource;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.springframework.boot.autoconfigure.AutoConfigurations;
import org.springframework.boot.jdbc.autoconfigure.DataSourceAutoConfiguration;
import org.springframework.boot.liquibase.autoconfigure.LiquibaseAutoConfiguration;
import org.springframework.boot.test.context.runner.ApplicationContextRunner;

/**
 * The Procrastinate schema is applied before the application's Liquibase changelog, which may hold
 * foreign keys to {@code procrastinate_jobs}: the same start-up ordering as for Flyway.
 */
class LiquibaseOrderTest {
  @RegisterExtension static final TestDatabase DB = TestDatabase.empty();

  @Test
  void migratesBeforeLiquibase() {
    new ApplicationContextRunner()
        .withConfiguration(
            AutoConfigurations.of(
                DataSourceAutoConfiguration.class,
                LiquibaseAutoConfiguration.class,
                ProcrastinateAutoConfiguration.class))
        .withPropertyValues(
            "spring.datasource.url=" + DB.url(),
            "spring.datasource.username=" + DB.user(),
            "spring.datasource.password=" + DB.password(),
            "spring.liquibase.change-log=classpath:db/liquibase-test/changelog.sql")
        .run(
            context -> {
              assertThat(context).hasNotFailed();
              SchemaManager schema = context.getBean(App.class).schemaManager();
              assertThat(schema.currentVersion()).isEqualTo(schema.latestVersion());
              // The changelog's table references procrastinate_jobs: Liquibase ran after us.
              assertThat(
                      new Sql(context.getBean(DataSource.class))
                          .value(
                              "SELECT count(*) FROM pg_constraint"
                                  + " WHERE conrelid = 'shipments'::regclass AND contype = 'f'"))
                  .isEqualTo("1");
            });
  }
}
