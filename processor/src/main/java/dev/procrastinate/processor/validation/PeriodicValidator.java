package dev.procrastinate.processor.validation;

import dev.procrastinate.processor.model.Names;
import dev.procrastinate.processor.model.PeriodicModel;
import dev.procrastinate.processor.model.TaskParam;
import dev.procrastinate.spi.rules.CronSyntax;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;
import javax.lang.model.element.AnnotationMirror;
import javax.lang.model.element.AnnotationValue;
import javax.lang.model.element.Element;
import javax.lang.model.element.ElementKind;
import javax.lang.model.element.TypeElement;
import javax.lang.model.type.ArrayType;
import javax.lang.model.type.DeclaredType;
import javax.lang.model.type.TypeKind;
import javax.lang.model.type.TypeMirror;
import org.jspecify.annotations.Nullable;

/**
 * Checks the {@code @Periodic} schedules of a task: the cron expression, with {@link CronSyntax},
 * which the runtime's scheduler uses too; distinct periodic ids; fixed {@code args} that fit the
 * task's parameters; and the {@code long timestamp} parameter that receives each tick.
 */
final class PeriodicValidator {
  private final Annotations annotations;
  private final Diagnostics diagnostics;

  PeriodicValidator(Annotations annotations, Diagnostics diagnostics) {
    this.annotations = annotations;
    this.diagnostics = diagnostics;
  }

  /** Returns the {@code @Periodic} annotations of a method, repeated or not. */
  List<AnnotationMirror> mirrors(Element method) {
    List<AnnotationMirror> out = new ArrayList<>();
    AnnotationMirror single = Annotations.find(method, Names.PERIODIC);
    if (single != null) {
      out.add(single);
    }
    AnnotationMirror container = Annotations.find(method, Names.PERIODIC_LIST);
    if (container != null) {
      for (AnnotationValue value : annotations.list(container, "value")) {
        out.add((AnnotationMirror) value.getValue());
      }
    }
    return out;
  }

  /**
   * Checks every schedule of a task against its validated parameters.
   *
   * @return the schedules, in declaration order; empty if the task is not periodic
   */
  List<PeriodicModel> validate(TaskSite site, List<TaskParam> params) {
    List<AnnotationMirror> mirrors = mirrors(site.method());
    List<PeriodicModel> out = new ArrayList<>();
    if (mirrors.isEmpty()) {
      return out;
    }
    String signature = site.signature();
    Map<String, TaskParam> arguments = new LinkedHashMap<>();
    params.stream()
        .filter(p -> p.kind() != TaskParam.Kind.CONTEXT)
        .forEach(p -> arguments.put(p.jsonName(), p));
    TaskParam timestamp = arguments.get("timestamp");
    if (timestamp == null
        || !(timestamp.type().getKind() == TypeKind.LONG
            || MoreTypes.isType(timestamp.type(), "java.lang.Long"))) {
      diagnostics.error(
          site.method(), mirrors.get(0), null, Message.PERIODIC_TIMESTAMP_MISSING, signature);
    }
    Set<String> ids = new HashSet<>();
    for (AnnotationMirror periodic : mirrors) {
      String cron = annotations.string(periodic, "cron");
      String cronProblem = CronSyntax.problem(cron);
      if (cronProblem != null) {
        diagnostics.error(
            site.method(),
            periodic,
            Annotations.explicit(periodic, "cron"),
            Message.PERIODIC_CRON_INVALID,
            cron,
            signature,
            cronProblem);
      }
      String periodicId = annotations.string(periodic, "periodicId");
      if (!ids.add(periodicId)) {
        diagnostics.error(
            site.method(),
            periodic,
            Annotations.explicit(periodic, "periodicId"),
            Message.PERIODIC_ID_DUPLICATE,
            signature,
            periodicId);
      }
      String args = annotations.string(periodic, "args");
      String argsProblem = argsProblem(args, arguments);
      if (argsProblem != null) {
        diagnostics.error(
            site.method(),
            periodic,
            Annotations.explicit(periodic, "args"),
            Message.PERIODIC_ARGS_INVALID,
            signature,
            argsProblem);
      }
      out.add(new PeriodicModel(cron, periodicId, args));
    }
    return out;
  }

