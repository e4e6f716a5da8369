package dev.procrastinate;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.zaxxer.hikari.HikariConfig;
import com.zaxxer.hikari.HikariDataSource;
import dev.procrastinate.testing.Await;
import dev.procrastinate.testing.Sql;
import dev.procrastinate.testing.TestDatabase;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.TimeUnit;
import javax.sql.DataSource;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.extension.RegisterExtension;

/**
 * A defer whose pooled connection the server had already terminated (an administrator's {@code
 * pg_terminate_backend}, a failover proxy's cut) is made once more on a fresh connection, and only
 * when nothing of the first try can have been stored: a connection lost after the commit was sent
 * is reported, never tried again. The faults are real terminations of real backends, each made
 * between two defers or, for the commit, by a trigger that ends its own backend at a chosen point.
 */
@Timeout(value = 2, unit = TimeUnit.MINUTES)
class DeferRecoveryTest {
  @RegisterExtension static final TestDatabase DB = TestDatabase.migrated();

  private static final String APPLICATION_NAME = "defer-recovery-test";

  private HikariDataSource pool;
  private App app;
  private Sql sql;

  @BeforeEach
  void setUp() throws Exception {
    sql = new Sql(DB.dataSource());
    sql.execute("DELETE FROM procrastinate_jobs");
    sql.execute("CREATE SEQUENCE IF NOT EXISTS test_tries");
    sql.execute("ALTER SEQUENCE test_tries RESTART");
    // Ends its own backend when a job of a doomed task is inserted (BEFORE: before the commit) or
    // committed (a deferred constraint trigger runs inside COMMIT); counts its calls in a sequence,
    // which no rollback undoes.
    sql.execute(
        """
        CREATE OR REPLACE FUNCTION test_end_own_backend() RETURNS trigger AS $$
        BEGIN
            IF NEW.task_name = TG_ARGV[0] THEN
                PERFORM nextval('test_tries');
                PERFORM pg_terminate_backend(pg_backend_pid());
            END IF;
            RETURN NULL;
        END
        $$ LANGUAGE plpgsql
        """);
    sql.execute("DROP TRIGGER IF EXISTS test_end_before_commit ON procrastinate_jobs");
    sql.execute(
        "CREATE TRIGGER test_end_before_commit AFTER INSERT ON procrastinate_jobs FOR EACH ROW"
            + " EXECUTE FUNCTION test_end_own_backend('doomed.insert')");
    sql.execute("DROP TRIGGER IF EXISTS test_end_at_commit ON procrastinate_jobs");
    sql.execute(
        "CREATE CONSTRAINT TRIGGER test_end_at_commit AFTER INSERT ON procrastinate_jobs"
            + " DEFERRABLE INITIALLY DEFERRED FOR EACH ROW"
            + " EXECUTE FUNCTION test_end_own_backend('doomed.commit')");
    pool = pool(2);
    app = App.builder().dataSource(pool).build();
  }

  @AfterEach
  void tearDown() throws Exception {
    pool.close();
    sql.execute("DROP TRIGGER IF EXISTS test_end_before_commit ON procrastinate_jobs");
    sql.execute("DROP TRIGGER IF EXISTS test_end_at_commit ON procrastinate_jobs");
  }

  /**
   * A pool of {@code size} connections, all opened at once, that lends a connection without
   * checking it: HikariCP checks one only when it idled longer than its bypass window (500 ms by
   * default), so with a long window every connection the server ended reaches the defer, whatever
   * the machine's pace.
   */
  private static HikariDataSource pool(int size) {
    HikariConfig config = new HikariConfig();
    config.setJdbcUrl(DB.url());
    config.setUsername(DB.user());
    config.setPassword(DB.password());
    config.addDataSourceProperty("ApplicationName", APPLICATION_NAME);
    config.setMaximumPoolSize(size);
    config.setMinimumIdle(size);
    System.setProperty("com.zaxxer.hikari.aliveBypassWindowMs", "600000");
    try {
      return new HikariDataSource(config);
    } finally {
      System.clearProperty("com.zaxxer.hikari.aliveBypassWindowMs");
    }
  }

  private static NewJob job(String task, int n) {
    return NewJob.builder(task).args(Map.of("n", n)).build();
  }

  private long lostBeforeCommit() {
    return app.internals().database().lostBeforeCommit();
  }

  /**
   * Terminates every backend of the pool, waiting until each has exited.
   *
   * @return how many were terminated
   */
  private int terminatePool() throws Exception {
    awaitFullPool(pool);
    return Integer.parseInt(
        sql.value(
            "SELECT count(*) FILTER (WHERE pg_terminate_backend(pid, 10000))"
                + " FROM pg_stat_activity WHERE application_name = ?",
            APPLICATION_NAME));
  }

  @Test
  void aDeferOnAConnectionTheServerTerminatedIsMadeOnceMoreOnAFreshOne() throws Exception {
    long first = app.jobManager().defer(job("t.send", 1));

    assertThat(terminatePool()).isEqualTo(2);
    long second = app.jobManager().defer(job("t.send", 2));

    assertThat(lostBeforeCommit()).as("the first try met the dead connection").isEqualTo(1);
    assertThat(sql.column("SELECT id::text FROM procrastinate_jobs ORDER BY id"))
        .containsExactly(String.valueOf(first), String.valueOf(second));
  }

