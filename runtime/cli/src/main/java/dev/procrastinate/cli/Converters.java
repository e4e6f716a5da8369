package dev.procrastinate.cli;

import dev.procrastinate.DeleteJobs;
import dev.procrastinate.internal.config.SettingsSource;
import java.time.Duration;
import picocli.CommandLine;

/** Turns option values into runtime types with messages that say what to write. */
final class Converters {
  private Converters() {}

  /** Seconds ({@code 2.5}) or ISO-8601 ({@code PT2.5S}). */
  static final class Seconds implements CommandLine.ITypeConverter<Duration> {
    /** Called by picocli. */
    Seconds() {}

    @Override
    public Duration convert(String value) {
      try {
        Duration duration = SettingsSource.parseDuration(value);
        if (duration.isNegative()) {
          throw new CommandLine.TypeConversionException(
              "'" + value + "' is negative; give a number of seconds such as 5 or 0.5");
        }
        return duration;
      } catch (IllegalArgumentException e) {
        throw new CommandLine.TypeConversionException(
            "'" + value + "' is not a duration; give seconds such as 5 or 0.5, or ISO-8601 PT5S");
      }
    }
  }

  /** {@code never}, {@code successful} or {@code always}. */
  static final class DeleteJobsPolicy implements CommandLine.ITypeConverter<DeleteJobs> {
    /** Called by picocli. */
    DeleteJobsPolicy() {}

    @Override
    public DeleteJobs convert(String value) {
      try {
        return DeleteJobs.parse(value);
      } catch (IllegalArgumentException e) {
        throw new CommandLine.TypeConversionException(
            "'" + value + "' is not one of never, successful, always");
      }
    }
  }
}
