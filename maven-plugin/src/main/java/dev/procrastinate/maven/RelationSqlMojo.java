package dev.procrastinate.maven;

import dev.procrastinate.App;
import dev.procrastinate.DatabaseUnavailableException;
import dev.procrastinate.DeleteJobs;
import dev.procrastinate.relations.Finding;
import dev.procrastinate.relations.RelationChecker;
import dev.procrastinate.relations.RelationReport;
import dev.procrastinate.relations.RelationSql;
import dev.procrastinate.relations.Severity;
import dev.procrastinate.relations.SqlFormat;
import java.io.File;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.stream.Collectors;
import org.apache.maven.plugin.MojoExecutionException;
import org.apache.maven.plugin.MojoFailureException;
import org.apache.maven.plugins.annotations.Mojo;
import org.apache.maven.plugins.annotations.Parameter;
import org.jspecify.annotations.Nullable;

/**
 * Writes, for each relation, a forward migration adding a foreign key from the relation's column to
 * {@code procrastinate_jobs(id)} with its ON DELETE action, and a reverse migration dropping it:
 * the Java form of the hand-written Django migration that Procrastinate recommends for models
 * related to jobs. The files are deterministic (same configuration, same bytes) and meant to be
 * committed.
 *
 * <p>The relations are the {@code @OnJobDelete} fields of the project's JPA entities, which the
 * annotation processor records in {@code target/classes/META-INF/procrastinate/relations.tsv} (so
 * compile first), followed by the {@code <relations>} of the plugin's configuration.
 *
 * <p>When a database is configured and reachable, it is checked first (see {@link
 * RelationChecker}); each finding is printed with its fix, and an ERROR fails the build before
 * anything is written. A large table gets {@code NOT VALID} + {@code VALIDATE CONSTRAINT}.
 *
 * <pre>{@code
 * <configuration>
 *   <relations>
 *     <relation><table>orders</table><column>job_id</column><onDelete>SET NULL</onDelete></relation>
 *   </relations>
 * </configuration>
 * }</pre>
 */
@Mojo(name = "relation-sql", threadSafe = true)
public final class RelationSqlMojo extends AbstractProcrastinateMojo {
  /**
   * Relations besides the annotated ones, each a {@code <relation>} with table, column, onDelete
   * and constraintName.
   */
  @Parameter private List<RelationParameter> relations = new ArrayList<>();

  /** Where the files go. Also configurable with -Dprocrastinate.outputDirectory. */
  @Parameter(
      property = "procrastinate.outputDirectory",
      defaultValue = "${project.basedir}/src/main/resources/db/migration")
  private @Nullable File outputDirectory;

  /**
   * {@code flyway} ({@code V<version>__procrastinate_fk_<table>_<column>.sql} and {@code U…}) or
   * {@code plain} ({@code procrastinate_fk_<table>_<column>.up.sql} and {@code .down.sql}). Also
   * configurable with -Dprocrastinate.format.
   */
  @Parameter(property = "procrastinate.format", defaultValue = "flyway")
  private String format = "flyway";

  /**
   * Flyway version of the first relation; each next relation adds 1 to its last number ({@code
   * 1000}, {@code 1001}, … or {@code 2.1}, {@code 2.2}, …). Append new relations at the end and
   * never reorder them. Also configurable with -Dprocrastinate.startVersion.
   */
  @Parameter(property = "procrastinate.startVersion", defaultValue = "1000")
  private String startVersion = RelationSql.DEFAULT_START_VERSION;

  /**
   * Whether to check the database first: {@code auto} checks when a database is configured and
   * reachable, {@code true} requires it, {@code false} never checks. Also configurable with
   * -Dprocrastinate.check.
   */
  @Parameter(property = "procrastinate.check", defaultValue = "auto")
  private String check = "auto";

  /**
   * Whether every relation uses {@code NOT VALID} + {@code VALIDATE CONSTRAINT}, whatever the size
   * of its table. Also configurable with -Dprocrastinate.notValid.
   */
  @Parameter(property = "procrastinate.notValid", defaultValue = "false")
  private boolean notValid;

