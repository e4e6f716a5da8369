package dev.procrastinate.processor.writing;

import com.palantir.javapoet.ClassName;
import com.palantir.javapoet.CodeBlock;
import com.palantir.javapoet.JavaFile;
import com.palantir.javapoet.MethodSpec;
import com.palantir.javapoet.ParameterizedTypeName;
import com.palantir.javapoet.TypeName;
import com.palantir.javapoet.TypeSpec;
import dev.procrastinate.processor.model.Names;
import dev.procrastinate.processor.model.PeriodicModel;
import dev.procrastinate.processor.model.RetryModel;
import dev.procrastinate.processor.model.TaskMethod;
import dev.procrastinate.processor.model.TaskModel;
import dev.procrastinate.processor.model.TaskParam;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.stream.Collectors;
import javax.lang.model.element.Modifier;
import javax.lang.model.element.TypeElement;
import javax.lang.model.util.ElementFilter;

/**
 * Writes {@code <Enclosing>_TaskRegistrar}: the descriptors of one class's tasks, each with a
 * handler that decodes the JSON arguments by name and calls the method directly.
 */
public final class RegistrarWriter {
  private final boolean generatedAvailable;

  /**
   * Creates the writer.
   *
   * @param generatedAvailable whether the compilation sees {@code
   *     javax.annotation.processing.Generated}, which the written class then carries
   */
  public RegistrarWriter(boolean generatedAvailable) {
    this.generatedAvailable = generatedAvailable;
  }

  /**
   * Writes the registrar of one class's tasks.
   *
   * @param model the validated tasks of the class
   * @return the registrar's source file, in the package of the class
   */
  public JavaFile write(TaskModel model) {
    ClassName registrar = ClassName.get(model.packageName(), model.registrarName());
    TypeSpec.Builder type =
        TypeSpec.classBuilder(registrar)
            .addModifiers(Modifier.PUBLIC, Modifier.FINAL)
            .addSuperinterface(Names.TASK_REGISTRAR)
            .addOriginatingElement(model.type())
            .addJavadoc(
                "Hands the tasks of {@link $T} to the runtime; listed in\n"
                    + "{@code META-INF/services/$L}.\n",
                model.className(),
                Names.REGISTRAR_SERVICE);
    Generated.mark(type, generatedAvailable);
    type.addMethod(
        MethodSpec.constructorBuilder()
            .addModifiers(Modifier.PUBLIC)
            .addJavadoc("Creates the registrar; called by {@link java.util.ServiceLoader}.\n")
            .build());

    List<String> factories = new ArrayList<>();
    for (TaskMethod task : model.methods()) {
      String factory = factoryName(task, factories);
      factories.add(factory);
      type.addMethod(descriptor(model, registrar, task, factory));
    }
    type.addMethod(
        MethodSpec.methodBuilder("tasks")
            .addAnnotation(Override.class)
            .addModifiers(Modifier.PUBLIC)
            .returns(ParameterizedTypeName.get(ClassName.get(List.class), Names.TASK_DESCRIPTOR))
            .addStatement(
                "return $T.of($L)",
                List.class,
                factories.stream().map(f -> f + "()").collect(Collectors.joining(", ")))
            .build());
    return JavaFile.builder(model.packageName(), type.build()).skipJavaLangImports(true).build();
  }

  private static String factoryName(TaskMethod task, List<String> taken) {
    // The suffix keeps factories apart from tasks() and from Object's methods (notify, wait...).
    String name = task.methodName() + "Task";
    for (int i = 2; taken.contains(name); i++) {
      name = task.methodName() + "Task" + i;
    }
    return name;
  }

  private static MethodSpec descriptor(
      TaskModel model, ClassName registrar, TaskMethod task, String factory) {
    CodeBlock.Builder code =
        CodeBlock.builder()
            .add("return $T.builder($S)\n", Names.TASK_DESCRIPTOR, task.taskName())
            .indent()
            .indent();
    if (!task.aliases().isEmpty()) {
      code.add(
          ".aliases($L)\n",
          task.aliases().stream()
              .map(a -> CodeBlock.of("$S", a).toString())
              .collect(Collectors.joining(", ")));
    }
    code.add(".queue($S)\n", task.queue());
    code.add(".priority($L)\n", task.priority());
    task.lock().ifPresent(lock -> code.add(".lock($S)\n", lock));
    task.queueingLock().ifPresent(lock -> code.add(".queueingLock($S)\n", lock));
    if (task.retry().retries()) {
      code.add(".retryStrategy($L)\n", retry(task.retry()));
    }
    task.retryPolicy().ifPresent(policy -> code.add(".retryPolicy(new $T())\n", policy));
    if (!task.middleware().isEmpty()) {
      code.add(
          ".middleware($L)\n",
          task.middleware().stream()
              .map(m -> CodeBlock.of("new $T()", m))
              .collect(CodeBlock.joining(", ")));
    }
    if (task.timeoutSeconds() > 0) {
      code.add(".timeout($T.ofSeconds($L))\n", Duration.class, task.timeoutSeconds());
    }
    if (task.concurrencyLimit() > 0) {
      code.add(".concurrencyLimit($L)\n", task.concurrencyLimit());
    }
    task.rateLimit()
        .ifPresent(rate -> code.add(".rateLimit($T.parse($S))\n", Names.RATE_LIMIT, rate));
    for (TaskParam arg : task.arguments()) {
      boolean optional =
          arg.kind() == TaskParam.Kind.OPTIONAL_CLASS
              || arg.kind() == TaskParam.Kind.OPTIONAL_GENERIC;
      code.add(
          ".parameter($T.$L($S, $S))\n",
          Names.TASK_PARAMETER,
          optional ? "optional" : "required",
          arg.jsonName(),
          arg.typeName().withoutAnnotations().toString());
    }
    for (PeriodicModel periodic : task.periodics()) {
      code.add(
          ".periodic($T.of($S, $S, $S))\n",
          Names.PERIODIC_SCHEDULE,
          periodic.cron(),
          periodic.periodicId(),
          periodic.argsJson());
    }
    code.add(".source($S)\n", task.signature() + " via " + registrar.canonicalName());
    code.add(".build((context, args) -> ").add(handlerBody(model, task)).add(");\n");
    code.unindent().unindent();
    return MethodSpec.methodBuilder(factory)
        .addModifiers(Modifier.PRIVATE, Modifier.STATIC)
        .returns(Names.TASK_DESCRIPTOR)
        .addCode(code.build())
        .build();
  }

