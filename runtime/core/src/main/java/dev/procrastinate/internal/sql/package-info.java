/**
 * SQL access. The statements live in {@link dev.procrastinate.internal.sql.JobSql}; three DAOs are
 * the only classes that run them over JDBC, one per concern: {@link
 * dev.procrastinate.internal.sql.JobDao} changes jobs, {@link
 * dev.procrastinate.internal.sql.WorkerDao} keeps workers and their heartbeats, {@link
 * dev.procrastinate.internal.sql.QueryDao} only reads. They share one helper, {@code Jdbc}, for
 * binding, running and row mapping. {@link dev.procrastinate.internal.sql.Database} opens
 * connections, runs transactions and maps database errors to procrastinate exceptions. Not API: may
 * change without notice.
 */
@NullMarked
package dev.procrastinate.internal.sql;

import org.jspecify.annotations.NullMarked;
