package dev.procrastinate.processor.validation;

import java.util.HashSet;
import java.util.List;
import java.util.Set;
import javax.lang.model.element.ElementKind;
import javax.lang.model.element.RecordComponentElement;
import javax.lang.model.element.TypeElement;
import javax.lang.model.type.ArrayType;
import javax.lang.model.type.DeclaredType;
import javax.lang.model.type.TypeMirror;
import org.jspecify.annotations.Nullable;

/**
 * The types that Jackson writes to JSON and reads back equal: what a task's parameters and its
 * result may be. One set of rules for both, so that whatever a task may take it may also return.
 */
final class JsonTypes {
  /** Value types that Jackson writes as one JSON scalar and reads back equal. */
  private static final Set<String> SCALARS =
      Set.of(
          "java.lang.Boolean",
          "java.lang.Byte",
          "java.lang.Short",
          "java.lang.Integer",
          "java.lang.Long",
          "java.lang.Float",
          "java.lang.Double",
          "java.lang.Character",
          "java.lang.String",
          "java.math.BigDecimal",
          "java.math.BigInteger",
          "java.util.UUID",
          "java.time.Instant",
          "java.time.LocalDate",
          "java.time.LocalTime",
          "java.time.LocalDateTime",
          "java.time.OffsetDateTime",
          "java.time.Duration");

  private static final Set<String> COLLECTIONS = Set.of("java.util.List", "java.util.Set");

  /** Where a type is used, which words the reasons in the messages. */
  enum Use {
    /** The type of a task's parameter, which the worker reads from the job's {@code args}. */
    PARAMETER("reads", "the type of the parameter itself"),
    /** The return type of a task, whose value the worker writes as the job's result. */
    RESULT("writes", "the return type itself");

    private final String verb;
    private final String optionalPlace;

    Use(String verb, String optionalPlace) {
      this.verb = verb;
      this.optionalPlace = optionalPlace;
    }
  }

  private JsonTypes() {}

  /**
   * Returns why a type cannot round-trip through JSON, or null if it can.
   *
   * @param type the type, as declared
   * @param use where it is declared; {@code Optional} is accepted only as the declared type itself
   */
  static @Nullable String problem(TypeMirror type, Use use) {
    return problem(type, use, true, new HashSet<>());
  }

  private static @Nullable String problem(
      TypeMirror type, Use use, boolean topLevel, Set<String> visiting) {
    switch (type.getKind()) {
      case BOOLEAN, BYTE, SHORT, INT, LONG, CHAR, FLOAT, DOUBLE:
        return null;
      case ARRAY:
        {
          String problem = problem(((ArrayType) type).getComponentType(), use, false, visiting);
          return problem == null ? null : "its elements: " + problem;
        }
      case DECLARED:
        return declaredProblem((DeclaredType) type, use, topLevel, visiting);
      case TYPEVAR:
        return "a type variable says nothing about the JSON it " + use.verb;
      case WILDCARD:
        return "a wildcard says nothing about the JSON it " + use.verb;
      default:
        return "it is not a data type";
    }
  }

  private static @Nullable String declaredProblem(
      DeclaredType type, Use use, boolean topLevel, Set<String> visiting) {
    TypeElement element = (TypeElement) type.asElement();
    String name = element.getQualifiedName().toString();
    List<? extends TypeMirror> arguments = type.getTypeArguments();
    if (SCALARS.contains(name) || element.getKind() == ElementKind.ENUM) {
      return null;
    }
    if (name.equals("java.util.Optional")) {
      if (!topLevel) {
        return "Optional is supported only as " + use.optionalPlace;
      }
      return arguments.isEmpty()
          ? "a raw Optional has no element type"
          : nested(arguments.get(0), use, visiting);
    }
    if (COLLECTIONS.contains(name)) {
      return arguments.isEmpty()
          ? "a raw " + element.getSimpleName() + " has no element type"
          : nested(arguments.get(0), use, visiting);
    }
    if (name.equals("java.util.Map")) {
      if (arguments.isEmpty()) {
        return "a raw Map has no key and value types";
      }
      if (!MoreTypes.isType(arguments.get(0), "java.lang.String")) {
        return "JSON object keys are strings, so a Map needs String keys";
      }
      return nested(arguments.get(1), use, visiting);
    }
    if (element.getKind() == ElementKind.RECORD) {
      if (!arguments.isEmpty()) {
        return "a generic record is not supported";
      }
      if (!visiting.add(name)) {
        return null;
      }
      for (RecordComponentElement component : element.getRecordComponents()) {
        String problem = problem(component.asType(), use, false, visiting);
        if (problem != null) {
          return "record component " + component.getSimpleName() + ": " + problem;
        }
      }
      return null;
    }
    if (name.equals("java.lang.Object")) {
      return "Object says nothing about the JSON it " + use.verb;
    }
    return "it is not a value type, an enum, a record, or a List, Set, Map or Optional of those";
  }

  private static @Nullable String nested(TypeMirror type, Use use, Set<String> visiting) {
    String problem = problem(type, use, false, visiting);
    return problem == null ? null : type + ": " + problem;
  }
}
