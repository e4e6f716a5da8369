package dev.procrastinate.maven;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import org.apache.maven.plugin.MojoFailureException;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The relation-sql goal refuses names that would inject SQL, before writing anything. */
class RelationSqlMojoTest {
  @TempDir Path project;

  @Test
  void aColumnWithALineBreakFailsNamingTheRelationAndTheCharacterAndWritesNothing()
      throws Exception {
    Path classes = Files.createDirectories(project.resolve("target/classes"));
    Path output = project.resolve("migrations");
    RelationSqlMojo mojo = Mojos.prepare(new RelationSqlMojo(), project, classes);
    Relation injected = new Relation();
    injected.setTable("orders");
    injected.setColumn("job_id\nDROP TABLE x;");
    injected.setOnDelete("CASCADE");
    Relation fine = new Relation();
    fine.setTable("invoices");
    fine.setColumn("job_id");
    fine.setOnDelete("SET NULL");
    Mojos.set(mojo, "relations", List.of(fine, injected));
    Mojos.set(mojo, "outputDirectory", output.toFile());
    Mojos.set(mojo, "check", "false");

    assertThatThrownBy(mojo::execute)
        .isInstanceOf(MojoFailureException.class)
        .hasMessage(
            "Invalid <relations> configuration:\n"
                + "  relation #2 (orders.job_id\\nDROP TABLE x;): column 'job_id\\nDROP TABLE x;'"
                + " holds the control character U+000A (LINE FEED (LF)); a name written into SQL"
                + " and its comments must not hold control characters: remove it");
    assertThat(output).doesNotExist();
  }
}
