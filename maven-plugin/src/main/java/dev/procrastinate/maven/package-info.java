/**
 * The goals of the {@code procrastinate} Maven plugin ({@code mvn procrastinate:<goal>}). Each goal
 * is a thin adapter: it reads its parameters, builds an {@link dev.procrastinate.App} from them and
 * the project's {@code procrastinate.properties}, calls the operations layer the command line calls
 * too ({@link dev.procrastinate.operations}), and reports the outcome; {@link
 * dev.procrastinate.maven.AbstractProcrastinateMojo} holds what every goal shares.
 *
 * <p>This module also holds the relations code, whose only consumer is {@code relation-sql}: {@link
 * dev.procrastinate.relations} (the forward and reverse foreign-key migrations and the live checks)
 * and its internals, so that applications do not ship a build tool.
 */
@NullMarked
package dev.procrastinate.maven;

import org.jspecify.annotations.NullMarked;