  /**
   * Estimated row count from which a table gets {@code NOT VALID} + {@code VALIDATE CONSTRAINT}.
   * Also configurable with -Dprocrastinate.largeTableRows.
   */
  @Parameter(property = "procrastinate.largeTableRows", defaultValue = "100000")
  private long largeTableRows = RelationChecker.DEFAULT_LARGE_TABLE_ROWS;

  /**
   * The delete-jobs policy the application's workers run with (never, successful, always), so that
   * RESTRICT and NO ACTION can be warned about. Also configurable with -Dprocrastinate.deleteJobs.
   */
  @Parameter(property = "procrastinate.deleteJobs")
  private @Nullable String deleteJobs;

  /** Where the annotation processor records the {@code @OnJobDelete} relations. */
  static final String ANNOTATED_RELATIONS = "META-INF/procrastinate/relations.tsv";

  /** Creates the goal. */
  public RelationSqlMojo() {}

  @Override
  protected void doExecute() throws Exception {
    List<dev.procrastinate.relations.Relation> parsed = parseRelations();
    RelationSql renderer =
        RelationSql.builder()
            .format(SqlFormat.parse(format))
            .startVersion(startVersion)
            .jobsSchema(schema)
            .build();
    renderer.files(parsed, r -> false); // refuses duplicates before touching the database
    RelationReport report = checkDatabase(parsed);
    File directory =
        outputDirectory != null
            ? outputDirectory
            : new File(project().getBasedir(), "src/main/resources/db/migration");
    RelationSql.WriteResult result =
        renderer.write(
            directory.toPath(), parsed, r -> notValid || (report != null && report.isLarge(r)));
    for (String file : result.written()) {
      getLog().info("Wrote " + new File(directory, file));
    }
    for (String file : result.unchanged()) {
      getLog().info("Unchanged " + new File(directory, file));
    }
    for (String file : result.deleted()) {
      getLog().info("Deleted obsolete " + new File(directory, file));
    }
  }

  private List<dev.procrastinate.relations.Relation> parseRelations() throws MojoFailureException {
    File recorded = new File(project().getBuild().getOutputDirectory(), ANNOTATED_RELATIONS);
    List<dev.procrastinate.relations.Relation> parsed = new ArrayList<>(readAnnotated(recorded));
    if (!parsed.isEmpty()) {
      getLog().info("Read " + parsed.size() + " @OnJobDelete relation(s) from " + recorded);
    }
    if (relations.isEmpty() && parsed.isEmpty()) {
      throw new MojoFailureException(
          "No relation found. Annotate your entities' ProcrastinateJob fields with @OnJobDelete"
              + " and compile first (mvn compile procrastinate:relation-sql), or add to the"
              + " plugin's <configuration>: <relations><relation><table>orders</table>"
              + "<column>job_id</column><onDelete>SET NULL</onDelete></relation></relations>");
    }
    List<String> problems = new ArrayList<>();
    for (int i = 0; i < relations.size(); i++) {
      RelationParameter relation = relations.get(i);
      String label =
          "relation #"
              + (i + 1)
              + (relation.table == null
                  ? ""
                  : " ("
                      + dev.procrastinate.relations.Relation.describe(
                          relation.table, relation.column)
                      + ")");
      if (blank(relation.table) || blank(relation.column) || blank(relation.onDelete)) {
        problems.add(label + ": <table>, <column> and <onDelete> are required");
        continue;
      }
      try {
        parsed.add(
            dev.procrastinate.relations.Relation.parse(
                relation.table, relation.column, relation.onDelete, relation.constraintName));
      } catch (IllegalArgumentException e) {
        problems.add(label + ": " + e.getMessage());
      }
    }
    if (!problems.isEmpty()) {
      throw new MojoFailureException(
          "Invalid <relations> configuration:\n  " + String.join("\n  ", problems));
    }
    return parsed;
  }

