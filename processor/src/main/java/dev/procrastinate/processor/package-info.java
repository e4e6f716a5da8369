/**
 * The annotation processor of procrastinate-java. {@link dev.procrastinate.processor.TaskProcessor}
 * turns each {@code @Task} method into a typed {@code <Method>Deferrer} class and each class with
 * {@code @Task} methods into a {@code <Enclosing>_TaskRegistrar}, listed in {@code
 * META-INF/services/dev.procrastinate.spi.TaskRegistrar}, after checking every task at compile
 * time.
 *
 * <p>The pipeline, one package a step:
 *
 * <ol>
 *   <li><b>round</b> and <b>collect</b>, in this package: {@code TaskProcessor} gathers the classes
 *       with {@code @Task} methods of each round, and defers a class whose signatures mention types
 *       not generated yet to a later round;
 *   <li><b>validate</b>, in {@link dev.procrastinate.processor.validation}: {@code TaskValidator}
 *       hands each concern to its validator, reports every problem through {@code Diagnostics} with
 *       a tagged {@code Message}, and stops the class when there is any;
 *   <li><b>model</b>, in {@link dev.procrastinate.processor.model}: what validation returns, the
 *       immutable {@code TaskModel} of one class and its tasks;
 *   <li><b>write</b>, in {@link dev.procrastinate.processor.writing}: {@code DeferrerWriter} and
 *       {@code RegistrarWriter} turn the model into source with JavaPoet; {@code TaskProcessor}
 *       writes the files, and in the last round the service file.
 * </ol>
 *
 * <p>Beside the tasks, {@code RelationCollector} reads the JPA relations of application entities to
 * {@code ProcrastinateJob} from each round, checks them and records them in the last round for
 * {@code mvn procrastinate:relation-sql}.
 *
 * <p>The packages form layers: {@code model} depends on no other package of the processor, {@code
 * validation} and {@code writing} on {@code model} only, and this package, the entry point, on all
 * three; {@code PackageDependenciesTest} keeps it so. Runtime types are referred to by name only
 * ({@code model.Names}), so the processor does not depend on the runtime; the rules both enforce,
 * the cron syntax and the name limits, are compiled into the processor from the runtime's shared
 * source directory ({@code dev.procrastinate.spi.rules}). Source is written with {@code
 * com.palantir.javapoet}, the maintained fork of JavaPoet that knows records and sealed types;
 * Square's JavaPoet 1.13 is frozen.
 */
@NullMarked
package dev.procrastinate.processor;

import org.jspecify.annotations.NullMarked;
