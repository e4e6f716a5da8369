package dev.procrastinate;

import dev.procrastinate.internal.config.SettingsSource;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.regex.Pattern;
import org.jspecify.annotations.Nullable;

/**
 * How an {@link App} reaches its database when it builds its own connection pool. Immutable; build
 * one with {@link #builder()} or read one from the process with {@link #fromEnvironment()}.
 *
 * <p>Each setting has a system property {@code procrastinate.<key>}, an environment variable {@code
 * PROCRASTINATE_<KEY>} and a key in {@code procrastinate.properties} on the classpath, looked up in
 * that order:
 *
 * <table>
 *   <caption>Settings</caption>
 *   <tr><th>key</th><th>default</th><th>meaning</th></tr>
 *   <tr><td>url</td><td>(required)</td><td>JDBC URL, {@code jdbc:postgresql://host:5432/db}</td></tr>
 *   <tr><td>user</td><td>(driver default)</td><td>database user</td></tr>
 *   <tr><td>password</td><td>(none)</td><td>database password</td></tr>
 *   <tr><td>schema</td><td>(search_path)</td><td>schema holding the Procrastinate tables, its exact
 *       name: {@code MySchema} is the schema created as {@code "MySchema"}</td></tr>
 *   <tr><td>poolSize</td><td>10</td><td>maximum connections of the pool</td></tr>
 *   <tr><td>connectionTimeout</td><td>10 s</td><td>wait for a connection before failing</td></tr>
 * </table>
 *
 * @param url the JDBC URL of a PostgreSQL database
 * @param user the user, or null for the driver's default
 * @param password the password, or null; never printed
 * @param schema the schema to use as {@code search_path}, by its exact (case-sensitive) name, or
 *     null for the server's default
 * @param poolSize the maximum number of pooled connections, at least 1
 * @param connectionTimeout how long to wait for a connection before failing, at least 250 ms
 */
