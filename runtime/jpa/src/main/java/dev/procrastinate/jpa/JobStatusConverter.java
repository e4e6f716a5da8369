package dev.procrastinate.jpa;

import dev.procrastinate.model.JobStatus;
import jakarta.persistence.AttributeConverter;
import jakarta.persistence.Converter;
import org.jspecify.annotations.Nullable;

/** Reads {@code procrastinate_job_status} values as {@link JobStatus}, and binds them back. */
@Converter
public final class JobStatusConverter implements AttributeConverter<JobStatus, String> {
  /** Created by the JPA provider. */
  public JobStatusConverter() {}

  @Override
  public @Nullable String convertToDatabaseColumn(@Nullable JobStatus status) {
    return status == null ? null : status.dbValue();
  }

  @Override
  public @Nullable JobStatus convertToEntityAttribute(@Nullable String value) {
    return value == null ? null : JobStatus.fromDb(value);
  }
}
