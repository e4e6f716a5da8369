package dev.procrastinate.model;

import dev.procrastinate.spi.rules.RateSyntax;
import java.math.BigDecimal;
import java.time.Duration;
import java.util.Locale;

/**
 * A rate limit: at most {@code permits} job starts per {@code period}, across every worker of this
 * runtime, spread evenly: one start at most every {@code period / permits}. Any window of length
 * {@code period} thus holds at most {@code permits} starts, at its edges too, and the starts do not
 * come in bursts.
 *
 * <p>Written {@code N/PERIOD}: {@code N} a positive whole number, {@code PERIOD} a positive number
 * with an optional unit ({@code ms}, {@code s}, {@code m}, {@code h}; seconds without one), or a
 * unit alone for one of it. {@code 50/1s}, {@code 50/s} and {@code 50/1} are 50 starts a second;
 * {@code 100/60} and {@code 100/m} are 100 a minute; {@code 5/500ms} is 5 per half second.
 *
 * @param permits the starts allowed per period, at least 1
 * @param period the period, at least one millisecond
 */
public record RateLimit(int permits, Duration period) {
  /**
   * Validates the fields.
   *
   * @param permits the starts per period
   * @param period the period
   * @throws IllegalArgumentException if permits is below 1 or the period below one millisecond
   */
  public RateLimit {
    if (permits < 1) {
      throw new IllegalArgumentException("a rate limit allows at least 1 start, not " + permits);
    }
    if (period == null || period.compareTo(Duration.ofMillis(1)) < 0) {
      throw new IllegalArgumentException("a rate limit's period is at least 1 ms, not " + period);
    }
  }

  /**
   * Reads a rate limit written {@code N/PERIOD} (see the class comment).
   *
   * @param text the text, {@code 50/1s} say
   * @return the rate limit
   * @throws IllegalArgumentException naming the text and the expected form, if it does not read
   */
  public static RateLimit parse(String text) {
    RateSyntax.Rate rate;
    try {
      rate = RateSyntax.read(text);
    } catch (IllegalArgumentException e) {
      throw new IllegalArgumentException(
          "rate limit '" + text + "' " + e.getMessage() + ": " + RateSyntax.FORM, e);
    }
    return new RateLimit(rate.permits(), Duration.ofNanos(rate.periodNanos()));
  }

  /**
   * Returns the shortest time between two starts: the period divided by the permits, rounded up to
   * the microsecond (the database's precision), so that a window of one period never holds one
   * start too many.
   *
   * @return the interval between starts
   */
  public Duration interval() {
    long micros = (period.toNanos() + 999) / 1_000;
    return Duration.ofNanos(((micros + permits - 1) / permits) * 1_000);
  }

  /**
   * Writes the limit as {@link #parse} reads it, in the largest unit that keeps the period whole.
   *
   * @return the text, {@code 50/1s} say
   */
  @Override
  public String toString() {
    long nanos = period.toNanos();
    if (nanos % 3_600_000_000_000L == 0) {
      return permits + "/" + nanos / 3_600_000_000_000L + "h";
    }
    if (nanos % 60_000_000_000L == 0) {
      return permits + "/" + nanos / 60_000_000_000L + "m";
    }
    if (nanos % 1_000_000_000L == 0) {
      return permits + "/" + nanos / 1_000_000_000L + "s";
    }
    if (nanos % 1_000_000L == 0) {
      return permits + "/" + nanos / 1_000_000L + "ms";
    }
    return String.format(
        Locale.ROOT,
        "%d/%ss",
        permits,
        BigDecimal.valueOf(nanos, 9).stripTrailingZeros().toPlainString());
  }
}
