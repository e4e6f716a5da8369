package dev.procrastinate.operations;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.IOException;
import java.io.InputStream;
import java.io.Reader;
import java.io.StringReader;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import java.util.Properties;
import java.util.Set;
import java.util.function.Function;
import org.jspecify.annotations.Nullable;

/**
 * The database a Spring Boot application configures with {@code spring.datasource.url}, {@code
 * .username} and {@code .password}, read as Spring Boot reads them, for tools that run outside the
 * application (the Maven goals, the test module) when no {@code procrastinate.*} database is set.
 *
 * <p>Read, each overriding the one before: {@code application.properties} (or {@code .yml}, {@code
 * .yaml}) in each location in order, then {@code application-<profile>.*} for each active profile;
 * then the environment ({@code SPRING_DATASOURCE_URL}...) and system properties. Locations are the
 * class path root and its {@code config/}, then the working directory and its {@code config/}.
 * Active profiles come from {@code spring.profiles.active} (system property, {@code
 * SPRING_PROFILES_ACTIVE}, or the files). Placeholders {@code ${NAME}} and {@code ${NAME:default}}
 * are resolved against system properties, the environment and the files. A YAML document with
 * {@code spring.config.activate.on-profile} counts only for that profile.
 *
 * @param url the JDBC URL
 * @param user the user, or null
 * @param password the password, or null
 * @param source where the URL was found, for a message (a file, or the environment)
 */
