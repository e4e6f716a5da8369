package dev.procrastinate.dashboard;

import java.net.URLDecoder;
import java.net.URLEncoder;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.jspecify.annotations.Nullable;

/**
 * The parameters of a query string or of a form body ({@code application/x-www-form-urlencoded}).
 */
final class QueryString {
  private final Map<String, List<String>> values;

  private QueryString(Map<String, List<String>> values) {
    this.values = values;
  }

  static QueryString parse(String raw) {
    Map<String, List<String>> values = new LinkedHashMap<>();
    if (!raw.isEmpty()) {
      for (String pair : raw.split("&")) {
        if (pair.isEmpty()) {
          continue;
        }
        int equals = pair.indexOf('=');
        String name = decode(equals < 0 ? pair : pair.substring(0, equals));
        String value = equals < 0 ? "" : decode(pair.substring(equals + 1));
        values.computeIfAbsent(name, key -> new ArrayList<>()).add(value);
      }
    }
    return new QueryString(values);
  }

  private static String decode(String text) {
    try {
      return URLDecoder.decode(text, StandardCharsets.UTF_8);
    } catch (IllegalArgumentException e) {
      throw HttpProblem.badRequest("The address holds a malformed %-escape: '" + text + "'.");
    }
  }

  static String encode(String text) {
    return URLEncoder.encode(text, StandardCharsets.UTF_8).replace("+", "%20");
  }

  /** Returns the first non-blank value of a parameter, stripped, or null. */
  @Nullable String first(String name) {
    for (String value : values.getOrDefault(name, List.of())) {
      if (!value.isBlank()) {
        return value.strip();
      }
    }
    return null;
  }

  /** Returns every non-blank value of a parameter, each split at commas. */
  List<String> all(String name) {
    List<String> all = new ArrayList<>();
    for (String value : values.getOrDefault(name, List.of())) {
      for (String part : value.split(",")) {
        if (!part.isBlank()) {
          all.add(part.strip());
        }
      }
    }
    return all;
  }
}
