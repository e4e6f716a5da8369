/**
 * For generated code: the interfaces and builders through which the registrars and deferrers
 * written by {@code procrastinate-processor} hand tasks to the runtime. Kept binary-compatible
 * across minor versions, because jars compiled with an older processor call it; applications do not
 * normally use it directly.
 */
@NullMarked
package dev.procrastinate.spi;

import org.jspecify.annotations.NullMarked;
