package dev.procrastinate.dashboard;

import java.time.Duration;
import java.time.Instant;
import java.time.ZoneOffset;
import java.time.format.DateTimeFormatter;
import java.util.Locale;
import org.jspecify.annotations.Nullable;

/** How figures read on the pages: times in UTC, ages in words, counts with separators. */
final class Format {
  private static final DateTimeFormatter TIME =
      DateTimeFormatter.ofPattern("yyyy-MM-dd HH:mm:ss'Z'", Locale.ROOT).withZone(ZoneOffset.UTC);

  private Format() {}

  static String instant(@Nullable Instant instant) {
    return instant == null ? "—" : TIME.format(instant);
  }

  /** An instant as {@code datetime} attribute text. */
  static String iso(Instant instant) {
    return instant.toString();
  }

  static String age(Duration age) {
    long seconds = Math.abs(age.toSeconds());
    String text;
    if (seconds < 60) {
      text = seconds + " s";
    } else if (seconds < 3600) {
      text = (seconds / 60) + " min " + (seconds % 60) + " s";
    } else if (seconds < 86_400) {
      text = (seconds / 3600) + " h " + (seconds % 3600 / 60) + " min";
    } else {
      text = (seconds / 86_400) + " d " + (seconds % 86_400 / 3600) + " h";
    }
    return age.isNegative() ? "in " + text : text;
  }

  static String ago(@Nullable Instant instant, Instant now) {
    if (instant == null) {
      return "";
    }
    Duration age = Duration.between(instant, now);
    return age.isNegative() ? age(age) : age(age) + " ago";
  }

  static String count(long count) {
    return String.format(Locale.ROOT, "%,d", count);
  }

  static String capped(long count, int cap) {
    return count >= cap ? "≥ " + count(cap) : count(count);
  }
}
