package dev.procrastinate.processor;

import com.palantir.javapoet.AnnotationSpec;
import com.palantir.javapoet.ArrayTypeName;
import com.palantir.javapoet.ClassName;
import com.palantir.javapoet.CodeBlock;
import com.palantir.javapoet.FieldSpec;
import com.palantir.javapoet.JavaFile;
import com.palantir.javapoet.MethodSpec;
import com.palantir.javapoet.ParameterSpec;
import com.palantir.javapoet.ParameterizedTypeName;
import com.palantir.javapoet.TypeName;
import com.palantir.javapoet.TypeSpec;
import java.sql.Connection;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.stream.Collectors;
import javax.lang.model.element.Modifier;

/**
 * Writes {@code <Method>Deferrer}: the typed way to defer one task, with its options, a
 * transaction-joining form and a batch form.
 */
final class DeferrerWriter {
  private static final AnnotationSpec NULLABLE = AnnotationSpec.builder(Names.NULLABLE).build();

  private final boolean generatedAvailable;

  DeferrerWriter(boolean generatedAvailable) {
    this.generatedAvailable = generatedAvailable;
  }

  JavaFile write(TaskModel model, TaskMethod task) {
    ClassName deferrer = ClassName.get(model.packageName(), task.deferrerName());
    ClassName options = deferrer.nestedClass("Options");
    ClassName batch = deferrer.nestedClass("Batch");
    List<TaskParam> args = task.arguments();
    String params = args.stream().map(TaskParam::javaName).collect(Collectors.joining(", "));
    String link = "{@link $T#" + task.methodName() + "}";

    TypeSpec.Builder type =
        TypeSpec.classBuilder(deferrer)
            .addModifiers(Modifier.FINAL)
            .addOriginatingElement(model.type())
            .addJavadoc(
                "Defers jobs of the task " + link + ", named {@value #TASK_NAME}.\n",
                model.className())
            .addJavadoc(
                "\n<p>{@link #defer} and {@link #deferAsync} use the task's own options and the"
                    + " default {@link $T};\n{@link #configure()} changes options, joins a"
                    + " transaction or picks an app; {@link #batch()}\ndefers many jobs in one"
                    + " round trip.\n",
                Names.APP);
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
        staticMethod("defer", TypeName.LONG, args)
            .addJavadoc("Defers a job with the task's options, through the default app.\n\n")
            .addJavadoc(paramDocs(args))
            .addJavadoc("@return the id of the new job\n")
            .addStatement("return configure().defer($L)", params)
            .build());
    type.addMethod(
        staticMethod("deferAsync", future(), args)
            .addJavadoc(
                "Defers a job with the task's options, through the default app, without"
                    + " blocking.\n\n")
            .addJavadoc(paramDocs(args))
            .addJavadoc("@return the id of the new job, once deferred\n")
            .addStatement("return configure().deferAsync($L)", params)
            .build());
    type.addMethod(
        MethodSpec.methodBuilder("configure")
            .addModifiers(Modifier.PUBLIC, Modifier.STATIC)
            .returns(options)
            .addJavadoc("Starts a defer call with other options than the task's own.\n\n")
            .addJavadoc("@return options holding the task's defaults\n")
            .addStatement("return new $T()", options)
            .build());
    type.addMethod(
        MethodSpec.methodBuilder("batch")
            .addModifiers(Modifier.PUBLIC, Modifier.STATIC)
            .returns(batch)
            .addJavadoc(
                "Starts a batch of jobs with the task's options, deferred in one round trip.\n\n")
            .addJavadoc("@return an empty batch\n")
            .addStatement("return configure().batch()")
            .build());
    type.addType(options(task, options, batch, args, params));
    type.addType(batch(batch, options, args, params));

