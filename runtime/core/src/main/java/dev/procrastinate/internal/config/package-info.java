/**
 * Reading settings from system properties, environment variables and {@code
 * procrastinate.properties}. Not API: may change without notice.
 */
@NullMarked
package dev.procrastinate.internal.config;

import org.jspecify.annotations.NullMarked;
