/**
 * What the processor has validated and generates code from: {@code TaskModel}, the tasks of one
 * class, each a {@code TaskMethod} with its {@code TaskParam}s, {@code RetryModel} and {@code
 * PeriodicModel}s; and {@code Names}, the runtime and JDK types that validation looks for and
 * generated code refers to, by name. The records are built once, by {@link
 * dev.procrastinate.processor.validation}, and only read afterwards, by {@link
 * dev.procrastinate.processor.writing} and the processor.
 *
 * <p>Depends on no other package of the processor, only on {@code javax.lang.model} and JavaPoet's
 * names of types.
 */
@NullMarked
package dev.procrastinate.processor.model;

import org.jspecify.annotations.NullMarked;
