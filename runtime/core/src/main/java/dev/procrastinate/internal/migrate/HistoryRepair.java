package dev.procrastinate.internal.migrate;

import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.ArrayList;
import java.util.List;

/**
 * What the history table of a schema says before Flyway reads it, and its repair: a schema migrated
 * by a pre-release snapshot of this runtime, or a failed run of one of our scripts, gets the rows
 * of our scripts after V1 forgotten, so that Flyway applies them again (each can run again, and
 * finds the objects already made in place). Not API.
 *
 * @param preRelease whether a pre-release snapshot's scripts are recorded
 * @param forgotten the versions whose rows are (or, read only, would be) deleted
 */
record HistoryRepair(boolean preRelease, List<String> forgotten) {
  private static final String ROWS =
      "SELECT version, description, success FROM "
          + Migrator.HISTORY_TABLE
          + " WHERE version IS NOT NULL ORDER BY installed_rank";

  private static final String INVALID_INDEXES =
      """
      SELECT c.relname
        FROM pg_index i
        JOIN pg_class c ON c.oid = i.indexrelid
       WHERE c.relnamespace = quote_ident(current_schema())::regnamespace
         AND c.relname LIKE 'procrastinate\\_java\\_%'
         AND NOT i.indisvalid
         AND NOT EXISTS (SELECT 1
                           FROM pg_stat_progress_create_index AS building
                          WHERE building.index_relid = i.indexrelid)
       ORDER BY c.relname
      """;

  /**
   * Reads what a repair would do, changing nothing.
   *
   * @param connection a connection whose current schema holds the history table
   * @return the repair to make
   * @throws SQLException if the table cannot be read
   */
  static HistoryRepair read(Connection connection) throws SQLException {
    List<String[]> rows = new ArrayList<>();
    try (Statement statement = connection.createStatement();
        ResultSet result = statement.executeQuery(ROWS)) {
      while (result.next()) {
        rows.add(
            new String[] {
              result.getString(1), result.getString(2), String.valueOf(result.getBoolean(3))
            });
      }
    }
    boolean preRelease = false;
    for (String[] row : rows) {
      if (Boolean.parseBoolean(row[2])
          && row[1].equals(Migrator.PRE_RELEASE_SCRIPTS.get(row[0]))
          && !Migrator.UPSTREAM_SCHEMA_VERSION.equals(row[0])) {
        preRelease = true;
      }
    }
    List<String> forgotten = new ArrayList<>();
    for (String[] row : rows) {
      boolean ours = !Migrator.UPSTREAM_SCHEMA_VERSION.equals(row[0]);
      boolean failed = !Boolean.parseBoolean(row[2]);
      if (ours && (preRelease || failed)) {
        forgotten.add(row[0]);
      }
    }
    return new HistoryRepair(preRelease, List.copyOf(forgotten));
  }

  /**
   * Repairs the history in the connection's transaction, under a lock that keeps another migrating
   * process from repairing it at the same time; the caller commits.
   *
   * @param connection a connection, not in auto-commit mode, whose current schema holds the table
   * @return what was done
   * @throws SQLException if the table cannot be read or written
   */
  static HistoryRepair apply(Connection connection) throws SQLException {
    try (Statement statement = connection.createStatement()) {
      statement.execute("LOCK TABLE " + Migrator.HISTORY_TABLE + " IN SHARE ROW EXCLUSIVE MODE");
    }
    HistoryRepair repair = read(connection);
    if (!repair.forgotten().isEmpty()) {
      try (PreparedStatement delete =
          connection.prepareStatement(
              "DELETE FROM " + Migrator.HISTORY_TABLE + " WHERE version = ANY (?)")) {
        delete.setArray(1, connection.createArrayOf("varchar", repair.forgotten().toArray()));
        delete.executeUpdate();
      }
    }
    return repair;
  }

  /**
   * Lists this runtime's indexes of the current schema that an interrupted concurrent build left
   * INVALID, leaving out those a build is making now.
   *
   * @param connection the connection
   * @return the index names
   * @throws SQLException if the catalog cannot be read
   */
  static List<String> invalidIndexes(Connection connection) throws SQLException {
    List<String> names = new ArrayList<>();
    try (Statement statement = connection.createStatement();
        ResultSet result = statement.executeQuery(INVALID_INDEXES)) {
      while (result.next()) {
        names.add(result.getString(1));
      }
    }
    return names;
  }
}
