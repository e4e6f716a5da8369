/**
 * Read-only views of the rows of the Procrastinate tables: jobs, their events, the claims of
 * periodic ticks and the registered workers, plus per-queue, per-task and per-lock counts. Values
 * are copied out of the database by the read queries of {@link dev.procrastinate.JobManager};
 * changing a job goes through the schema's functions, which {@code JobManager} calls.
 */
@NullMarked
package dev.procrastinate.model;

import org.jspecify.annotations.NullMarked;
