package dev.procrastinate.relations;

import dev.procrastinate.internal.relations.Identifiers;
import java.util.List;
import java.util.Objects;
import org.jspecify.annotations.Nullable;

/**
 * A foreign key from a column of an application's table to {@code procrastinate_jobs(id)}.
 * Immutable.
 *
 * <p>Names are exact, as PostgreSQL stores them: {@code orders} is the table created as {@code
 * orders}, {@code Orders} the one created as {@code "Orders"}. SQL quotes a name only where
 * PostgreSQL needs it. A table may be qualified with its schema ({@code app.orders}) and any part
 * may be written in double quotes to hold a dot ({@code "my.schema".orders}).
 *
 * @param table the referencing table, {@code table} or {@code schema.table}
 * @param column the referencing column, which should be {@code bigint}
 * @param onDelete what a job's deletion does to the rows that reference it
 * @param constraintName the constraint's name, or null for {@link #defaultConstraintName()}
 */
public record Relation(
    String table, String column, ReferentialAction onDelete, @Nullable String constraintName) {

  /** The suffix of default constraint names. */
  public static final String CONSTRAINT_SUFFIX = "_procrastinate_fk";

  /**
   * Validates the names.
   *
   * @throws IllegalArgumentException naming the table, column or constraint that is empty, holds a
   *     control character (a line break would end the SQL comment it is written into), is longer
   *     than PostgreSQL's 63 bytes, or is badly quoted
   */
  public Relation {
    Objects.requireNonNull(table, "table");
    Objects.requireNonNull(column, "column");
    Objects.requireNonNull(onDelete, "onDelete");
    table = table.trim();
    column = column.trim();
    Identifiers.splitQualified(table, "table");
    if (Identifiers.splitQualified(column, "column").size() != 1) {
      throw new IllegalArgumentException(
          "column '"
              + Identifiers.printable(column)
              + "' must be a plain column name, without table or schema");
    }
    if (constraintName != null) {
      constraintName = constraintName.trim();
      if (constraintName.isEmpty()) {
        constraintName = null;
      } else {
        Identifiers.checkName(
            constraintName, "constraint name '" + Identifiers.printable(constraintName) + "'");
      }
    }
  }

  /**
   * Creates a relation with the default constraint name.
   *
   * @param table the referencing table, {@code table} or {@code schema.table}
   * @param column the referencing column
   * @param onDelete the action
   * @return the relation
   * @throws IllegalArgumentException if a name is invalid
   */
  public static Relation of(String table, String column, ReferentialAction onDelete) {
    return new Relation(table, column, onDelete, null);
  }

  /**
   * Creates a relation from text, as a build configuration gives it.
   *
   * @param table the referencing table, {@code table} or {@code schema.table}
   * @param column the referencing column
   * @param onDelete the action, e.g. {@code SET NULL} or {@code set_null}
   * @param constraintName the constraint name, or null or empty for the default
   * @return the relation
   * @throws IllegalArgumentException if the action is unknown (listing the valid ones) or a name is
   *     invalid
   */
  public static Relation parse(
      String table, String column, String onDelete, @Nullable String constraintName) {
    return new Relation(table, column, ReferentialAction.parse(onDelete), constraintName);
  }

  /**
   * Returns the schema part of {@link #table()}.
   *
   * @return the schema, or null when the table is not qualified
   */
  public @Nullable String schemaName() {
    List<String> parts = Identifiers.splitQualified(table, "table");
    return parts.size() == 2 ? parts.get(0) : null;
  }

  /**
   * Returns the table's own name, without schema and quotes.
   *
   * @return e.g. {@code orders} for {@code app.orders}
   */
  public String tableName() {
    List<String> parts = Identifiers.splitQualified(table, "table");
    return parts.get(parts.size() - 1);
  }

  /**
   * Returns the column's exact name, without quotes.
   *
   * @return the column name
   */
  public String columnName() {
    return Identifiers.splitQualified(column, "column").get(0);
  }

  /**
   * Returns the table as SQL must name it, quoted where needed.
   *
   * @return e.g. {@code app.orders} or {@code "Orders"}
   */
  public String tableSql() {
    String schema = schemaName();
    return (schema == null ? "" : Identifiers.quote(schema) + ".") + Identifiers.quote(tableName());
  }

  /**
   * Returns the column as SQL must name it.
   *
   * @return the column, quoted where needed
   */
  public String columnSql() {
    return Identifiers.quote(columnName());
  }

  /**
   * Returns the constraint's name: the configured one, or {@link #defaultConstraintName()}.
   *
   * @return the name, at most 63 bytes
   */
  public String constraint() {
    return constraintName != null ? constraintName : defaultConstraintName();
  }

  /**
   * Returns the constraint as SQL must name it.
   *
   * @return the constraint name, quoted where needed
   */
  public String constraintSql() {
    return Identifiers.quote(constraint());
  }

  /**
   * Returns the default constraint name, {@code <table>_<column>_procrastinate_fk} (the table
   * without its schema). A name over PostgreSQL's 63 bytes is cut and ends with {@code _} and 8 hex
   * digits of a hash of the whole name, so it stays the same from one run to the next.
   *
   * @return the name, at most 63 bytes
   */
  public String defaultConstraintName() {
    return Identifiers.fit(tableName() + "_" + columnName() + CONSTRAINT_SUFFIX);
  }

  /**
   * Describes the referencing column for messages and SQL comments.
   *
   * @return e.g. {@code app.orders.job_id}
   */
  public String describe() {
    return describe(table, column);
  }

  /**
   * Describes a configured column that may not be a valid relation, for messages: the table and
   * column as written, with any control character escaped so that the text stays on one line.
   *
   * @param table the table as configured, or null
   * @param column the column as configured, or null
   * @return e.g. {@code app.orders.job_id}, or {@code orders.job_id\nDROP TABLE x;}
   */
  public static String describe(@Nullable String table, @Nullable String column) {
    return Identifiers.printable(String.valueOf(table))
        + "."
        + Identifiers.printable(String.valueOf(column));
  }

  /**
   * Returns a relation equal to this one but for its constraint name.
   *
   * @param name the name, or null for the default
   * @return the relation
   */
  public Relation withConstraintName(@Nullable String name) {
    return new Relation(table, column, onDelete, name);
  }
}
