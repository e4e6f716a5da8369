/**
 * Micrometer metrics for jobs and queues: {@link
 * dev.procrastinate.micrometer.ProcrastinateMetrics}. Micrometer is an optional dependency of the
 * runtime; add {@code io.micrometer:micrometer-core} to use this package.
 */
@NullMarked
package dev.procrastinate.micrometer;

import org.jspecify.annotations.NullMarked;
