/**
 * Turns a validated model into Java source with JavaPoet: {@code DeferrerWriter} writes the typed
 * {@code <Method>Deferrer} of one task, {@code RegistrarWriter} the {@code
 * <Enclosing>_TaskRegistrar} of one class. The writers report nothing: what reaches them is valid,
 * and what they return is written to the filer by the processor.
 *
 * <p>May depend on {@link dev.procrastinate.processor.model} only; not on {@link
 * dev.procrastinate.processor.validation} or the processor's entry point.
 */
@NullMarked
package dev.procrastinate.processor.writing;

import org.jspecify.annotations.NullMarked;
