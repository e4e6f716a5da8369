package dev.procrastinate.internal.relations;

import java.sql.Array;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.ArrayList;
import java.util.List;
import org.jspecify.annotations.Nullable;

/**
 * The catalog queries behind the relation checks, each on a caller's connection. Table and column
 * names are passed as bind parameters or resolved to OIDs; the only SQL built from names is the
 * count of dangling references, from identifiers quoted by {@link Identifiers}. Stateless. Not API.
 */
public final class RelationCatalog {
  /**
   * A table as the catalog knows it.
   *
   * @param oid its OID
   * @param schema its schema
   * @param name its name
   * @param kind {@code pg_class.relkind}
   * @param estimatedRows {@code pg_class.reltuples}: the planner's estimate, -1 if never analyzed
   */
  public record Table(long oid, String schema, String name, String kind, long estimatedRows) {
    /**
     * Tells whether rows can reference another table from here.
     *
     * @return true for an ordinary or partitioned table
     */
    public boolean isTable() {
      return kind.equals("r") || kind.equals("p");
    }

    /**
     * Describes the kind for messages.
     *
     * @return e.g. "a view"
     */
    public String kindName() {
      return switch (kind) {
        case "r" -> "a table";
        case "p" -> "a partitioned table";
        case "v" -> "a view";
        case "m" -> "a materialized view";
        case "f" -> "a foreign table";
        case "S" -> "a sequence";
        case "i", "I" -> "an index";
        default -> "a relation of kind " + kind;
      };
    }
  }

  /**
   * A column as the catalog knows it.
   *
   * @param number its attribute number
   * @param type its type as SQL writes it, e.g. {@code bigint} or {@code character varying(20)}
   * @param baseType the type without modifiers, or a domain's base type
   * @param notNull whether it is NOT NULL
   * @param defaultExpression its default, or null
   */
  public record Column(
      int number,
      String type,
      String baseType,
      boolean notNull,
      @Nullable String defaultExpression) {}

  /**
   * A constraint of the referencing table that matters to a relation.
   *
   * @param name its name
   * @param type {@code f} for a foreign key, {@code p}, {@code u}, {@code c}, … otherwise
   * @param referencesJobsColumn whether it is a foreign key of the relation's column alone to the
   *     jobs table
   * @param deleteAction {@code pg_constraint.confdeltype}, blank for another type
   * @param definition {@code pg_get_constraintdef}
   */
  public record Constraint(
      String name,
      String type,
      boolean referencesJobsColumn,
      String deleteAction,
      String definition) {}

  /** How many dangling ids {@link #dangling} returns at most. */
  public static final int DANGLING_SAMPLE = 5;

  private RelationCatalog() {}

  /**
   * Resolves a table name as PostgreSQL would in a statement, along the search path.
   *
   * @param connection the connection
   * @param sqlName the name as SQL writes it (quoted where needed)
   * @return the table, or null if nothing has that name
   * @throws SQLException if the query fails
   */
  public static @Nullable Table table(Connection connection, String sqlName) throws SQLException {
    try (PreparedStatement statement =
        connection.prepareStatement(
            """
            SELECT c.oid, n.nspname, c.relname, c.relkind::text, c.reltuples::bigint
              FROM pg_class c JOIN pg_namespace n ON n.oid = c.relnamespace
             WHERE c.oid = to_regclass(?)
            """)) {
      statement.setString(1, sqlName);
      try (ResultSet rows = statement.executeQuery()) {
        if (!rows.next()) {
          return null;
        }
        return new Table(
            rows.getLong(1),
            rows.getString(2),
            rows.getString(3),
            rows.getString(4),
            rows.getLong(5));
      }
    }
  }

  /**
   * Returns the schemas of the connection's search path that exist.
   *
   * @param connection the connection
   * @return e.g. {@code [public]}
   * @throws SQLException if the query fails
   */
  public static List<String> searchPath(Connection connection) throws SQLException {
    try (Statement statement = connection.createStatement();
        ResultSet rows = statement.executeQuery("SELECT unnest(current_schemas(false))")) {
      List<String> schemas = new ArrayList<>();
      while (rows.next()) {
        schemas.add(rows.getString(1));
      }
      return schemas;
    }
  }

  /**
   * Looks a column up.
   *
   * @param connection the connection
   * @param tableOid the table
   * @param name the column's exact name
   * @return the column, or null if the table has none of that name
   * @throws SQLException if the query fails
   */
  public static @Nullable Column column(Connection connection, long tableOid, String name)
      throws SQLException {
    try (PreparedStatement statement =
        connection.prepareStatement(
            """
            SELECT a.attnum,
                   format_type(a.atttypid, a.atttypmod),
                   format_type(CASE WHEN t.typtype = 'd' THEN t.typbasetype ELSE a.atttypid END,
                               NULL),
                   a.attnotnull,
                   pg_get_expr(d.adbin, d.adrelid)
              FROM pg_attribute a
              JOIN pg_type t ON t.oid = a.atttypid
              LEFT JOIN pg_attrdef d ON d.adrelid = a.attrelid AND d.adnum = a.attnum
             WHERE a.attrelid = ?::oid AND a.attname = ? AND a.attnum > 0 AND NOT a.attisdropped
            """)) {
      statement.setLong(1, tableOid);
      statement.setString(2, name);
      try (ResultSet rows = statement.executeQuery()) {
        if (!rows.next()) {
          return null;
        }
        return new Column(
            rows.getInt(1),
            rows.getString(2),
            rows.getString(3),
            rows.getBoolean(4),
            rows.getString(5));
      }
    }
  }

