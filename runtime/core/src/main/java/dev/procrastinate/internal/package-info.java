/**
 * Internals of procrastinate-java. Not API: anything under {@code dev.procrastinate.internal} may
 * change in any release.
 */
@NullMarked
package dev.procrastinate.internal;

import org.jspecify.annotations.NullMarked;
