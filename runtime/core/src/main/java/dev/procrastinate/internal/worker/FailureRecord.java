package dev.procrastinate.internal.worker;

import dev.procrastinate.model.JobStatus;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.util.Map;
import org.jspecify.annotations.Nullable;

/**
 * Why one attempt of a job failed, as written to {@code procrastinate_java_job_failures} with the
 * attempt's outcome: the exception's class, message and stack trace (its causes and suppressed
 * exceptions included, as {@link Throwable#printStackTrace()} prints them), bounded to {@value
 * #MAX_MESSAGE} and {@value #MAX_STACK_TRACE} characters, and the details the task added. Not API.
 *
 * @param attempt the attempt, from 1: the job's attempts when fetched, plus one
 * @param status failed (a retry included) or aborted
 * @param exceptionClass the exception's class name
 * @param message its message, bounded, or null
 * @param stackTrace its stack trace, bounded
 * @param details what the task added, or empty
 */
public record FailureRecord(
    int attempt,
    JobStatus status,
    String exceptionClass,
    @Nullable String message,
    String stackTrace,
    Map<String, String> details) {
  /** The most characters of a message kept. */
  public static final int MAX_MESSAGE = 2_000;

  /** The most characters of a stack trace kept. */
  public static final int MAX_STACK_TRACE = 16_000;

  /** Creates a record, copying the details. */
  public FailureRecord {
    details = Map.copyOf(details);
  }

  /**
   * Describes a failed attempt.
   *
   * @param attempt the attempt, from 1
   * @param status failed or aborted
   * @param thrown what the attempt threw
   * @param details what the task added
   * @return the record, its texts bounded
   */
  public static FailureRecord of(
      int attempt, JobStatus status, Throwable thrown, Map<String, String> details) {
    String trace;
    try {
      StringWriter text = new StringWriter();
      thrown.printStackTrace(new PrintWriter(text));
      trace = text.toString();
    } catch (RuntimeException e) {
      // An exception whose toString throws: keep what can be said.
      trace = thrown.getClass().getName() + " (its stack trace cannot be printed: " + e + ")";
    }
    String message;
    try {
      message = thrown.getMessage();
    } catch (RuntimeException e) {
      message = null;
    }
    return new FailureRecord(
        attempt,
        status,
        thrown.getClass().getName(),
        message == null ? null : bound(message, MAX_MESSAGE),
        bound(trace, MAX_STACK_TRACE),
        details);
  }

  private static String bound(String text, int max) {
    if (text.length() <= max) {
      return text;
    }
    String marker = "\n... (cut at " + max + " of " + text.length() + " characters)";
    return text.substring(0, max - marker.length()) + marker;
  }
}
