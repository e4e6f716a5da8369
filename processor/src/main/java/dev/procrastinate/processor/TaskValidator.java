package dev.procrastinate.processor;

import com.palantir.javapoet.AnnotationSpec;
import com.palantir.javapoet.ClassName;
import com.palantir.javapoet.TypeName;
import dev.procrastinate.internal.rules.CronSyntax;
import dev.procrastinate.internal.rules.NameLimits;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.stream.Collectors;
import javax.annotation.processing.ProcessingEnvironment;
import javax.lang.model.SourceVersion;
import javax.lang.model.element.AnnotationMirror;
import javax.lang.model.element.AnnotationValue;
import javax.lang.model.element.Element;
import javax.lang.model.element.ElementKind;
import javax.lang.model.element.ExecutableElement;
import javax.lang.model.element.Modifier;
import javax.lang.model.element.NestingKind;
import javax.lang.model.element.PackageElement;
import javax.lang.model.element.RecordComponentElement;
import javax.lang.model.element.TypeElement;
import javax.lang.model.element.VariableElement;
import javax.lang.model.type.ArrayType;
import javax.lang.model.type.DeclaredType;
import javax.lang.model.type.TypeKind;
import javax.lang.model.type.TypeMirror;
import javax.lang.model.util.ElementFilter;
import javax.lang.model.util.Elements;
import javax.lang.model.util.Types;
import org.jspecify.annotations.Nullable;

/**
 * Turns the {@code @Task} methods of one class into a {@link TaskModel}, reporting every problem
 * before giving up on the class. Keeps the task and deferrer names seen in this compilation, across
 * rounds, to report duplicates.
 */
final class TaskValidator {
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

  private final Elements elements;
  private final Types types;
  private final Annotations annotations;
  private final Diagnostics diagnostics;
  private final Map<String, String> taskNames = new HashMap<>();
  private final Map<String, String> deferrers = new HashMap<>();

  private final ComponentClasses components;

  TaskValidator(ProcessingEnvironment env, Diagnostics diagnostics) {
    this.elements = env.getElementUtils();
    this.types = env.getTypeUtils();
    this.annotations = new Annotations(elements);
    this.components = new ComponentClasses(elements, types);
    this.diagnostics = diagnostics;
  }

  /** Tells whether a method's signature mentions a type that is not (yet) known to javac. */
  static boolean hasErrorTypes(ExecutableElement method) {
    if (isError(method.getReturnType())) {
      return true;
    }
    for (VariableElement parameter : method.getParameters()) {
      if (isError(parameter.asType())) {
        return true;
      }
    }
    return false;
  }

  private static boolean isError(TypeMirror type) {
    return switch (type.getKind()) {
      case ERROR -> true;
      case ARRAY -> isError(((ArrayType) type).getComponentType());
      case DECLARED ->
          ((DeclaredType) type).getTypeArguments().stream().anyMatch(TaskValidator::isError);
      default -> false;
    };
  }

  /**
   * Validates the tasks of one class, reporting every problem of the class.
   *
   * @return the model
   * @throws Diagnostics.AbortTask once every problem of the class is reported, if there is any
   */
  TaskModel validate(TypeElement type, List<ExecutableElement> methods) {
    int before = diagnostics.errorCount();
    String packageName = elements.getPackageOf(type).getQualifiedName().toString();
    List<TaskMethod> valid = new ArrayList<>();
    for (ExecutableElement method : methods) {
      TaskMethod task = method(type, packageName, method);
      if (task != null) {
        valid.add(task);
      }
    }
    if (diagnostics.errorCount() > before) {
      throw new Diagnostics.AbortTask();
    }
    ClassName className = ClassName.get(type);
    String registrarName = String.join("_", className.simpleNames()) + "_TaskRegistrar";
    return new TaskModel(type, packageName, className, registrarName, valid);
  }

