package dev.procrastinate.processor.writing;

import com.palantir.javapoet.AnnotationSpec;
import com.palantir.javapoet.TypeSpec;
import dev.procrastinate.processor.model.Names;

/** The annotations every generated type carries. */
final class Generated {
  private Generated() {}

  /**
   * Adds {@code @Generated} (without a date, for reproducible builds) and {@code @TaskGenerated}.
   */
  static TypeSpec.Builder mark(TypeSpec.Builder type, boolean generatedAvailable) {
    if (generatedAvailable) {
      type.addAnnotation(
          AnnotationSpec.builder(Names.GENERATED)
              .addMember("value", "$S", Names.PROCESSOR)
              .addMember("comments", "$S", Names.PROJECT_URL)
              .build());
    }
    return type.addAnnotation(Names.TASK_GENERATED);
  }
}
