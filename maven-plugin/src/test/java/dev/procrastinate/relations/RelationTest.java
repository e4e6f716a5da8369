package dev.procrastinate.relations;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.nio.charset.StandardCharsets;
import org.junit.jupiter.api.Test;

/** Parsing of actions and names, and the default constraint name. */
class RelationTest {
  @Test
  void actionsParseInEverySpelling() {
    assertThat(ReferentialAction.parse("SET_NULL")).isEqualTo(ReferentialAction.SET_NULL);
    assertThat(ReferentialAction.parse("set null")).isEqualTo(ReferentialAction.SET_NULL);
    assertThat(ReferentialAction.parse("  Set-Null ")).isEqualTo(ReferentialAction.SET_NULL);
    assertThat(ReferentialAction.parse("set  default")).isEqualTo(ReferentialAction.SET_DEFAULT);
    assertThat(ReferentialAction.parse("no_action")).isEqualTo(ReferentialAction.NO_ACTION);
    assertThat(ReferentialAction.parse("cascade")).isEqualTo(ReferentialAction.CASCADE);
    assertThat(ReferentialAction.parse("RESTRICT")).isEqualTo(ReferentialAction.RESTRICT);
  }

  @Test
  void unknownActionListsTheFiveValidOnes() {
    assertThatThrownBy(() -> ReferentialAction.parse("PROTECT"))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessage(
            "unknown ON DELETE action 'PROTECT'; use one of CASCADE, SET NULL, SET DEFAULT,"
                + " RESTRICT, NO ACTION");
    assertThatThrownBy(() -> Relation.parse("orders", "job_id", "nullify", null))
        .hasMessageContaining("'nullify'");
  }

  @Test
  void defaultConstraintNameUsesTableWithoutSchema() {
    Relation relation = Relation.parse("app.orders", "job_id", "set null", null);
    assertThat(relation.schemaName()).isEqualTo("app");
    assertThat(relation.tableName()).isEqualTo("orders");
    assertThat(relation.constraint()).isEqualTo("orders_job_id_procrastinate_fk");
    assertThat(relation.withConstraintName("mine").constraint()).isEqualTo("mine");
    assertThat(relation.withConstraintName(" ").constraintName()).isNull();
  }

  @Test
  void longDefaultNameIsCutStablyTo63Bytes() {
    String table = "a_rather_long_table_name_for_orders_of_the_shop";
    Relation one = Relation.of(table, "procrastinate_job_id", ReferentialAction.CASCADE);
    Relation same = Relation.of(table, "procrastinate_job_id", ReferentialAction.SET_NULL);
    Relation other = Relation.of(table, "procrastinate_job_id2", ReferentialAction.CASCADE);
    String name = one.constraint();
    assertThat(name.getBytes(StandardCharsets.UTF_8)).hasSize(63);
    assertThat(name).startsWith(table + "_procra").matches(".*_[0-9a-f]{8}");
    assertThat(same.constraint()).isEqualTo(name);
    assertThat(other.constraint()).isNotEqualTo(name).hasSize(63);
  }

  @Test
  void multiByteNamesAreCutAtCharacterBoundaries() {
    Relation relation = Relation.of("tâche_é_" + "é".repeat(20), "job", ReferentialAction.CASCADE);
    String name = relation.constraint();
    assertThat(name.getBytes(StandardCharsets.UTF_8).length).isLessThanOrEqualTo(63);
    assertThat(new String(name.getBytes(StandardCharsets.UTF_8), StandardCharsets.UTF_8))
        .isEqualTo(name);
  }

  @Test
  void namesAreQuotedOnlyWhenNeeded() {
    assertThat(Relation.of("orders", "job_id", ReferentialAction.CASCADE).tableSql())
        .isEqualTo("orders");
    assertThat(Relation.of("Orders", "Job", ReferentialAction.CASCADE).tableSql())
        .isEqualTo("\"Orders\"");
    assertThat(Relation.of("Orders", "Job", ReferentialAction.CASCADE).columnSql())
        .isEqualTo("\"Job\"");
    assertThat(Relation.of("user", "order", ReferentialAction.CASCADE).tableSql())
        .isEqualTo("\"user\"");
    assertThat(Relation.of("\"my.schema\".orders", "job_id", ReferentialAction.CASCADE).tableSql())
        .isEqualTo("\"my.schema\".orders");
    assertThat(Relation.of("app.line items", "job_id", ReferentialAction.CASCADE).tableSql())
        .isEqualTo("app.\"line items\"");
    assertThat(Relation.of("t", "\"job\"\"id\"", ReferentialAction.CASCADE).columnSql())
        .isEqualTo("\"job\"\"id\"");
    assertThat(Relation.of("t$1", "c", ReferentialAction.CASCADE).tableSql()).isEqualTo("\"t$1\"");
    assertThat(Relation.of("_t", "c", ReferentialAction.CASCADE).tableSql()).isEqualTo("_t");
    assertThat(Relation.of("1t", "c", ReferentialAction.CASCADE).tableSql()).isEqualTo("\"1t\"");
  }