public record SpringDataSource(
    String url, @Nullable String user, @Nullable String password, String source) {
  private static final String URL = "spring.datasource.url";
  private static final String USER = "spring.datasource.username";
  private static final String PASSWORD = "spring.datasource.password";
  private static final String PROFILES = "spring.profiles.active";
  private static final String ON_PROFILE = "spring.config.activate.on-profile";

  /**
   * A directory where Spring Boot looks for its configuration files.
   *
   * @param description how to name it in messages, e.g. "src/main/resources"
   * @param open opens a file of the location by name, or returns null when it has none
   */
  public record Location(String description, FileOpener open) {
    /**
     * A directory of the file system.
     *
     * @param directory the directory
     * @param description how to name it in messages
     * @return the location
     */
    public static Location directory(Path directory, String description) {
      return new Location(
          description,
          name -> {
            Path file = directory.resolve(name);
            return Files.isRegularFile(file) ? Files.newInputStream(file) : null;
          });
    }

    /**
     * A directory of a class loader's resources.
     *
     * @param loader the class loader
     * @param prefix the directory, "" for the root or "config/"
     * @return the location
     */
    public static Location classPath(ClassLoader loader, String prefix) {
      return new Location(
          "classpath:/" + prefix, name -> loader.getResourceAsStream(prefix + name));
    }
  }

  /** Opens a file by name. */
  @FunctionalInterface
  public interface FileOpener {
    /**
     * Opens the file.
     *
     * @param name the file name
     * @return its content, or null when there is no such file
     * @throws IOException if it exists and cannot be read
     */
    @Nullable InputStream open(String name) throws IOException;
  }

  /**
   * Reads the data source from the usual locations of a running application: its class path, then
   * the working directory.
   *
   * @param loader the application's class loader
   * @return the data source, or empty when no {@code spring.datasource.url} is set
   * @throws IllegalArgumentException if a file cannot be read or parsed, naming it
   */
  public static Optional<SpringDataSource> read(ClassLoader loader) {
    Path here = Path.of("").toAbsolutePath();
    return read(
        List.of(
            Location.classPath(loader, ""),
            Location.classPath(loader, "config/"),
            Location.directory(here, here.toString()),
            Location.directory(here.resolve("config"), here.resolve("config").toString())),
        List.of(),
        System.getenv()::get);
  }

  /**
   * Reads the data source.
   *
   * @param locations where to look, in Spring Boot's order (later ones win)
   * @param profiles profiles to activate on top of those the settings name
   * @param environment the environment variables
   * @return the data source, or empty when no {@code spring.datasource.url} is set
   * @throws IllegalArgumentException if a file cannot be read or parsed, naming it
   */
  public static Optional<SpringDataSource> read(
      List<Location> locations,
      List<String> profiles,
      Function<String, @Nullable String> environment) {
    Map<String, String> values = new LinkedHashMap<>();
    Map<String, String> sources = new LinkedHashMap<>();
    for (Location location : locations) {
      load(location, "application", null, values, sources);
    }
    Set<String> active = new LinkedHashSet<>(profiles);
    String named = override(PROFILES, environment);
    if (named == null) {
      named = values.get(PROFILES);
    }
    if (named != null) {
      Arrays.stream(named.split(","))
          .map(String::strip)
          .filter(p -> !p.isEmpty())
          .forEach(active::add);
    }
    for (String profile : active) {
      for (Location location : locations) {
        load(location, "application", profile, values, sources);
        load(location, "application-" + profile, null, values, sources);
      }
    }
    for (String key : List.of(URL, USER, PASSWORD)) {
      String value = override(key, environment);
      if (value != null) {
        values.put(key, value);
        sources.put(key, "the environment (" + environmentName(key) + ")");
      }
    }
    String url = values.get(URL);
    if (url == null || url.isBlank()) {
      return Optional.empty();
    }
    Function<String, @Nullable String> lookup =
        name -> {
          String value = System.getProperty(name);
          if (value == null) {
            value = environment.apply(name);
          }
          if (value == null) {
            value = environment.apply(environmentName(name));
          }
          return value != null ? value : values.get(name);
        };
    String source =
        sources.get(URL) + (active.isEmpty() ? "" : ", profiles " + String.join(",", active));
    return Optional.of(
        new SpringDataSource(
            resolve(url, lookup, URL),
            values.get(USER) == null ? null : resolve(values.get(USER), lookup, USER),
            values.get(PASSWORD) == null ? null : resolve(values.get(PASSWORD), lookup, PASSWORD),
            source));
  }

  private static @Nullable String override(
      String key, Function<String, @Nullable String> environment) {
    String value = System.getProperty(key);
    if (value == null || value.isBlank()) {
      value = environment.apply(environmentName(key));
    }
    return value == null || value.isBlank() ? null : value;
  }

  /**
   * Spring Boot's environment variable for a property: spring.datasource.url is
   * SPRING_DATASOURCE_URL.
   */
  private static String environmentName(String key) {
    return key.replace('.', '_').replace('-', '_').toUpperCase(Locale.ROOT);
  }

  /**
   * Loads {@code base}.properties, .yml and .yaml of a location; with {@code profile}, only the
   * YAML documents activated on that profile.
   */
  private static void load(
      Location location,
      String base,
      @Nullable String profile,
      Map<String, String> values,
      Map<String, String> sources) {
    for (String extension : List.of(".properties", ".yml", ".yaml")) {
      if (profile != null && extension.equals(".properties")) {
        continue; // a properties file has one document, read under its own name
      }
      String name = base + extension;
      String where =
          location.description() + (location.description().endsWith("/") ? "" : "/") + name;
      String text;
      try (InputStream in = location.open().open(name)) {
        if (in == null) {
          continue;
        }
        text = new String(in.readAllBytes(), StandardCharsets.UTF_8);
      } catch (IOException e) {
        throw new IllegalArgumentException("cannot read " + where + ": " + e.getMessage(), e);
      }
      Map<String, String> read =
          extension.equals(".properties") ? properties(text, where) : yaml(text, where, profile);
      read.forEach(
          (key, value) -> {
            values.put(key, value);
            sources.put(key, where);
          });
    }
  }

  private static Map<String, String> properties(String text, String where) {
    Properties properties = new Properties();
    try (Reader reader = new StringReader(text)) {
      properties.load(reader);
    } catch (IOException | IllegalArgumentException e) {
      throw new IllegalArgumentException("cannot parse " + where + ": " + e.getMessage(), e);
    }
    Map<String, String> values = new LinkedHashMap<>();
    properties.stringPropertyNames().forEach(key -> values.put(key, properties.getProperty(key)));
    return values;
  }

  /**
   * The documents of a YAML file that apply: without a profile condition, or on {@code profile}.
   */
  private static Map<String, String> yaml(String text, String where, @Nullable String profile) {
    Map<String, String> values = new LinkedHashMap<>();
    try {
      Yaml.documents(text)
          .forEach(
              document -> {
                Map<String, String> flat = new LinkedHashMap<>();
                flatten("", document, flat);
                String on = flat.get(ON_PROFILE);
                boolean applies =
                    on == null
                        ? profile == null
                        : profile != null
                            && Arrays.stream(on.split(","))
                                .map(String::strip)
                                .anyMatch(profile::equals);
                if (applies) {
                  values.putAll(flat);
                }
              });
    } catch (IOException | RuntimeException e) {
      throw new IllegalArgumentException("cannot parse " + where + ": " + e.getMessage(), e);
    } catch (LinkageError e) {
      throw new IllegalArgumentException(
          "reading "
              + where
              + " needs com.fasterxml.jackson.dataformat:jackson-dataformat-yaml on the class path",
          e);
    }
    return values;
  }

  private static void flatten(String prefix, JsonNode node, Map<String, String> into) {
    if (node.isObject()) {
      for (Map.Entry<String, JsonNode> field : node.properties()) {
        flatten(
            prefix.isEmpty() ? field.getKey() : prefix + "." + field.getKey(),
            field.getValue(),
            into);
      }
    } else if (node.isArray()) {
      List<String> items = new ArrayList<>();
      node.forEach(item -> items.add(item.asText()));
      into.put(prefix, String.join(",", items));
    } else if (!node.isNull()) {
      into.put(prefix, node.asText());
    }
  }

  /** Resolves {@code ${NAME}} and {@code ${NAME:default}}, nested ones included. */
  private static String resolve(
      String value, Function<String, @Nullable String> lookup, String key) {
    String result = value;
    for (int depth = 0; depth < 10 && result.contains("${"); depth++) {
      int start = result.lastIndexOf("${");
      int end = result.indexOf('}', start);
      if (end < 0) {
        break;
      }
      String inner = result.substring(start + 2, end);
      int colon = inner.indexOf(':');
      String name = colon < 0 ? inner : inner.substring(0, colon);
      String found = lookup.apply(name);
      if (found == null) {
        if (colon < 0) {
          throw new IllegalArgumentException(
              key
                  + " is '"
                  + value
                  + "', whose placeholder ${"
                  + name
                  + "} is set nowhere (system property, environment variable, or setting)");
        }
        found = inner.substring(colon + 1);
      }
      result = result.substring(0, start) + found + result.substring(end + 1);
    }
    return result;
  }

  /** The YAML reader, in a class of its own so that YAML support is needed only for YAML files. */
  private static final class Yaml {
    private static final ObjectMapper MAPPER =
        new ObjectMapper(new com.fasterxml.jackson.dataformat.yaml.YAMLFactory());

    static List<JsonNode> documents(String text) throws IOException {
      List<JsonNode> documents = new ArrayList<>();
      try (com.fasterxml.jackson.databind.MappingIterator<JsonNode> iterator =
          MAPPER.readerFor(JsonNode.class).readValues(text)) {
        while (iterator.hasNext()) {
          JsonNode document = iterator.next();
          if (document != null && !document.isMissingNode()) {
            documents.add(document);
          }
        }
      }
      return documents;
    }
  }
}
