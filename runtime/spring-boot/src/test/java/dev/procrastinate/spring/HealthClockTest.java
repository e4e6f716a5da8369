package dev.procrastinate.spring;

import static org.assertj.core.api.Assertions.assertThat;

import dev.procrastinate.testing.TestDatabase;
import java.sql.Connection;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.time.Duration;
import java.util.Map;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.springframework.boot.autoconfigure.AutoConfigurations;
import org.springframework.boot.health.contributor.Health;
import org.springframework.boot.health.contributor.HealthIndicator;
import org.springframework.boot.health.contributor.Status;
import org.springframework.boot.jdbc.autoconfigure.DataSourceAutoConfiguration;
import org.springframework.boot.test.context.runner.ApplicationContextRunner;

/**
 * The health's worker check reads the heartbeat's age on the database's clock, which may differ
 * from the JVM's. The database's clock is set an hour behind the JVM's for the application's
 * connections: a function {@code clock_skew.now()} on their search_path, before {@code pg_catalog},
 * answers {@code now() - 1 hour}, so the worker's heartbeats, written with {@code now()}, carry the
 * skewed time, as they would on a database server whose clock is behind.
 */
@Timeout(60)
class HealthClockTest {
  @RegisterExtension static final TestDatabase DB = TestDatabase.empty();

  @BeforeAll
  static void skewTheDatabaseClock() throws SQLException {
    try (Connection connection = DB.newConnection();
        Statement statement = connection.createStatement()) {
      statement.execute("CREATE SCHEMA clock_skew");
      statement.execute(
          "CREATE FUNCTION clock_skew.now() RETURNS timestamptz LANGUAGE sql STABLE"
              + " AS $$ SELECT pg_catalog.now() - interval '1 hour' $$");
    }
  }

  @Test
  void aWorkerBeatingOnADatabaseClockBehindTheJvmsIsHealthy() {
    new ApplicationContextRunner()
        .withConfiguration(
            AutoConfigurations.of(
                DataSourceAutoConfiguration.class, ProcrastinateAutoConfiguration.class))
        .withPropertyValues(
            "spring.datasource.url=" + DB.url() + "?currentSchema=public,clock_skew,pg_catalog",
            "spring.datasource.username=" + DB.user(),
            "spring.datasource.password=" + DB.password(),
            "procrastinate.worker.enabled=true",
            "procrastinate.worker.update-heartbeat-interval=200ms")
        .run(
            context -> {
              assertThat(context).hasNotFailed();
              ProcrastinateWorkerLifecycle worker =
                  context.getBean(ProcrastinateWorkerLifecycle.class);
              worker.start();
              try {
                awaitSkewedHeartbeat();
                Health health =
                    context.getBean("procrastinateHealthIndicator", HealthIndicator.class).health();
                Object check = health.getDetails().get("worker");
                assertThat(check).as(health.toString()).isInstanceOf(Map.class);
                assertThat(((Map<?, ?>) check).get("ok")).as(health.toString()).isEqualTo(true);
                assertThat(health.getStatus()).as(health.toString()).isEqualTo(Status.UP);
              } finally {
                worker.stop();
              }
            });
  }

  /** Waits until a heartbeat has been written with the skewed clock, an hour back. */
  private static void awaitSkewedHeartbeat() throws Exception {
    long deadline = System.nanoTime() + Duration.ofSeconds(30).toNanos();
    while (System.nanoTime() < deadline) {
      try (Connection connection = DB.newConnection();
          Statement statement = connection.createStatement();
          ResultSet rows =
              statement.executeQuery(
                  "SELECT count(*) FROM procrastinate_workers"
                      + " WHERE last_heartbeat < pg_catalog.now() - interval '30 minutes'"
                      + " AND last_heartbeat > pg_catalog.now() - interval '90 minutes'")) {
        rows.next();
        if (rows.getLong(1) > 0) {
          return;
        }
      }
      Thread.sleep(100);
    }
    throw new AssertionError("no heartbeat written with the database's skewed clock");
  }
}
