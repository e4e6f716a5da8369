package dev.procrastinate.bench;

import java.util.Map;
import java.util.TreeMap;

/** A benchmark's {@code key=value} arguments, each with its default. */
final class BenchSettings {
  private final Map<String, String> values = new TreeMap<>();

  /**
   * Reads the arguments.
   *
   * @param args {@code key=value} each
   * @throws IllegalArgumentException if one has no {@code =}
   */
  BenchSettings(String[] args) {
    for (String arg : args) {
      int eq = arg.indexOf('=');
      if (eq < 1) {
        throw new IllegalArgumentException("not key=value: " + arg);
      }
      values.put(arg.substring(0, eq), arg.substring(eq + 1));
    }
  }

  /**
   * Returns a setting as text.
   *
   * @param key its name
   * @param fallback its default
   * @return the value given, or the default
   */
  String text(String key, String fallback) {
    return values.getOrDefault(key, fallback);
  }

  /**
   * Returns a setting as a number.
   *
   * @param key its name
   * @param fallback its default
   * @return the value given, or the default
   */
  int number(String key, int fallback) {
    String value = values.get(key);
    return value == null ? fallback : Integer.parseInt(value);
  }
}
