package dev.procrastinate.internal.config;

import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.net.URL;
import java.time.Duration;
import java.time.format.DateTimeParseException;
import java.util.LinkedHashMap;
import java.util.Locale;
import java.util.Map;
import java.util.Objects;
import java.util.Properties;
import java.util.function.Function;
import org.jspecify.annotations.Nullable;

/**
 * Looks settings up by key in, first to last: explicit overrides (such as command-line options),
 * system properties {@code procrastinate.<key>}, environment variables {@code PROCRASTINATE_<KEY>}
 * (camel case becomes upper snake case, dots become underscores) and the {@code
 * procrastinate.properties} resource of the class loader. Not API.
 */
public final class SettingsSource {
  /** The classpath resource read last. */
  public static final String PROPERTIES_RESOURCE = "procrastinate.properties";

  private final Map<String, String> overrides;
  private final Function<String, String> overrideOrigin;
  private final Map<?, ?> systemProperties;
  private final Map<String, String> environment;
  private final Properties file;
  private final @Nullable String fileLocation;

  SettingsSource(
      Map<?, ?> systemProperties,
      Map<String, String> environment,
      Properties file,
      @Nullable String fileLocation) {
    this(Map.of(), key -> key, systemProperties, environment, file, fileLocation);
  }

  private SettingsSource(
      Map<String, String> overrides,
      Function<String, String> overrideOrigin,
      Map<?, ?> systemProperties,
      Map<String, String> environment,
      Properties file,
      @Nullable String fileLocation) {
    this.overrides = overrides;
    this.overrideOrigin = overrideOrigin;
    this.systemProperties = systemProperties;
    this.environment = environment;
    this.file = file;
    this.fileLocation = fileLocation;
  }

  /**
   * Reads the process's system properties, environment and the properties resource of a class
   * loader.
   *
   * @param classLoader where {@code procrastinate.properties} is looked for
   * @return the source
   */
  public static SettingsSource fromProcess(ClassLoader classLoader) {
    Properties file = new Properties();
    URL url = classLoader.getResource(PROPERTIES_RESOURCE);
    if (url != null) {
      try (InputStream in = url.openStream()) {
        file.load(in);
      } catch (IOException e) {
        throw new UncheckedIOException("cannot read " + url, e);
      }
    }
    return new SettingsSource(
        System.getProperties(), System.getenv(), file, url == null ? null : url.toString());
  }

  /**
   * Builds a source from explicit maps, for tests and tools.
   *
   * @param systemProperties what stands for system properties
   * @param environment what stands for the environment
   * @param file what stands for the properties file
   * @return the source
   */
  public static SettingsSource of(
      Map<?, ?> systemProperties, Map<String, String> environment, Properties file) {
    return new SettingsSource(systemProperties, environment, file, "procrastinate.properties");
  }

  /**
   * Returns a source in which these values win over every other source.
   *
   * @param values values by key; null values are ignored
   * @param origin how to name where an override came from in messages, e.g. {@code key -> "option
   *     --" + key}
   * @return a new source
   */
  public SettingsSource withOverrides(
      Map<String, @Nullable String> values, Function<String, String> origin) {
    Map<String, String> merged = new LinkedHashMap<>(overrides);
    values.forEach(
        (key, value) -> {
          if (value != null) {
            merged.put(key, value);
          }
        });
    Function<String, String> previous = overrideOrigin;
    return new SettingsSource(
        Map.copyOf(merged),
        key -> values.get(key) != null ? origin.apply(key) : previous.apply(key),
        systemProperties,
        environment,
        file,
        fileLocation);
  }

  /**
   * Returns the system property name of a key.
   *
   * @param key a key such as {@code poolSize}
   * @return e.g. {@code procrastinate.poolSize}
   */
  public static String propertyName(String key) {
    return "procrastinate." + key;
  }

