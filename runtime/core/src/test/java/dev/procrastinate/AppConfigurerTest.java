package dev.procrastinate;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.procrastinate.spi.TaskDescriptor;
import dev.procrastinate.spi.TaskRegistrar;
import dev.procrastinate.testing.TestDatabase;
import java.io.IOException;
import java.net.URL;
import java.net.URLClassLoader;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.junit.jupiter.api.io.TempDir;

/**
 * {@link AppConfigurer}s listed in a real {@code META-INF/services} file, on a class loader of
 * their own, change every app built with that class loader.
 */
class AppConfigurerTest {
  @RegisterExtension static final TestDatabase DB = TestDatabase.migrated();

  /** What the configurers did, in order. */
  static final List<String> CALLS = Collections.synchronizedList(new ArrayList<>());

  @TempDir Path root;

  @BeforeEach
  void clear() {
    CALLS.clear();
  }

  /** Sets the periodic max delay and adds a task. */
  public static final class SetsDelayAndTask implements AppConfigurer {
    /** Called by the service loader. */
    public SetsDelayAndTask() {}

    @Override
    public void configure(App.Builder builder) {
      CALLS.add("delay-and-task");
      TaskRegistrar registrar =
          () ->
              List.of(
                  TaskDescriptor.builder("configured.task")
                      .source("AppConfigurerTest")
                      .build((context, arguments) -> null));
      builder.periodicMaxDelay(Duration.ofSeconds(42)).taskRegistrars(List.of(registrar));
    }
  }

  /** Runs after {@link SetsDelayAndTask} (class names sort so) and sees what it did. */
  public static final class Then implements AppConfigurer {
    /** Called by the service loader. */
    public Then() {}

    @Override
    public void configure(App.Builder builder) {
      CALLS.add("then");
    }
  }

  /** Fails. */
  public static final class Fails implements AppConfigurer {
    /** Called by the service loader. */
    public Fails() {}

    @Override
    public void configure(App.Builder builder) throws IOException {
      throw new IOException("no settings file");
    }
  }

  /** Calls build(), which a configurer must not. */
  public static final class Builds implements AppConfigurer {
    /** Called by the service loader. */
    public Builds() {}

    @Override
    public void configure(App.Builder builder) {
      builder.build();
    }
  }

  private ClassLoader loaderListing(Class<?>... configurers) throws IOException {
    Path services = root.resolve("META-INF/services");
    Files.createDirectories(services);
    StringBuilder text = new StringBuilder("# configurers of the test\n");
    for (Class<?> configurer : configurers) {
      text.append(configurer.getName()).append('\n');
    }
    Files.writeString(
        services.resolve(AppConfigurer.class.getName()), text, StandardCharsets.UTF_8);
    return new URLClassLoader(new URL[] {root.toUri().toURL()}, getClass().getClassLoader());
  }

  @Test
  void configurersChangeTheAppInClassNameOrder() throws Exception {
    // Listed in the reverse of the order they run in.
    ClassLoader loader = loaderListing(Then.class, SetsDelayAndTask.class);
    try (App app = App.builder().classLoader(loader).dataSource(DB.dataSource()).build()) {
      assertThat(CALLS).containsExactly("delay-and-task", "then");
      assertThat(app.periodicMaxDelay()).isEqualTo(Duration.ofSeconds(42));
      assertThat(app.taskNames()).contains("configured.task");
    }
  }

  @Test
  void theContextClassLoaderIsUsedWhenNoneIsGiven() throws Exception {
    ClassLoader loader = loaderListing(SetsDelayAndTask.class);
    Thread thread = Thread.currentThread();
    ClassLoader previous = thread.getContextClassLoader();
    thread.setContextClassLoader(loader);
    try (App app = App.builder().dataSource(DB.dataSource()).build()) {
      assertThat(app.periodicMaxDelay()).isEqualTo(Duration.ofSeconds(42));
    } finally {
      thread.setContextClassLoader(previous);
    }
    assertThat(CALLS).containsExactly("delay-and-task");
  }

  @Test
  void configurersCanBeTurnedOff() throws Exception {
    ClassLoader loader = loaderListing(SetsDelayAndTask.class);
    try (App app =
        App.builder()
            .classLoader(loader)
            .applyConfigurers(false)
            .dataSource(DB.dataSource())
            .build()) {
      assertThat(app.periodicMaxDelay()).isEqualTo(Duration.ofMinutes(10));
      assertThat(app.taskNames()).doesNotContain("configured.task");
    }
    assertThat(CALLS).isEmpty();
  }

  @Test
  void aFailingConfigurerFailsTheBuildNamingItsClass() throws Exception {
    ClassLoader loader = loaderListing(Fails.class);
    assertThatThrownBy(() -> App.builder().classLoader(loader).dataSource(DB.dataSource()).build())
        .isInstanceOf(IllegalStateException.class)
        .hasMessageContaining("AppConfigurer " + Fails.class.getName() + " failed")
        .hasMessageContaining("no settings file")
        .hasCauseInstanceOf(IOException.class);
  }

  @Test
  void aConfigurerMayNotBuild() throws Exception {
    ClassLoader loader = loaderListing(Builds.class);
    assertThatThrownBy(() -> App.builder().classLoader(loader).dataSource(DB.dataSource()).build())
        .hasMessageContaining(Builds.class.getName())
        .hasRootCauseMessage(
            "an AppConfigurer called App.Builder.build(); a configurer only changes the builder");
  }

  @Test
  void aListedClassThatIsNoConfigurerIsNamed() throws Exception {
    ClassLoader loader = loaderListing(AppConfigurerTest.class);
    assertThatThrownBy(() -> App.builder().classLoader(loader).dataSource(DB.dataSource()).build())
        .isInstanceOf(IllegalStateException.class)
        .hasMessageContaining("META-INF/services/dev.procrastinate.AppConfigurer")
        .hasMessageContaining(AppConfigurerTest.class.getName() + " not a subtype");
  }
}
