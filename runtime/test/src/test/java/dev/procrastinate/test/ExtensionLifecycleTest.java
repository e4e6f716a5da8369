package dev.procrastinate.test;

import static org.assertj.core.api.Assertions.assertThat;
import static org.junit.platform.engine.discovery.DiscoverySelectors.selectClass;
import static org.junit.platform.testkit.engine.EventConditions.event;
import static org.junit.platform.testkit.engine.EventConditions.finishedWithFailure;
import static org.junit.platform.testkit.engine.EventConditions.test;
import static org.junit.platform.testkit.engine.TestExecutionResultConditions.instanceOf;
import static org.junit.platform.testkit.engine.TestExecutionResultConditions.message;

import dev.procrastinate.App;
import dev.procrastinate.test.shop.SendReceiptDeferrer;
import java.sql.Connection;
import java.sql.ResultSet;
import java.sql.Statement;
import java.util.concurrent.atomic.AtomicReference;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.condition.EnabledIf;
import org.junit.jupiter.api.extension.ParameterResolutionException;
import org.junit.platform.testkit.engine.EngineTestKit;

/**
 * What the extension does around a test class, seen from outside: classes run through JUnit's
 * engine test kit.
 */
class ExtensionLifecycleTest {
  private static final AtomicReference<App> SEEN = new AtomicReference<>();
  private static final AtomicReference<String> SCHEMA = new AtomicReference<>();
  private static volatile boolean launched;

  /**
   * Whether the engine test kit of this class runs the fixture classes below; a build that selects
   * every class (such as {@code -Dtest=!SomeTest}) skips them.
   *
   * @return true inside {@link #execute(Class)}
   */
  static boolean launchedHere() {
    return launched;
  }

  private static org.junit.platform.testkit.engine.EngineExecutionResults execute(
      Class<?> fixture) {
    launched = true;
    try {
      return EngineTestKit.engine("junit-jupiter").selectors(selectClass(fixture)).execute();
    } finally {
      launched = false;
    }
  }

  /** A user's test class. */
  @ProcrastinateTest
  @EnabledIf("dev.procrastinate.test.ExtensionLifecycleTest#launchedHere")
  static class UsersTest {
    @Test
    void defers(App app, TestJobs jobs) throws Exception {
      SEEN.set(app);
      try (Connection connection = app.dataSource().getConnection();
          Statement statement = connection.createStatement();
          ResultSet schema = statement.executeQuery("SELECT current_schema()")) {
        schema.next();
        SCHEMA.set(schema.getString(1));
      }
      SendReceiptDeferrer.defer(1, "a@example.com");
      jobs.assertDeferred(JobMatch.task(SendReceiptDeferrer.class));
    }
  }

  /** An inline class that asks for what needs a database. */
  @ProcrastinateTest(inline = true)
  @EnabledIf("dev.procrastinate.test.ExtensionLifecycleTest#launchedHere")
  static class InlineWithJobs {
    @Test
    void wantsJobs(TestJobs jobs) {
      jobs.assertNothingDeferred();
    }
  }

  @Test
  void theDefaultAppComesBackAndTheSchemaIsDroppedAfterTheClass() throws Exception {
    try (App mine = App.builder().inline().build()) {
      App previous = App.setDefault(mine);
      try {
        execute(UsersTest.class)
            .testEvents()
            .assertStatistics(stats -> stats.succeeded(1).failed(0));

        assertThat(SEEN.get()).isNotNull().isNotSameAs(mine);
        assertThat(App.getDefault()).isSameAs(mine);
        assertThat(SCHEMA.get()).startsWith("procrastinate_test_userstest_");
        try (App probe = App.create(testServerConfig());
            Connection connection = probe.dataSource().getConnection();
            Statement statement = connection.createStatement();
            ResultSet count =
                statement.executeQuery(
                    "SELECT count(*) FROM pg_namespace WHERE nspname = '" + SCHEMA.get() + "'")) {
          count.next();
          assertThat(count.getInt(1)).isZero();
        }
      } finally {
        App.setDefault(previous);
      }
    }
  }

  @Test
  void testJobsInAnInlineClassIsRefusedWithTheFix() {
    execute(InlineWithJobs.class)
        .testEvents()
        .assertThatEvents()
        .haveExactly(
            1,
            event(
                test("wantsJobs"),
                finishedWithFailure(
                    instanceOf(ParameterResolutionException.class),
                    message(
                        m ->
                            m.contains("TestJobs needs a database")
                                && m.contains("inline = true")))));
  }

  private static dev.procrastinate.AppConfig testServerConfig() {
    try (TestServer server = TestServer.find()) {
      return server.config("public");
    }
  }
}
