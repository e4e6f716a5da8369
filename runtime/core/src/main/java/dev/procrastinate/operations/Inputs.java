package dev.procrastinate.operations;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.DeserializationFeature;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.procrastinate.DeleteJobs;
import dev.procrastinate.NewJob;
import dev.procrastinate.WorkerOptions;
import dev.procrastinate.internal.config.SettingsSource;
import java.time.Duration;
import java.time.Instant;
import java.time.LocalDateTime;
import java.time.ZoneOffset;
import java.time.format.DateTimeFormatter;
import java.time.format.DateTimeParseException;
import java.time.temporal.ChronoField;
import java.time.temporal.TemporalAccessor;
import java.util.List;

/**
 * Parses the text the front ends are given: date-times, durations, numbers, yes/no values, queue
 * lists, JSON arguments. The one place where these inputs are read, so the command line and the
 * Maven goals accept the same spellings and refuse the others with the same messages. Stateless and
 * thread-safe.
 *
 * <ul>
 *   <li>A date-time is ISO-8601 with an offset ({@code 2026-05-01T09:30:00Z}, {@code
 *       2026-05-01T09:30:00+02:00}), a zone ({@code 2026-05-01T09:30:00+02:00[Europe/Paris]}), or
 *       without either ({@code 2026-05-01T09:30:00}), which is read as UTC, as upstream
 *       Procrastinate's {@code --at} reads it.
 *   <li>A duration is a number of seconds, decimals allowed ({@code 60}, {@code 2.5}), or ISO-8601
 *       ({@code PT1M}, {@code PT2.5S}), as the worker settings are written.
 *   <li>A yes/no value is {@code true/false}, {@code 1/0}, {@code y/n}, {@code t/f}, {@code yes/no}
 *       or {@code on/off}, in any case.
 * </ul>
 */
public final class Inputs {
  private static final ObjectMapper JSON =
      new ObjectMapper().enable(DeserializationFeature.FAIL_ON_TRAILING_TOKENS);

  private Inputs() {}

  /**
   * Parses an ISO-8601 date-time; one without offset or zone is UTC.
   *
   * @param text e.g. {@code 2026-05-01T09:30:00Z} or {@code 2026-05-01T09:30:00}
   * @return the instant
   * @throws IllegalArgumentException if the text is not an ISO-8601 date-time
   */
  public static Instant parseInstant(String text) {
    TemporalAccessor parsed;
    try {
      parsed = DateTimeFormatter.ISO_DATE_TIME.parse(text.trim());
    } catch (DateTimeParseException e) {
      throw new IllegalArgumentException("not an ISO-8601 date-time: " + text, e);
    }
    if (parsed.isSupported(ChronoField.OFFSET_SECONDS)) {
      return Instant.from(parsed);
    }
    return LocalDateTime.from(parsed).toInstant(ZoneOffset.UTC);
  }

  /**
   * Parses a duration: a number of seconds ({@code 2.5}) or ISO-8601 ({@code PT2.5S}).
   *
   * @param text the text
   * @return the duration, which may be negative
   * @throws IllegalArgumentException if the text is neither
   */
  public static Duration parseDuration(String text) {
    return SettingsSource.parseDuration(text);
  }

  static Instant instant(Input input, String text, InputNames names) {
    try {
      return parseInstant(text);
    } catch (IllegalArgumentException e) {
      throw new InputException(
          input,
          names.name(input)
              + " is '"
              + text
              + "', which is not an ISO-8601 date-time; write it like 2026-05-01T09:30:00Z,"
              + " 2026-05-01T09:30:00+02:00, or 2026-05-01T09:30:00 for UTC",
          e);
    }
  }

  /** A duration of zero or more, such as a delay or a timeout. */
  static Duration delay(Input input, String text, InputNames names) {
    Duration duration = duration(input, text, names);
    if (duration.isNegative()) {
      throw new InputException(
          input,
          names.name(input)
              + " is '"
              + text
              + "', which is negative; write zero or more, in seconds (60, 2.5) or ISO-8601"
              + " (PT1M)",
          null);
    }
    return duration;
  }

  /** A duration above zero, such as a polling interval. */
  static Duration interval(Input input, String text, InputNames names) {
    Duration duration = duration(input, text, names);
    if (duration.isNegative() || duration.isZero()) {
      throw new InputException(
          input,
          names.name(input)
              + " is '"
              + text
              + "'; it must be a positive duration, in seconds (5, 0.5) or ISO-8601 (PT5S)",
          null);
    }
    return duration;
  }

  private static Duration duration(Input input, String text, InputNames names) {
    try {
      return parseDuration(text);
    } catch (IllegalArgumentException e) {
      throw new InputException(
          input,
          names.name(input)
              + " is '"
              + text
              + "', which is not a duration; write seconds (60, 2.5) or ISO-8601 (PT1M)",
          e);
    }
  }

  static int wholeNumber(Input input, String text, InputNames names) {
    try {
      return Integer.parseInt(text.trim());
    } catch (NumberFormatException e) {
      throw new InputException(
          input, names.name(input) + " is '" + text + "', which is not a whole number", e);
    }
  }

  static int atLeast(Input input, String text, int min, InputNames names) {
    int value = wholeNumber(input, text, names);
    if (value < min) {
      throw new InputException(
          input, names.name(input) + " is '" + text + "'; it must be at least " + min, null);
    }
    return value;
  }

  static boolean yesNo(Input input, String text, InputNames names) {
    try {
      return SettingsSource.parseBoolean(text);
    } catch (IllegalArgumentException e) {
      throw new InputException(
          input, names.name(input) + " is '" + text + "', " + e.getMessage(), e);
    }
  }

  static DeleteJobs deleteJobs(Input input, String text, InputNames names) {
    try {
      return DeleteJobs.parse(text);
    } catch (IllegalArgumentException e) {
      throw new InputException(
          input,
          names.name(input) + " is '" + text + "', which is not one of never, successful, always",
          e);
    }
  }

  /** A comma-separated queue list; blanks are dropped, so an empty text means all queues. */
  static List<String> queues(Input input, String text, InputNames names) {
    try {
      return WorkerOptions.parseQueues(text);
    } catch (IllegalArgumentException e) {
      throw new InputException(input, names.name(input) + ": " + e.getMessage(), e);
    }
  }

  static String queue(Input input, String text, InputNames names) {
    try {
      NewJob.validateQueueName(text);
      return text;
    } catch (IllegalArgumentException e) {
      throw new InputException(input, names.name(input) + ": " + e.getMessage(), e);
    }
  }

  /** Checks that a text is one JSON object, and returns it unchanged. */
  static String jsonObject(Input input, String text, InputNames names) {
    JsonNode node;
    try {
      node = JSON.readTree(text);
    } catch (JsonProcessingException e) {
      throw new InputException(
          input,
          names.name(input)
              + " is not valid JSON ("
              + e.getOriginalMessage()
              + "); give a JSON object such as {\"user_id\": 3}",
          e);
    }
    if (node == null || !node.isObject()) {
      throw new InputException(
          input,
          names.name(input)
              + " must be a JSON object of argument names to values, such as {\"user_id\": 3};"
              + " got "
              + text.strip(),
          null);
    }
    return text;
  }
}