  @Test
  void badNamesAreRefusedWithTheirRole() {
    assertThatThrownBy(() -> Relation.of("", "job_id", ReferentialAction.CASCADE))
        .hasMessageContaining("table");
    assertThatThrownBy(() -> Relation.of("a.b.c", "job_id", ReferentialAction.CASCADE))
        .hasMessageContaining("table 'a.b.c' has more than two parts");
    assertThatThrownBy(() -> Relation.of("orders", "o.job_id", ReferentialAction.CASCADE))
        .hasMessageContaining("column 'o.job_id' must be a plain column name");
    assertThatThrownBy(() -> Relation.of("\"orders", "job_id", ReferentialAction.CASCADE))
        .hasMessageContaining("unclosed double quote");
    assertThatThrownBy(() -> Relation.of("x".repeat(64), "job_id", ReferentialAction.CASCADE))
        .hasMessageContaining("64 bytes long");
    assertThatThrownBy(
            () -> new Relation("orders", "job_id", ReferentialAction.CASCADE, "c".repeat(70)))
        .hasMessageContaining("constraint name");
  }

  @Test
  void aNameWithALineBreakIsRefusedSoItCannotEndTheSqlCommentItIsWrittenInto() {
    // Written raw into "-- Foreign key orders.job_id\nDROP TABLE x; -> ...", the line break would
    // end the comment and DROP TABLE x; would run with the migration.
    assertThatThrownBy(
            () -> Relation.of("orders", "job_id\nDROP TABLE x;", ReferentialAction.CASCADE))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessage(
            "column 'job_id\\nDROP TABLE x;' holds the control character U+000A (LINE FEED (LF));"
                + " a name written into SQL and its comments must not hold control characters:"
                + " remove it");
    assertThatThrownBy(() -> Relation.of("ord\rers", "job_id", ReferentialAction.CASCADE))
        .hasMessageStartingWith(
            "table 'ord\\rers' holds the control character U+000D (CARRIAGE RETURN (CR))");
    assertThatThrownBy(
            () -> Relation.of("\"app\u2028\".orders", "job_id", ReferentialAction.CASCADE))
        .hasMessageStartingWith(
            "table '\"app\\u2028\".orders' holds the control character U+2028 (LINE SEPARATOR)");
    assertThatThrownBy(() -> Relation.of("orders", "\"job\tid\"", ReferentialAction.CASCADE))
        .hasMessageContaining("U+0009");
    assertThatThrownBy(
            () ->
                Relation.of("orders", "job_id", ReferentialAction.CASCADE)
                    .withConstraintName("f\u0000k"))
        .hasMessageStartingWith("constraint name 'f\\u0000k' holds the control character U+0000");
    assertThatThrownBy(() -> RelationSql.builder().jobsSchema("app\n--"))
        .hasMessageStartingWith("jobs schema 'app\\n--' holds the control character U+000A");
    assertThatThrownBy(
            () ->
                RelationChecker.of(new com.zaxxer.hikari.HikariDataSource()).withJobsSchema("a\rb"))
        .hasMessageStartingWith("jobs schema 'a\\rb' holds the control character U+000D");
  }

  @Test
  void namesThatAreLegalButOddStayInsideTheirCommentLinesAndQuotes() {
    RelationSql sql = RelationSql.builder().jobsSchema("Jobs \"Schema\"").build();
    String plainForward =
        sql.forward(Relation.of("orders", "job_id", ReferentialAction.SET_NULL), true);
    String plainReverse = sql.reverse(Relation.of("orders", "job_id", ReferentialAction.SET_NULL));
    Relation odd =
        Relation.of(
            "\"my.-- schema\".\"*/ orders; DROP\"",
            "\"job -- \"\"id\"",
            ReferentialAction.SET_NULL);
    String forward = sql.forward(odd, true);
    String reverse = sql.reverse(odd);
    assertThat(forward.lines().count()).isEqualTo(plainForward.lines().count());
    assertThat(reverse.lines().count()).isEqualTo(plainReverse.lines().count());
    assertThat(forward)
        .contains("ALTER TABLE \"my.-- schema\".\"*/ orders; DROP\"\n")
        .contains(
            "FOREIGN KEY (\"job -- \"\"id\") REFERENCES \"Jobs \"\"Schema\"\"\".procrastinate_jobs(id)");
    forward
        .lines()
        .filter(line -> line.contains("job -- "))
        .forEach(
            line ->
                assertThat(line)
                    .as("a name is inside a comment or a quoted identifier")
                    .matches(
                        "(-- .*|ALTER TABLE \".*|    ADD CONSTRAINT \".*|    FOREIGN KEY \\(\".*)"));
  }
}
