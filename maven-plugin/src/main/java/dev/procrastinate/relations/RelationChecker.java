package dev.procrastinate.relations;

import dev.procrastinate.App;
import dev.procrastinate.DeleteJobs;
import dev.procrastinate.internal.AppRuntime;
import dev.procrastinate.internal.builtin.BuiltinTasks;
import dev.procrastinate.internal.relations.Identifiers;
import dev.procrastinate.internal.relations.RelationCatalog;
import dev.procrastinate.internal.relations.RelationCatalog.Column;
import dev.procrastinate.internal.relations.RelationCatalog.Constraint;
import dev.procrastinate.internal.relations.RelationCatalog.Dangling;
import dev.procrastinate.internal.relations.RelationCatalog.Table;
import java.sql.Connection;
import java.sql.SQLException;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Objects;
import java.util.Set;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import javax.sql.DataSource;
import org.jspecify.annotations.Nullable;

/**
 * Inspects a live database before a relation's foreign key is added, and reports each problem with
 * its fix. Immutable and thread-safe; it only reads.
 *
 * <p>Checked, per relation: the jobs table exists (the schema is migrated); the table and column
 * exist; the column is {@code bigint} (an {@code integer} or {@code smallint} cannot hold every job
 * id, another type cannot reference one); it is nullable for {@code SET NULL}; its default is NULL
 * or an existing job for {@code SET DEFAULT}; how many rows already reference a missing job;
 * whether the table is large enough (by {@code pg_class.reltuples}) to add the constraint {@code
 * NOT VALID} and validate it separately; whether the constraint, or another foreign key of the
 * column to the jobs table, already exists; and, for {@code RESTRICT} and {@code NO ACTION},
 * whether jobs are deleted (by the worker's delete-jobs policy or the builtin {@code
 * remove_old_jobs}), which those actions would make fail.
 *
 * <pre>{@code
 * RelationReport report = RelationChecker.of(app).withDeleteJobs(DeleteJobs.ALWAYS).check(relations);
 * report.findings().forEach(System.out::println);
 * }</pre>
 */
public final class RelationChecker {
  /** Tables estimated at this many rows or more get {@code NOT VALID} + {@code VALIDATE}. */
  public static final long DEFAULT_LARGE_TABLE_ROWS = 100_000;

  private static final Pattern CONSTANT_DEFAULT =
      Pattern.compile("'?(-?[0-9]+)'?(::(bigint|integer|smallint|numeric))?");
  private static final Pattern NULL_DEFAULT = Pattern.compile("NULL(::[a-z ]+)?");
  private static final Set<String> BIGINT = Set.of("bigint");
  private static final Set<String> NARROW_INTEGERS = Set.of("integer", "smallint");

  private final AppRuntime runtime;
  private final DeleteJobs deleteJobs;
  private final long largeTableRows;
  private final @Nullable String jobsSchema;

  private RelationChecker(
      AppRuntime runtime, DeleteJobs deleteJobs, long largeTableRows, @Nullable String jobsSchema) {
    this.runtime = runtime;
    this.deleteJobs = deleteJobs;
    this.largeTableRows = largeTableRows;
    this.jobsSchema = jobsSchema;
  }

  /**
   * Creates a checker over an app's database.
   *
   * @param app the app
   * @return a checker with delete-jobs policy {@code never} and the default large-table threshold
   */
  public static RelationChecker of(App app) {
    return new RelationChecker(app.internals(), DeleteJobs.NEVER, DEFAULT_LARGE_TABLE_ROWS, null);
  }

  /**
   * Creates a checker over a data source.
   *
   * @param dataSource a data source of the PostgreSQL database
   * @return a checker with delete-jobs policy {@code never} and the default large-table threshold
   */
  public static RelationChecker of(DataSource dataSource) {
    // An app over the caller's data source, which it never closes; it starts no thread.
    return of(App.builder().dataSource(dataSource).applyConfigurers(false).build());
  }

  /**
   * Returns a checker that knows the delete-jobs policy of the application's workers.
   *
   * @param policy the policy the workers run with
   * @return a new checker
   */
  public RelationChecker withDeleteJobs(DeleteJobs policy) {
    return new RelationChecker(
        runtime, Objects.requireNonNull(policy, "policy"), largeTableRows, jobsSchema);
  }

  /**
   * Returns a checker with another threshold for large tables.
   *
   * @param rows the estimated row count from which {@code NOT VALID} is advised, at least 1
   * @return a new checker
   * @throws IllegalArgumentException if below 1
   */
  public RelationChecker withLargeTableRows(long rows) {
    if (rows < 1) {
      throw new IllegalArgumentException("largeTableRows must be at least 1, got " + rows);
    }
    return new RelationChecker(runtime, deleteJobs, rows, jobsSchema);
  }

