package dev.procrastinate.test.spring;

import java.util.LinkedHashMap;
import java.util.Map;
import org.jspecify.annotations.Nullable;
import org.springframework.context.ConfigurableApplicationContext;
import org.springframework.core.env.ConfigurableEnvironment;
import org.springframework.core.env.MapPropertySource;
import org.springframework.core.env.MutablePropertySources;
import org.springframework.test.context.ContextCustomizer;
import org.springframework.test.context.MergedContextConfiguration;

/**
 * Adds the {@code @ProcrastinateTest} settings to a Spring test context, below the test's own
 * properties. Equal to another with the same settings, so such contexts are cached as one.
 */
final class ProcrastinateContextCustomizer implements ContextCustomizer {
  /** The name of the property source this adds. */
  static final String PROPERTY_SOURCE = "procrastinateTest";

  /**
   * Spring's name of the source of {@code @SpringBootTest(properties)},
   * {@code @TestPropertySource}.
   */
  private static final String INLINED_TEST_PROPERTIES = "Inlined Test Properties";

  private final boolean inline;

  ProcrastinateContextCustomizer(boolean inline) {
    this.inline = inline;
  }

  @Override
  public void customizeContext(
      ConfigurableApplicationContext context, MergedContextConfiguration mergedConfig) {
    ConfigurableEnvironment environment = context.getEnvironment();
    Map<String, Object> properties = new LinkedHashMap<>();
    // A test runs due jobs itself (TestJobs.runDue); a worker of the context would take them.
    properties.put("procrastinate.worker.enabled", "false");
    if (inline) {
      properties.put("procrastinate.inline", "true");
    }
    // A slice such as @DataJpaTest would put an embedded database in place of PostgreSQL.
    properties.put("spring.test.database.replace", "none");
    TestDatabases.Created database =
        TestDatabases.forContext(
            environment.getProperty("spring.datasource.url"),
            environment.getProperty("spring.datasource.username"),
            environment.getProperty("spring.datasource.password"));
    if (database != null) {
      properties.put("spring.datasource.url", database.url());
      if (database.user() != null) {
        properties.put("spring.datasource.username", database.user());
      }
      if (database.password() != null) {
        properties.put("spring.datasource.password", database.password());
      }
    }
    MapPropertySource source = new MapPropertySource(PROPERTY_SOURCE, properties);
    MutablePropertySources sources = environment.getPropertySources();
    if (sources.contains(INLINED_TEST_PROPERTIES)) {
      sources.addAfter(INLINED_TEST_PROPERTIES, source);
    } else {
      sources.addFirst(source);
    }
  }

  @Override
  public boolean equals(@Nullable Object other) {
    return other instanceof ProcrastinateContextCustomizer that && that.inline == inline;
  }

  @Override
  public int hashCode() {
    return Boolean.hashCode(inline) + ProcrastinateContextCustomizer.class.hashCode();
  }
}
