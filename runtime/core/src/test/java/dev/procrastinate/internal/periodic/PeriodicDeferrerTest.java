package dev.procrastinate.internal.periodic;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.procrastinate.App;
import dev.procrastinate.NewJob;
import dev.procrastinate.Worker;
import dev.procrastinate.WorkerOptions;
import dev.procrastinate.internal.json.Json;
import dev.procrastinate.internal.registry.TaskRegistry;
import dev.procrastinate.internal.sql.Database;
import dev.procrastinate.internal.sql.JobDao;
import dev.procrastinate.spi.PeriodicSchedule;
import dev.procrastinate.spi.TaskDescriptor;
import dev.procrastinate.spi.TaskParameter;
import dev.procrastinate.spi.TaskRegistrar;
import dev.procrastinate.testing.Sql;
import dev.procrastinate.testing.TestDatabase;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneId;
import java.time.ZoneOffset;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

/** The periodic deferrer on a real PostgreSQL, driven by a clock the test sets. */
class PeriodicDeferrerTest {
  @RegisterExtension static final TestDatabase DB = TestDatabase.migrated();

  private static final ObjectMapper JSON = Json.newMapper();

  private Sql sql;
  private Database database;
  private final SettableClock clock = new SettableClock();

  @BeforeEach
  void setUp() throws Exception {
    sql = new Sql(DB.dataSource());
    sql.execute("DELETE FROM procrastinate_periodic_defers");
    sql.execute("DELETE FROM procrastinate_jobs");
    sql.execute("DELETE FROM procrastinate_workers");
    database = new Database(DB.dataSource(), "the test database");
  }

  /** A clock that stays where the test puts it. */
  private static final class SettableClock extends Clock {
    private volatile Instant now = Instant.EPOCH;

    void set(String instant) {
      now = Instant.parse(instant);
    }

    @Override
    public ZoneId getZone() {
      return ZoneOffset.UTC;
    }

    @Override
    public Clock withZone(ZoneId zone) {
      return this;
    }

    @Override
    public Instant instant() {
      return now;
    }
  }

  private static TaskDescriptor.Builder periodicTask(String name) {
    return TaskDescriptor.builder(name)
        .parameter(TaskParameter.required("timestamp", "long"))
        .source("PeriodicDeferrerTest#" + name);
  }

  private static TaskRegistry registry(TaskDescriptor... tasks) {
    List<TaskDescriptor> list = List.of(tasks);
    TaskRegistrar registrar = () -> list;
    return TaskRegistry.of(List.of(registrar));
  }

  private PeriodicDeferrer deferrer(TaskRegistry registry, Duration maxDelay) {
    return new PeriodicDeferrer("test", database, new JobDao(), registry, JSON, clock, maxDelay);
  }

  private List<Long> timestamps(String task) throws Exception {
    List<Long> timestamps = new ArrayList<>();
    for (String args :
        sql.column(
            "SELECT args::text FROM procrastinate_jobs WHERE task_name = ? ORDER BY id", task)) {
      timestamps.add(JSON.readTree(args).get("timestamp").asLong());
    }
    return timestamps;
  }

  private static long epoch(String instant) {
    return Instant.parse(instant).getEpochSecond();
  }

  @Test
  void firstRoundDefersOnlyTheLatestTickThenEveryTickSinceTheLast() throws Exception {
    TaskRegistry registry =
        registry(
            periodicTask("p.five")
                .periodic(PeriodicSchedule.of("*/5 * * * *", "", "{}"))
                .build((context, args) -> null));
    PeriodicDeferrer deferrer = deferrer(registry, PeriodicDeferrer.DEFAULT_MAX_DELAY);

    // 10:00 and 10:05 are both within 600 s, but only the latest is deferred.
    clock.set("2026-03-01T10:07:30Z");
    assertThat(deferrer.deferDueTicks()).isEqualTo(Instant.parse("2026-03-01T10:10:00.500Z"));
    assertThat(timestamps("p.five")).containsExactly(epoch("2026-03-01T10:05:00Z"));

    clock.set("2026-03-01T10:09:59Z");
    deferrer.deferDueTicks();
    assertThat(timestamps("p.five")).hasSize(1);

    // Catch-up: every tick since the last one, however late.
    clock.set("2026-03-01T10:21:00Z");
    assertThat(deferrer.deferDueTicks()).isEqualTo(Instant.parse("2026-03-01T10:25:00.500Z"));
    assertThat(timestamps("p.five"))
        .containsExactly(
            epoch("2026-03-01T10:05:00Z"),
            epoch("2026-03-01T10:10:00Z"),
            epoch("2026-03-01T10:15:00Z"),
            epoch("2026-03-01T10:20:00Z"));
  }

