/**
 * Inline apps ({@link dev.procrastinate.App.Builder#inline()}): a defer runs its task at once on
 * the caller's thread, through the worker's own executor, after its arguments went to JSON and
 * back; no database is involved. For unit tests. Not API.
 */
@NullMarked
package dev.procrastinate.internal.inline;

import org.jspecify.annotations.NullMarked;
