/**
 * The {@code procrastinate} command line: {@code worker}, {@code defer}, {@code schema}, {@code
 * healthchecks} and {@code shell}, the Java twins of Python Procrastinate's commands. {@link
 * dev.procrastinate.cli.Main} is the entry point of the runnable {@code cli} jar; {@link
 * dev.procrastinate.cli.Shell} is the administration shell, usable on its own over a {@link
 * dev.procrastinate.JobManager}.
 *
 * <p>The command line needs picocli, an optional dependency of the runtime: applications that use
 * the library do not get it, the {@code cli} jar carries it.
 */
@NullMarked
package dev.procrastinate.cli;

import org.jspecify.annotations.NullMarked;