public record AppConfig(
    String url,
    @Nullable String user,
    @Nullable String password,
    @Nullable String schema,
    int poolSize,
    Duration connectionTimeout) {

  /** Default maximum pool size. */
  public static final int DEFAULT_POOL_SIZE = 10;

  /** Default wait for a connection. */
  public static final Duration DEFAULT_CONNECTION_TIMEOUT = Duration.ofSeconds(10);

  private static final List<String> KEYS =
      List.of("url", "user", "password", "schema", "poolSize", "connectionTimeout");

  private static final Pattern IDENTIFIER = Pattern.compile("[A-Za-z_][A-Za-z0-9_$]{0,62}");

  /**
   * Validates every field.
   *
   * @throws IllegalArgumentException naming the field, if a value is invalid
   */
  public AppConfig {
    Objects.requireNonNull(url, "url");
    Objects.requireNonNull(connectionTimeout, "connectionTimeout");
    if (!url.startsWith("jdbc:postgresql:")) {
      throw new IllegalArgumentException(
          "url must be a PostgreSQL JDBC URL such as jdbc:postgresql://localhost:5432/mydb, got '"
              + redactUrl(url)
              + "'");
    }
    if (poolSize < 1) {
      throw new IllegalArgumentException("poolSize must be at least 1, got " + poolSize);
    }
    if (connectionTimeout.toMillis() < 250) {
      throw new IllegalArgumentException(
          "connectionTimeout must be at least 250 ms, got " + connectionTimeout);
    }
    if (schema != null && !IDENTIFIER.matcher(schema).matches()) {
      throw new IllegalArgumentException(
          "schema must be a plain PostgreSQL identifier (letters, digits, _), got '"
              + schema
              + "'");
    }
  }

  /**
   * Starts a configuration.
   *
   * @return a builder with the defaults
   */
  public static Builder builder() {
    return new Builder();
  }

  /**
   * Reads the configuration from system properties, environment variables and {@code
   * procrastinate.properties} on the context class loader, in that order.
   *
   * @return the configuration
   * @throws IllegalArgumentException if no URL is set anywhere or a value is invalid, naming the
   *     setting and where it came from
   */
  public static AppConfig fromEnvironment() {
    ClassLoader loader = Thread.currentThread().getContextClassLoader();
    if (loader == null) {
      loader = AppConfig.class.getClassLoader();
    }
    return from(SettingsSource.fromProcess(loader));
  }

  /**
   * Reads the configuration as {@link #fromEnvironment()} does, with some values given explicitly,
   * for example by command-line options; these win over every other source.
   *
   * @param overrides values by setting key ({@code url}, {@code user}, {@code password}, {@code
   *     schema}, {@code poolSize}, {@code connectionTimeout}); null values are ignored
   * @return the configuration
   * @throws IllegalArgumentException if a key is unknown, if no URL is set anywhere, or if a value
   *     is invalid, naming the setting and where it came from
   */
  public static AppConfig fromEnvironment(Map<String, @Nullable String> overrides) {
    for (String key : overrides.keySet()) {
      if (!KEYS.contains(key)) {
        throw new IllegalArgumentException(
            "unknown setting '" + key + "'; the settings are " + String.join(", ", KEYS));
      }
    }
    ClassLoader loader = Thread.currentThread().getContextClassLoader();
    if (loader == null) {
      loader = AppConfig.class.getClassLoader();
    }
    return from(
        SettingsSource.fromProcess(loader).withOverrides(overrides, key -> "'" + key + "'"));
  }

  static AppConfig from(SettingsSource source) {
    String url = source.get("url");
    if (url == null || url.isBlank()) {
      throw new IllegalArgumentException(
          "no database configured for procrastinate: set system property procrastinate.url,"
              + " environment variable PROCRASTINATE_URL, or procrastinate.url in"
              + " procrastinate.properties on the classpath, e.g."
              + " jdbc:postgresql://localhost:5432/mydb");
    }
    return builder()
        .url(url.trim())
        .user(source.get("user"))
        .password(source.get("password"))
        .schema(blankToNull(source.get("schema")))
        .poolSize(source.getInt("poolSize", DEFAULT_POOL_SIZE, 1))
        .connectionTimeout(source.getDuration("connectionTimeout", DEFAULT_CONNECTION_TIMEOUT))
        .build();
  }

  private static @Nullable String blankToNull(@Nullable String value) {
    return value == null || value.isBlank() ? null : value.trim();
  }

  /**
   * Returns a builder holding this configuration's values.
   *
   * @return a new builder
   */
  public Builder toBuilder() {
    return new Builder()
        .url(url)
        .user(user)
        .password(password)
        .schema(schema)
        .poolSize(poolSize)
        .connectionTimeout(connectionTimeout);
  }

  /**
   * Returns the URL without any password it may carry, for messages and logs.
   *
   * @param url a JDBC URL
   * @return the URL with password parameters and user-info passwords replaced by {@code ***}
   */
  public static String redactUrl(String url) {
    return url.replaceAll("(?i)(password=)[^&;]*", "$1***")
        .replaceAll("(//[^/@:]+):[^/@]*@", "$1:***@");
  }

  /** Masks the password. */
  @Override
  public String toString() {
    return "AppConfig[url="
        + redactUrl(url)
        + ", user="
        + user
        + ", password="
        + (password == null ? "null" : "***")
        + ", schema="
        + schema
        + ", poolSize="
        + poolSize
        + ", connectionTimeout="
        + connectionTimeout
        + "]";
  }

  /** Builds an {@link AppConfig}. Not thread-safe. */
  public static final class Builder {
    private @Nullable String url;
    private @Nullable String user;
    private @Nullable String password;
    private @Nullable String schema;
    private int poolSize = DEFAULT_POOL_SIZE;
    private Duration connectionTimeout = DEFAULT_CONNECTION_TIMEOUT;

    private Builder() {}

    /**
     * Sets the JDBC URL.
     *
     * @param url e.g. {@code jdbc:postgresql://localhost:5432/mydb}
     * @return this builder
     */
    public Builder url(String url) {
      this.url = url;
      return this;
    }

    /**
     * Sets the user.
     *
     * @param user the user, or null
     * @return this builder
     */
    public Builder user(@Nullable String user) {
      this.user = user;
      return this;
    }

    /**
     * Sets the password.
     *
     * @param password the password, or null
     * @return this builder
     */
    public Builder password(@Nullable String password) {
      this.password = password;
      return this;
    }

    /**
     * Sets the schema used as {@code search_path}.
     *
     * @param schema a plain identifier (letters, digits, {@code _}, {@code $}), the exact name:
     *     {@code MySchema} is the schema created as {@code "MySchema"}, which {@link
     *     SchemaManager#migrate()} creates if missing; or null for the server's default
     * @return this builder
     */
    public Builder schema(@Nullable String schema) {
      this.schema = schema;
      return this;
    }

    /**
     * Sets the maximum pool size.
     *
     * @param poolSize at least 1
     * @return this builder
     */
    public Builder poolSize(int poolSize) {
      this.poolSize = poolSize;
      return this;
    }

    /**
     * Sets how long to wait for a connection.
     *
     * @param connectionTimeout at least 250 ms
     * @return this builder
     */
    public Builder connectionTimeout(Duration connectionTimeout) {
      this.connectionTimeout = connectionTimeout;
      return this;
    }

    /**
     * Validates and builds.
     *
     * @return the configuration
     * @throws IllegalArgumentException naming the field, if a value is invalid or the URL is unset
     */
    public AppConfig build() {
      if (url == null) {
        throw new IllegalArgumentException("url is not set; e.g. jdbc:postgresql://host:5432/db");
      }
      return new AppConfig(url, user, password, schema, poolSize, connectionTimeout);
    }
  }
}
