package dev.procrastinate.bench;

import com.zaxxer.hikari.HikariConfig;
import com.zaxxer.hikari.HikariDataSource;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.Objects;

/**
 * A throw-away database for one benchmark run, named uniquely for the run (see {@link
 * RunDatabaseNames}), so that two runs on one server never drop each other's.
 */
final class BenchDatabase implements AutoCloseable {
  private static final String PREFIX = "procrastinate_bench_";

  /**
   * The {@code application_name} of the benchmark's own connections, so that a benchmark can count
   * the server connections of what it measures apart from its own.
   */
  static final String APPLICATION = "procrastinate-bench";

  private final String adminUrl;
  private final String user;
  private final String password;
  private final String name;
  private final HikariDataSource dataSource;
  private final boolean owned;

  private BenchDatabase(
      String adminUrl,
      String user,
      String password,
      String benchmark,
      String name,
      int pool,
      boolean owned)
      throws SQLException {
    this.adminUrl = adminUrl;
    this.user = user;
    this.password = password;
    this.name = name;
    this.owned = owned;
    if (owned) {
      try (Connection admin = DriverManager.getConnection(adminUrl, user, password);
          Statement statement = admin.createStatement()) {
        RunDatabaseNames.dropStale(admin, PREFIX + benchmark);
        statement.execute("CREATE DATABASE " + name);
      }
    }
    HikariConfig config = new HikariConfig();
    config.setJdbcUrl(url());
    config.setUsername(user);
    config.setPassword(password);
    config.setMaximumPoolSize(pool);
    config.setPoolName("bench");
    config.addDataSourceProperty("ApplicationName", APPLICATION);
    this.dataSource = new HikariDataSource(config);
  }

  /**
   * Creates a fresh database named after the benchmark and this run; drops the benchmark's
   * databases left behind more than a day ago.
   *
   * @param benchmark a short lowercase name
   * @param pool the pool size
   * @return the database
   * @throws SQLException if PostgreSQL refuses
   */
  static BenchDatabase create(String benchmark, int pool) throws SQLException {
    return open(benchmark, RunDatabaseNames.unique(PREFIX + benchmark), pool, true);
  }

  /**
   * Opens the database of a benchmark another process created, for a child process of it.
   *
   * @param name the database's {@link #name()} in the process that created it
   * @param pool the pool size
   * @return the database, left in place on close
   * @throws SQLException if PostgreSQL refuses
   */
  static BenchDatabase existing(String name, int pool) throws SQLException {
    if (!name.startsWith(PREFIX)) {
      throw new IllegalArgumentException("not a benchmark database: " + name);
    }
    return open(name.substring(PREFIX.length()), name, pool, false);
  }

  private static BenchDatabase open(String benchmark, String name, int pool, boolean owned)
      throws SQLException {
    String url =
        Objects.requireNonNullElse(
            System.getenv("PROCRASTINATE_BENCH_URL"), "jdbc:postgresql://localhost:5432/postgres");
    String user = Objects.requireNonNullElse(System.getenv("PROCRASTINATE_BENCH_USER"), "postgres");
    String password =
        Objects.requireNonNullElse(System.getenv("PROCRASTINATE_BENCH_PASSWORD"), "postgres");
    return new BenchDatabase(url, user, password, benchmark, name, pool, owned);
  }

  /** The database's name, unique to the run that created it. */
  String name() {
    return name;
  }

  String url() {
    int query = adminUrl.indexOf('?');
    String base = query < 0 ? adminUrl : adminUrl.substring(0, query);
    return base.substring(0, base.lastIndexOf('/') + 1)
        + name
        + (query < 0 ? "" : adminUrl.substring(query));
  }

  String user() {
    return user;
  }

  String password() {
    return password;
  }

  HikariDataSource dataSource() {
    return dataSource;
  }

  Connection newConnection() throws SQLException {
    java.util.Properties properties = new java.util.Properties();
    properties.setProperty("user", user);
    properties.setProperty("password", password);
    properties.setProperty("ApplicationName", APPLICATION);
    return DriverManager.getConnection(url(), properties);
  }

  /** Closes the pool; the run that created the database drops it (its own only). */
  @Override
  public void close() throws SQLException {
    dataSource.close();
    if (!owned) {
      return;
    }
    try (Connection admin = DriverManager.getConnection(adminUrl, user, password);
        Statement statement = admin.createStatement()) {
      statement.execute("DROP DATABASE IF EXISTS " + name + " WITH (FORCE)");
    }
  }
}
