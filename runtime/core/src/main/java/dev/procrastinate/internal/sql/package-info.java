/**
 * SQL access: the statements ({@link dev.procrastinate.internal.sql.JobSql}), the only class that
 * touches JDBC for jobs ({@link dev.procrastinate.internal.sql.JobDao}), and the mapping of
 * database errors to procrastinate exceptions ({@link dev.procrastinate.internal.sql.Database}).
 * Not API: may change without notice.
 */
@NullMarked
package dev.procrastinate.internal.sql;

import org.jspecify.annotations.NullMarked;
