package dev.procrastinate.testing;

import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.sql.Connection;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.ArrayList;
import java.util.List;

/** Reads the catalog description of a schema, and the expected one written from the contract. */
public final class Catalog {
  private Catalog() {}

  /**
   * Describes the Procrastinate objects of the connection's current schema, one fact per line.
   *
   * @param connection a connection whose current schema is described
   * @return the sorted lines
   * @throws SQLException if the query fails
   */
  public static List<String> describe(Connection connection) throws SQLException {
    List<String> lines = new ArrayList<>();
    try (Statement statement = connection.createStatement();
        ResultSet result = statement.executeQuery(resource("/schema/catalog.sql"))) {
      while (result.next()) {
        lines.add(result.getString("line"));
      }
    }
    return lines;
  }

  /**
   * Returns the expected catalog of the Procrastinate 3.9 schema, written from the reference.
   *
   * @return the sorted lines
   */
  public static List<String> expected() {
    return resource("/schema/expected-catalog.txt").lines().filter(l -> !l.isBlank()).toList();
  }

  /**
   * Reads a class-path resource as UTF-8 text.
   *
   * @param name the absolute resource name
   * @return its text
   */
  public static String resource(String name) {
    try (InputStream in = Catalog.class.getResourceAsStream(name)) {
      if (in == null) {
        throw new IllegalStateException("missing resource " + name);
      }
      return new String(in.readAllBytes(), StandardCharsets.UTF_8);
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }
}