  /**
   * Returns a checker that looks for {@code procrastinate_jobs} in a given schema instead of along
   * the search path.
   *
   * @param schema the schema, or null for the search path
   * @return a new checker
   */
  public RelationChecker withJobsSchema(@Nullable String schema) {
    String checked =
        schema == null || schema.isBlank()
            ? null
            : Identifiers.checkName(
                schema.trim(), "jobs schema '" + Identifiers.printable(schema) + "'");
    return new RelationChecker(runtime, deleteJobs, largeTableRows, checked);
  }

  /**
   * Checks relations against the database.
   *
   * @param relations the relations to check
   * @return the findings and the relations that should use {@code NOT VALID}
   * @throws dev.procrastinate.DatabaseUnavailableException if the database cannot be reached
   * @throws dev.procrastinate.ProcrastinateException if a catalog query fails
   */
  public RelationReport check(List<Relation> relations) {
    List<Relation> copy = List.copyOf(relations);
    return runtime.withConnection("checking relations to procrastinate_jobs", c -> run(c, copy));
  }

  private RelationReport run(Connection connection, List<Relation> relations) throws SQLException {
    List<Finding> findings = new ArrayList<>();
    Set<Relation> large = new HashSet<>();
    String schemaPrefix = jobsSchema == null ? "" : Identifiers.quote(jobsSchema) + ".";
    String jobsSql = schemaPrefix + RelationSql.JOBS_TABLE;
    Table jobs = RelationCatalog.table(connection, jobsSql);
    if (jobs == null) {
      String where =
          jobsSchema != null
              ? "in schema " + jobsSchema
              : "on the search path " + RelationCatalog.searchPath(connection);
      findings.add(
          new Finding(
              Severity.ERROR,
              null,
              "the table procrastinate_jobs does not exist "
                  + where
                  + " of "
                  + runtime.databaseDescription()
                  + ": the Procrastinate schema is not migrated, so no foreign key can reference"
                  + " it.",
              "run mvn procrastinate:migrate (or app.schemaManager().migrate()) first"));
    }
    String deletePolicy = jobs == null ? null : deletePolicy(connection, schemaPrefix);
    for (Relation relation : relations) {
      checkRelation(connection, relation, jobs, jobsSql, deletePolicy, findings, large);
    }
    return new RelationReport(findings, large);
  }

  /** Describes how jobs get deleted here, or returns null when nothing shows they are. */
  private @Nullable String deletePolicy(Connection connection, String schemaPrefix) {
    List<String> reasons = new ArrayList<>();
    if (deleteJobs != DeleteJobs.NEVER) {
      reasons.add("workers run with deleteJobs=" + deleteJobs.value());
    }
    boolean removeOldJobs;
    try {
      removeOldJobs =
          RelationCatalog.taskUsed(
              connection,
              schemaPrefix,
              List.of(BuiltinTasks.REMOVE_OLD_JOBS, BuiltinTasks.REMOVE_OLD_JOBS_ALIAS));
    } catch (SQLException e) {
      // An incomplete schema; the migration check reports it.
      removeOldJobs = false;
    }
    if (removeOldJobs) {
      reasons.add("the builtin task remove_old_jobs is in use in this database");
    }
    return reasons.isEmpty() ? null : String.join(" and ", reasons);
  }

  private void checkRelation(
      Connection connection,
      Relation relation,
      @Nullable Table jobs,
      String jobsSql,
      @Nullable String deletePolicy,
      List<Finding> findings,
      Set<Relation> large)
      throws SQLException {
    Table table = RelationCatalog.table(connection, relation.tableSql());
    if (table == null) {
      findings.add(
          new Finding(
              Severity.ERROR,
              relation,
              "the table "
                  + relation.table()
                  + " does not exist"
                  + (relation.schemaName() == null
                      ? " on the search path " + RelationCatalog.searchPath(connection)
                      : "")
                  + ".",
              "create it before adding the relation, or correct <table> (names are exact:"
                  + " qualify it as schema.table if it lives outside the search path)"));
      return;
    }
    if (!table.isTable()) {
      findings.add(
          new Finding(
              Severity.ERROR,
              relation,
              relation.table()
                  + " is "
                  + table.kindName()
                  + ", not a table; only tables can hold"
                  + " a foreign key.",
              "point the relation at the table that holds the job reference"));
      return;
    }
    Column column = RelationCatalog.column(connection, table.oid(), relation.columnName());
    if (column == null) {
      findings.add(
          new Finding(
              Severity.ERROR,
              relation,
              "the table "
                  + relation.table()
                  + " has no column "
                  + relation.columnName()
                  + " (its columns: "
                  + String.join(", ", RelationCatalog.columnNames(connection, table.oid()))
                  + ").",
              "ALTER TABLE "
                  + relation.tableSql()
                  + " ADD COLUMN "
                  + relation.columnSql()
                  + " bigint;"));
      return;
    }
    boolean comparable = checkType(relation, column, findings);
    checkNullability(relation, column, findings);
    if (jobs != null && relation.onDelete() == ReferentialAction.SET_DEFAULT) {
      checkDefault(connection, relation, column, jobsSql, findings);
    }
    if (jobs != null && comparable) {
      checkDangling(connection, relation, jobsSql, findings);
    }
    if (table.estimatedRows() >= largeTableRows) {
      large.add(relation);
      findings.add(
          new Finding(
              Severity.INFO,
              relation,
              "the table has about "
                  + table.estimatedRows()
                  + " rows (pg_class.reltuples, threshold "
                  + largeTableRows
                  + "): the forward SQL adds the constraint NOT VALID, then VALIDATE CONSTRAINT"
                  + " checks the rows without blocking writes.",
              ""));
    }
    checkExisting(connection, relation, table, column, jobs, findings);
    if (relation.onDelete().refusesDelete()) {
      checkDeletePolicy(relation, deletePolicy, findings);
    }
  }

