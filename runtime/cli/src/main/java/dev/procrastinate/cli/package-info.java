/**
 * The {@code procrastinate} command line: {@code worker}, {@code defer}, {@code schema}, {@code
 * healthchecks} and {@code shell}, the Java twins of Python Procrastinate's commands, and {@code
 * dashboard}, which serves the web dashboard of {@code procrastinate-dashboard}. {@link
 * dev.procrastinate.cli.Main} is the entry point of the runnable {@code procrastinate-cli} jar.
 *
 * <p>Commands are thin: they parse options with picocli and call the operations layer of the
 * runtime ({@link dev.procrastinate.operations}), which the Maven plugin's goals call too, so both
 * front ends accept the same inputs with the same messages.
 */
@NullMarked
package dev.procrastinate.cli;

import org.jspecify.annotations.NullMarked;
