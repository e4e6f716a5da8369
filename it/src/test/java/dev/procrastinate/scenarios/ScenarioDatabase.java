package dev.procrastinate.scenarios;

import dev.procrastinate.bench.RunDatabaseNames;
import java.io.File;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.ArrayList;
import java.util.List;
import java.util.Properties;

/**
 * A database of its own for one plugin scenario, written into the scenario project's {@code
 * src/main/resources/procrastinate.properties} (the file the application, and so the plugin,
 * reads), so that scenarios never see each other's jobs. Called from the scenarios' Groovy hooks.
 *
 * <p>Each database is named for its run ({@link RunDatabaseNames}): two builds on one server, each
 * running the scenarios, never drop each other's databases; each drops its own when its scenario is
 * verified.
 */
public final class ScenarioDatabase {
  private static final String PROPERTIES = "src/main/resources/procrastinate.properties";

  private ScenarioDatabase() {}

  /**
   * Creates an empty database of this run on the test server and points the project at it; drops
   * the databases of the same prefix left behind by runs more than a day old.
   *
   * @param basedir the scenario project's folder
   * @param serverUrl the JDBC URL of any database on the server, e.g. {@code
   *     jdbc:postgresql://localhost:5432/postgres}
   * @param user the user
   * @param password the password
   * @param prefix the start of the database's name, a plain identifier; the run's suffix follows
   * @return the JDBC URL of the new database
   * @throws SQLException if PostgreSQL refuses
   * @throws IOException if the properties file cannot be written
   */
  public static String create(
      File basedir, String serverUrl, String user, String password, String prefix)
      throws SQLException, IOException {
    String name = RunDatabaseNames.unique(prefix);
    try (Connection admin = DriverManager.getConnection(serverUrl, user, password);
        Statement statement = admin.createStatement()) {
      RunDatabaseNames.dropStale(admin, prefix);
      statement.execute("CREATE DATABASE " + name);
    }
    int query = serverUrl.indexOf('?');
    String base = query < 0 ? serverUrl : serverUrl.substring(0, query);
    String url =
        base.substring(0, base.lastIndexOf('/') + 1)
            + name
            + (query < 0 ? "" : serverUrl.substring(query));
    Properties properties = new Properties();
    properties.setProperty("procrastinate.url", url);
    properties.setProperty("procrastinate.user", user);
    properties.setProperty("procrastinate.password", password);
    Path file = basedir.toPath().resolve(PROPERTIES);
    Files.createDirectories(file.getParent());
    try (OutputStream out = Files.newOutputStream(file)) {
      properties.store(out, "written by the scenario's setup script");
    }
    return url;
  }

  /**
   * Runs statements on the scenario's database.
   *
   * @param basedir the scenario project's folder
   * @param statements SQL statements
   * @throws SQLException if one fails
   * @throws IOException if the properties file cannot be read
   */
  public static void execute(File basedir, String... statements) throws SQLException, IOException {
    try (Connection connection = connect(basedir);
        Statement statement = connection.createStatement()) {
      for (String sql : statements) {
        statement.execute(sql);
      }
    }
  }

  /**
   * Runs a query on the scenario's database.
   *
   * @param basedir the scenario project's folder
   * @param sql the query
   * @return the first column of each row, as text
   * @throws SQLException if it fails
   * @throws IOException if the properties file cannot be read
   */
  public static List<String> query(File basedir, String sql) throws SQLException, IOException {
    try (Connection connection = connect(basedir);
        Statement statement = connection.createStatement();
        ResultSet rows = statement.executeQuery(sql)) {
      List<String> values = new ArrayList<>();
      while (rows.next()) {
        values.add(rows.getString(1));
      }
      return values;
    }
  }

  /**
   * Drops the scenario's database, the one {@link #create} made for this run.
   *
   * @param basedir the scenario project's folder
   * @param serverUrl the JDBC URL of another database on the server, to drop from
   * @throws SQLException if PostgreSQL refuses
   * @throws IOException if the properties file cannot be read
   */
  public static void drop(File basedir, String serverUrl) throws SQLException, IOException {
    Properties properties = properties(basedir);
    drop(
        serverUrl,
        properties.getProperty("procrastinate.user"),
        properties.getProperty("procrastinate.password"),
        properties.getProperty("procrastinate.url"));
  }

  /**
   * Drops a database {@link #create} made for this run, named by its URL.
   *
   * @param serverUrl the JDBC URL of another database on the server, to drop from
   * @param user the user
   * @param password the password
   * @param url the JDBC URL {@link #create} returned
   * @throws SQLException if PostgreSQL refuses
   */
  public static void drop(String serverUrl, String user, String password, String url)
      throws SQLException {
    String name = url.substring(url.lastIndexOf('/') + 1).replaceAll("\\?.*", "");
    if (!name.matches("[a-z_][a-z0-9_]*_r\\d+_\\d+_[0-9a-f]{4}")) {
      throw new IllegalArgumentException("not a database of a scenario run: " + name);
    }
    try (Connection admin = DriverManager.getConnection(serverUrl, user, password);
        Statement statement = admin.createStatement()) {
      // Its own database: a connection a failed scenario left open must not keep it.
      statement.execute("DROP DATABASE IF EXISTS " + name + " WITH (FORCE)");
    }
  }

  private static Connection connect(File basedir) throws SQLException, IOException {
    Properties properties = properties(basedir);
    return DriverManager.getConnection(
        properties.getProperty("procrastinate.url"),
        properties.getProperty("procrastinate.user"),
        properties.getProperty("procrastinate.password"));
  }

  private static Properties properties(File basedir) throws IOException {
    Properties properties = new Properties();
    try (InputStream in = Files.newInputStream(basedir.toPath().resolve(PROPERTIES))) {
      properties.load(in);
    }
    return properties;
  }
}
