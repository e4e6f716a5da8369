package dev.procrastinate.test;

import static org.assertj.core.api.Assertions.assertThat;
import static org.junit.platform.engine.discovery.DiscoverySelectors.selectClass;
import static org.junit.platform.testkit.engine.EventConditions.event;
import static org.junit.platform.testkit.engine.EventConditions.finishedWithFailure;
import static org.junit.platform.testkit.engine.TestExecutionResultConditions.instanceOf;
import static org.junit.platform.testkit.engine.TestExecutionResultConditions.message;

import dev.procrastinate.App;
import java.util.concurrent.atomic.AtomicReference;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.condition.EnabledIf;
import org.junit.platform.testkit.engine.EngineExecutionResults;
import org.junit.platform.testkit.engine.EngineTestKit;
import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Configuration;
import org.springframework.test.context.junit.jupiter.SpringJUnitConfig;

/**
 * {@code @ProcrastinateTest} in a Spring test context: the context's app is the one used, and a
 * combination that cannot work fails the class at once with a message that says what to do. Fixture
 * classes run through JUnit's engine test kit; the Spring Boot scenario under {@code
 * it/src/it/spring-boot} tests the full application on both Boot lines.
 */
class SpringContextTest {
  private static final AtomicReference<App> DEFAULT_DURING_TEST = new AtomicReference<>();
  private static final AtomicReference<App> CONTEXT_APP = new AtomicReference<>();
  private static volatile boolean launched;

  static boolean launchedHere() {
    return launched;
  }

  private static EngineExecutionResults execute(Class<?> fixture) {
    launched = true;
    try {
      return EngineTestKit.engine("junit-jupiter").selectors(selectClass(fixture)).execute();
    } finally {
      launched = false;
    }
  }

  /** A context without any app. */
  @Configuration
  static class NoApp {}

  /** A context whose app is inline. */
  @Configuration
  static class InlineApp {
    @Bean(destroyMethod = "close")
    App app() {
      return App.builder().inline().build();
    }
  }

  @SpringJUnitConfig(NoApp.class)
  @ProcrastinateTest
  @EnabledIf("dev.procrastinate.test.SpringContextTest#launchedHere")
  static class WithoutApp {
    @Test
    void runs() {}
  }

  @SpringJUnitConfig(InlineApp.class)
  @ProcrastinateTest
  @EnabledIf("dev.procrastinate.test.SpringContextTest#launchedHere")
  static class InlineAppButNotInlineTest {
    @Test
    void runs() {}
  }

  @SpringJUnitConfig(InlineApp.class)
  @ProcrastinateTest(inline = true)
  @EnabledIf("dev.procrastinate.test.SpringContextTest#launchedHere")
  static class InlineTest {
    @Autowired App app;

    @Test
    void usesTheContextsApp(App parameter) {
      CONTEXT_APP.set(app);
      DEFAULT_DURING_TEST.set(App.getDefault());
      assertThat(parameter).isSameAs(app);
    }
  }

  @Test
  void aContextWithoutAnAppFailsTheClassSayingHowToGiveItOne() {
    execute(WithoutApp.class)
        .containerEvents()
        .assertThatEvents()
        .haveExactly(
            1,
            event(
                finishedWithFailure(
                    instanceOf(IllegalStateException.class),
                    message(
                        m ->
                            m.contains("found no procrastinate App bean")
                                && m.contains("procrastinate-spring-boot-starter")))));
  }

  @Test
  void anAppWhoseInlineModeDiffersFromTheAnnotationFailsTheClass() {
    execute(InlineAppButNotInlineTest.class)
        .containerEvents()
        .assertThatEvents()
        .haveExactly(
            1,
            event(
                finishedWithFailure(
                    instanceOf(IllegalStateException.class),
                    message(
                        m ->
                            m.contains("@ProcrastinateTest(inline = false)")
                                && m.contains("the Spring context's app is inline")))));
  }

  @Test
  void theContextsAppIsTheDefaultAppDuringTheTestsAndNotAfter() {
    App before = App.setDefault(null);
    App after;
    try {
      execute(InlineTest.class)
          .testEvents()
          .assertStatistics(stats -> stats.succeeded(1).failed(0));
    } finally {
      after = App.setDefault(before);
    }
    assertThat(DEFAULT_DURING_TEST.get()).isNotNull().isSameAs(CONTEXT_APP.get());
    assertThat(after).as("the default app after the class").isNull();
  }
}
