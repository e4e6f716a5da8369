/**
 * The annotation processor of procrastinate-java. {@link dev.procrastinate.processor.TaskProcessor}
 * turns each {@code @Task} method into a typed {@code <Method>Deferrer} class and each class with
 * {@code @Task} methods into a {@code <Enclosing>_TaskRegistrar}, listed in {@code
 * META-INF/services/dev.procrastinate.spi.TaskRegistrar}, after checking every task at compile
 * time. The pipeline is element, then validated model ({@code TaskValidator}, which hands each
 * concern to {@code ShapeValidator}, {@code NameValidator}, {@code RetryValidator}, {@code
 * ParameterValidator} and {@code PeriodicValidator}; records in {@code TaskModel}), then writer
 * ({@code DeferrerWriter}, {@code RegistrarWriter}); every problem is reported through {@code
 * Diagnostics} with a tagged {@code Message}. Runtime types are referred to by name only ({@code
 * Names}), so the processor does not depend on the runtime; the rules both enforce, the cron syntax
 * and the name limits, are compiled into the processor from the runtime's shared source directory
 * ({@code dev.procrastinate.internal.rules}). Source is written with {@code com.palantir.javapoet},
 * the maintained fork of JavaPoet that knows records and sealed types; Square's JavaPoet 1.13 is
 * frozen.
 */
@NullMarked
package dev.procrastinate.processor;

import org.jspecify.annotations.NullMarked;
