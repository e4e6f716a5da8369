/**
 * Read-only views of the rows of the Procrastinate tables: jobs and their statuses. Values are
 * copied out of the database; changing a job goes through {@link dev.procrastinate.JobManager},
 * which calls the schema's functions.
 */
@NullMarked
package dev.procrastinate.model;

import org.jspecify.annotations.NullMarked;
