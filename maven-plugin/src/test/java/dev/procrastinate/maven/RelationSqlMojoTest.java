package dev.procrastinate.maven;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import org.apache.maven.plugin.MojoFailureException;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The relation-sql goal: the relations the processor recorded, the POM's added, and names that
 * would inject SQL refused before anything is written.
 */
class RelationSqlMojoTest {
  @TempDir Path project;

  @Test
  void aColumnWithALineBreakFailsNamingTheRelationAndTheCharacterAndWritesNothing()
      throws Exception {
    Path classes = Files.createDirectories(project.resolve("target/classes"));
    Path output = project.resolve("migrations");
    RelationSqlMojo mojo = Mojos.prepare(new RelationSqlMojo(), project, classes);
    RelationParameter injected = new RelationParameter();
    injected.setTable("orders");
    injected.setColumn("job_id\nDROP TABLE x;");
    injected.setOnDelete("CASCADE");
    RelationParameter fine = new RelationParameter();
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

  @Test
  void withoutPomRelationsTheAnnotatedOnesAreWrittenAndPomOnesAreAdded() throws Exception {
    Path classes = Files.createDirectories(project.resolve("target/classes"));
    Path recorded = classes.resolve(RelationSqlMojo.ANNOTATED_RELATIONS);
    Files.createDirectories(recorded.getParent());
    Files.writeString(
        recorded,
        "# written by the processor\n"
            + "orders\tprocrastinate_job_id\tSET NULL\tcom.acme.Order.job\n"
            + "receipts\tprocrastinate_job_id\tCASCADE\tcom.acme.Receipt.job\n");
    Path output = project.resolve("migrations");
    RelationSqlMojo mojo = Mojos.prepare(new RelationSqlMojo(), project, classes);
    Mojos.set(mojo, "outputDirectory", output.toFile());
    Mojos.set(mojo, "check", "false");

    mojo.execute();

    assertThat(output.resolve("V1000__procrastinate_fk_orders_procrastinate_job_id.sql"))
        .content()
        .contains("ON DELETE SET NULL");
    assertThat(output.resolve("V1001__procrastinate_fk_receipts_procrastinate_job_id.sql"))
        .content()
        .contains("ON DELETE CASCADE");

    RelationParameter extra = new RelationParameter();
    extra.setTable("invoices");
    extra.setColumn("job_id");
    extra.setOnDelete("RESTRICT");
    Mojos.set(mojo, "relations", List.of(extra));
    mojo.execute();
    assertThat(output.resolve("V1002__procrastinate_fk_invoices_job_id.sql"))
        .content()
        .contains("ON DELETE RESTRICT");
  }

  @Test
  void withNoRelationAnywhereTheMessageNamesBothWays() throws Exception {
    Path classes = Files.createDirectories(project.resolve("target/classes"));
    RelationSqlMojo mojo = Mojos.prepare(new RelationSqlMojo(), project, classes);
    Mojos.set(mojo, "check", "false");

    assertThatThrownBy(mojo::execute)
        .isInstanceOf(MojoFailureException.class)
        .hasMessageContaining("@OnJobDelete")
        .hasMessageContaining("mvn compile procrastinate:relation-sql")
        .hasMessageContaining("<relations>");
  }
}
