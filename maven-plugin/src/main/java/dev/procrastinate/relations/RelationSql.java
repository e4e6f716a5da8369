package dev.procrastinate.relations;

import dev.procrastinate.internal.relations.Identifiers;
import java.io.IOException;
import java.math.BigInteger;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.function.Predicate;
import java.util.regex.Pattern;
import org.jspecify.annotations.Nullable;

/**
 * Writes, for each {@link Relation}, a forward migration that adds its foreign key to {@code
 * procrastinate_jobs(id)} and a reverse migration that drops it. Immutable and thread-safe; build
 * one with {@link #builder()}.
 *
 * <p>The output is deterministic: the same relations and settings give the same bytes (UTF-8,
 * {@code \n} line ends, no timestamp), so the files can be committed and regenerated.
 *
 * <p><b>Versions.</b> In the {@link SqlFormat#FLYWAY} format the relations are numbered in the
 * order given, from {@link Builder#startVersion(String)} (default {@value #DEFAULT_START_VERSION}):
 * the last number of the start version grows by one per relation, so {@code 1000} gives {@code
 * V1000}, {@code V1001}, … and {@code 2.1} gives {@code V2.1}, {@code V2.2}, …. Add new relations
 * at the end of the list and never reorder it, so that a file Flyway has applied keeps its name and
 * checksum; pick a start version above the application's own migrations.
 *
 * <p><b>Large tables.</b> A relation for which the renderer is told to use {@code NOT VALID} gets
 * {@code ADD CONSTRAINT … NOT VALID} followed by {@code VALIDATE CONSTRAINT}: adding takes a brief
 * lock and scans nothing, validating checks existing rows without blocking writes. That only helps
 * if the two statements commit separately, so in the Flyway format such a migration also gets a
 * script configuration file {@code V<version>__….sql.conf} with {@code executeInTransaction=false}.
 */
public final class RelationSql {
  /** The start version used when none is set. */
  public static final String DEFAULT_START_VERSION = "1000";

  /** The referenced table. */
  public static final String JOBS_TABLE = "procrastinate_jobs";

  private static final Pattern VERSION = Pattern.compile("[0-9]+(\\.[0-9]+)*");

  private final SqlFormat format;
  private final String startVersion;
  private final @Nullable String jobsSchema;

  private RelationSql(Builder builder) {
    this.format = builder.format;
    this.startVersion = builder.startVersion;
    this.jobsSchema = builder.jobsSchema;
  }

  /**
   * Starts a renderer with the Flyway format, start version {@value #DEFAULT_START_VERSION} and an
   * unqualified {@code procrastinate_jobs}.
   *
   * @return a builder
   */
  public static Builder builder() {
    return new Builder();
  }

  /**
   * Returns the file format.
   *
   * @return the format
   */
  public SqlFormat format() {
    return format;
  }

  /**
   * Returns the referenced table as SQL names it.
   *
   * @return {@code procrastinate_jobs}, qualified with the jobs schema when one is set
   */
  public String jobsTableSql() {
    return (jobsSchema == null ? "" : Identifiers.quote(jobsSchema) + ".") + JOBS_TABLE;
  }

  /**
   * Writes the forward migration of one relation.
   *
   * @param relation the relation
   * @param notValid whether to add the constraint {@code NOT VALID} and validate it in a second
   *     statement, for a large table
   * @return the SQL text
   */
  public String forward(Relation relation, boolean notValid) {
    StringBuilder sql = new StringBuilder();
    sql.append("-- Foreign key ")
        .append(relation.describe())
        .append(" -> ")
        .append(JOBS_TABLE)
        .append("(id) ON DELETE ")
        .append(relation.onDelete().sql())
        .append(":\n-- ")
        .append(effect(relation))
        .append('\n');
    sql.append("-- Written by procrastinate relation-sql; regenerate it rather than edit it.\n");
    if (notValid) {
      sql.append("-- Large table: the constraint is added NOT VALID (no scan, brief lock), then\n");
      sql.append(
          "-- VALIDATE CONSTRAINT checks the existing rows without blocking writes. Run the\n");
      sql.append("-- two statements in separate transactions.\n");
    }
    sql.append("ALTER TABLE ").append(relation.tableSql()).append('\n');
    sql.append("    ADD CONSTRAINT ").append(relation.constraintSql()).append('\n');
    sql.append("    FOREIGN KEY (")
        .append(relation.columnSql())
        .append(") REFERENCES ")
        .append(jobsTableSql())
        .append("(id) ON DELETE ")
        .append(relation.onDelete().sql());
    if (notValid) {
      sql.append("\n    NOT VALID;\n");
      sql.append("ALTER TABLE ")
          .append(relation.tableSql())
          .append(" VALIDATE CONSTRAINT ")
          .append(relation.constraintSql())
          .append(";\n");
    } else {
      sql.append(";\n");
    }
    return sql.toString();
  }

