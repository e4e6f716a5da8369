/**
 * Schema migrations: Flyway over the scripts in {@code db/procrastinate}, with the history table
 * {@code procrastinate_schema_history}, and recognition of a schema created by Python Procrastinate
 * (which keeps no history), told apart by its objects. Not API: may change without notice.
 *
 * <p>Shape: {@link dev.procrastinate.internal.migrate.SchemaInspector} reads which contract objects
 * exist in the current schema; {@link dev.procrastinate.internal.migrate.UpstreamLevel} says which
 * upstream release adds each one; {@link dev.procrastinate.internal.migrate.Migrator} decides
 * between create, adopt (Flyway baseline at version 1, the 3.4+ schema) and refuse, and runs
 * Flyway, whose PostgreSQL advisory lock (session-level, so that {@code CREATE INDEX CONCURRENTLY}
 * does not wait for it) serialises concurrent migrations; {@link
 * dev.procrastinate.internal.migrate.HistoryRepair} lets Flyway apply our scripts again over a
 * pre-release snapshot's history or a failed run.
 *
 * <p>Online: the scripts after V1 never hold a lock that the writers of {@code procrastinate_jobs}
 * wait for longer than a 100 ms {@code lock_timeout} (indexes are built concurrently, the one
 * foreign key's lock is retried), and each can run again, so an interrupted migration is completed
 * by the next one.
 */
@NullMarked
package dev.procrastinate.internal.migrate;

import org.jspecify.annotations.NullMarked;
