package dev.procrastinate.processor.validation;

import java.util.List;
import javax.lang.model.element.ExecutableElement;
import javax.lang.model.element.TypeElement;
import javax.lang.model.type.DeclaredType;
import javax.lang.model.type.TypeKind;
import javax.lang.model.type.TypeMirror;
import javax.lang.model.util.Elements;
import javax.lang.model.util.Types;
import org.jspecify.annotations.Nullable;

/**
 * Checks the return type of a {@code @Task} method, whose value the worker stores as the job's JSON
 * result: {@code void} and {@code Void} store none, and any other type must be one that a parameter
 * could have ({@link JsonTypes}); an {@code Optional} is a result or none. The generated handler
 * returns the method's value without naming its type, so unlike a parameter's type it need not be
 * accessible from the task's package.
 */
final class ReturnTypeValidator {
  /** Types whose value is not ready when the method returns; a worker does not wait for them. */
  private static final List<String> ASYNCHRONOUS =
      List.of("java.util.concurrent.Future", "java.util.concurrent.CompletionStage");

  private final Elements elements;
  private final Types types;
  private final Diagnostics diagnostics;

  ReturnTypeValidator(Elements elements, Types types, Diagnostics diagnostics) {
    this.elements = elements;
    this.types = types;
    this.diagnostics = diagnostics;
  }

  /** Checks the return type, reporting a problem on the method. */
  void validate(TaskSite site) {
    ExecutableElement method = site.method();
    TypeMirror type = method.getReturnType();
    if (type.getKind() == TypeKind.VOID || MoreTypes.isType(type, "java.lang.Void")) {
      return;
    }
    String problem = asynchronous(type);
    if (problem == null) {
      problem = JsonTypes.problem(type, JsonTypes.Use.RESULT);
    }
    if (problem != null) {
      diagnostics.error(
          method, null, null, Message.TASK_RETURN_TYPE_NOT_JSON, site.signature(), type, problem);
    }
  }

  private @Nullable String asynchronous(TypeMirror type) {
    if (type.getKind() != TypeKind.DECLARED) {
      return null;
    }
    for (String name : ASYNCHRONOUS) {
      TypeElement element = elements.getTypeElement(name);
      if (element != null
          && types.isSubtype(types.erasure(type), types.erasure(element.asType()))) {
        return "a task runs synchronously: the worker stores the result when the method returns"
            + " and does not wait for a "
            + ((DeclaredType) type).asElement().getSimpleName()
            + "; wait for it in the method and return the value itself";
      }
    }
    return null;
  }
}
