/**
 * The goals of the {@code procrastinate} Maven plugin ({@code mvn procrastinate:<goal>}). Each goal
 * is a thin adapter over the runtime's public API: it reads its parameters, builds an {@link
 * dev.procrastinate.App} from them and the project's {@code procrastinate.properties}, calls one
 * runtime operation and reports the outcome; {@link
 * dev.procrastinate.maven.AbstractProcrastinateMojo} holds what every goal shares.
 */
@NullMarked
package dev.procrastinate.maven;

import org.jspecify.annotations.NullMarked;
