package dev.procrastinate.maven;

import org.jspecify.annotations.Nullable;

/**
 * One {@code <relation>} of the {@code relation-sql} goal's configuration, as Maven fills it in:
 *
 * <pre>{@code
 * <relation>
 *   <table>app.orders</table>
 *   <column>job_id</column>
 *   <onDelete>SET NULL</onDelete>
 *   <constraintName>orders_job_fk</constraintName>  <!-- optional -->
 * </relation>
 * }</pre>
 */
public final class RelationParameter {
  /** The referencing table, {@code table} or {@code schema.table}. */
  @Nullable String table;

  /** The referencing column. */
  @Nullable String column;

  /** CASCADE, SET NULL, SET DEFAULT, RESTRICT or NO ACTION. */
  @Nullable String onDelete;

  /** The constraint name; default {@code <table>_<column>_procrastinate_fk}. */
  @Nullable String constraintName;

  /** Creates an empty relation; Maven sets the fields. */
  public RelationParameter() {}

  /**
   * Returns the table.
   *
   * @return the table, or null when not configured
   */
  public @Nullable String getTable() {
    return table;
  }

  /**
   * Sets the table.
   *
   * @param table {@code table} or {@code schema.table}
   */
  public void setTable(@Nullable String table) {
    this.table = table;
  }

  /**
   * Returns the column.
   *
   * @return the column, or null when not configured
   */
  public @Nullable String getColumn() {
    return column;
  }

  /**
   * Sets the column.
   *
   * @param column the referencing column
   */
  public void setColumn(@Nullable String column) {
    this.column = column;
  }

  /**
   * Returns the ON DELETE action as configured.
   *
   * @return the action text, or null when not configured
   */
  public @Nullable String getOnDelete() {
    return onDelete;
  }

  /**
   * Sets the ON DELETE action.
   *
   * @param onDelete e.g. {@code SET NULL} or {@code set_null}
   */
  public void setOnDelete(@Nullable String onDelete) {
    this.onDelete = onDelete;
  }

  /**
   * Returns the constraint name.
   *
   * @return the name, or null for the default
   */
  public @Nullable String getConstraintName() {
    return constraintName;
  }

  /**
   * Sets the constraint name.
   *
   * @param constraintName the name, or null for the default
   */
  public void setConstraintName(@Nullable String constraintName) {
    this.constraintName = constraintName;
  }
}
