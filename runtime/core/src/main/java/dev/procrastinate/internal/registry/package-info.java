/**
 * The task registry: loads the generated {@link dev.procrastinate.spi.TaskRegistrar}s with {@link
 * java.util.ServiceLoader}, rejects a task name or alias registered twice, and decodes a job's JSON
 * {@code args} for its handler. Not API.
 */
@NullMarked
package dev.procrastinate.internal.registry;

import org.jspecify.annotations.NullMarked;