  /**
   * Writes the reverse migration of one relation: it drops the constraint if it exists.
   *
   * @param relation the relation
   * @return the SQL text
   */
  public String reverse(Relation relation) {
    return "-- Reverse of the foreign key "
        + relation.describe()
        + " -> "
        + JOBS_TABLE
        + "(id).\n"
        + "-- Written by procrastinate relation-sql; regenerate it rather than edit it.\n"
        + "ALTER TABLE "
        + relation.tableSql()
        + " DROP CONSTRAINT IF EXISTS "
        + relation.constraintSql()
        + ";\n";
  }

  private static String effect(Relation relation) {
    String column = relation.columnName();
    return switch (relation.onDelete()) {
      case CASCADE -> "deleting a job deletes the rows that reference it.";
      case SET_NULL -> "deleting a job sets " + column + " to NULL in the rows that reference it.";
      case SET_DEFAULT ->
          "deleting a job sets " + column + " to its default in the rows that reference it.";
      case RESTRICT -> "a job that a row references cannot be deleted.";
      case NO_ACTION ->
          "a job that a row references cannot be deleted (checked at the end of the statement).";
    };
  }

  /**
   * Returns the Flyway version of the relation at a position of the list.
   *
   * @param index the position, from 0
   * @return e.g. {@code 1002} for index 2 and start version {@code 1000}
   */
  public String version(int index) {
    if (index < 0) {
      throw new IllegalArgumentException("index must not be negative, got " + index);
    }
    int dot = startVersion.lastIndexOf('.');
    BigInteger last =
        new BigInteger(startVersion.substring(dot + 1)).add(BigInteger.valueOf(index));
    return startVersion.substring(0, dot + 1) + last;
  }

  /**
   * Returns the part of the file names that names a relation.
   *
   * @param relation the relation
   * @return e.g. {@code procrastinate_fk_app_orders_job_id}
   */
  public static String baseName(Relation relation) {
    String schema = relation.schemaName();
    return "procrastinate_fk_"
        + (schema == null ? "" : Identifiers.fileSafe(schema) + "_")
        + Identifiers.fileSafe(relation.tableName())
        + "_"
        + Identifiers.fileSafe(relation.columnName());
  }

  /**
   * Renders the files of a list of relations, in the list's order: per relation the forward file,
   * its script configuration file when {@code NOT VALID} is used in the Flyway format, then the
   * reverse file.
   *
   * @param relations the relations; their order gives the Flyway versions
   * @param notValid which relations use {@code NOT VALID} + {@code VALIDATE CONSTRAINT}
   * @return the files
   * @throws IllegalArgumentException if two relations name the same column, two relations of a
   *     table share a constraint name, or two relations would get the same file name
   */
  public List<SqlFile> files(List<Relation> relations, Predicate<Relation> notValid) {
    checkDistinct(relations);
    List<SqlFile> files = new ArrayList<>();
    for (int i = 0; i < relations.size(); i++) {
      Relation relation = relations.get(i);
      boolean split = notValid.test(relation);
      String forward = forward(relation, split);
      String reverse = reverse(relation);
      if (format == SqlFormat.FLYWAY) {
        String suffix = version(i) + "__" + baseName(relation) + ".sql";
        files.add(new SqlFile("V" + suffix, forward));
        if (split) {
          files.add(
              new SqlFile(
                  "V" + suffix + ".conf",
                  "# Lets ADD CONSTRAINT ... NOT VALID commit before VALIDATE CONSTRAINT runs.\n"
                      + "executeInTransaction=false\n"));
        }
        files.add(new SqlFile("U" + suffix, reverse));
      } else {
        files.add(new SqlFile(baseName(relation) + ".up.sql", forward));
        files.add(new SqlFile(baseName(relation) + ".down.sql", reverse));
      }
    }
    return files;
  }

