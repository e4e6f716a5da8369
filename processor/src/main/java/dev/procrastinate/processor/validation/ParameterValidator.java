package dev.procrastinate.processor.validation;

import com.palantir.javapoet.AnnotationSpec;
import com.palantir.javapoet.TypeName;
import dev.procrastinate.processor.model.Names;
import dev.procrastinate.processor.model.TaskParam;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import javax.lang.model.element.AnnotationMirror;
import javax.lang.model.element.Element;
import javax.lang.model.element.Modifier;
import javax.lang.model.element.TypeElement;
import javax.lang.model.element.VariableElement;
import javax.lang.model.type.ArrayType;
import javax.lang.model.type.DeclaredType;
import javax.lang.model.type.TypeKind;
import javax.lang.model.type.TypeMirror;
import org.jspecify.annotations.Nullable;

/**
 * Checks the parameters of a {@code @Task} method: at most one {@code JobContext}, distinct JSON
 * names ({@code @Arg}), and types that Jackson writes to JSON and reads back equal ({@link
 * JsonTypes}), which the generated deferrer in the task's package can name.
 */
final class ParameterValidator {
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
      String problem = JsonTypes.problem(type, JsonTypes.Use.PARAMETER);
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
