package dev.procrastinate.processor.validation;

import com.palantir.javapoet.AnnotationSpec;
import com.palantir.javapoet.TypeName;
import dev.procrastinate.processor.model.Names;
import dev.procrastinate.processor.model.TaskParam;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import javax.lang.model.element.AnnotationMirror;
import javax.lang.model.element.Element;
import javax.lang.model.element.ElementKind;
import javax.lang.model.element.Modifier;
import javax.lang.model.element.RecordComponentElement;
import javax.lang.model.element.TypeElement;
import javax.lang.model.element.VariableElement;
import javax.lang.model.type.ArrayType;
import javax.lang.model.type.DeclaredType;
import javax.lang.model.type.TypeKind;
import javax.lang.model.type.TypeMirror;
import org.jspecify.annotations.Nullable;

/**
 * Checks the parameters of a {@code @Task} method: at most one {@code JobContext}, distinct JSON
 * names ({@code @Arg}), and types that Jackson writes to JSON and reads back equal, which the
 * generated deferrer in the task's package can name.
 */
final class ParameterValidator {
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

  private final Annotations annotations;
  private final Diagnostics diagnostics;

  ParameterValidator(Annotations annotations, Diagnostics diagnostics) {
    this.annotations = annotations;
    this.diagnostics = diagnostics;
  }

  /**
   * Checks every parameter, reporting each problem on the parameter.
   *
   * @return the valid parameters, in order, including a {@code JobContext}
   */
  List<TaskParam> validate(TaskSite site) {
    String signature = site.signature();
    List<TaskParam> params = new ArrayList<>();
    Map<String, String> jsonNames = new HashMap<>();
    boolean context = false;
    for (VariableElement parameter : site.method().getParameters()) {
      String javaName = parameter.getSimpleName().toString();
      TypeMirror type = parameter.asType();
      if (MoreTypes.isType(type, Names.JOB_CONTEXT)) {
        if (context) {
          diagnostics.error(parameter, null, null, Message.TASK_CONTEXT_TWICE, signature);
        }
        context = true;
        params.add(
            new TaskParam(
                javaName,
                javaName,
                type,
                TypeName.get(type),
                TaskParam.Kind.CONTEXT,
                TypeName.get(type)));
        continue;
      }
      String jsonName = javaName;
      AnnotationMirror arg = Annotations.find(parameter, Names.ARG);
      if (arg != null) {
        jsonName = annotations.string(arg, "value");
        if (jsonName.isBlank()) {
          diagnostics.error(parameter, arg, null, Message.ARG_NAME_EMPTY, javaName, signature);
          continue;
        }
      }
      String previous = jsonNames.putIfAbsent(jsonName, javaName);
      if (previous != null) {
        diagnostics.error(
            parameter,
            arg,
            null,
            Message.ARG_NAME_DUPLICATE,
            previous + " and " + javaName,
            signature,
            jsonName);
      }
      String problem = jsonProblem(type, true, new HashSet<>());
      if (problem != null) {
        diagnostics.error(
            parameter,
            null,
            null,
            Message.TASK_PARAMETER_NOT_JSON,
            javaName,
            signature,
            type,
            problem);
        continue;
      }
      String inaccessible = inaccessible(type, site.packageName());
      if (inaccessible != null) {
        diagnostics.error(
            parameter,
            null,
            null,
            Message.TASK_PARAMETER_NOT_ACCESSIBLE,
            javaName,
            signature,
            inaccessible,
            site.packageName());
        continue;
      }
      params.add(param(javaName, jsonName, type));
    }
    return params;
  }

  private static TaskParam param(String javaName, String jsonName, TypeMirror type) {
    // Type-use annotations such as JSpecify's @Nullable carry over to the deferrer's parameters.
    TypeName typeName =
        TypeName.get(type)
            .annotated(type.getAnnotationMirrors().stream().map(AnnotationSpec::get).toList());
    if (type.getKind().isPrimitive()) {
      return new TaskParam(javaName, jsonName, type, typeName, TaskParam.Kind.PRIMITIVE, typeName);
    }
    if (MoreTypes.isType(type, "java.util.Optional")) {
      TypeMirror element = ((DeclaredType) type).getTypeArguments().get(0);
      TaskParam.Kind kind =
          MoreTypes.hasTypeArguments(element)
              ? TaskParam.Kind.OPTIONAL_GENERIC
              : TaskParam.Kind.OPTIONAL_CLASS;
      return new TaskParam(javaName, jsonName, type, typeName, kind, TypeName.get(element));
    }
    TaskParam.Kind kind =
        MoreTypes.hasTypeArguments(type) ? TaskParam.Kind.GENERIC : TaskParam.Kind.CLASS;
    return new TaskParam(javaName, jsonName, type, typeName, kind, typeName);
  }