  private @Nullable TaskMethod method(
      TypeElement type, String packageName, ExecutableElement method) {
    AnnotationMirror task = Annotations.find(method, Names.TASK);
    if (task == null) {
      throw new IllegalStateException("no @Task on " + method);
    }
    int before = diagnostics.errorCount();
    String signature = signature(type, method);

    String unreachable = unreachable(method);
    if (unreachable != null) {
      diagnostics.error(
          method, task, null, Message.TASK_NOT_REACHABLE, signature, packageName, unreachable);
    }
    boolean isStatic = method.getModifiers().contains(Modifier.STATIC);
    if (!isStatic) {
      String why = notInstantiable(type);
      if (why != null) {
        diagnostics.error(
            method,
            task,
            null,
            Message.TASK_NOT_INSTANTIABLE,
            signature,
            "class " + type.getSimpleName(),
            why);
      }
    }
    if (!method.getTypeParameters().isEmpty()) {
      diagnostics.error(
          method,
          task,
          null,
          Message.TASK_GENERIC,
          signature,
          method.getTypeParameters().stream()
              .map(Object::toString)
              .collect(Collectors.joining(", ", "<", ">")));
    }

    for (TypeMirror thrown : method.getThrownTypes()) {
      if (!isSubtype(thrown, "java.lang.Exception") && !isSubtype(thrown, "java.lang.Error")) {
        diagnostics.error(method, task, null, Message.TASK_THROWS_THROWABLE, signature, thrown);
      }
    }

    String explicitName = annotations.string(task, "name");
    boolean defaultName = explicitName.isEmpty();
    String taskName =
        defaultName ? type.getQualifiedName() + "." + method.getSimpleName() : explicitName;
    AnnotationValue nameValue = Annotations.explicit(task, "name");
    List<String> names = new ArrayList<>();
    if (checkName(method, task, nameValue, "name", taskName, signature)) {
      names.add(taskName);
    }
    List<String> aliases = annotations.strings(task, "aliases");
    AnnotationValue aliasesValue = Annotations.explicit(task, "aliases");
    for (String alias : aliases) {
      if (checkName(method, task, aliasesValue, "alias", alias, signature)) {
        names.add(alias);
      }
    }
    Set<String> own = new HashSet<>();
    for (String name : names) {
      String previous = own.add(name) ? taskNames.get(name) : "this same task";
      if (previous != null) {
        diagnostics.error(
            method,
            task,
            name.equals(taskName) ? nameValue : aliasesValue,
            Message.TASK_NAME_DUPLICATE,
            name,
            signature,
            previous);
      }
    }
    names.forEach(name -> taskNames.putIfAbsent(name, signature));

    String queue = annotations.string(task, "queue");
    String queueProblem = NameLimits.queueNameProblem(queue);
    if (queueProblem != null) {
      diagnostics.error(
          method,
          task,
          Annotations.explicit(task, "queue"),
          Message.TASK_QUEUE_INVALID,
          queue,
          signature,
          queueProblem);
    }
    int priority = annotations.intValue(task, "priority");
    String lock = annotations.string(task, "lock");
    String queueingLock = annotations.string(task, "queueingLock");
    RetryModel retry = retry(method, task, signature);
    Optional<TypeName> retryPolicy = retryPolicy(packageName, method, task, signature);
    List<TypeName> middleware = middleware(packageName, method, task, signature);
    long timeoutSeconds = annotations.longValue(task, "timeoutSeconds");
    if (timeoutSeconds < 0) {
      diagnostics.error(
          method,
          task,
          Annotations.explicit(task, "timeoutSeconds"),
          Message.TASK_TIMEOUT_INVALID,
          signature,
          timeoutSeconds);
    }
    String deferrerName = deferrer(packageName, method, task, signature);
    List<TaskParam> params = params(packageName, method, signature);
    List<PeriodicModel> periodics = periodics(method, params, signature);

    if (diagnostics.errorCount() > before) {
      return null;
    }
    if (defaultName) {
      diagnostics.warning(
          method, task, null, Message.TASK_DEFAULT_NAME, signature, taskName, taskName);
    }
    boolean isPublic = method.getModifiers().contains(Modifier.PUBLIC) && publicChain(type);
    return new TaskMethod(
        method,
        method.getSimpleName().toString(),
        taskName,
        aliases,
        queue,
        priority,
        lock.isEmpty() ? Optional.empty() : Optional.of(lock),
        queueingLock.isEmpty() ? Optional.empty() : Optional.of(queueingLock),
        retry,
        retryPolicy,
        middleware,
        timeoutSeconds,
        deferrerName,
        isStatic,
        method.getReturnType().getKind() == TypeKind.VOID,
        isPublic,
        params,
        periodics,
        signature);
  }

