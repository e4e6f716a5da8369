package dev.procrastinate.test;

import dev.procrastinate.App;
import java.util.Arrays;
import org.junit.jupiter.api.extension.ExtendWith;
import org.junit.jupiter.api.extension.ExtensionContext;
import org.junit.platform.commons.support.AnnotationSupport;
import org.springframework.context.ApplicationContext;
import org.springframework.test.context.junit.jupiter.SpringExtension;

/**
 * The Spring test context of a {@link ProcrastinateTest} class run by Spring's JUnit extension
 * ({@code @SpringBootTest}, {@code @DataJpaTest}, {@code @SpringJUnitConfig}...). Its Spring types
 * are only loaded for such a class, so the module works without Spring.
 */
final class SpringContexts {
  private static final String SPRING_EXTENSION =
      "org.springframework.test.context.junit.jupiter.SpringExtension";

  private SpringContexts() {}

  /**
   * Tells whether Spring's JUnit extension runs the class.
   *
   * @param testClass the test class
   * @return whether the class has a Spring test context
   */
  static boolean runsWithSpring(Class<?> testClass) {
    return AnnotationSupport.findRepeatableAnnotations(testClass, ExtendWith.class).stream()
        .flatMap(extendWith -> Arrays.stream(extendWith.value()))
        .anyMatch(extension -> extension.getName().equals(SPRING_EXTENSION));
  }

  /**
   * Returns the app of the class's Spring test context, loading the context if it is not yet.
   *
   * @param context the test class's extension context
   * @return the context's app
   * @throws IllegalStateException if the context has no app, saying how to give it one
   */
  static App app(ExtensionContext context) {
    ApplicationContext spring = SpringExtension.getApplicationContext(context);
    App app = spring.getBeanProvider(App.class).getIfUnique();
    if (app == null) {
      throw new IllegalStateException(
          "@ProcrastinateTest found no procrastinate App bean in the Spring test context of "
              + context.getRequiredTestClass().getName()
              + ": add procrastinate-spring-boot-starter to the dependencies (it makes the app from"
              + " the context's data source, also in the @DataJpaTest and @JdbcTest slices), or"
              + " declare an App bean");
    }
    return app;
  }
}
