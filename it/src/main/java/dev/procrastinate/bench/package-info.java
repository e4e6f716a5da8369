/**
 * Runnable benchmarks that print figures: each main creates a database of its own on the server
 * named by {@code PROCRASTINATE_BENCH_URL} (default {@code
 * jdbc:postgresql://localhost:5432/postgres}, user and password {@code postgres}), migrates it,
 * measures, and drops it.
 */
@NullMarked
package dev.procrastinate.bench;

import org.jspecify.annotations.NullMarked;
