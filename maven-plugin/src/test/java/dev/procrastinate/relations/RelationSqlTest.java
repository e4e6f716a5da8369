package dev.procrastinate.relations;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Locale;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;

/**
 * The rendered SQL, compared byte for byte with the goldens in {@code
 * src/test/resources/relations/golden/}.
 */
class RelationSqlTest {
  private static final RelationSql FLYWAY = RelationSql.builder().build();

  static String golden(String name) throws IOException {
    try (InputStream in = RelationSqlTest.class.getResourceAsStream("/relations/golden/" + name)) {
      assertThat(in).as("golden file %s", name).isNotNull();
      return new String(in.readAllBytes(), StandardCharsets.UTF_8);
    }
  }

  @ParameterizedTest
  @EnumSource(ReferentialAction.class)
  void forwardAndReverseOfEachAction(ReferentialAction action) throws IOException {
    Relation relation = Relation.of("orders", "job_id", action);
    String name = action.name().toLowerCase(Locale.ROOT);
    List<SqlFile> files = FLYWAY.files(List.of(relation), r -> false);
    assertThat(files)
        .extracting(SqlFile::fileName)
        .containsExactly(
            "V1000__procrastinate_fk_orders_job_id.sql",
            "U1000__procrastinate_fk_orders_job_id.sql");
    assertThat(files.get(0).content()).isEqualTo(golden(name + ".forward.sql"));
    assertThat(files.get(1).content()).isEqualTo(golden("orders.reverse.sql"));
  }

  @Test
  void notValidFormValidatesInASecondStatementOutsideATransaction() throws IOException {
    Relation relation = Relation.of("app.orders", "job_id", ReferentialAction.SET_NULL);
    List<SqlFile> files = FLYWAY.files(List.of(relation), r -> true);
    assertThat(files)
        .extracting(SqlFile::fileName)
        .containsExactly(
            "V1000__procrastinate_fk_app_orders_job_id.sql",
            "V1000__procrastinate_fk_app_orders_job_id.sql.conf",
            "U1000__procrastinate_fk_app_orders_job_id.sql");
    assertThat(files.get(0).content()).isEqualTo(golden("set_null.not_valid.forward.sql"));
    assertThat(files.get(1).content()).endsWith("\nexecuteInTransaction=false\n");
  }

  @Test
  void plainFormatAndQualifiedJobsTable() {
    RelationSql plain =
        RelationSql.builder().format(SqlFormat.parse("PLAIN")).jobsSchema("queue").build();
    Relation relation = Relation.of("Orders", "Job Id", ReferentialAction.CASCADE);
    List<SqlFile> files = plain.files(List.of(relation), r -> false);
    assertThat(files)
        .extracting(SqlFile::fileName)
        .containsExactly(
            "procrastinate_fk_orders_job_id.up.sql", "procrastinate_fk_orders_job_id.down.sql");
    assertThat(files.get(0).content())
        .contains(
            "ALTER TABLE \"Orders\"\n"
                + "    ADD CONSTRAINT \"Orders_Job Id_procrastinate_fk\"\n"
                + "    FOREIGN KEY (\"Job Id\") REFERENCES queue.procrastinate_jobs(id)"
                + " ON DELETE CASCADE;\n");
    assertThat(files.get(1).content())
        .endsWith(
            "ALTER TABLE \"Orders\" DROP CONSTRAINT IF EXISTS \"Orders_Job Id_procrastinate_fk\";\n");
  }

  @Test
  void versionsFollowTheListFromTheStartVersion() {
    List<Relation> relations =
        List.of(
            Relation.of("orders", "job_id", ReferentialAction.CASCADE),
            Relation.of("invoices", "job_id", ReferentialAction.SET_NULL),
            Relation.of("app.mails", "sent_by_job", ReferentialAction.RESTRICT));
    assertThat(
            RelationSql.builder().startVersion("2.9").build().files(relations, r -> false).stream()
                .map(SqlFile::fileName)
                .filter(n -> n.startsWith("V")))
        .containsExactly(
            "V2.9__procrastinate_fk_orders_job_id.sql",
            "V2.10__procrastinate_fk_invoices_job_id.sql",
            "V2.11__procrastinate_fk_app_mails_sent_by_job.sql");
    assertThat(FLYWAY.version(0)).isEqualTo("1000");
    assertThat(FLYWAY.version(7)).isEqualTo("1007");
    assertThatThrownBy(() -> RelationSql.builder().startVersion("v1"))
        .hasMessageContaining("start version 'v1' is not a Flyway version");
    assertThatThrownBy(() -> SqlFormat.parse("liquibase"))
        .hasMessage("unknown SQL file format 'liquibase'; use flyway or plain");
  }

  @Test
  void sameInputGivesSameBytes() {
    List<Relation> relations =
        List.of(
            Relation.of("orders", "job_id", ReferentialAction.CASCADE),
            Relation.of("invoices", "job_id", ReferentialAction.SET_NULL));
    assertThat(FLYWAY.files(relations, r -> false))
        .isEqualTo(RelationSql.builder().build().files(List.copyOf(relations), r -> false));
    for (SqlFile file : FLYWAY.files(relations, r -> true)) {
      assertThat(file.content()).doesNotContain("\r").endsWith("\n");
    }
  }

  @Test
  void duplicatesAreRefused() {
    assertThatThrownBy(
            () ->
                FLYWAY.files(
                    List.of(
                        Relation.of("orders", "job_id", ReferentialAction.CASCADE),
                        Relation.of("orders", "job_id", ReferentialAction.SET_NULL)),
                    r -> false))
        .hasMessage("two relations name the column orders.job_id; keep one");
    assertThatThrownBy(
            () ->
                FLYWAY.files(
                    List.of(
                        new Relation("orders", "job_id", ReferentialAction.CASCADE, "fk"),
                        new Relation("orders", "other_job_id", ReferentialAction.CASCADE, "fk")),
                    r -> false))
        .hasMessageContaining("both use the constraint name fk");
  }

  @Test
  void writeKeepsUnchangedFilesAndDropsObsoleteConfiguration(@TempDir Path dir) throws IOException {
    List<Relation> relations = List.of(Relation.of("orders", "job_id", ReferentialAction.CASCADE));
    RelationSql.WriteResult first = FLYWAY.write(dir, relations, r -> true);
    assertThat(first.written()).hasSize(3);
    Path conf = dir.resolve("V1000__procrastinate_fk_orders_job_id.sql.conf");
    assertThat(conf).exists();

    RelationSql.WriteResult again = FLYWAY.write(dir, relations, r -> true);
    assertThat(again.written()).isEmpty();
    assertThat(again.unchanged()).hasSize(3);

    RelationSql.WriteResult small = FLYWAY.write(dir, relations, r -> false);
    assertThat(small.written()).containsExactly("V1000__procrastinate_fk_orders_job_id.sql");
    assertThat(small.deleted()).containsExactly(conf.getFileName().toString());
    assertThat(conf).doesNotExist();
    assertThat(Files.readString(dir.resolve("V1000__procrastinate_fk_orders_job_id.sql")))
        .isEqualTo(FLYWAY.forward(relations.get(0), false));
  }
}