  private static @Nullable String argsProblem(String args, Map<String, TaskParam> arguments) {
    Map<String, JsonText.Kind> values;
    try {
      values = JsonText.object(args);
    } catch (IllegalArgumentException e) {
      return e.getMessage();
    }
    Set<String> keys = values.keySet();
    if (keys.contains("timestamp")) {
      return "\"timestamp\" is set by the worker to each tick; remove it from args";
    }
    for (Map.Entry<String, JsonText.Kind> value : values.entrySet()) {
      TaskParam param = arguments.get(value.getKey());
      if (param == null) {
        return "\""
            + value.getKey()
            + "\" is not an argument of the task, whose arguments are "
            + arguments.keySet()
            + "; remove it or fix its name";
      }
      if (!fits(param.type(), value.getValue())) {
        return "\""
            + value.getKey()
            + "\" is a JSON "
            + value.getValue().name().toLowerCase(Locale.ROOT)
            + ", which does not fit its parameter type "
            + param.typeName().withoutAnnotations()
            + "; give a value of that type";
      }
    }
    for (TaskParam param : arguments.values()) {
      boolean optional =
          param.kind() == TaskParam.Kind.OPTIONAL_CLASS
              || param.kind() == TaskParam.Kind.OPTIONAL_GENERIC;
      if (!optional && !param.jsonName().equals("timestamp") && !keys.contains(param.jsonName())) {
        return "argument \""
            + param.jsonName()
            + "\" has no value; add it to args, e.g. {\""
            + param.jsonName()
            + "\": ...}, or make the parameter an Optional";
      }
    }
    return null;
  }

  /** Tells whether a JSON value of this kind can decode to a (supported) parameter type. */
  private static boolean fits(TypeMirror type, JsonText.Kind kind) {
    TypeKind typeKind = type.getKind();
    if (kind == JsonText.Kind.NULL) {
      return !typeKind.isPrimitive();
    }
    switch (typeKind) {
      case BOOLEAN:
        return kind == JsonText.Kind.BOOLEAN;
      case BYTE, SHORT, INT, LONG:
        return kind == JsonText.Kind.INTEGER;
      case FLOAT, DOUBLE:
        return kind == JsonText.Kind.INTEGER || kind == JsonText.Kind.FRACTION;
      case CHAR:
        return kind == JsonText.Kind.STRING;
      case ARRAY:
        TypeKind component = ((ArrayType) type).getComponentType().getKind();
        return component == TypeKind.BYTE || component == TypeKind.CHAR
            ? kind == JsonText.Kind.STRING
            : kind == JsonText.Kind.ARRAY;
      case DECLARED:
        break;
      default:
        return false;
    }
    DeclaredType declared = (DeclaredType) type;
    TypeElement element = (TypeElement) declared.asElement();
    String name = element.getQualifiedName().toString();
    if (name.equals("java.util.Optional")) {
      return fits(declared.getTypeArguments().get(0), kind);
    }
    return switch (name) {
      case "java.lang.Boolean" -> kind == JsonText.Kind.BOOLEAN;
      case "java.lang.Byte",
          "java.lang.Short",
          "java.lang.Integer",
          "java.lang.Long",
          "java.math.BigInteger" ->
          kind == JsonText.Kind.INTEGER;
      case "java.lang.Float", "java.lang.Double", "java.math.BigDecimal" ->
          kind == JsonText.Kind.INTEGER || kind == JsonText.Kind.FRACTION;
      case "java.util.List", "java.util.Set" -> kind == JsonText.Kind.ARRAY;
      case "java.util.Map" -> kind == JsonText.Kind.OBJECT;
      default ->
          element.getKind() == ElementKind.RECORD
              ? kind == JsonText.Kind.OBJECT
              : kind == JsonText.Kind.STRING;
    };
  }
}