  /**
   * Returns the environment variable name of a key.
   *
   * @param key a key such as {@code poolSize} or {@code worker.concurrency}
   * @return e.g. {@code PROCRASTINATE_POOL_SIZE} or {@code PROCRASTINATE_WORKER_CONCURRENCY}
   */
  public static String environmentName(String key) {
    StringBuilder out = new StringBuilder("PROCRASTINATE_");
    for (int i = 0; i < key.length(); i++) {
      char c = key.charAt(i);
      if (c == '.' || c == '-') {
        out.append('_');
      } else if (Character.isUpperCase(c)) {
        out.append('_').append(c);
      } else {
        out.append(Character.toUpperCase(c));
      }
    }
    return out.toString().toUpperCase(Locale.ROOT);
  }

  /**
   * Looks a key up.
   *
   * @param key the key
   * @return the value of the first source that has it, or null
   */
  public @Nullable String get(String key) {
    String override = overrides.get(key);
    if (override != null) {
      return override;
    }
    Object value = systemProperties.get(propertyName(key));
    if (value != null) {
      return value.toString();
    }
    String env = environment.get(environmentName(key));
    if (env != null) {
      return env;
    }
    return file.getProperty(propertyName(key));
  }

  /**
   * Describes where a key's value comes from, for error messages.
   *
   * @param key the key
   * @return e.g. {@code system property procrastinate.poolSize}
   */
  public String describe(String key) {
    if (overrides.get(key) != null) {
      return overrideOrigin.apply(key);
    }
    if (systemProperties.get(propertyName(key)) != null) {
      return "system property " + propertyName(key);
    }
    if (environment.get(environmentName(key)) != null) {
      return "environment variable " + environmentName(key);
    }
    if (file.getProperty(propertyName(key)) != null) {
      return propertyName(key) + " in " + Objects.requireNonNullElse(fileLocation, "properties");
    }
    return propertyName(key);
  }

  /**
   * Reads an integer setting.
   *
   * @param key the key
   * @param defaultValue the value when unset
   * @return the value
   * @throws IllegalArgumentException naming the setting and its source if the value is not an int
   */
  public int getInt(String key, int defaultValue) {
    String value = get(key);
    if (value == null || value.isBlank()) {
      return defaultValue;
    }
    try {
      return Integer.parseInt(value.trim());
    } catch (NumberFormatException e) {
      throw new IllegalArgumentException(
          describe(key) + " is '" + value + "', which is not a whole number", e);
    }
  }

  /**
   * Reads an integer setting that has a lower bound.
   *
   * @param key the key
   * @param defaultValue the value when unset
   * @param min the smallest value allowed
   * @return the value
   * @throws IllegalArgumentException naming the setting and its source if the value is not an int
   *     or is below {@code min}
   */
  public int getInt(String key, int defaultValue, int min) {
    int value = getInt(key, defaultValue);
    if (value < min) {
      throw new IllegalArgumentException(
          describe(key) + " is '" + get(key) + "'; it must be at least " + min);
    }
    return value;
  }

  /**
   * Reads a duration setting that must be positive.
   *
   * @param key the key
   * @param defaultValue the value when unset
   * @return the value
   * @throws IllegalArgumentException naming the setting and its source if the value is not a
   *     positive duration
   */
  public Duration getPositiveDuration(String key, Duration defaultValue) {
    Duration value = getDuration(key, defaultValue);
    if (value.isZero() || value.isNegative()) {
      throw new IllegalArgumentException(
          describe(key) + " is '" + get(key) + "'; it must be a positive duration");
    }
    return value;
  }

  /**
   * Reads an optional duration setting, unset or empty meaning none.
   *
   * @param key the key
   * @return the value, or null when unset
   * @throws IllegalArgumentException naming the setting and its source if the value is not a
   *     duration or is negative
   */
  public @Nullable Duration getOptionalDuration(String key) {
    String text = get(key);
    if (text == null || text.isBlank()) {
      return null;
    }
    Duration value = getDuration(key, Duration.ZERO);
    if (value.isNegative()) {
      throw new IllegalArgumentException(
          describe(key) + " is '" + text + "'; it must not be negative");
    }
    return value;
  }

