/**
 * For generated code: the interfaces, builders and base classes through which the registrars and
 * deferrers written by {@code procrastinate-processor} hand tasks and jobs to the runtime.
 * Generated deferrers extend {@link dev.procrastinate.spi.DeferrerOptions} and {@link
 * dev.procrastinate.spi.DeferrerBatch} and refer to no other runtime type but the {@link
 * dev.procrastinate.NewJob} their {@code job(...)} methods return. Kept binary-compatible across
 * minor versions, because jars compiled with an older processor call it; applications do not
 * normally use it directly, beyond the setters a deferrer's {@code Options} inherit.
 */
@NullMarked
package dev.procrastinate.spi;

import org.jspecify.annotations.NullMarked;
