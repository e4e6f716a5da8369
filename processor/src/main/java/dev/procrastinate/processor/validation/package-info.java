/**
 * Checks the {@code @Task} methods of one class and builds their model. {@code TaskValidator}, the
 * only entry for tasks, coordinates one validator per concern ({@code ShapeValidator}, {@code
 * NameValidator}, {@code RetryValidator}, {@code FlowControlValidator}, {@code ParameterValidator},
 * {@code PeriodicValidator}), each reporting on the offending element and returning its validated
 * part of the model. {@code Diagnostics} reports every problem with a tagged {@code Message};
 * {@code Annotations} reads annotation mirrors by name, since the runtime's annotation types are
 * not on the processor's path.
 *
 * <p>May depend on {@link dev.procrastinate.processor.model}, and on the rules shared with the
 * runtime ({@code dev.procrastinate.spi.rules}); not on {@link dev.procrastinate.processor.writing}
 * or the processor's entry point.
 */
@NullMarked
package dev.procrastinate.processor.validation;

import org.jspecify.annotations.NullMarked;