  /**
   * Reads a setting through a parser, naming the setting and its source when the parser refuses.
   *
   * @param key the key
   * @param parser turns the trimmed text into a value; throws {@link IllegalArgumentException}
   * @param <T> the value type
   * @return the value, or null when unset or blank
   * @throws IllegalArgumentException naming the setting, its source and the parser's reason
   */
  public <T> @Nullable T get(String key, Function<String, T> parser) {
    String text = get(key);
    if (text == null || text.isBlank()) {
      return null;
    }
    try {
      return parser.apply(text.trim());
    } catch (IllegalArgumentException e) {
      throw new IllegalArgumentException(
          describe(key) + " is '" + text + "': " + e.getMessage(), e);
    }
  }

  /**
   * Reads a duration setting: a number of seconds ({@code 2.5}) or ISO-8601 ({@code PT2.5S}).
   *
   * @param key the key
   * @param defaultValue the value when unset
   * @return the value
   * @throws IllegalArgumentException naming the setting and its source if the value is not a
   *     duration
   */
  public Duration getDuration(String key, Duration defaultValue) {
    String value = get(key);
    if (value == null || value.isBlank()) {
      return defaultValue;
    }
    try {
      return parseDuration(value);
    } catch (IllegalArgumentException e) {
      throw new IllegalArgumentException(
          describe(key)
              + " is '"
              + value
              + "', which is not a duration; write seconds (10, 2.5) or ISO-8601 (PT10S)",
          e);
    }
  }

  /**
   * Parses seconds ({@code 2.5}) or an ISO-8601 duration ({@code PT2.5S}).
   *
   * @param value the text
   * @return the duration
   * @throws IllegalArgumentException if the text is neither
   */
  public static Duration parseDuration(String value) {
    String text = value.trim();
    if (text.startsWith("P") || text.startsWith("p")) {
      try {
        return Duration.parse(text);
      } catch (DateTimeParseException e) {
        throw new IllegalArgumentException("not an ISO-8601 duration: " + value, e);
      }
    }
    try {
      double seconds = Double.parseDouble(text);
      if (Double.isNaN(seconds) || Double.isInfinite(seconds)) {
        throw new IllegalArgumentException("not a finite number of seconds: " + value);
      }
      return Duration.ofNanos(Math.round(seconds * 1_000_000_000d));
    } catch (NumberFormatException e) {
      throw new IllegalArgumentException("not a number of seconds: " + value, e);
    }
  }

  /**
   * Reads a boolean setting; accepts {@code true/false}, {@code 1/0}, {@code y/n}, {@code t/f},
   * {@code yes/no}, {@code on/off} in any case, as upstream's environment variables do.
   *
   * @param key the key
   * @param defaultValue the value when unset
   * @return the value
   * @throws IllegalArgumentException naming the setting if the value is not a boolean
   */
  public boolean getBoolean(String key, boolean defaultValue) {
    String value = get(key);
    if (value == null || value.isBlank()) {
      return defaultValue;
    }
    try {
      return parseBoolean(value);
    } catch (IllegalArgumentException e) {
      throw new IllegalArgumentException(describe(key) + " is '" + value + "', " + e.getMessage());
    }
  }

  /**
   * Parses a boolean as upstream's environment variables spell them: {@code true/false}, {@code
   * 1/0}, {@code y/n}, {@code t/f}, {@code yes/no}, {@code on/off}, in any case.
   *
   * @param value the text
   * @return the value
   * @throws IllegalArgumentException if the text is none of these, with a message that starts with
   *     "which is not a boolean" and lists the accepted spellings
   */
  public static boolean parseBoolean(String value) {
    switch (value.trim().toLowerCase(Locale.ROOT)) {
      case "1", "y", "yes", "t", "true", "on":
        return true;
      case "0", "n", "no", "f", "false", "off":
        return false;
      default:
        throw new IllegalArgumentException(
            "which is not a boolean; use true, t, y, 1 or false, f, n, 0");
    }
  }
}
