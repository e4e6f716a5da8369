package dev.procrastinate.spi.rules;

import java.math.BigDecimal;
import java.math.BigInteger;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.jspecify.annotations.Nullable;

/**
 * The grammar of a rate limit, {@code N/PERIOD}, which {@code @Task(rateLimit)}, the shell's {@code
 * set_limit ... rate=} and {@code dev.procrastinate.model.RateLimit.parse} read: {@code N} a
 * positive whole number that fits an {@code int}; {@code PERIOD} a positive number with an optional
 * unit ({@code ms}, {@code s}, {@code m}, {@code h}; seconds without one), or a unit alone for one
 * of it, a whole number of nanoseconds of at least one millisecond. Shared by the processor and the
 * runtime, so that what compiles is what runs.
 */
public final class RateSyntax {
  /** How to write a rate limit, for error messages. */
  public static final String FORM =
      "write N/PERIOD, N starts per PERIOD, as 50/1s, 50/s, 100/60 (in seconds), 100/m or 5/500ms";

  private static final Pattern SYNTAX =
      Pattern.compile("\\s*(\\d+)\\s*/\\s*(\\d+(?:\\.\\d+)?)?\\s*(ms|s|m|h)?\\s*");

  private static final BigInteger MAX_PERMITS = BigInteger.valueOf(Integer.MAX_VALUE);
  private static final BigDecimal MAX_NANOS = BigDecimal.valueOf(Long.MAX_VALUE);
  private static final BigDecimal ONE_MILLISECOND = BigDecimal.valueOf(1_000_000L);

  private RateSyntax() {}

  /**
   * A rate limit as read.
   *
   * @param permits the starts per period, at least 1
   * @param periodNanos the period in nanoseconds, at least one millisecond
   */
  public record Rate(int permits, long periodNanos) {}

  /**
   * Reads a rate limit.
   *
   * @param text the text, {@code 50/1s} say
   * @return the rate
   * @throws IllegalArgumentException whose message says what is wrong, as a phrase such as {@code
   *     does not read} or {@code allows 0 starts (at least 1 start)}
   */
  public static Rate read(String text) {
    Matcher matcher = SYNTAX.matcher(text);
    if (!matcher.matches() || (matcher.group(2) == null && matcher.group(3) == null)) {
      throw new IllegalArgumentException("does not read");
    }
    BigInteger permits = new BigInteger(matcher.group(1));
    if (permits.signum() == 0) {
      throw new IllegalArgumentException("allows 0 starts (at least 1 start)");
    }
    if (permits.compareTo(MAX_PERMITS) > 0) {
      throw new IllegalArgumentException(
          "allows too many starts (at most " + Integer.MAX_VALUE + " per period)");
    }
    BigDecimal amount =
        matcher.group(2) == null ? BigDecimal.ONE : new BigDecimal(matcher.group(2));
    String unit = matcher.group(3) == null ? "s" : matcher.group(3);
    BigDecimal nanos = amount.multiply(BigDecimal.valueOf(nanosPerUnit(unit)));
    if (nanos.compareTo(ONE_MILLISECOND) < 0) {
      throw new IllegalArgumentException("has a period under 1 ms (at least 1 ms)");
    }
    if (nanos.stripTrailingZeros().scale() > 0 || nanos.compareTo(MAX_NANOS) > 0) {
      throw new IllegalArgumentException(
          "has a period that is not a whole number of nanoseconds up to about 292 years");
    }
    return new Rate(permits.intValueExact(), nanos.longValueExact());
  }

  /**
   * Tells what is wrong with a rate limit's text.
   *
   * @param text the text
   * @return the phrase {@link #read} throws, or null when the text reads
   */
  public static @Nullable String problem(String text) {
    try {
      read(text);
      return null;
    } catch (IllegalArgumentException e) {
      return e.getMessage();
    }
  }

  private static long nanosPerUnit(String unit) {
    return switch (unit) {
      case "ms" -> 1_000_000L;
      case "m" -> 60_000_000_000L;
      case "h" -> 3_600_000_000_000L;
      default -> 1_000_000_000L;
    };
  }
}
