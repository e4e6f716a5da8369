package dev.procrastinate.jpa;

import dev.procrastinate.model.JobEventType;
import jakarta.persistence.AttributeConverter;
import jakarta.persistence.Converter;
import org.jspecify.annotations.Nullable;

/**
 * Reads {@code procrastinate_job_event_type} values as {@link JobEventType}, and binds them back.
 */
@Converter
public final class JobEventTypeConverter implements AttributeConverter<JobEventType, String> {
  /** Created by the JPA provider. */
  public JobEventTypeConverter() {}

  @Override
  public @Nullable String convertToDatabaseColumn(@Nullable JobEventType type) {
    return type == null ? null : type.dbValue();
  }

  @Override
  public @Nullable JobEventType convertToEntityAttribute(@Nullable String value) {
    return value == null ? null : JobEventType.fromDb(value);
  }
}
