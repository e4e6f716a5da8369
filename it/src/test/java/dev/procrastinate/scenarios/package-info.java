/**
 * Helpers for the Maven plugin scenarios under {@code it/src/it/}: their pre-build and verify
 * scripts give each scenario a database of its own through {@link
 * dev.procrastinate.scenarios.ScenarioDatabase}.
 */
@NullMarked
package dev.procrastinate.scenarios;

import org.jspecify.annotations.NullMarked;