  @Test
  void terminationsDuringADeferStreamLoseNoDefer() throws Exception {
    Set<Long> ids = new HashSet<>();
    int terminations = 0;
    for (int n = 1; n <= 300; n++) {
      ids.add(app.jobManager().defer(job("t.send", n)));
      if (n % 75 == 0 && n < 300) {
        terminations += terminatePool();
      }
    }
    List<NewJob> batch = new ArrayList<>();
    for (int n = 301; n <= 340; n++) {
      batch.add(job("t.send", n));
    }
    terminations += terminatePool();
    ids.addAll(Arrays.stream(app.jobManager().deferBatch(batch)).boxed().toList());

    assertThat(terminations).as("every connection of the pool ended, four times").isEqualTo(8);
    assertThat(lostBeforeCommit()).as("one defer met each termination").isEqualTo(4);
    assertThat(ids).hasSize(340);
    assertThat(sql.value("SELECT count(*) FROM procrastinate_jobs")).isEqualTo("340");
    assertThat(sql.value("SELECT count(DISTINCT args->>'n') FROM procrastinate_jobs"))
        .isEqualTo("340");
  }

  @Test
  void aConnectionLostAfterTheCommitWasSentIsNeverTriedAgain() throws Exception {
    assertThatThrownBy(() -> app.jobManager().defer(job("doomed.commit", 1)))
        .isInstanceOfSatisfying(
            DatabaseUnavailableException.class, e -> assertThat(e.isOutcomeUnknown()).isTrue())
        .hasMessageContaining("Lost the connection to PostgreSQL at")
        .hasMessageContaining("while deferring a job of task 'doomed.commit'")
        .hasMessageContaining("the server terminated the connection (57P01")
        .hasMessageContaining("after the commit was sent")
        .hasMessageContaining("may or may not have been stored");

    assertThat(sql.value("SELECT last_value FROM test_tries")).as("tried once").isEqualTo("1");
    assertThat(lostBeforeCommit()).isZero();
    // The next defer is not troubled by the lost connection.
    app.jobManager().defer(job("t.send", 2));
    assertThat(sql.value("SELECT count(*) FROM procrastinate_jobs")).isEqualTo("1");
  }

  @Test
  void aDeferLostTwiceBeforeItsCommitSaysNothingWasStored() throws Exception {
    assertThatThrownBy(() -> app.jobManager().defer(job("doomed.insert", 1)))
        .isInstanceOfSatisfying(
            DatabaseUnavailableException.class, e -> assertThat(e.isOutcomeUnknown()).isFalse())
        .hasMessageContaining("the server terminated the connection (57P01")
        .hasMessageContaining("tried once more on a fresh connection and lost again")
        .hasMessageContaining("nothing was stored");

    assertThat(sql.value("SELECT last_value FROM test_tries")).as("tried twice").isEqualTo("2");
    assertThat(lostBeforeCommit()).isEqualTo(1);
    assertThat(sql.value("SELECT count(*) FROM procrastinate_jobs")).isEqualTo("0");
  }

  @Test
  void aDeferInTheCallersTransactionIsNotTriedAgainAndSaysTheTransactionIsLost() throws Exception {
    try (var connection = pool.getConnection()) {
      connection.setAutoCommit(false);
      assertThatThrownBy(() -> app.jobManager().defer(connection, job("doomed.insert", 1)))
          .isInstanceOf(DatabaseUnavailableException.class)
          .hasMessageContaining("the server terminated the connection (57P01");
    }
    assertThat(sql.value("SELECT last_value FROM test_tries")).as("tried once").isEqualTo("1");
    assertThat(lostBeforeCommit()).isZero();
  }

  @Test
  void anUnreachableServerIsNamedAsSuch() {
    HikariConfig config = new HikariConfig();
    config.setJdbcUrl("jdbc:postgresql://127.0.0.1:1/nothing");
    config.setUsername("postgres");
    config.setConnectionTimeout(1000);
    config.setInitializationFailTimeout(-1);
    try (HikariDataSource nowhere = new HikariDataSource(config);
        App unreachable = App.builder().dataSource((DataSource) nowhere).build()) {
      assertThatThrownBy(() -> unreachable.jobManager().defer(job("t.send", 1)))
          .isInstanceOfSatisfying(
              DatabaseUnavailableException.class, e -> assertThat(e.isOutcomeUnknown()).isFalse())
          .hasMessageContaining("Cannot reach PostgreSQL at jdbc:postgresql://127.0.0.1:1/nothing")
          .hasMessageContaining("the server is unreachable")
          .hasMessageContaining("Check that the server is running");
    }
  }

  /** Waits for HikariCP's pool to hold all its connections, which it opens in the background. */
  private static void awaitFullPool(HikariDataSource pool) throws InterruptedException {
    Await.until(
        Duration.ofSeconds(30),
        () -> pool.getHikariPoolMXBean().getTotalConnections() >= pool.getMaximumPoolSize(),
        "the pool to open all its connections");
  }
}