  /**
   * Renders the files of a list of relations into a directory (created if missing). A file that
   * already holds the same bytes is left untouched; a script configuration file left by an earlier
   * run for a relation that no longer uses {@code NOT VALID} is deleted.
   *
   * @param directory where to write
   * @param relations the relations; their order gives the Flyway versions
   * @param notValid which relations use {@code NOT VALID} + {@code VALIDATE CONSTRAINT}
   * @return what was written, left as it was, and deleted
   * @throws IOException if a file cannot be written
   * @throws IllegalArgumentException as {@link #files(List, Predicate)}
   */
  public WriteResult write(Path directory, List<Relation> relations, Predicate<Relation> notValid)
      throws IOException {
    List<SqlFile> files = files(relations, notValid);
    List<String> written = new ArrayList<>();
    List<String> unchanged = new ArrayList<>();
    List<String> deleted = new ArrayList<>();
    for (SqlFile file : files) {
      (file.writeTo(directory) ? written : unchanged).add(file.fileName());
    }
    if (format == SqlFormat.FLYWAY) {
      for (SqlFile file : files) {
        String conf = file.fileName() + ".conf";
        if (file.fileName().startsWith("V")
            && !file.fileName().endsWith(".conf")
            && files.stream().noneMatch(f -> f.fileName().equals(conf))
            && Files.deleteIfExists(directory.resolve(conf))) {
          deleted.add(conf);
        }
      }
    }
    return new WriteResult(written, unchanged, deleted);
  }

  /**
   * What {@link #write(Path, List, Predicate)} did.
   *
   * @param written files written because they were missing or different
   * @param unchanged files that already held the same bytes
   * @param deleted obsolete script configuration files deleted
   */
  public record WriteResult(List<String> written, List<String> unchanged, List<String> deleted) {
    /** Copies the lists. */
    public WriteResult {
      written = List.copyOf(written);
      unchanged = List.copyOf(unchanged);
      deleted = List.copyOf(deleted);
    }
  }

  private static void checkDistinct(List<Relation> relations) {
    Map<String, Relation> columns = new HashMap<>();
    Map<String, Relation> constraints = new HashMap<>();
    Map<String, Relation> names = new HashMap<>();
    for (Relation relation : relations) {
      Objects.requireNonNull(relation, "relation");
      String table = relation.schemaName() + "\u0000" + relation.tableName();
      Relation before = columns.putIfAbsent(table + "\u0000" + relation.columnName(), relation);
      if (before != null) {
        throw new IllegalArgumentException(
            "two relations name the column " + relation.describe() + "; keep one");
      }
      before = constraints.putIfAbsent(table + "\u0000" + relation.constraint(), relation);
      if (before != null) {
        throw new IllegalArgumentException(
            "relations "
                + before.describe()
                + " and "
                + relation.describe()
                + " both use the constraint name "
                + relation.constraint()
                + "; give one of them another constraintName");
      }
      before = names.putIfAbsent(baseName(relation), relation);
      if (before != null) {
        throw new IllegalArgumentException(
            "relations "
                + before.describe()
                + " and "
                + relation.describe()
                + " would both be written as "
                + baseName(relation)
                + "; rename one of the columns or tables");
      }
    }
  }

  /** Builds a {@link RelationSql}. Not thread-safe. */
  public static final class Builder {
    private SqlFormat format = SqlFormat.FLYWAY;
    private String startVersion = DEFAULT_START_VERSION;
    private @Nullable String jobsSchema;

    private Builder() {}

    /**
     * Sets how files are named.
     *
     * @param format the format (default {@link SqlFormat#FLYWAY})
     * @return this builder
     */
    public Builder format(SqlFormat format) {
      this.format = Objects.requireNonNull(format, "format");
      return this;
    }

    /**
     * Sets the Flyway version of the first relation; the next ones add 1 to its last number.
     *
     * @param version e.g. {@code 1000}, {@code 5} or {@code 2.1}
     * @return this builder
     * @throws IllegalArgumentException if the text is not numbers separated by dots
     */
    public Builder startVersion(String version) {
      String text = Objects.requireNonNull(version, "version").trim();
      if (!VERSION.matcher(text).matches()) {
        throw new IllegalArgumentException(
            "start version '"
                + version
                + "' is not a Flyway version: write numbers separated by dots, e.g. 1000 or 2.1");
      }
      this.startVersion = text;
      return this;
    }

    /**
     * Sets the schema of {@code procrastinate_jobs}, when it is not on the migrations' search path.
     *
     * @param schema the schema, or null to leave {@code procrastinate_jobs} unqualified
     * @return this builder
     */
    public Builder jobsSchema(@Nullable String schema) {
      this.jobsSchema =
          schema == null || schema.isBlank()
              ? null
              : Identifiers.checkName(
                  schema.trim(), "jobs schema '" + Identifiers.printable(schema) + "'");
      return this;
    }

    /**
     * Builds the renderer.
     *
     * @return the renderer
     */
    public RelationSql build() {
      return new RelationSql(this);
    }
  }
}
