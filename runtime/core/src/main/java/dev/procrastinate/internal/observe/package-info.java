/**
 * Calls the app's {@link dev.procrastinate.JobObserver}s and {@link
 * dev.procrastinate.ContextPropagator} so that their failures never change a job's fate. Not API.
 */
@NullMarked
package dev.procrastinate.internal.observe;

import org.jspecify.annotations.NullMarked;