  private boolean isSubtype(TypeMirror type, String qualifiedName) {
    TypeElement element = elements.getTypeElement(qualifiedName);
    return element != null && types.isSubtype(type, element.asType());
  }

  private boolean checkName(
      ExecutableElement method,
      AnnotationMirror task,
      @Nullable AnnotationValue value,
      String what,
      String name,
      String signature) {
    String problem = NameLimits.taskNameProblem(name);
    if (problem == null) {
      return true;
    }
    if (name.isBlank()) {
      diagnostics.error(method, task, value, Message.TASK_NAME_EMPTY, what, signature);
    } else {
      diagnostics.error(method, task, value, Message.TASK_NAME_TOO_LONG, name, signature, problem);
    }
    return false;
  }

  private RetryModel retry(ExecutableElement method, AnnotationMirror task, String signature) {
    AnnotationMirror retry = annotations.annotation(task, "retry");
    AnnotationValue where = Annotations.explicit(task, "retry");
    int maxAttempts = annotations.intValue(retry, "maxAttempts");
    long fixedWait = annotations.longValue(retry, "fixedWait");
    long linearWait = annotations.longValue(retry, "linearWait");
    long exponentialWait = annotations.longValue(retry, "exponentialWait");
    List<TypeName> retryOn = new ArrayList<>();
    for (TypeMirror type : annotations.classes(retry, "retryOn")) {
      if (type != null && type.getKind() == TypeKind.DECLARED) {
        retryOn.add(TypeName.get(type));
      }
    }
    List<String> problems = new ArrayList<>();
    if (maxAttempts < -1) {
      problems.add(
          "maxAttempts is "
              + maxAttempts
              + "; use a number of retries (0 or more) or Retry.FOREVER");
    }
    Map<String, Long> waits = new LinkedHashMap<>();
    waits.put("fixedWait", fixedWait);
    waits.put("linearWait", linearWait);
    waits.put("exponentialWait", exponentialWait);
    waits.forEach(
        (name, value) -> {
          if (value < 0) {
            problems.add(name + " is " + value + "; use 0 or more seconds");
          }
        });
    if (maxAttempts == 0
        && (fixedWait != 0 || linearWait != 0 || exponentialWait != 0 || !retryOn.isEmpty())) {
      problems.add(
          "waits or retryOn are set but maxAttempts is 0, so jobs are never retried; set"
              + " maxAttempts to the number of retries, or to Retry.FOREVER");
    }
    for (String problem : problems) {
      diagnostics.error(method, task, where, Message.TASK_RETRY_INVALID, signature, problem);
    }
    return new RetryModel(maxAttempts, fixedWait, linearWait, exponentialWait, retryOn);
  }

  private Optional<TypeName> retryPolicy(
      String packageName, ExecutableElement method, AnnotationMirror task, String signature) {
    AnnotationValue where = Annotations.explicit(task, "retryPolicy");
    if (where == null) {
      return Optional.empty();
    }
    TypeMirror type = annotations.classValue(task, "retryPolicy");
    if (Annotations.explicit(task, "retry") != null) {
      diagnostics.error(method, task, where, Message.TASK_RETRY_CONFLICT, signature);
    }
    String problem = components.problem(type, Names.RETRY_POLICY, packageName);
    if (problem != null) {
      diagnostics.error(
          method,
          task,
          where,
          Message.TASK_RETRY_POLICY_INVALID,
          simpleName(type),
          signature,
          problem);
      return Optional.empty();
    }
    return Optional.of(TypeName.get(types.erasure(type)));
  }

  private List<TypeName> middleware(
      String packageName, ExecutableElement method, AnnotationMirror task, String signature) {
    AnnotationValue where = Annotations.explicit(task, "middleware");
    List<TypeName> middleware = new ArrayList<>();
    for (TypeMirror type : annotations.classes(task, "middleware")) {
      String problem = components.problem(type, Names.JOB_MIDDLEWARE, packageName);
      if (problem != null) {
        diagnostics.error(
            method,
            task,
            where,
            Message.TASK_MIDDLEWARE_INVALID,
            simpleName(type),
            signature,
            problem);
      } else {
        middleware.add(TypeName.get(types.erasure(type)));
      }
    }
    return middleware;
  }

