/**
 * The operations layer: what the command line, the Maven goals and the dashboard do, in plain Java,
 * so that every front end accepts the same inputs with the same messages. {@link
 * dev.procrastinate.operations.Shell} is the administration shell over a {@link
 * dev.procrastinate.JobManager}.
 *
 * <p>Applications do not need this package; it has no dependency beyond the runtime's own.
 */
@NullMarked
package dev.procrastinate.operations;

import org.jspecify.annotations.NullMarked;
