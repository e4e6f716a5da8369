package dev.procrastinate.test.spring;

import dev.procrastinate.AppConfig;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Properties;
import java.util.UUID;
import java.util.concurrent.ConcurrentHashMap;
import org.jspecify.annotations.Nullable;

/**
 * The databases the test run creates for its Spring contexts: one per server and user, made the
 * first time a context asks, dropped when the JVM ends. Thread-safe.
 */
final class TestDatabases {
  private static final System.Logger LOG = System.getLogger(TestDatabases.class.getName());
  private static final String PREFIX = "jdbc:postgresql:";
  private static final Map<String, Created> CREATED = new ConcurrentHashMap<>();
  private static final List<Runnable> DROPS = new ArrayList<>();

  static {
    Runtime.getRuntime()
        .addShutdownHook(
            new Thread(
                () -> {
                  synchronized (DROPS) {
                    DROPS.forEach(Runnable::run);
                  }
                },
                "procrastinate-test-databases"));
  }

  private TestDatabases() {}

  /**
   * A database made for the test run.
   *
   * @param url its JDBC URL
   * @param user the user, or null for the driver's default
   * @param password the password, or null
   * @param origin which setting named its server
   */
  record Created(String url, @Nullable String user, @Nullable String password, String origin) {}

  /**
   * Returns the test run's database for a context: on the server of {@code
   * PROCRASTINATE_TEST_DATABASE_URL} (or {@code procrastinate.test.database.url}) when set, else of
   * the context's {@code spring.datasource.url}.
   *
   * @param springUrl the context's {@code spring.datasource.url}, or null
   * @param springUser the context's {@code spring.datasource.username}, or null
   * @param springPassword the context's {@code spring.datasource.password}, or null
   * @return the database, or null when neither names a PostgreSQL server, or the server cannot be
   *     reached (the context's own start-up then says so)
   * @throws IllegalStateException if the server refuses to create a database, saying what to do
   */
  static @Nullable Created forContext(
      @Nullable String springUrl, @Nullable String springUser, @Nullable String springPassword) {
    String testUrl = setting("url");
    String base;
    String user;
    String password;
    String origin;
    if (testUrl != null) {
      base = testUrl;
      user = setting("user");
      password = setting("password");
      origin = "PROCRASTINATE_TEST_DATABASE_URL";
    } else if (springUrl != null && !springUrl.isBlank()) {
      base = springUrl;
      user = springUser;
      password = springPassword;
      origin = "spring.datasource.url";
    } else {
      return null;
    }
    if (!base.startsWith(PREFIX)) {
      return null;
    }
    String key = base + '\n' + user;
    Created known = CREATED.get(key);
    if (known != null) {
      return known;
    }
    synchronized (CREATED) {
      known = CREATED.get(key);
      if (known == null) {
        known = create(base, user, password, origin);
        if (known != null) {
          CREATED.put(key, known);
        }
      }
      return known;
    }
  }

  private static @Nullable Created create(
      String base, @Nullable String user, @Nullable String password, String origin) {
    String name =
        truncate(
            "ptest_"
                + UUID.randomUUID().toString().substring(0, 8)
                + "_"
                + databaseOf(base).toLowerCase(Locale.ROOT).replaceAll("[^a-z0-9_]", "_"));
    Properties login = new Properties();
    if (user != null) {
      login.setProperty("user", user);
    }
    if (password != null) {
      login.setProperty("password", password);
    }
    try (Connection connection = DriverManager.getConnection(base, login);
        Statement statement = connection.createStatement()) {
      statement.execute("CREATE DATABASE \"" + name + "\"");
    } catch (SQLException e) {
      String state = e.getSQLState() == null ? "" : e.getSQLState();
      if (state.startsWith("08") || state.startsWith("57P") || state.startsWith("3D")) {
        LOG.log(
            System.Logger.Level.WARNING,
            "@ProcrastinateTest could not reach the server of "
                + origin
                + " ("
                + AppConfig.redactUrl(base)
                + ") to make a test database, so the Spring context keeps its data source: "
                + e.getMessage());
        return null;
      }
      throw new IllegalStateException(
          "@ProcrastinateTest makes a database of the test run's own on the server of "
              + origin
              + " ("
              + AppConfig.redactUrl(base)
              + "), and the server refused: "
              + e.getMessage()
              + ". Let the user create databases (ALTER ROLE ... CREATEDB), or set"
              + " PROCRASTINATE_TEST_DATABASE_URL (with _USER and _PASSWORD) to a server where it"
              + " may, or give the context a Testcontainers @ServiceConnection.",
          e);
    }
    synchronized (DROPS) {
      DROPS.add(() -> drop(base, login, name));
    }
    return new Created(withDatabase(base, name), user, password, origin);
  }

  private static void drop(String base, Properties login, String name) {
    try (Connection connection = DriverManager.getConnection(base, login);
        Statement statement = connection.createStatement()) {
      statement.execute("DROP DATABASE IF EXISTS \"" + name + "\" WITH (FORCE)");
    } catch (SQLException e) {
      LOG.log(
          System.Logger.Level.WARNING,
          "could not drop the test database " + name + ": " + e.getMessage());
    }
  }

  private static String truncate(String name) {
    return name.length() > 63 ? name.substring(0, 63) : name;
  }

  /**
   * Returns the database a PostgreSQL JDBC URL names.
   *
   * @param url a {@code jdbc:postgresql:} URL
   * @return the database name, empty when the URL names none
   */
  static String databaseOf(String url) {
    String path = path(url);
    if (path.startsWith("//")) {
      int slash = path.indexOf('/', 2);
      return slash < 0 ? "" : path.substring(slash + 1);
    }
    return path;
  }

  /**
   * Returns a PostgreSQL JDBC URL with another database, its hosts and parameters kept.
   *
   * @param url a {@code jdbc:postgresql:} URL
   * @param name the database
   * @return the URL naming {@code name}
   */
  static String withDatabase(String url, String name) {
    String path = path(url);
    String parameters = url.substring(PREFIX.length() + path.length());
    if (path.startsWith("//")) {
      int slash = path.indexOf('/', 2);
      String hosts = slash < 0 ? path : path.substring(0, slash);
      return PREFIX + hosts + "/" + name + parameters;
    }
    return PREFIX + name + parameters;
  }

  private static String path(String url) {
    String rest = url.substring(PREFIX.length());
    int query = rest.indexOf('?');
    return query < 0 ? rest : rest.substring(0, query);
  }

  private static @Nullable String setting(String key) {
    String value = System.getProperty("procrastinate.test.database." + key);
    if (value == null || value.isBlank()) {
      value = System.getenv("PROCRASTINATE_TEST_DATABASE_" + key.toUpperCase(Locale.ROOT));
    }
    return value == null || value.isBlank() ? null : value;
  }
}