  private static String simpleName(@Nullable TypeMirror type) {
    return type == null ? "<unresolved>" : TypeName.get(type).toString();
  }

  private String deferrer(
      String packageName, ExecutableElement method, AnnotationMirror task, String signature) {
    String explicit = annotations.string(task, "deferrer");
    AnnotationValue where = Annotations.explicit(task, "deferrer");
    String name;
    if (explicit.isEmpty()) {
      String methodName = method.getSimpleName().toString();
      name = Character.toUpperCase(methodName.charAt(0)) + methodName.substring(1) + "Deferrer";
    } else {
      name = explicit;
      if (!SourceVersion.isIdentifier(name) || SourceVersion.isKeyword(name)) {
        diagnostics.error(method, task, where, Message.TASK_DEFERRER_INVALID, name, signature);
        return name;
      }
    }
    String qualified = packageName.isEmpty() ? name : packageName + "." + name;
    String previous = deferrers.putIfAbsent(qualified, signature);
    if (previous != null) {
      diagnostics.error(
          method,
          task,
          where,
          Message.TASK_DEFERRER_CLASH,
          qualified,
          signature,
          "the deferrer of " + previous);
    } else {
      TypeElement existing = elements.getTypeElement(qualified);
      if (existing != null && Annotations.find(existing, Names.TASK_GENERATED_NAME) == null) {
        diagnostics.error(
            method,
            task,
            where,
            Message.TASK_DEFERRER_CLASH,
            qualified,
            signature,
            "the existing class " + qualified);
      }
    }
    return name;
  }