  @Test
  void firstRoundIgnoresATickOlderThanTheMaxDelay() throws Exception {
    TaskRegistry registry =
        registry(
            periodicTask("p.hourly")
                .periodic(PeriodicSchedule.of("0 * * * *", "", "{}"))
                .build((context, args) -> null));
    PeriodicDeferrer deferrer = deferrer(registry, PeriodicDeferrer.DEFAULT_MAX_DELAY);
    clock.set("2026-03-01T10:10:01Z"); // 601 s after 10:00
    assertThat(deferrer.deferDueTicks()).isEqualTo(Instant.parse("2026-03-01T11:00:00.500Z"));
    assertThat(timestamps("p.hourly")).isEmpty();

    PeriodicDeferrer lenient = deferrer(registry, Duration.ofMinutes(15));
    lenient.deferDueTicks();
    assertThat(timestamps("p.hourly")).containsExactly(epoch("2026-03-01T10:00:00Z"));

    // Exactly the max delay is still in time.
    sql.execute("DELETE FROM procrastinate_periodic_defers");
    sql.execute("DELETE FROM procrastinate_jobs");
    clock.set("2026-03-01T11:10:00Z");
    deferrer(registry, PeriodicDeferrer.DEFAULT_MAX_DELAY).deferDueTicks();
    assertThat(timestamps("p.hourly")).containsExactly(epoch("2026-03-01T11:00:00Z"));
  }

  @Test
  void argsCarryTheScheduleArgsAndTheTimestampAndTheTaskOptions() throws Exception {
    TaskRegistry registry =
        registry(
            periodicTask("p.report")
                .parameter(TaskParameter.required("region", "java.lang.String"))
                .queue("reports")
                .priority(7)
                .lock("report-lock")
                .periodic(PeriodicSchedule.of("0 4 * * *", "", "{\"region\": \"eu\"}"))
                .periodic(PeriodicSchedule.of("0 4 * * * 30", "late", "{\"region\": \"us\"}"))
                .build((context, args) -> null));
    clock.set("2026-03-01T04:01:00Z");
    deferrer(registry, PeriodicDeferrer.DEFAULT_MAX_DELAY).deferDueTicks();

    List<String> rows =
        sql.column(
            "SELECT queue_name || '|' || priority || '|' || lock || '|' || args::text"
                + " FROM procrastinate_jobs ORDER BY id");
    assertThat(rows).hasSize(2);
    for (String row : rows) {
      assertThat(row).startsWith("reports|7|report-lock|");
    }
    JsonNode eu = JSON.readTree(rows.get(0).split("\\|", 4)[3]);
    JsonNode us = JSON.readTree(rows.get(1).split("\\|", 4)[3]);
    assertThat(eu.get("region").asText()).isEqualTo("eu");
    assertThat(eu.get("timestamp").isIntegralNumber()).isTrue();
    assertThat(eu.get("timestamp").asLong()).isEqualTo(epoch("2026-03-01T04:00:00Z"));
    assertThat(us.get("region").asText()).isEqualTo("us");
    assertThat(us.get("timestamp").asLong()).isEqualTo(epoch("2026-03-01T04:00:30Z"));
    assertThat(
            sql.column(
                "SELECT periodic_id || '@' || defer_timestamp FROM procrastinate_periodic_defers"
                    + " WHERE job_id IS NOT NULL ORDER BY periodic_id"))
        .containsExactly(
            "@" + epoch("2026-03-01T04:00:00Z"), "late@" + epoch("2026-03-01T04:00:30Z"));
  }

  @Test
  void twoDeferrersOnTheSameScheduleDeferEachTickOnce() throws Exception {
    TaskRegistry registry =
        registry(
            periodicTask("p.minutely")
                .periodic(PeriodicSchedule.of("* * * * *", "", "{}"))
                .build((context, args) -> null));
    PeriodicDeferrer first = deferrer(registry, PeriodicDeferrer.DEFAULT_MAX_DELAY);
    PeriodicDeferrer second = deferrer(registry, PeriodicDeferrer.DEFAULT_MAX_DELAY);
    ExecutorService pool = Executors.newFixedThreadPool(2);
    try {
      Instant start = Instant.parse("2026-03-01T10:00:10Z");
      for (int minute = 0; minute < 5; minute++) {
        clock.set(start.plusSeconds(60L * minute).toString());
        Future<Instant> a = pool.submit(first::deferDueTicks);
        Future<Instant> b = pool.submit(second::deferDueTicks);
        a.get();
        b.get();
      }
    } finally {
      pool.shutdownNow();
    }
    List<Long> expected = new ArrayList<>();
    for (int minute = 0; minute < 5; minute++) {
      expected.add(epoch("2026-03-01T10:00:00Z") + 60L * minute);
    }
    assertThat(timestamps("p.minutely")).containsExactlyElementsOf(expected);
    // The claim row of the latest tick points at its job; older claims are forgotten.
    assertThat(
            sql.value(
                "SELECT count(*) FROM procrastinate_periodic_defers d JOIN procrastinate_jobs j"
                    + " ON j.id = d.job_id WHERE d.task_name = 'p.minutely'"
                    + " AND d.periodic_id = '' AND d.defer_timestamp = ?"
                    + " AND (j.args->>'timestamp')::bigint = d.defer_timestamp",
                expected.get(4)))
        .isEqualTo("1");
  }

