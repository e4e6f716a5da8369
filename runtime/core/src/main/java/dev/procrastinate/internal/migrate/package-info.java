/**
 * Schema migrations: Flyway over the scripts in {@code db/procrastinate}, with the history table
 * {@code procrastinate_schema_history}, and recognition of a schema created by Python Procrastinate
 * (which keeps no history), told apart by its objects. Not API: may change without notice.
 *
 * <p>Shape: {@link dev.procrastinate.internal.migrate.SchemaInspector} reads which contract objects
 * exist in the current schema; {@link dev.procrastinate.internal.migrate.UpstreamLevel} says which
 * upstream release adds each one; {@link dev.procrastinate.internal.migrate.Migrator} decides
 * between create, adopt (Flyway baseline at version 1, the 3.4+ schema) and refuse, and runs
 * Flyway, whose PostgreSQL advisory lock serialises concurrent migrations.
 */
@NullMarked
package dev.procrastinate.internal.migrate;

import org.jspecify.annotations.NullMarked;