  /** Returns whether the column's values can be compared with job ids. */
  private static boolean checkType(Relation relation, Column column, List<Finding> findings) {
    String alter =
        "ALTER TABLE "
            + relation.tableSql()
            + " ALTER COLUMN "
            + relation.columnSql()
            + " TYPE bigint";
    if (BIGINT.contains(column.baseType())) {
      return true;
    }
    if (NARROW_INTEGERS.contains(column.baseType())) {
      findings.add(
          new Finding(
              Severity.ERROR,
              relation,
              "the column is "
                  + column.type()
                  + ", but procrastinate_jobs.id is bigint: job ids above "
                  + (column.baseType().equals("smallint") ? "32767" : "2147483647")
                  + " would not fit.",
              alter + ";"));
      return true;
    }
    findings.add(
        new Finding(
            Severity.ERROR,
            relation,
            "the column is "
                + column.type()
                + ", which cannot reference procrastinate_jobs.id (bigint).",
            alter + " USING " + relation.columnSql() + "::bigint;"));
    return false;
  }

  private static void checkNullability(Relation relation, Column column, List<Finding> findings) {
    if (relation.onDelete() == ReferentialAction.SET_NULL && column.notNull()) {
      findings.add(
          new Finding(
              Severity.ERROR,
              relation,
              "ON DELETE SET NULL needs a nullable column, but the column is NOT NULL: deleting a"
                  + " referenced job would fail.",
              "ALTER TABLE "
                  + relation.tableSql()
                  + " ALTER COLUMN "
                  + relation.columnSql()
                  + " DROP NOT NULL;"));
    }
  }

  private void checkDefault(
      Connection connection,
      Relation relation,
      Column column,
      String jobsSql,
      List<Finding> findings)
      throws SQLException {
    String setDefault =
        "ALTER TABLE "
            + relation.tableSql()
            + " ALTER COLUMN "
            + relation.columnSql()
            + " SET DEFAULT <id of a job that is never deleted>;";
    String expression = column.defaultExpression();
    if (expression == null || NULL_DEFAULT.matcher(expression.trim()).matches()) {
      if (column.notNull()) {
        findings.add(
            new Finding(
                Severity.ERROR,
                relation,
                "ON DELETE SET DEFAULT would set the column to its default, NULL, but the column is"
                    + " NOT NULL: deleting a referenced job would fail.",
                setDefault + " Or use ON DELETE SET NULL after dropping NOT NULL."));
      } else {
        findings.add(
            new Finding(
                Severity.INFO,
                relation,
                "the column has no default, so ON DELETE SET DEFAULT sets it to NULL, as SET NULL"
                    + " would.",
                ""));
      }
      return;
    }
    Matcher constant = CONSTANT_DEFAULT.matcher(expression.trim());
    if (!constant.matches()) {
      findings.add(
          new Finding(
              Severity.WARNING,
              relation,
              "the column's default is "
                  + expression
                  + ", which is not a constant: each deletion of a referenced job must get NULL or"
                  + " the id of an existing job from it, or the deletion fails.",
              "use a constant default that names a job that is never deleted, or ON DELETE SET"
                  + " NULL"));
      return;
    }
    long id = Long.parseLong(constant.group(1));
    if (RelationCatalog.jobExists(connection, jobsSql, id)) {
      findings.add(
          new Finding(
              Severity.INFO,
              relation,
              "the column's default is job "
                  + id
                  + ", which exists: rows of deleted jobs will point to it. Never delete job "
                  + id
                  + " (and run no delete-jobs policy over it), or its own deletion fails.",
              ""));
    } else {
      findings.add(
          new Finding(
              Severity.ERROR,
              relation,
              "the column's default is "
                  + id
                  + ", but no job has that id: deleting a referenced job would fail with a"
                  + " foreign key violation.",
              setDefault));
    }
  }