  @Test
  void aQueueingLockClashSkipsTheTickAndTheDeferrerGoesOn() throws Exception {
    TaskRegistry registry =
        registry(
            periodicTask("p.exclusive")
                .queueingLock("only-one")
                .periodic(PeriodicSchedule.of("* * * * *", "", "{}"))
                .build((context, args) -> null));
    App app = App.builder().dataSource(DB.dataSource()).build();
    long waiting =
        app.jobManager()
            .defer(
                NewJob.builder("p.exclusive").arg("timestamp", 0).queueingLock("only-one").build());
    PeriodicDeferrer deferrer = deferrer(registry, PeriodicDeferrer.DEFAULT_MAX_DELAY);

    clock.set("2026-03-01T10:00:10Z");
    deferrer.deferDueTicks();
    clock.set("2026-03-01T10:01:10Z");
    deferrer.deferDueTicks();
    assertThat(timestamps("p.exclusive")).containsExactly(0L);

    assertThat(app.jobManager().cancel(waiting)).isTrue();
    clock.set("2026-03-01T10:02:10Z");
    deferrer.deferDueTicks();
    // The skipped ticks are not deferred later: only the next one is.
    assertThat(timestamps("p.exclusive")).containsExactly(0L, epoch("2026-03-01T10:02:00Z"));
  }

  @Test
  void anInvalidScheduleFailsFastNamingTheTask() {
    TaskRegistry registry =
        registry(
            periodicTask("p.bad")
                .periodic(PeriodicSchedule.of("* * * *", "", "{}"))
                .build((context, args) -> null));
    assertThatThrownBy(() -> deferrer(registry, PeriodicDeferrer.DEFAULT_MAX_DELAY))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessageContaining("p.bad")
        .hasMessageContaining("PeriodicDeferrerTest#p.bad")
        .hasMessageContaining("5 or 6");
    assertThat(PeriodicDeferrer.hasSchedules(registry)).isTrue();
    assertThat(
            PeriodicDeferrer.hasSchedules(
                registry(periodicTask("p.plain").build((context, args) -> null))))
        .isFalse();
  }

  @Test
  void aWorkerWithAnEverySecondScheduleRunsTheTaskEverySecond() throws Exception {
    List<Long> ran = new CopyOnWriteArrayList<>();
    TaskDescriptor task =
        periodicTask("p.every_second")
            .periodic(PeriodicSchedule.of("* * * * * *", "", "{}"))
            .build(
                (context, args) -> {
                  ran.add(args.getLong("timestamp"));
                  return null;
                });
    TaskRegistrar registrar = () -> List.of(task);
    App app = App.builder().dataSource(DB.dataSource()).taskRegistrars(List.of(registrar)).build();
    try (Worker worker =
        app.worker(
            WorkerOptions.builder()
                .installSignalHandlers(false)
                .fetchJobPollingInterval(Duration.ofMillis(200))
                .build())) {
      worker.start();
      long deadline = System.nanoTime() + Duration.ofSeconds(4).toNanos();
      while (ran.size() < 3 && System.nanoTime() < deadline) {
        Thread.sleep(50);
      }
      assertThat(
              Thread.getAllStackTraces().keySet().stream()
                  .map(Thread::getName)
                  .filter(name -> name.endsWith("-periodic")))
          .isNotEmpty();
    }
    assertThat(ran.stream().distinct().count()).isGreaterThanOrEqualTo(2);
    assertThat(ran).doesNotHaveDuplicates();
    List<Long> deferred = timestamps("p.every_second");
    assertThat(deferred).doesNotHaveDuplicates().containsAll(ran);
    for (int i = 1; i < deferred.size(); i++) {
      assertThat(deferred.get(i) - deferred.get(i - 1)).isEqualTo(1L);
    }
  }
}
