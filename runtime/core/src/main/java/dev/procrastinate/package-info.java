/**
 * The public API of procrastinate-java, a PostgreSQL-backed task queue whose schema is compatible
 * with Python Procrastinate 3.x.
 *
 * <p>{@link dev.procrastinate.App} is the entry point: it owns the database access, the JSON mapper
 * and the schema migrations. {@link dev.procrastinate.JobManager} defers, lists, cancels and
 * retries jobs. Generated {@code <Method>Deferrer} classes reach it through {@link
 * dev.procrastinate.spi.DeferrerOptions}, never directly.
 */
@NullMarked
package dev.procrastinate;

import org.jspecify.annotations.NullMarked;