    return JavaFile.builder(model.packageName(), type.build()).skipJavaLangImports(true).build();
  }

  private static TypeSpec options(
      TaskMethod task, ClassName options, ClassName batch, List<TaskParam> args, String params) {
    TypeName nullableString = TypeName.get(String.class).annotated(NULLABLE);
    TypeSpec.Builder type =
        TypeSpec.classBuilder(options)
            .addModifiers(Modifier.PUBLIC, Modifier.STATIC, Modifier.FINAL)
            .addJavadoc(
                "Options of one defer call, starting from the task's own. Not thread-safe; every"
                    + " setter returns\nthis object.\n");
    type.addField(
        FieldSpec.builder(String.class, "queue", Modifier.PRIVATE)
            .initializer("$S", task.queue())
            .build());
    type.addField(
        FieldSpec.builder(TypeName.INT, "priority", Modifier.PRIVATE)
            .initializer("$L", task.priority())
            .build());
    FieldSpec.Builder lock = FieldSpec.builder(nullableString, "lock", Modifier.PRIVATE);
    task.lock().ifPresent(value -> lock.initializer("$S", value));
    type.addField(lock.build());
    FieldSpec.Builder queueingLock =
        FieldSpec.builder(nullableString, "queueingLock", Modifier.PRIVATE);
    task.queueingLock().ifPresent(value -> queueingLock.initializer("$S", value));
    type.addField(queueingLock.build());
    type.addField(nullableField(ClassName.get(Instant.class), "scheduleAt"));
    type.addField(nullableField(ClassName.get(Duration.class), "scheduleIn"));
    type.addField(nullableField(ClassName.get(Connection.class), "connection"));
    type.addField(nullableField(Names.APP, "app"));
    type.addMethod(MethodSpec.constructorBuilder().addModifiers(Modifier.PRIVATE).build());

    type.addMethod(
        setter(
            options,
            "queue",
            ClassName.get(String.class),
            "Sends the job to another queue.",
            "a queue name of at most 40 UTF-8 bytes"));
    type.addMethod(
        setter(
            options,
            "priority",
            TypeName.INT,
            "Sets the priority; higher runs first.",
            "the priority"));
    type.addMethod(
        setter(
            options,
            "lock",
            nullableString,
            "Sets the lock: jobs sharing a lock run one at a time.",
            "the lock, or null for none"));
    type.addMethod(
        setter(
            options,
            "queueingLock",
            nullableString,
            "Sets the queueing lock: at most one waiting job per value.",
            "the queueing lock, or null for none"));
    type.addMethod(
        setter(
            options,
            "scheduleAt",
            ClassName.get(Instant.class).annotated(NULLABLE),
            "Schedules the job: it does not run before this instant.",
            "the instant, or null"));
    type.addMethod(
        setter(
            options,
            "scheduleIn",
            ClassName.get(Duration.class).annotated(NULLABLE),
            "Schedules the job: it does not run before this delay has passed.",
            "the delay, or null"));
    type.addMethod(
        setter(
            options,
            "connection",
            ClassName.get(Connection.class).annotated(NULLABLE),
            "Defers through this connection, inside its current transaction: the job exists only"
                + " if the\ntransaction commits. The connection is neither committed nor closed.",
            "the caller's connection, or null to use the app's pool"));
    type.addMethod(
        setter(
            options,
            "app",
            Names.APP.annotated(NULLABLE),
            "Defers through this app instead of the default one.",
            "the app, or null for the default"));

    type.addMethod(
        MethodSpec.methodBuilder("defer")
            .addModifiers(Modifier.PUBLIC)
            .addParameters(parameters(args))
            .returns(TypeName.LONG)
            .addJavadoc("Defers a job with these options.\n\n")
            .addJavadoc(paramDocs(args))
            .addJavadoc("@return the id of the new job\n")
            .beginControlFlow("if (this.connection == null)")
            .addStatement("return jobManager().defer(newJob($L))", params)
            .endControlFlow()
            .addStatement("return jobManager().defer(this.connection, newJob($L))", params)
            .build());
    type.addMethod(
        MethodSpec.methodBuilder("deferAsync")
            .addModifiers(Modifier.PUBLIC)
            .addParameters(parameters(args))
            .returns(future())
            .addJavadoc("Defers a job with these options without blocking.\n\n")
            .addJavadoc(paramDocs(args))
            .addJavadoc("@return the id of the new job, once deferred\n")
            .addJavadoc(
                "@throws IllegalStateException if a connection is set: use {@link #defer} to"
                    + " join a transaction\n")
            .beginControlFlow("if (this.connection != null)")
            .addStatement(
                "throw new $T($S)",
                IllegalStateException.class,
                "deferAsync cannot join the caller's transaction; use defer(...) with a connection")
            .endControlFlow()
            .addStatement("return jobManager().deferAsync(newJob($L))", params)
            .build());
    type.addMethod(
        MethodSpec.methodBuilder("batch")
            .addModifiers(Modifier.PUBLIC)
            .returns(batch)
            .addJavadoc(
                "Starts a batch of jobs with these options, deferred in one round trip.\n\n")
            .addJavadoc("@return an empty batch\n")
            .addStatement("return new $T(this)", batch)
            .build());

    CodeBlock.Builder build =
        CodeBlock.builder()
            .add("return $T.builder(TASK_NAME)\n", Names.NEW_JOB)
            .indent()
            .indent()
            .add(".queue(this.queue)\n")
            .add(".priority(this.priority)\n")
            .add(".lock(this.lock)\n")
            .add(".queueingLock(this.queueingLock)\n")
            .add(".scheduleAt(this.scheduleAt)\n")
            .add(".scheduleIn(this.scheduleIn)\n");
    for (TaskParam arg : args) {
      build.add(".arg($S, $L)\n", arg.jsonName(), arg.javaName());
    }
    build.add(".build();\n").unindent().unindent();
    type.addMethod(
        MethodSpec.methodBuilder("newJob")
            .addModifiers(Modifier.PRIVATE)
            .addParameters(parameters(args))
            .returns(Names.NEW_JOB)
            .addCode(build.build())
            .build());
    type.addMethod(
        MethodSpec.methodBuilder("jobManager")
            .addModifiers(Modifier.PRIVATE)
            .returns(Names.JOB_MANAGER)
            .addStatement("$T app = this.app", Names.APP)
            .addStatement("return (app == null ? $T.getDefault() : app).jobManager()", Names.APP)
            .build());
    return type.build();
  }

  private static TypeSpec batch(
      ClassName batch, ClassName options, List<TaskParam> args, String params) {
    TypeName list = ParameterizedTypeName.get(ClassName.get(List.class), Names.NEW_JOB);
    return TypeSpec.classBuilder(batch)
        .addModifiers(Modifier.PUBLIC, Modifier.STATIC, Modifier.FINAL)
        .addJavadoc(
            "Jobs deferred together in one round trip, all or none. Not thread-safe; {@link #add}"
                + " returns\nthis object.\n")
        .addField(options, "options", Modifier.PRIVATE, Modifier.FINAL)
        .addField(
            FieldSpec.builder(list, "jobs", Modifier.PRIVATE, Modifier.FINAL)
                .initializer("new $T<>()", ArrayList.class)
                .build())
        .addMethod(
            MethodSpec.constructorBuilder()
                .addModifiers(Modifier.PRIVATE)
                .addParameter(options, "options")
                .addStatement("this.options = options")
                .build())
        .addMethod(
            MethodSpec.methodBuilder("add")
                .addModifiers(Modifier.PUBLIC)
                .addParameters(parameters(args))
                .returns(batch)
                .addJavadoc("Adds a job to the batch.\n\n")
                .addJavadoc(paramDocs(args))
                .addJavadoc("@return this batch\n")
                .addStatement("this.jobs.add(this.options.newJob($L))", params)
                .addStatement("return this")
                .build())
        .addMethod(
            MethodSpec.methodBuilder("size")
                .addModifiers(Modifier.PUBLIC)
                .returns(TypeName.INT)
                .addJavadoc("Returns the number of jobs added.\n\n@return the number of jobs\n")
                .addStatement("return jobs.size()")
                .build())
        .addMethod(
            MethodSpec.methodBuilder("defer")
                .addModifiers(Modifier.PUBLIC)
                .returns(ArrayTypeName.of(TypeName.LONG))
                .addJavadoc("Defers every job added, in one round trip.\n\n")
                .addJavadoc("@return the ids of the new jobs, in the order they were added\n")
                .addStatement("$T connection = options.connection", Connection.class)
                .addStatement(
                    "return connection == null\n"
                        + "    ? options.jobManager().deferBatch(jobs)\n"
                        + "    : options.jobManager().deferBatch(connection, jobs)")
                .build())
        .build();
  }

  private static MethodSpec.Builder staticMethod(
      String name, TypeName returns, List<TaskParam> args) {
    return MethodSpec.methodBuilder(name)
        .addModifiers(Modifier.PUBLIC, Modifier.STATIC)
        .addParameters(parameters(args))
        .returns(returns);
  }

  private static List<ParameterSpec> parameters(List<TaskParam> args) {
    List<ParameterSpec> out = new ArrayList<>();
    for (TaskParam arg : args) {
      out.add(ParameterSpec.builder(arg.typeName(), arg.javaName()).build());
    }
    return out;
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

  private static FieldSpec nullableField(ClassName type, String name) {
    return FieldSpec.builder(type.annotated(NULLABLE), name, Modifier.PRIVATE).build();
  }

  private static MethodSpec setter(
      ClassName options, String name, TypeName type, String summary, String paramDoc) {
    return MethodSpec.methodBuilder(name)
        .addModifiers(Modifier.PUBLIC)
        .addParameter(type, name)
        .returns(options)
        .addJavadoc(summary + "\n\n")
        .addJavadoc("@param $L $L\n", name, paramDoc)
        .addJavadoc("@return these options\n")
        .addStatement("this.$L = $L", name, name)
        .addStatement("return this")
        .build();
  }
}
