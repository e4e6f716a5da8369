/**
 * Periodic tasks: cron expressions read the way Python's croniter reads them (five fields, an
 * optional sixth for seconds last, {@code @daily}-style macros, evaluated in UTC), and the worker's
 * side thread that defers each tick of every schedule through {@code
 * procrastinate_defer_periodic_job_v2}, which lets only one worker defer a given tick. Not API.
 */
@NullMarked
package dev.procrastinate.internal.periodic;

import org.jspecify.annotations.NullMarked;