  /**
   * Reads the relations the annotation processor recorded from {@code @OnJobDelete} fields: lines
   * of table, column, action and field, separated by tabs; {@code #} starts a comment.
   *
   * @param file the processor's resource in the build output
   * @return the relations, in the file's order; none when the file does not exist
   * @throws MojoFailureException if a line cannot be read, naming the file and line
   */
  static List<dev.procrastinate.relations.Relation> readAnnotated(File file)
      throws MojoFailureException {
    List<dev.procrastinate.relations.Relation> read = new ArrayList<>();
    if (!file.isFile()) {
      return read;
    }
    List<String> lines;
    try {
      lines =
          java.nio.file.Files.readAllLines(file.toPath(), java.nio.charset.StandardCharsets.UTF_8);
    } catch (java.io.IOException e) {
      throw new MojoFailureException("Cannot read " + file + ": " + e.getMessage(), e);
    }
    for (int i = 0; i < lines.size(); i++) {
      String line = lines.get(i);
      if (line.isBlank() || line.startsWith("#")) {
        continue;
      }
      String[] fields = line.split("\t", -1);
      try {
        if (fields.length < 3) {
          throw new IllegalArgumentException("expected table, column and action");
        }
        read.add(dev.procrastinate.relations.Relation.parse(fields[0], fields[1], fields[2], null));
      } catch (IllegalArgumentException e) {
        throw new MojoFailureException(
            file
                + ", line "
                + (i + 1)
                + ": "
                + e.getMessage()
                + "; recompile with the procrastinate-processor of this plugin's version",
            e);
      }
    }
    return read;
  }

  private static boolean blank(@Nullable String value) {
    return value == null || value.isBlank();
  }

  private @Nullable RelationReport checkDatabase(List<dev.procrastinate.relations.Relation> parsed)
      throws MojoExecutionException, MojoFailureException {
    String mode = check.trim().toLowerCase(Locale.ROOT);
    if (!List.of("auto", "true", "false").contains(mode)) {
      throw new MojoExecutionException(
          "procrastinate.check is '" + check + "'; use auto, true or false");
    }
    if (mode.equals("false")) {
      getLog().info("Not checking the database (procrastinate.check is false)");
      return null;
    }
    App app;
    try {
      app = openApp();
    } catch (IllegalArgumentException e) {
      if (mode.equals("auto") && e.getMessage().startsWith("no database configured")) {
        getLog()
            .info(
                "No database configured (procrastinate.url, or a Spring Boot application's"
                    + " spring.datasource.url): writing the SQL without checking the tables.");
        return null;
      }
      throw e;
    }
    try (app) {
      RelationChecker checker =
          RelationChecker.of(app)
              .withLargeTableRows(largeTableRows)
              .withJobsSchema(schema)
              .withDeleteJobs(blank(deleteJobs) ? DeleteJobs.NEVER : DeleteJobs.parse(deleteJobs));
      RelationReport report;
      try {
        report = checker.check(parsed);
      } catch (DatabaseUnavailableException e) {
        if (mode.equals("auto")) {
          getLog()
              .warn(
                  "Database not reachable, writing the SQL without checking the tables: "
                      + describe(e));
          return null;
        }
        throw e;
      }
      getLog().info("Checked " + parsed.size() + " relation(s) in " + app.databaseDescription());
      for (dev.procrastinate.relations.Relation relation : parsed) {
        if (report.findingsFor(relation).stream().noneMatch(f -> f.severity() != Severity.INFO)) {
          getLog()
              .info(relation.describe() + " ON DELETE " + relation.onDelete().sql() + ": ready");
        }
      }
      for (Finding finding : report.findings()) {
        String text = finding.toString();
        switch (finding.severity()) {
          case ERROR -> getLog().error(text);
          case WARNING -> getLog().warn(text);
          case INFO -> getLog().info(text);
        }
      }
      if (report.hasErrors()) {
        throw new MojoFailureException(
            "The database is not ready for these relations:\n  "
                + report.findings(Severity.ERROR).stream()
                    .map(
                        f ->
                            (f.relation() == null ? "database" : f.relation().describe())
                                + ": "
                                + f.message())
                    .collect(Collectors.joining("\n  "))
                + "\nApply the fixes printed above, or set -Dprocrastinate.check=false to write"
                + " the SQL anyway.");
      }
      return report;
    }
  }
}
