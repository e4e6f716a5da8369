/** The default JSON mapper. Not API: may change without notice. */
@NullMarked
package dev.procrastinate.internal.json;

import org.jspecify.annotations.NullMarked;