  private static void checkDangling(
      Connection connection, Relation relation, String jobsSql, List<Finding> findings)
      throws SQLException {
    Dangling dangling =
        RelationCatalog.dangling(connection, relation.tableSql(), relation.columnSql(), jobsSql);
    if (dangling.count() == 0) {
      return;
    }
    String where =
        " WHERE "
            + relation.columnSql()
            + " IS NOT NULL AND NOT EXISTS (SELECT 1 FROM "
            + jobsSql
            + " j WHERE j.id = "
            + relation.tableSql()
            + "."
            + relation.columnSql()
            + ");";
    String nullify =
        "UPDATE " + relation.tableSql() + " SET " + relation.columnSql() + " = NULL" + where;
    String delete = "DELETE FROM " + relation.tableSql() + where;
    String fix =
        switch (relation.onDelete()) {
          case SET_NULL -> nullify;
          case CASCADE -> delete;
          default -> nullify + " or, to drop those rows, " + delete;
        };
    findings.add(
        new Finding(
            Severity.ERROR,
            relation,
            dangling.count()
                + (dangling.count() == 1 ? " row references" : " rows reference")
                + " a job that does not exist (ids "
                + String.join(", ", dangling.sample())
                + (dangling.sample().size() == RelationCatalog.DANGLING_SAMPLE ? ", …" : "")
                + "): adding the foreign key would fail.",
            fix));
  }

  private static void checkExisting(
      Connection connection,
      Relation relation,
      Table table,
      Column column,
      @Nullable Table jobs,
      List<Finding> findings)
      throws SQLException {
    List<Constraint> constraints =
        RelationCatalog.constraints(
            connection,
            table.oid(),
            relation.constraint(),
            jobs == null ? 0 : jobs.oid(),
            column.number());
    for (Constraint constraint : constraints) {
      boolean sameName = constraint.name().equals(relation.constraint());
      if (sameName
          && constraint.referencesJobsColumn()
          && ReferentialAction.fromCatalogCode(constraint.deleteAction()) == relation.onDelete()) {
        findings.add(
            new Finding(
                Severity.INFO,
                relation,
                "the constraint "
                    + constraint.name()
                    + " already exists as configured ("
                    + constraint.definition()
                    + "): this database has the relation already, and the forward SQL would fail"
                    + " here with 'already exists'.",
                ""));
      } else if (sameName) {
        findings.add(
            new Finding(
                Severity.WARNING,
                relation,
                "a constraint named "
                    + constraint.name()
                    + " already exists on "
                    + relation.table()
                    + " with another definition ("
                    + constraint.definition()
                    + "): the forward SQL would fail.",
                "drop it first (the reverse SQL does: ALTER TABLE "
                    + relation.tableSql()
                    + " DROP CONSTRAINT "
                    + relation.constraintSql()
                    + ";), or set another <constraintName>"));
      } else {
        findings.add(
            new Finding(
                Severity.WARNING,
                relation,
                "the column already references procrastinate_jobs through the constraint "
                    + constraint.name()
                    + " ("
                    + constraint.definition()
                    + "); with a second foreign key both ON DELETE actions would apply.",
                "ALTER TABLE "
                    + relation.tableSql()
                    + " DROP CONSTRAINT "
                    + Identifiers.quote(constraint.name())
                    + "; or set <constraintName>"
                    + " to "
                    + constraint.name()
                    + " to manage that one"));
      }
    }
  }

  private static void checkDeletePolicy(
      Relation relation, @Nullable String deletePolicy, List<Finding> findings) {
    String action = relation.onDelete().sql();
    if (deletePolicy != null) {
      findings.add(
          new Finding(
              Severity.WARNING,
              relation,
              "ON DELETE "
                  + action
                  + " refuses to delete a job that a row references, but jobs are deleted here ("
                  + deletePolicy
                  + "): those deletions will fail for referenced jobs; a worker then keeps such a"
                  + " job with its final status and logs a warning, remove_old_jobs fails, and a"
                  + " referenced job stays in the table for ever.",
              "use ON DELETE SET NULL (keep the row) or CASCADE (delete it with the job), or run"
                  + " workers with deleteJobs=never and do not schedule remove_old_jobs"));
    } else {
      findings.add(
          new Finding(
              Severity.INFO,
              relation,
              "ON DELETE "
                  + action
                  + " keeps referenced jobs: a worker with deleteJobs=successful or always,"
                  + " remove_old_jobs, or deleting jobs by hand will fail for them.",
              ""));
    }
  }
}