  /**
   * Lists a table's columns.
   *
   * @param connection the connection
   * @param tableOid the table
   * @return the column names, in table order
   * @throws SQLException if the query fails
   */
  public static List<String> columnNames(Connection connection, long tableOid) throws SQLException {
    try (PreparedStatement statement =
        connection.prepareStatement(
            "SELECT attname FROM pg_attribute WHERE attrelid = ?::oid AND attnum > 0"
                + " AND NOT attisdropped ORDER BY attnum")) {
      statement.setLong(1, tableOid);
      List<String> names = new ArrayList<>();
      try (ResultSet rows = statement.executeQuery()) {
        while (rows.next()) {
          names.add(rows.getString(1));
        }
      }
      return names;
    }
  }

  /**
   * Lists the constraints of a table that either have a name or are foreign keys of one column to
   * the jobs table.
   *
   * @param connection the connection
   * @param tableOid the referencing table
   * @param name a constraint name
   * @param jobsOid the jobs table, or 0 when it does not exist
   * @param columnNumber the referencing column's attribute number
   * @return the constraints, by name
   * @throws SQLException if the query fails
   */
  public static List<Constraint> constraints(
      Connection connection, long tableOid, String name, long jobsOid, int columnNumber)
      throws SQLException {
    try (PreparedStatement statement =
        connection.prepareStatement(
            """
            SELECT conname, contype::text,
                   contype = 'f' AND confrelid = ?::oid AND conkey = ARRAY[?::smallint],
                   confdeltype::text, pg_get_constraintdef(oid)
              FROM pg_constraint
             WHERE conrelid = ?::oid
               AND (conname = ?
                    OR (contype = 'f' AND confrelid = ?::oid AND conkey = ARRAY[?::smallint]))
             ORDER BY conname
            """)) {
      int i = 0;
      statement.setLong(++i, jobsOid);
      statement.setInt(++i, columnNumber);
      statement.setLong(++i, tableOid);
      statement.setString(++i, name);
      statement.setLong(++i, jobsOid);
      statement.setInt(++i, columnNumber);
      List<Constraint> constraints = new ArrayList<>();
      try (ResultSet rows = statement.executeQuery()) {
        while (rows.next()) {
          constraints.add(
              new Constraint(
                  rows.getString(1),
                  rows.getString(2),
                  rows.getBoolean(3),
                  rows.getString(4).trim(),
                  rows.getString(5)));
        }
      }
      return constraints;
    }
  }

  /**
   * Counts the rows whose reference names no job, and returns a few of the dangling ids.
   *
   * @param connection the connection
   * @param tableSql the referencing table, quoted
   * @param columnSql the referencing column, quoted
   * @param jobsSql the jobs table, quoted
   * @return the count and up to {@link #DANGLING_SAMPLE} distinct ids, smallest first
   * @throws SQLException if the query fails
   */
  public static Dangling dangling(
      Connection connection, String tableSql, String columnSql, String jobsSql)
      throws SQLException {
    String where =
        " WHERE t."
            + columnSql
            + " IS NOT NULL AND NOT EXISTS (SELECT 1 FROM "
            + jobsSql
            + " j WHERE j.id = t."
            + columnSql
            + ")";
    try (Statement statement = connection.createStatement()) {
      long count;
      try (ResultSet rows =
          statement.executeQuery("SELECT count(*) FROM " + tableSql + " t" + where)) {
        rows.next();
        count = rows.getLong(1);
      }
      List<String> sample = new ArrayList<>();
      if (count > 0) {
        try (ResultSet rows =
            statement.executeQuery(
                "SELECT DISTINCT t."
                    + columnSql
                    + "::text, t."
                    + columnSql
                    + " FROM "
                    + tableSql
                    + " t"
                    + where
                    + " ORDER BY 2 LIMIT "
                    + DANGLING_SAMPLE)) {
          while (rows.next()) {
            sample.add(rows.getString(1));
          }
        }
      }
      return new Dangling(count, sample);
    }
  }

  /**
   * Rows that reference no job.
   *
   * @param count how many rows
   * @param sample a few of the ids they hold
   */
  public record Dangling(long count, List<String> sample) {}

  /**
   * Tells whether a job exists.
   *
   * @param connection the connection
   * @param jobsSql the jobs table, quoted
   * @param id the id
   * @return true if it exists
   * @throws SQLException if the query fails
   */
  public static boolean jobExists(Connection connection, String jobsSql, long id)
      throws SQLException {
    try (PreparedStatement statement =
        connection.prepareStatement("SELECT EXISTS (SELECT 1 FROM " + jobsSql + " WHERE id = ?)")) {
      statement.setLong(1, id);
      try (ResultSet rows = statement.executeQuery()) {
        rows.next();
        return rows.getBoolean(1);
      }
    }
  }

  /**
   * Tells whether the database shows use of a task: a job of it, or a periodic defer of it.
   *
   * @param connection the connection
   * @param schemaPrefix the quoted schema and a dot, or empty for the search path
   * @param taskNames the task's names
   * @return true if a job or periodic defer names one of them
   * @throws SQLException if the query fails
   */
  public static boolean taskUsed(Connection connection, String schemaPrefix, List<String> taskNames)
      throws SQLException {
    try (PreparedStatement statement =
        connection.prepareStatement(
            "SELECT EXISTS (SELECT 1 FROM "
                + schemaPrefix
                + "procrastinate_jobs WHERE task_name = ANY (?))"
                + " OR EXISTS (SELECT 1 FROM "
                + schemaPrefix
                + "procrastinate_periodic_defers WHERE task_name = ANY (?))")) {
      Array names = connection.createArrayOf("text", taskNames.toArray());
      statement.setArray(1, names);
      statement.setArray(2, names);
      try (ResultSet rows = statement.executeQuery()) {
        rows.next();
        return rows.getBoolean(1);
      }
    }
  }
}