  /** Returns why a type cannot round-trip through JSON, or null if it can. */
  private static @Nullable String jsonProblem(
      TypeMirror type, boolean topLevel, Set<String> visiting) {
    switch (type.getKind()) {
      case BOOLEAN, BYTE, SHORT, INT, LONG, CHAR, FLOAT, DOUBLE:
        return null;
      case ARRAY:
        {
          String problem = jsonProblem(((ArrayType) type).getComponentType(), false, visiting);
          return problem == null ? null : "its elements: " + problem;
        }
      case DECLARED:
        return declaredProblem((DeclaredType) type, topLevel, visiting);
      case TYPEVAR:
        return "a type variable says nothing about the JSON it reads";
      case WILDCARD:
        return "a wildcard says nothing about the JSON it reads";
      default:
        return "it is not a data type";
    }
  }

  private static @Nullable String declaredProblem(
      DeclaredType type, boolean topLevel, Set<String> visiting) {
    TypeElement element = (TypeElement) type.asElement();
    String name = element.getQualifiedName().toString();
    List<? extends TypeMirror> arguments = type.getTypeArguments();
    if (SCALARS.contains(name) || element.getKind() == ElementKind.ENUM) {
      return null;
    }
    if (name.equals("java.util.Optional")) {
      if (!topLevel) {
        return "Optional is supported only as the type of the parameter itself";
      }
      return arguments.isEmpty()
          ? "a raw Optional has no element type"
          : nested(arguments.get(0), visiting);
    }
    if (COLLECTIONS.contains(name)) {
      return arguments.isEmpty()
          ? "a raw " + element.getSimpleName() + " has no element type"
          : nested(arguments.get(0), visiting);
    }
    if (name.equals("java.util.Map")) {
      if (arguments.isEmpty()) {
        return "a raw Map has no key and value types";
      }
      if (!MoreTypes.isType(arguments.get(0), "java.lang.String")) {
        return "JSON object keys are strings, so a Map needs String keys";
      }
      return nested(arguments.get(1), visiting);
    }
    if (element.getKind() == ElementKind.RECORD) {
      if (!arguments.isEmpty()) {
        return "a generic record is not supported";
      }
      if (!visiting.add(name)) {
        return null;
      }
      for (RecordComponentElement component : element.getRecordComponents()) {
        String problem = jsonProblem(component.asType(), false, visiting);
        if (problem != null) {
          return "record component " + component.getSimpleName() + ": " + problem;
        }
      }
      return null;
    }
    if (name.equals("java.lang.Object")) {
      return "Object says nothing about the JSON it reads";
    }
    return "it is not a value type, an enum, a record, or a List, Set, Map or Optional of those";
  }

  private static @Nullable String nested(TypeMirror type, Set<String> visiting) {
    String problem = jsonProblem(type, false, visiting);
    return problem == null ? null : type + ": " + problem;
  }

  /** Returns the first type that code in the package cannot name, or null. */
  private static @Nullable String inaccessible(TypeMirror type, String packageName) {
    if (type.getKind() == TypeKind.ARRAY) {
      return inaccessible(((ArrayType) type).getComponentType(), packageName);
    }
    if (type.getKind() != TypeKind.DECLARED) {
      return null;
    }
    DeclaredType declared = (DeclaredType) type;
    for (Element e = declared.asElement();
        e instanceof TypeElement t;
        e = e.getEnclosingElement()) {
      Set<Modifier> modifiers = t.getModifiers();
      if (modifiers.contains(Modifier.PRIVATE)
          || (!modifiers.contains(Modifier.PUBLIC)
              && !MoreTypes.packageOf(t).equals(packageName))) {
        return t.getQualifiedName().toString();
      }
    }
    for (TypeMirror argument : declared.getTypeArguments()) {
      String problem = inaccessible(argument, packageName);
      if (problem != null) {
        return problem;
      }
    }
    return null;
  }
}