  private List<TaskParam> params(String packageName, ExecutableElement method, String signature) {
    List<TaskParam> params = new ArrayList<>();
    Map<String, String> jsonNames = new HashMap<>();
    boolean context = false;
    for (VariableElement parameter : method.getParameters()) {
      String javaName = parameter.getSimpleName().toString();
      TypeMirror type = parameter.asType();
      if (isType(type, Names.JOB_CONTEXT)) {
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
      String inaccessible = inaccessible(type, packageName);
      if (inaccessible != null) {
        diagnostics.error(
            parameter,
            null,
            null,
            Message.TASK_PARAMETER_NOT_ACCESSIBLE,
            javaName,
            signature,
            inaccessible,
            packageName);
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
    if (isType(type, "java.util.Optional")) {
      TypeMirror element = ((DeclaredType) type).getTypeArguments().get(0);
      TaskParam.Kind kind =
          hasTypeArguments(element)
              ? TaskParam.Kind.OPTIONAL_GENERIC
              : TaskParam.Kind.OPTIONAL_CLASS;
      return new TaskParam(javaName, jsonName, type, typeName, kind, TypeName.get(element));
    }
    TaskParam.Kind kind = hasTypeArguments(type) ? TaskParam.Kind.GENERIC : TaskParam.Kind.CLASS;
    return new TaskParam(javaName, jsonName, type, typeName, kind, typeName);
  }

  private List<PeriodicModel> periodics(
      ExecutableElement method, List<TaskParam> params, String signature) {
    List<AnnotationMirror> mirrors = periodicMirrors(method);
    List<PeriodicModel> out = new ArrayList<>();
    if (mirrors.isEmpty()) {
      return out;
    }
    Map<String, TaskParam> arguments = new LinkedHashMap<>();
    params.stream()
        .filter(p -> p.kind() != TaskParam.Kind.CONTEXT)
        .forEach(p -> arguments.put(p.jsonName(), p));
    TaskParam timestamp = arguments.get("timestamp");
    if (timestamp == null
        || !(timestamp.type().getKind() == TypeKind.LONG
            || isType(timestamp.type(), "java.lang.Long"))) {
      diagnostics.error(
          method, mirrors.get(0), null, Message.PERIODIC_TIMESTAMP_MISSING, signature);
    }
    Set<String> ids = new HashSet<>();
    for (AnnotationMirror periodic : mirrors) {
      String cron = annotations.string(periodic, "cron");
      String cronProblem = CronSyntax.problem(cron);
      if (cronProblem != null) {
        diagnostics.error(
            method,
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
            method,
            periodic,
            Annotations.explicit(periodic, "periodicId"),
            Message.PERIODIC_ID_DUPLICATE,
            signature,
            periodicId);
      }
      String args = annotations.string(periodic, "args");
      String argsProblem = periodicArgsProblem(args, arguments);
      if (argsProblem != null) {
        diagnostics.error(
            method,
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

  private static @Nullable String periodicArgsProblem(
      String args, Map<String, TaskParam> arguments) {
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

  /** Returns the {@code @Periodic} annotations of a method, repeated or not. */
  List<AnnotationMirror> periodicMirrors(Element method) {
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

  private static @Nullable String unreachable(ExecutableElement method) {
    if (method.getModifiers().contains(Modifier.PRIVATE)) {
      return "it is private";
    }
    for (Element e = method.getEnclosingElement();
        e instanceof TypeElement type;
        e = e.getEnclosingElement()) {
      NestingKind nesting = type.getNestingKind();
      if (nesting == NestingKind.LOCAL || nesting == NestingKind.ANONYMOUS) {
        return "class " + type.getSimpleName() + " is " + nesting.name().toLowerCase(Locale.ROOT);
      }
      if (type.getModifiers().contains(Modifier.PRIVATE)) {
        return "class " + type.getSimpleName() + " is private";
      }
    }
    return null;
  }

  private static @Nullable String notInstantiable(TypeElement type) {
    if (type.getKind() != ElementKind.CLASS) {
      return "is " + article(type.getKind().name().toLowerCase(Locale.ROOT).replace('_', ' '));
    }
    if (type.getModifiers().contains(Modifier.ABSTRACT)) {
      return "is abstract";
    }
    if (type.getNestingKind() == NestingKind.MEMBER
        && !type.getModifiers().contains(Modifier.STATIC)) {
      return "is an inner class, which needs an enclosing instance";
    }
    for (ExecutableElement constructor : ElementFilter.constructorsIn(type.getEnclosedElements())) {
      if (constructor.getParameters().isEmpty()
          && !constructor.getModifiers().contains(Modifier.PRIVATE)) {
        return null;
      }
    }
    return "has no non-private constructor without parameters";
  }

  private static String article(String noun) {
    return ("aeiou".indexOf(noun.charAt(0)) >= 0 ? "an " : "a ") + noun;
  }

  private static boolean publicChain(TypeElement type) {
    for (Element e = type; e instanceof TypeElement t; e = e.getEnclosingElement()) {
      if (!t.getModifiers().contains(Modifier.PUBLIC)) {
        return false;
      }
    }
    return true;
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
      if (!isType(arguments.get(0), "java.lang.String")) {
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
          || (!modifiers.contains(Modifier.PUBLIC) && !packageOf(t).equals(packageName))) {
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

  static String packageOf(Element element) {
    Element e = element;
    while (!(e instanceof PackageElement)) {
      e = e.getEnclosingElement();
    }
    return ((PackageElement) e).getQualifiedName().toString();
  }

  private static boolean hasTypeArguments(TypeMirror type) {
    return switch (type.getKind()) {
      case DECLARED -> !((DeclaredType) type).getTypeArguments().isEmpty();
      case ARRAY -> hasTypeArguments(((ArrayType) type).getComponentType());
      default -> false;
    };
  }

  private static boolean isType(TypeMirror type, String qualifiedName) {
    return type.getKind() == TypeKind.DECLARED
        && ((TypeElement) ((DeclaredType) type).asElement())
            .getQualifiedName()
            .contentEquals(qualifiedName);
  }

  private static String signature(TypeElement type, ExecutableElement method) {
    return type.getQualifiedName()
        + "."
        + method.getSimpleName()
        + method.getParameters().stream()
            .map(p -> TypeName.get(p.asType()).toString())
            .collect(Collectors.joining(", ", "(", ")"));
  }
}
