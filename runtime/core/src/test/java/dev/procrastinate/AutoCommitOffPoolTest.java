package dev.procrastinate;

import static org.assertj.core.api.Assertions.assertThat;

import com.zaxxer.hikari.HikariConfig;
import com.zaxxer.hikari.HikariDataSource;
import dev.procrastinate.operations.DeferRequest;
import dev.procrastinate.operations.InputNames;
import dev.procrastinate.operations.Operations;
import dev.procrastinate.spi.PeriodicSchedule;
import dev.procrastinate.spi.TaskDescriptor;
import dev.procrastinate.spi.TaskParameter;
import dev.procrastinate.spi.TaskRegistrar;
import dev.procrastinate.testing.Await;
import dev.procrastinate.testing.Sql;
import dev.procrastinate.testing.TestDatabase;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.extension.RegisterExtension;

/**
 * An application's own pool tuned for an ORM hands out connections with autocommit off. What the
 * runtime writes through it must still commit: a defer that returned an id is a job after the pool
 * is closed, and a worker on that pool registers, runs and ends jobs for good. Every check reads
 * through a connection of its own, after the application's pool is closed.
 */
@Timeout(value = 2, unit = TimeUnit.MINUTES)
class AutoCommitOffPoolTest {
  @RegisterExtension static final TestDatabase DB = TestDatabase.migrated();

  private final AtomicInteger runs = new AtomicInteger();
  private HikariDataSource pool;
  private App app;
  private Sql sql;

  @BeforeEach
  void setUp() throws Exception {
    sql = new Sql(DB.dataSource());
    sql.execute("DELETE FROM procrastinate_periodic_defers");
    sql.execute("DELETE FROM procrastinate_jobs");
    sql.execute("DELETE FROM procrastinate_workers");
    HikariConfig config = new HikariConfig();
    config.setJdbcUrl(DB.url());
    config.setUsername(DB.user());
    config.setPassword(DB.password());
    config.setAutoCommit(false);
    config.setMaximumPoolSize(8);
    pool = new HikariDataSource(config);
    app = App.builder().dataSource(pool).taskRegistrars(List.of(registrar())).build();
  }

  @AfterEach
  void tearDown() {
    pool.close();
  }

  private TaskRegistrar registrar() {
    List<TaskDescriptor> tasks =
        List.of(
            TaskDescriptor.builder("orm.send")
                .parameter(TaskParameter.required("n", "int"))
                .source("AutoCommitOffPoolTest#send")
                .build(
                    (context, args) -> {
                      runs.incrementAndGet();
                      return null;
                    }),
            TaskDescriptor.builder("orm.tick")
                .parameter(TaskParameter.required("timestamp", "long"))
                .periodic(PeriodicSchedule.of("* * * * *", "", "{}"))
                .source("AutoCommitOffPoolTest#tick")
                .build((context, args) -> null));
    return () -> tasks;
  }

  private static NewJob send(int n) {
    return NewJob.builder("orm.send").arg("n", n).build();
  }

  @Test
  void deferBatchDeferAndOperationsCommitOnAPoolWithAutoCommitOff() throws Exception {
    long one = app.jobManager().defer(send(1));
    long[] batch = app.jobManager().deferBatch(List.of(send(2), send(3)));
    long viaShell =
        new Operations(app)
            .defer(
                DeferRequest.builder(InputNames.KEYS).task("orm.send").args("{\"n\": 4}").build())
            .id()
            .orElseThrow();
    long toCancel = app.jobManager().defer(send(5));
    assertThat(app.jobManager().cancel(toCancel)).isTrue();
    pool.close();

    assertThat(sql.value("SELECT status FROM procrastinate_jobs WHERE id = ?", one))
        .isEqualTo("todo");
    assertThat(
            sql.value(
                "SELECT count(*) FROM procrastinate_jobs WHERE id IN (?, ?)", batch[0], batch[1]))
        .isEqualTo("2");
    assertThat(sql.value("SELECT status FROM procrastinate_jobs WHERE id = ?", viaShell))
        .isEqualTo("todo");
    assertThat(sql.value("SELECT status FROM procrastinate_jobs WHERE id = ?", toCancel))
        .isEqualTo("cancelled");
  }

  @Test
  void aWorkerOnAPoolWithAutoCommitOffRunsJobsForGood() throws Exception {
    long[] ids = app.jobManager().deferBatch(List.of(send(1), send(2), send(3)));
    Worker worker =
        app.worker(
            WorkerOptions.builder()
                .concurrency(2)
                .installSignalHandlers(false)
                .fetchJobPollingInterval(Duration.ofMillis(200))
                .build());
    worker.start();
    Await.until(Duration.ofSeconds(30), () -> runs.get() >= 3, "three runs");
    Await.until(
        Duration.ofSeconds(30),
        () -> "3".equals(countSucceeded(ids)),
        "three outcomes visible from another connection");
    long workerId = worker.workerId();
    assertThat(sql.value("SELECT count(*) FROM procrastinate_workers WHERE id = ?", workerId))
        .isEqualTo("1");
    worker.stop();
    assertThat(worker.awaitTermination(Duration.ofSeconds(30))).isTrue();
    pool.close();

    assertThat(countSucceeded(ids)).isEqualTo("3");
    // The periodic task's tick was deferred and committed, and the worker unregistered.
    assertThat(sql.value("SELECT count(*) FROM procrastinate_periodic_defers")).isEqualTo("1");
    assertThat(sql.value("SELECT count(*) FROM procrastinate_workers")).isEqualTo("0");
  }

  private String countSucceeded(long[] ids) {
    try {
      return sql.value(
          "SELECT count(*) FROM procrastinate_jobs WHERE id IN (?, ?, ?) AND status = 'succeeded'",
          ids[0],
          ids[1],
          ids[2]);
    } catch (java.sql.SQLException e) {
      throw new IllegalStateException(e);
    }
  }
}
