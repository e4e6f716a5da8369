package dev.procrastinate.processor.validation;

import com.palantir.javapoet.ClassName;
import com.palantir.javapoet.TypeName;
import dev.procrastinate.processor.model.Names;
import dev.procrastinate.processor.model.PeriodicModel;
import dev.procrastinate.processor.model.TaskMethod;
import dev.procrastinate.processor.model.TaskModel;
import dev.procrastinate.processor.model.TaskParam;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.stream.Collectors;
import javax.annotation.processing.ProcessingEnvironment;
import javax.lang.model.element.AnnotationMirror;
import javax.lang.model.element.ExecutableElement;
import javax.lang.model.element.Modifier;
import javax.lang.model.element.TypeElement;
import javax.lang.model.element.VariableElement;
import javax.lang.model.type.ArrayType;
import javax.lang.model.type.DeclaredType;
import javax.lang.model.type.TypeKind;
import javax.lang.model.type.TypeMirror;
import javax.lang.model.util.Elements;
import org.jspecify.annotations.Nullable;

/**
 * Turns the {@code @Task} methods of one class into a {@link TaskModel}, reporting every problem
 * before giving up on the class. It only coordinates: each concern has its own collaborator, which
 * reports on the offending element and returns its validated part of the model:
 *
 * <ul>
 *   <li>{@link ShapeValidator}: the method can be called from generated code;
 *   <li>{@link NameValidator}: task name, aliases, queue and deferrer name, unique in the
 *       compilation and within the schema's limits;
 *   <li>{@link RetryValidator}: {@code @Retry}, {@code retryPolicy}, middleware and timeout;
 *   <li>{@link FlowControlValidator}: {@code concurrencyLimit} and {@code rateLimit};
 *   <li>{@link ParameterValidator}: parameters that round-trip through JSON;
 *   <li>{@link ReturnTypeValidator}: a return type that JSON can carry as the job's result;
 *   <li>{@link PeriodicValidator}: {@code @Periodic} schedules.
 * </ul>
 */
public final class TaskValidator {
  private final Elements elements;
  private final Annotations annotations;
  private final Diagnostics diagnostics;
  private final ShapeValidator shape;
  private final NameValidator names;
  private final RetryValidator retry;
  private final FlowControlValidator flowControl;
  private final ParameterValidator parameters;
  private final ReturnTypeValidator returnType;
  private final PeriodicValidator periodic;

  /**
   * Creates the validator of one compilation, which keeps the names seen across rounds.
   *
   * @param env the processing environment
   * @param diagnostics where problems are reported
   */
  public TaskValidator(ProcessingEnvironment env, Diagnostics diagnostics) {
    this.elements = env.getElementUtils();
    this.annotations = new Annotations(elements);
    this.diagnostics = diagnostics;
    this.shape = new ShapeValidator(elements, env.getTypeUtils(), diagnostics);
    this.names = new NameValidator(elements, annotations, diagnostics);
    this.retry =
        new RetryValidator(
            env.getTypeUtils(),
            annotations,
            new ComponentClasses(elements, env.getTypeUtils()),
            diagnostics);
    this.flowControl = new FlowControlValidator(annotations, diagnostics);
    this.parameters = new ParameterValidator(annotations, diagnostics);
    this.returnType = new ReturnTypeValidator(elements, env.getTypeUtils(), diagnostics);
    this.periodic = new PeriodicValidator(annotations, diagnostics);
  }

  /** Tells whether a method's signature mentions a type that is not (yet) known to javac. */
  public static boolean hasErrorTypes(ExecutableElement method) {
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
  public TaskModel validate(TypeElement type, List<ExecutableElement> methods) {
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
    TaskSite site = new TaskSite(type, method, task, packageName, signature(type, method));

    shape.validate(site);
    NameValidator.TaskNames taskNames = names.validate(site);
    RetryValidator.Execution execution = retry.validate(site);
    FlowControlValidator.Limits limits = flowControl.validate(site);
    List<TaskParam> params = parameters.validate(site);
    returnType.validate(site);
    List<PeriodicModel> periodics = periodic.validate(site, params);

    if (diagnostics.errorCount() > before) {
      return null;
    }
    if (taskNames.defaultName()) {
      diagnostics.warning(
          method,
          task,
          null,
          Message.TASK_DEFAULT_NAME,
          site.signature(),
          taskNames.taskName(),
          taskNames.taskName());
    }
    return new TaskMethod(
        method,
        method.getSimpleName().toString(),
        taskNames.taskName(),
        taskNames.aliases(),
        taskNames.queue(),
        annotations.intValue(task, "priority"),
        optional(annotations.string(task, "lock")),
        optional(annotations.string(task, "queueingLock")),
        execution.retry(),
        execution.retryPolicy(),
        execution.middleware(),
        execution.timeoutSeconds(),
        limits.concurrencyLimit(),
        limits.rateLimit(),
        taskNames.deferrerName(),
        method.getModifiers().contains(Modifier.STATIC),
        method.getReturnType().getKind() == TypeKind.VOID,
        ShapeValidator.isPublic(method),
        params,
        periodics,
        site.signature());
  }

  private static Optional<String> optional(String value) {
    return value.isEmpty() ? Optional.empty() : Optional.of(value);
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
