package dev.procrastinate.model;

import java.time.Instant;
import org.jspecify.annotations.Nullable;

/**
 * One row of {@code procrastinate_events}: something that happened to a job, written by the
 * schema's triggers. Deleting a job deletes its events.
 *
 * @param id the event id; later events have larger ids
 * @param jobId the job the event belongs to
 * @param type what happened; null only in rows written by hand, as the column allows it
 * @param at when it happened; for {@link JobEventType#SCHEDULED}, the time the job is due
 */
public record ProcrastinateEvent(
    long id, long jobId, @Nullable JobEventType type, @Nullable Instant at) {}
