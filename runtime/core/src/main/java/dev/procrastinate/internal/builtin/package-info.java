/**
 * The tasks every app knows without declaring them, under Python Procrastinate's names and argument
 * names, so that a job deferred by Python runs on a Java worker: {@code
 * builtin:procrastinate.builtin_tasks.remove_old_jobs}. Not API.
 */
@NullMarked
package dev.procrastinate.internal.builtin;

import org.jspecify.annotations.NullMarked;
