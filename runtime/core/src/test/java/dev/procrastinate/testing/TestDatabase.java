package dev.procrastinate.testing;

import com.zaxxer.hikari.HikariConfig;
import com.zaxxer.hikari.HikariDataSource;
import dev.procrastinate.App;
import dev.procrastinate.AppConfig;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.Locale;
import java.util.Objects;
import java.util.UUID;
import org.jspecify.annotations.Nullable;
import org.junit.jupiter.api.extension.AfterAllCallback;
import org.junit.jupiter.api.extension.BeforeAllCallback;
import org.junit.jupiter.api.extension.ExtensionContext;
import org.testcontainers.DockerClientFactory;
import org.testcontainers.postgresql.PostgreSQLContainer;

/**
 * A JUnit 5 extension that gives each test class a database of its own on a real PostgreSQL, so
 * tests never see each other's jobs or notifications.
 *
 * <p>The server is a Testcontainers PostgreSQL when a Docker engine is available, otherwise the
 * server at {@code PROCRASTINATE_TEST_DATABASE_URL} (default {@code
 * jdbc:postgresql://localhost:5432/postgres}) with {@code PROCRASTINATE_TEST_DATABASE_USER} and
 * {@code PROCRASTINATE_TEST_DATABASE_PASSWORD} (default {@code postgres}/{@code postgres}).
 *
 * <pre>{@code
 * @RegisterExtension static final TestDatabase DB = TestDatabase.migrated();
 * }</pre>
 */
public final class TestDatabase implements BeforeAllCallback, AfterAllCallback {
  private static final Server SERVER = Server.find();

  private final boolean migrate;
  private String databaseName = "";
  private HikariDataSource dataSource;
  private App app;

  private TestDatabase(boolean migrate) {
    this.migrate = migrate;
  }

  /**
   * A fresh database with the Procrastinate schema applied by the runtime's migrations.
   *
   * @return the extension
   */
  public static TestDatabase migrated() {
    return new TestDatabase(true);
  }

  /**
   * A fresh, empty database.
   *
   * @return the extension
   */
  public static TestDatabase empty() {
    return new TestDatabase(false);
  }

  @Override
  public void beforeAll(ExtensionContext context) throws Exception {
    String owner = context.getRequiredTestClass().getSimpleName().toLowerCase(Locale.ROOT);
    owner = owner.replaceAll("[^a-z0-9]", "_");
    if (owner.length() > 40) {
      owner = owner.substring(0, 40);
    }
    databaseName =
        "pt_" + owner + "_" + UUID.randomUUID().toString().replace("-", "").substring(0, 8);
    try (Connection admin = SERVER.adminConnection();
        Statement statement = admin.createStatement()) {
      statement.execute("CREATE DATABASE " + databaseName);
    }
    dataSource = newDataSource(null);
    app = App.builder().dataSource(dataSource).build();
    if (migrate) {
      app.schemaManager().migrate();
    }
  }

  @Override
  public void afterAll(ExtensionContext context) throws Exception {
    if (app != null) {
      app.close();
    }
    if (dataSource != null) {
      dataSource.close();
    }
    try (Connection admin = SERVER.adminConnection();
        Statement statement = admin.createStatement()) {
      statement.execute("DROP DATABASE IF EXISTS " + databaseName + " WITH (FORCE)");
    }
  }

  /**
   * Returns the JDBC URL of this class's database.
   *
   * @return the URL
   */
  public String url() {
    return SERVER.urlOf(databaseName);
  }

  /**
   * Returns the user to connect with.
   *
   * @return the user
   */
  public String user() {
    return SERVER.user;
  }

  /**
   * Returns the password to connect with.
   *
   * @return the password
   */
  public String password() {
    return SERVER.password;
  }

  /**
   * Returns the name of this class's database.
   *
   * @return the database name
   */
  public String databaseName() {
    return databaseName;
  }

  /**
   * Returns a pooled data source of this class's database.
   *
   * @return the data source
   */
  public HikariDataSource dataSource() {
    return Objects.requireNonNull(dataSource, "the extension has not started");
  }

  /**
   * Returns an app over {@link #dataSource()}.
   *
   * @return the app
   */
  public App app() {
    return Objects.requireNonNull(app, "the extension has not started");
  }

  /**
   * Returns a configuration of this class's database, for an app with a pool of its own.
   *
   * @param schema the schema to use as search path, or null for the default
   * @return the configuration, pool size 2
   */
  public AppConfig config(@Nullable String schema) {
    return AppConfig.builder()
        .url(url())
        .user(user())
        .password(password())
        .schema(schema)
        .poolSize(2)
        .build();
  }

  /**
   * Opens a new unpooled connection to this class's database, for example to LISTEN.
   *
   * @return the connection; the caller closes it
   * @throws SQLException if PostgreSQL refuses
   */
  public Connection newConnection() throws SQLException {
    return DriverManager.getConnection(url(), SERVER.user, SERVER.password);
  }

  /**
   * Builds a new data source of this database whose connections use a schema as search path.
   *
   * @param schema the schema, or null for the default
   * @return a new pool; the caller closes it
   */
  public HikariDataSource newDataSource(String schema) {
    HikariConfig config = new HikariConfig();
    config.setJdbcUrl(url());
    config.setUsername(SERVER.user);
    config.setPassword(SERVER.password);
    config.setMaximumPoolSize(8);
    config.setMinimumIdle(0);
    config.setPoolName("test-" + databaseName);
    if (schema != null) {
      config.setSchema(schema);
    }
    return new HikariDataSource(config);
  }

  /** The PostgreSQL server the test databases are created on. */
  private static final class Server {
    private final String adminUrl;
    private final String user;
    private final String password;

    private Server(String adminUrl, String user, String password) {
      this.adminUrl = adminUrl;
      this.user = user;
      this.password = password;
    }

    static Server find() {
      if (dockerAvailable()) {
        PostgreSQLContainer container = new PostgreSQLContainer("postgres:15-alpine");
        container.start();
        return new Server(container.getJdbcUrl(), container.getUsername(), container.getPassword());
      }
      String url =
          Objects.requireNonNullElse(
              System.getenv("PROCRASTINATE_TEST_DATABASE_URL"),
              "jdbc:postgresql://localhost:5432/postgres");
      String user =
          Objects.requireNonNullElse(System.getenv("PROCRASTINATE_TEST_DATABASE_USER"), "postgres");
      String password =
          Objects.requireNonNullElse(
              System.getenv("PROCRASTINATE_TEST_DATABASE_PASSWORD"), "postgres");
      return new Server(url, user, password);
    }

    private static boolean dockerAvailable() {
      try {
        return DockerClientFactory.instance().isDockerAvailable();
      } catch (RuntimeException | LinkageError e) {
        return false;
      }
    }

    Connection adminConnection() throws SQLException {
      try {
        return DriverManager.getConnection(adminUrl, user, password);
      } catch (SQLException e) {
        throw new SQLException(
            "Tests need PostgreSQL: cannot connect to "
                + adminUrl
                + " as "
                + user
                + " (set PROCRASTINATE_TEST_DATABASE_URL, _USER and _PASSWORD, or run a Docker"
                + " engine for Testcontainers): "
                + e.getMessage(),
            e);
      }
    }

    String urlOf(String database) {
      int query = adminUrl.indexOf('?');
      String base = query < 0 ? adminUrl : adminUrl.substring(0, query);
      String params = query < 0 ? "" : adminUrl.substring(query);
      int slash = base.lastIndexOf('/');
      return base.substring(0, slash + 1) + database + params;
    }
  }
}
