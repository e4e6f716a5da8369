package dev.procrastinate.processor.writing;

import com.palantir.javapoet.ClassName;
import com.palantir.javapoet.CodeBlock;
import com.palantir.javapoet.FieldSpec;
import com.palantir.javapoet.JavaFile;
import com.palantir.javapoet.MethodSpec;
import com.palantir.javapoet.ParameterSpec;
import com.palantir.javapoet.ParameterizedTypeName;
import com.palantir.javapoet.TypeName;
import com.palantir.javapoet.TypeSpec;
import dev.procrastinate.processor.model.Names;
import dev.procrastinate.processor.model.TaskMethod;
import dev.procrastinate.processor.model.TaskModel;
import dev.procrastinate.processor.model.TaskParam;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import javax.lang.model.element.Modifier;

/**
 * Writes {@code <Method>Deferrer}: the typed way to defer one task. The options, the
 * transaction-joining form and the batch form live in the runtime's {@code DeferrerOptions} and
 * {@code DeferrerBatch}; the generated class adds only the methods that take the task's own
 * parameter types, and refers to no runtime type outside {@code dev.procrastinate.spi} but the
 * {@code NewJob} its {@code job(...)} methods return.
 */
public final class DeferrerWriter {
  private final boolean generatedAvailable;

  /**
   * Creates the writer.
   *
   * @param generatedAvailable whether the compilation sees {@code
   *     javax.annotation.processing.Generated}, which the written class then carries
   */
  public DeferrerWriter(boolean generatedAvailable) {
    this.generatedAvailable = generatedAvailable;
  }

  /**
   * Writes the deferrer of one task.
   *
   * @param model the validated tasks of the class that declares the task
   * @param task the task, one of {@code model.methods()}
   * @return the deferrer's source file, in the package of the task's class
   */
  public JavaFile write(TaskModel model, TaskMethod task) {
    ClassName deferrer = ClassName.get(model.packageName(), task.deferrerName());
    ClassName options = deferrer.nestedClass("Options");
    ClassName batch = deferrer.nestedClass("Batch");
    List<TaskParam> args = task.arguments();
    CodeBlock params = names(args, false);

    TypeSpec.Builder type =
        TypeSpec.classBuilder(deferrer)
            .addModifiers(Modifier.FINAL)
            .addOriginatingElement(model.type())
            .addJavadoc(
                "Defers jobs of the task {@link $T#$L}, named {@value #TASK_NAME}.\n{@link"
                    + " #configure()} changes options, joins a transaction or picks an app.\n",
                model.className(),
                task.methodName());
    if (task.isPublic()) {
      type.addModifiers(Modifier.PUBLIC);
    }
    Generated.mark(type, generatedAvailable);
    type.addField(
        FieldSpec.builder(
                String.class, "TASK_NAME", Modifier.PUBLIC, Modifier.STATIC, Modifier.FINAL)
            .addJavadoc("The persisted name of the task.\n")
            .initializer("$S", task.taskName())
            .build());
    type.addMethod(MethodSpec.constructorBuilder().addModifiers(Modifier.PRIVATE).build());
    type.addMethod(
        typed("defer", TypeName.LONG, args, Modifier.STATIC)
            .addJavadoc("Defers a job with the task's options, through the default app.\n\n")
            .addJavadoc(paramDocs(args))
            .addJavadoc("@return the id of the new job\n")
            .addStatement("return configure().defer($L)", params)
            .build());
    type.addMethod(
        typed("deferAsync", future(), args, Modifier.STATIC)
            .addJavadoc("Defers a job with the task's options, through the default app, without")
            .addJavadoc(" blocking.\n\n")
            .addJavadoc(paramDocs(args))
            .addJavadoc("@return the id of the new job, once deferred\n")
            .addStatement("return configure().deferAsync($L)", params)
            .build());
    type.addMethod(
        typed("job", Names.NEW_JOB, args, Modifier.STATIC)
            .addJavadoc("Returns the job {@link #defer} would defer with the same arguments, with")
            .addJavadoc(" the task's options, without deferring it or needing an app.\n\n")
            .addJavadoc(paramDocs(args))
            .addJavadoc("@return the job, for a batch or a workflow\n")
            .addStatement("return configure().job($L)", params)
            .build());
    type.addMethod(
        typed("configure", options, List.of(), Modifier.STATIC)
            .addJavadoc("Starts a defer call with other options than the task's own.\n\n")
            .addJavadoc("@return options holding the task's defaults\n")
            .addStatement("return new $T()", options)
            .build());
    type.addMethod(
        typed("batch", batch, List.of(), Modifier.STATIC)
            .addJavadoc("Starts a batch of jobs with the task's options, deferred in one round")
            .addJavadoc(" trip.\n\n@return an empty batch\n")
            .addStatement("return configure().batch()")
            .build());
    type.addType(options(task, options, batch, args));
    type.addType(batch(batch, options, args));

    return JavaFile.builder(model.packageName(), type.build()).skipJavaLangImports(true).build();
  }

