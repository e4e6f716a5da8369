package dev.procrastinate.test.spring;

import dev.procrastinate.test.ProcrastinateTest;
import java.util.List;
import org.jspecify.annotations.Nullable;
import org.springframework.test.context.ContextConfigurationAttributes;
import org.springframework.test.context.ContextCustomizer;
import org.springframework.test.context.ContextCustomizerFactory;
import org.springframework.test.context.TestContextAnnotationUtils;

/**
 * Adapts the Spring test context of a class annotated {@link ProcrastinateTest} (see the {@link
 * dev.procrastinate.test.spring package} description). Listed in {@code META-INF/spring.factories}.
 */
public final class ProcrastinateContextCustomizerFactory implements ContextCustomizerFactory {
  /** Created by Spring's test framework. */
  public ProcrastinateContextCustomizerFactory() {}

  @Override
  public @Nullable ContextCustomizer createContextCustomizer(
      Class<?> testClass, List<ContextConfigurationAttributes> configAttributes) {
    ProcrastinateTest annotation =
        TestContextAnnotationUtils.findMergedAnnotation(testClass, ProcrastinateTest.class);
    return annotation == null ? null : new ProcrastinateContextCustomizer(annotation.inline());
  }
}