  private static boolean hasNoArgConstructor(TypeElement type) {
    return ElementFilter.constructorsIn(type.getEnclosedElements()).stream()
        .anyMatch(c -> c.getParameters().isEmpty() && !c.getModifiers().contains(Modifier.PRIVATE));
  }

  private static CodeBlock handlerBody(TaskModel model, TaskMethod task) {
    CodeBlock target;
    if (task.isStatic()) {
      target = CodeBlock.of("$T", model.className());
    } else if (!model.type().getTypeParameters().isEmpty()) {
      target = CodeBlock.of("new $T<>()", model.className());
    } else {
      // A container's bean when the app has a task instance provider (the Spring Boot starter),
      // else a new instance; a class built by constructor injection has no fallback.
      target =
          hasNoArgConstructor(model.type())
              ? CodeBlock.of(
                  "$T.get(context, $T.class, $T::new)",
                  Names.TASK_INSTANCES,
                  model.className(),
                  model.className())
              : CodeBlock.of(
                  "$T.get(context, $T.class, null)", Names.TASK_INSTANCES, model.className());
    }
    CodeBlock.Builder call = CodeBlock.builder().add("$L.$L(", target, task.methodName());
    List<TaskParam> params = task.params();
    if (!params.isEmpty()) {
      call.add("\n").indent().indent();
      for (int i = 0; i < params.size(); i++) {
        call.add(decode(params.get(i))).add(i + 1 < params.size() ? ",\n" : "");
      }
      call.unindent().unindent();
    }
    call.add(")");
    CodeBlock.Builder body = CodeBlock.builder().add("{\n").indent();
    if (task.returnsVoid()) {
      body.add("$L;\n", call.build()).add("return null;\n");
    } else {
      body.add("return $L;\n", call.build());
    }
    return body.unindent().add("}").build();
  }

  private static CodeBlock decode(TaskParam param) {
    return switch (param.kind()) {
      case CONTEXT -> CodeBlock.of("context");
      case PRIMITIVE ->
          CodeBlock.of("args.$L($S)", primitiveGetter(param.typeName()), param.jsonName());
      case CLASS -> CodeBlock.of("args.get($S, $T.class)", param.jsonName(), raw(param.typeName()));
      case GENERIC ->
          CodeBlock.of(
              "args.get($S, new $T<$T>() {})", param.jsonName(), Names.TYPE_REF, param.typeName());
      case OPTIONAL_CLASS ->
          CodeBlock.of(
              "args.getOptional($S, $T.class)", param.jsonName(), raw(param.elementTypeName()));
      case OPTIONAL_GENERIC ->
          CodeBlock.of(
              "args.getOptional($S, new $T<$T>() {})",
              param.jsonName(),
              Names.TYPE_REF,
              param.elementTypeName());
    };
  }

  /** Strips type-use annotations, which may not appear on a class literal. */
  private static TypeName raw(TypeName type) {
    return type.withoutAnnotations();
  }

  private static String primitiveGetter(TypeName type) {
    String name = type.withoutAnnotations().toString();
    return "get" + Character.toUpperCase(name.charAt(0)) + name.substring(1);
  }

  private static CodeBlock retry(RetryModel retry) {
    CodeBlock.Builder code = CodeBlock.builder().add("$T.builder()", Names.RETRY_STRATEGY);
    if (retry.maxAttempts() >= 0) {
      code.add(".maxAttempts($L)", retry.maxAttempts());
    } else {
      code.add(".forever()");
    }
    if (retry.fixedWait() != 0) {
      code.add(".fixedWait($L)", retry.fixedWait());
    }
    if (retry.linearWait() != 0) {
      code.add(".linearWait($L)", retry.linearWait());
    }
    if (retry.exponentialWait() != 0) {
      code.add(".exponentialWait($L)", retry.exponentialWait());
    }
    if (!retry.retryOn().isEmpty()) {
      code.add(".retryOn(");
      for (int i = 0; i < retry.retryOn().size(); i++) {
        code.add(i == 0 ? "$T.class" : ", $T.class", retry.retryOn().get(i));
      }
      code.add(")");
    }
    return code.add(".build()").build();
  }
}