  private static TypeSpec options(
      TaskMethod task, ClassName options, ClassName batch, List<TaskParam> args) {
    CodeBlock values = values(args);
    return TypeSpec.classBuilder(options)
        .addModifiers(Modifier.PUBLIC, Modifier.STATIC, Modifier.FINAL)
        .superclass(ParameterizedTypeName.get(Names.DEFERRER_OPTIONS, options))
        .addJavadoc("Options of one defer call, starting from the task's own. Not thread-safe.\n")
        .addMethod(
            MethodSpec.constructorBuilder()
                .addModifiers(Modifier.PRIVATE)
                .addStatement(
                    "super(TASK_NAME, $S, $L, $S, $S,$W$T.of($L))",
                    task.queue(),
                    task.priority(),
                    task.lock().orElse(null),
                    task.queueingLock().orElse(null),
                    List.class,
                    names(args, true))
                .build())
        .addMethod(
            typed("defer", TypeName.LONG, args)
                .addJavadoc("Defers a job with these options.\n\n")
                .addJavadoc(paramDocs(args))
                .addJavadoc("@return the id of the new job\n")
                .addStatement("return deferJob($L)", values)
                .build())
        .addMethod(
            typed("deferAsync", future(), args)
                .addJavadoc("Defers a job with these options without blocking.\n\n")
                .addJavadoc(paramDocs(args))
                .addJavadoc("@return the id of the new job, once deferred\n")
                .addJavadoc("@throws IllegalStateException if a connection is set\n")
                .addStatement("return deferJobAsync($L)", values)
                .build())
        .addMethod(
            typed("job", Names.NEW_JOB, args)
                .addJavadoc("Returns the job {@link #defer} would defer with these options and the")
                .addJavadoc(" same arguments, without deferring it; the app and the connection do")
                .addJavadoc(" not affect it.\n\n")
                .addJavadoc(paramDocs(args))
                .addJavadoc("@return the job, for a batch or a workflow\n")
                .addStatement("return newJob($L)", values)
                .build())
        .addMethod(
            typed("batch", batch, List.of())
                .addJavadoc("Starts a batch of jobs with these options, deferred in one round")
                .addJavadoc(" trip.\n\n@return an empty batch\n")
                .addStatement("return new $T(this)", batch)
                .build())
        .build();
  }

  private static TypeSpec batch(ClassName batch, ClassName options, List<TaskParam> args) {
    return TypeSpec.classBuilder(batch)
        .addModifiers(Modifier.PUBLIC, Modifier.STATIC, Modifier.FINAL)
        .superclass(Names.DEFERRER_BATCH)
        .addJavadoc("Jobs deferred together in one round trip, all or none. Not thread-safe.\n")
        .addMethod(
            MethodSpec.constructorBuilder()
                .addModifiers(Modifier.PRIVATE)
                .addParameter(options, "options")
                .addStatement("super(options)")
                .build())
        .addMethod(
            typed("add", batch, args)
                .addJavadoc("Adds a job to the batch.\n\n")
                .addJavadoc(paramDocs(args))
                .addJavadoc("@return this batch\n")
                .addStatement("addJob($L)", values(args))
                .addStatement("return this")
                .build())
        .build();
  }

  /** A public method taking the task's arguments, with its own parameter types. */
  private static MethodSpec.Builder typed(
      String name, TypeName returns, List<TaskParam> args, Modifier... modifiers) {
    MethodSpec.Builder method =
        MethodSpec.methodBuilder(name)
            .addModifiers(Modifier.PUBLIC)
            .addModifiers(modifiers)
            .returns(returns);
    for (TaskParam arg : args) {
      method.addParameter(ParameterSpec.builder(arg.typeName(), arg.javaName()).build());
    }
    return method;
  }

  /** The arguments' Java names, or their JSON names as string literals. */
  private static CodeBlock names(List<TaskParam> args, boolean json) {
    List<CodeBlock> names = new ArrayList<>();
    for (TaskParam arg : args) {
      names.add(json ? CodeBlock.of("$S", arg.jsonName()) : CodeBlock.of("$L", arg.javaName()));
    }
    return CodeBlock.join(names, ",$W");
  }

  /** The argument values as the array the runtime takes, in the order of their names. */
  private static CodeBlock values(List<TaskParam> args) {
    return CodeBlock.of("new $T[] {$L}", Object.class, names(args, false));
  }

  private static CodeBlock paramDocs(List<TaskParam> args) {
    CodeBlock.Builder docs = CodeBlock.builder();
    for (TaskParam arg : args) {
      docs.add("@param $L the argument {@code $L}\n", arg.javaName(), arg.jsonName());
    }
    return docs.build();
  }

  private static TypeName future() {
    return ParameterizedTypeName.get(
        ClassName.get(CompletableFuture.class), ClassName.get(Long.class));
  }
}
