package dev.procrastinate.test;

import dev.procrastinate.AppConfig;
import dev.procrastinate.operations.SpringDataSource;
import java.util.Locale;
import java.util.Optional;
import org.jspecify.annotations.Nullable;

/**
 * Where the tests' PostgreSQL is, found once per test run and kept in the root context's store;
 * closing it stops a container it started.
 */
final class TestServer implements AutoCloseable {
  static final String URL_PROPERTY = "procrastinate.test.database.url";
  static final String URL_VARIABLE = "PROCRASTINATE_TEST_DATABASE_URL";

  private final String url;
  private final @Nullable String user;
  private final @Nullable String password;
  private final String origin;
  private final @Nullable Runnable stopContainer;

  private TestServer(
      String url,
      @Nullable String user,
      @Nullable String password,
      String origin,
      @Nullable Runnable stopContainer) {
    this.url = url;
    this.user = user;
    this.password = password;
    this.origin = origin;
    this.stopContainer = stopContainer;
  }

  /**
   * Finds the server: the test settings, else a Testcontainers container when Docker is there, else
   * the application's own settings ({@code procrastinate.url}, else a Spring Boot application's
   * {@code spring.datasource.url}).
   *
   * @return the server
   * @throws IllegalStateException if none is configured, saying how to configure one
   */
  static TestServer find() {
    String url = setting("url");
    if (url != null) {
      return new TestServer(
          url,
          setting("user"),
          setting("password"),
          "the test settings (" + URL_VARIABLE + ")",
          null);
    }
    if (ContainerServer.usable()) {
      ContainerServer.Started started = ContainerServer.start();
      return new TestServer(
          started.url(),
          started.user(),
          started.password(),
          "a Testcontainers PostgreSQL",
          started.stop());
    }
    AppConfig config;
    try {
      config = AppConfig.fromEnvironment();
    } catch (IllegalArgumentException e) {
      Optional<SpringDataSource> spring =
          SpringDataSource.read(Thread.currentThread().getContextClassLoader());
      if (spring.isPresent()) {
        return new TestServer(
            spring.get().url(),
            spring.get().user(),
            spring.get().password(),
            "the application's spring.datasource.* (" + spring.get().source() + ")",
            null);
      }
      throw new IllegalStateException(
          "@ProcrastinateTest needs a PostgreSQL to create its test schema in, and none is"
              + " configured: set "
              + URL_VARIABLE
              + " (with _USER and _PASSWORD) or the system property "
              + URL_PROPERTY
              + ", or add org.testcontainers:testcontainers-postgresql to the test dependencies"
              + " and run with Docker, or configure the application's database (procrastinate.url,"
              + " or spring.datasource.url in application.properties);"
              + " for unit tests without a database use @ProcrastinateTest(inline = true) ("
              + e.getMessage()
              + ")",
          e);
    }
    return new TestServer(
        config.url(), config.user(), config.password(), "the application's settings", null);
  }

  private static @Nullable String setting(String key) {
    String value = System.getProperty("procrastinate.test.database." + key);
    if (value == null || value.isBlank()) {
      value = System.getenv("PROCRASTINATE_TEST_DATABASE_" + key.toUpperCase(Locale.ROOT));
    }
    return value == null || value.isBlank() ? null : value;
  }

  /**
   * Returns the configuration of an app on a schema of this server.
   *
   * @param schema the schema
   * @return the configuration
   */
  AppConfig config(String schema) {
    return AppConfig.builder()
        .url(url)
        .user(user)
        .password(password)
        .schema(schema)
        .poolSize(4)
        .build();
  }

  /**
   * Says where the server came from, for messages.
   *
   * @return a description
   */
  String origin() {
    return origin + " at " + AppConfig.redactUrl(url);
  }

  @Override
  public void close() {
    if (stopContainer != null) {
      stopContainer.run();
    }
  }
}
