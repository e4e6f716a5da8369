package dev.procrastinate.internal.relations;

import static org.assertj.core.api.Assertions.assertThat;

import dev.procrastinate.testing.Sql;
import dev.procrastinate.testing.TestDatabase;
import java.sql.SQLException;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

/** Quoting agrees with the server's own {@code quote_ident}. */
class IdentifiersTest {
  @RegisterExtension static final TestDatabase DB = TestDatabase.empty();

  private final Sql sql = new Sql(DB.dataSource());

  @Test
  void everyKeywordThatNeedsQuotesIsKnown() throws SQLException {
    List<String> keywords =
        sql.column("SELECT word FROM pg_get_keywords() WHERE catcode IN ('R', 'T') ORDER BY word");
    assertThat(keywords).hasSizeGreaterThan(80);
    assertThat(Identifiers.KEYWORDS).containsAll(keywords);
  }

  @Test
  void quoteAgreesWithQuoteIdent() throws SQLException {
    List<String> names =
        List.of(
            "orders", "Orders", "job_id", "user", "order", "select", "t$1", "_x", "1t", "a b",
            "a\"b", "é", "name", "type", "value", "between", "analyze", "job-id", "");
    for (String name : names.subList(0, names.size() - 1)) {
      assertThat(Identifiers.quote(name))
          .as("quote of %s", name)
          .isEqualTo(sql.value("SELECT quote_ident(?)", name));
    }
  }

  @Test
  void fitKeepsShortNamesAndHashesLongOnes() {
    assertThat(Identifiers.fit("short")).isEqualTo("short");
    String longName = "x".repeat(80);
    assertThat(Identifiers.fit(longName)).hasSize(63).isEqualTo(Identifiers.fit(longName));
    assertThat(Identifiers.fileSafe("App.Orders-2")).isEqualTo("app_orders_2");
  }
}
