package dev.procrastinate.jpa;

/**
 * What PostgreSQL does to a row referencing a job when the job is deleted (by the worker's {@code
 * deleteJobs} policy, {@code JobManager.deleteOldJobs} or {@code cancelAndDelete}): the five
 * actions of a foreign key's {@code ON DELETE}, the ones {@code mvn procrastinate:relation-sql}
 * writes.
 */
public enum OnDelete {
  /** Deletes the referencing row with the job. */
  CASCADE("CASCADE"),
  /** Sets the referencing column to NULL; the column must be nullable. */
  SET_NULL("SET NULL"),
  /** Sets the referencing column to its default; the column must have one. */
  SET_DEFAULT("SET DEFAULT"),
  /** Refuses to delete a referenced job, at once. */
  RESTRICT("RESTRICT"),
  /** Refuses to delete a referenced job, at the end of the statement (PostgreSQL's default). */
  NO_ACTION("NO ACTION");

  private final String sql;

  OnDelete(String sql) {
    this.sql = sql;
  }

  /**
   * Returns the action as SQL writes it.
   *
   * @return e.g. {@code SET NULL}
   */
  public String sql() {
    return sql;
  }
}
