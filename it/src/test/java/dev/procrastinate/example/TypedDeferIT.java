package dev.procrastinate.example;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.fasterxml.jackson.databind.JsonNode;
import dev.procrastinate.AlreadyEnqueuedException;
import dev.procrastinate.App;
import dev.procrastinate.ArgumentsException;
import dev.procrastinate.NewJob;
import dev.procrastinate.RetryStrategy;
import dev.procrastinate.internal.registry.JsonTaskArguments;
import dev.procrastinate.internal.registry.TaskRegistry;
import dev.procrastinate.model.JobStatus;
import dev.procrastinate.model.ProcrastinateJob;
import dev.procrastinate.spi.TaskDescriptor;
import dev.procrastinate.testing.TestDatabase;
import java.io.IOException;
import java.math.BigDecimal;
import java.math.BigInteger;
import java.sql.Connection;
import java.time.Duration;
import java.time.Instant;
import java.time.LocalDate;
import java.time.LocalDateTime;
import java.time.LocalTime;
import java.time.OffsetDateTime;
import java.time.ZoneOffset;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.UUID;
import java.util.stream.Collectors;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

/**
 * Defers typed jobs through the generated deferrers against a real PostgreSQL, reads the stored
 * {@code args} back, and runs them through the handlers of the registrars found with {@link
 * java.util.ServiceLoader}: every supported parameter type makes the round trip.
 */
class TypedDeferIT {
  @RegisterExtension static final TestDatabase DB = TestDatabase.migrated();

  private static TaskRegistry registry;
  private static App app;

  @BeforeAll
  static void load() {
    registry = TaskRegistry.load(TypedDeferIT.class.getClassLoader());
    app = DB.app();
  }

  private static ProcrastinateJob stored(long id) {
    return app.jobManager().getJob(id).orElseThrow(() -> new AssertionError("no job " + id));
  }

  /** Runs a stored job the way a worker does: find the task by name, decode, invoke. */
  private static Object run(long id) throws Exception {
    ProcrastinateJob job = stored(id);
    TaskDescriptor task =
        registry.find(job.taskName()).orElseThrow(() -> new AssertionError(job.taskName()));
    return task.handler()
        .invoke(
            new ExampleContext(app, job),
            JsonTaskArguments.parse(task, job.argsJson(), app.jsonMapper()));
  }

  /** Runs a stored job of {@link Catalog} and returns the values its task received. */
  private static List<?> received(long id) throws Exception {
    assertThat(run(id)).as("a catalog task returns nothing").isNull();
    return Catalog.lastReceived();
  }

  private static JsonNode storedArgs(long id) throws IOException {
    return app.jsonMapper().readTree(stored(id).argsJson());
  }

  @Test
  void registryFindsEveryExampleTask() {
    Set<String> names =
        registry.tasks().stream().map(TaskDescriptor::name).collect(Collectors.toSet());
    assertThat(names)
        .containsExactlyInAnyOrder(
            "myapp.tasks.send_welcome",
            "dev.procrastinate.example.ReportTasks.nightlyReport",
            "dev.procrastinate.example.ReportTasks.rebuild",
            "example.orders.charge",
            "example.orders.pack",
            "example.orders.ship",
            "catalog.primitives",
            "catalog.boxes",
            "catalog.values",
            "catalog.times",
            "catalog.structures",
            "catalog.bytes",
            // The benchmarks' no-op task, run by command-line workers with this module's classes.
            "bench.empty");
    TaskDescriptor welcome = registry.find("myapp.tasks.send_welcome").orElseThrow();
    assertThat(welcome.retryPolicy())
        .isEqualTo(
            RetryStrategy.builder()
                .maxAttempts(5)
                .exponentialWait(2)
                .retryOn(IOException.class)
                .build());
    assertThat(
            registry
                .find("dev.procrastinate.example.ReportTasks.nightlyReport")
                .orElseThrow()
                .periodicSchedules())
        .hasSize(2);
  }

  @Test
  void deferStoresArgsKeyedByPythonNames() throws Exception {
    long id = SendWelcomeDeferrer.configure().app(app).defer(3L, "welcome");

    ProcrastinateJob job = stored(id);
    assertThat(job.taskName())
        .isEqualTo(SendWelcomeDeferrer.TASK_NAME)
        .isEqualTo("myapp.tasks.send_welcome");
    assertThat(job.queueName()).isEqualTo("emails");
    assertThat(job.status()).isEqualTo(JobStatus.TODO);
    assertThat(storedArgs(id))
        .isEqualTo(app.jsonMapper().readTree("{\"user_id\": 3, \"template\": \"welcome\"}"));
    assertThat(run(id)).isEqualTo("welcome mail welcome to user 3");
  }

  @Test
  void jobDeferredByNameAsPythonDoesRunsThroughTheHandler() throws Exception {
    long id =
        app.jobManager()
            .defer(
                NewJob.builder("myapp.tasks.send_welcome")
                    .queue("emails")
                    .argsJson("{\"user_id\": 7, \"template\": \"relance\"}")
                    .build());
    assertThat(run(id)).isEqualTo("welcome mail relance to user 7");
  }

  @Test
  void staticDeferUsesTheDefaultApp() {
    App previous = App.setDefault(app);
    try {
      long id = SendWelcomeDeferrer.defer(4L, "default-app");
      assertThat(stored(id).taskName()).isEqualTo("myapp.tasks.send_welcome");
      long asyncId = SendWelcomeDeferrer.deferAsync(5L, "async").join();
      assertThat(stored(asyncId).argsJson()).contains("async");
    } finally {
      App.setDefault(previous);
    }
  }

  @Test
  void deferAsyncThroughAnExplicitApp() throws Exception {
    long id = SendWelcomeDeferrer.configure().app(app).deferAsync(6L, "later").join();
    assertThat(run(id)).isEqualTo("welcome mail later to user 6");
  }

  @Test
  void optionsOverrideTheTaskDefaults() {
    long byDefault = RebuildDeferrer.configure().app(app).defer(1L, false);
    ProcrastinateJob defaults = stored(byDefault);
    assertThat(defaults.queueName()).isEqualTo("reports");
    assertThat(defaults.priority()).isEqualTo(10);
    assertThat(defaults.queueingLock()).isEqualTo("rebuild");
    assertThat(defaults.lock()).isNull();

    Instant before = Instant.now();
    long configured =
        RebuildDeferrer.configure()
            .app(app)
            .queue("urgent")
            .priority(-3)
            .lock("report-2")
            .queueingLock("rebuild-2")
            .scheduleIn(Duration.ofHours(1))
            .defer(2L, true);
    ProcrastinateJob job = stored(configured);
    assertThat(job.queueName()).isEqualTo("urgent");
    assertThat(job.priority()).isEqualTo(-3);
    assertThat(job.lock()).isEqualTo("report-2");
    assertThat(job.queueingLock()).isEqualTo("rebuild-2");
    assertThat(job.scheduledAt()).isAfter(before.plus(Duration.ofMinutes(59)));

    Instant at = Instant.parse("2030-01-01T00:00:00Z");
    long scheduled =
        RebuildDeferrer.configure().app(app).queueingLock(null).scheduleAt(at).defer(3L, true);
    assertThat(stored(scheduled).scheduledAt()).isEqualTo(at);
  }

  @Test
  void theTasksQueueingLockRejectsASecondWaitingJob() {
    DB.app().jobManager();
    long first = RebuildDeferrer.configure().app(app).queueingLock("only-one").defer(10L, false);
    assertThat(stored(first).queueingLock()).isEqualTo("only-one");
    assertThatThrownBy(
            () -> RebuildDeferrer.configure().app(app).queueingLock("only-one").defer(11L, false))
        .isInstanceOf(AlreadyEnqueuedException.class);
  }

  @Test
  void batchDefersManyJobsInOneCall() throws Exception {
    SendWelcomeDeferrer.Batch batch =
        SendWelcomeDeferrer.configure()
            .app(app)
            .priority(2)
            .batch()
            .add(21L, "a")
            .add(22L, "b")
            .add(23L, "c");
    assertThat(batch.size()).isEqualTo(3);
    long[] ids = batch.defer();
    assertThat(ids).hasSize(3).doesNotHaveDuplicates();
    assertThat(run(ids[0])).isEqualTo("welcome mail a to user 21");
    assertThat(run(ids[2])).isEqualTo("welcome mail c to user 23");
    assertThat(stored(ids[1]).priority()).isEqualTo(2);
  }

  @Test
  void deferInsideATransactionThatIsRolledBackLeavesNoJob() throws Exception {
    long id;
    try (Connection connection = DB.newConnection()) {
      connection.setAutoCommit(false);
      id = SendWelcomeDeferrer.configure().app(app).connection(connection).defer(8L, "rolled-back");
      assertThat(app.jobManager().getStatus(connection, id)).contains(JobStatus.TODO);
      connection.rollback();
    }
    assertThat(app.jobManager().getJob(id)).isEmpty();
  }

  @Test
  void batchInsideATransactionThatIsRolledBackLeavesNoJob() throws Exception {
    long[] ids;
    try (Connection connection = DB.newConnection()) {
      connection.setAutoCommit(false);
      ids =
          SendWelcomeDeferrer.configure()
              .app(app)
              .connection(connection)
              .batch()
              .add(30L, "x")
              .add(31L, "y")
              .defer();
      connection.rollback();
    }
    assertThat(ids).hasSize(2);
    for (long id : ids) {
      assertThat(app.jobManager().getJob(id)).isEmpty();
    }
  }

  @Test
  void deferInsideATransactionThatCommitsKeepsTheJob() throws Exception {
    long id;
    try (Connection connection = DB.newConnection()) {
      connection.setAutoCommit(false);
      id = SendWelcomeDeferrer.configure().app(app).connection(connection).defer(9L, "committed");
      connection.commit();
    }
    assertThat(run(id)).isEqualTo("welcome mail committed to user 9");
  }

  @Test
  void deferAsyncRefusesToJoinATransaction() throws Exception {
    try (Connection connection = DB.newConnection()) {
      assertThatThrownBy(
              () ->
                  SendWelcomeDeferrer.configure()
                      .app(app)
                      .connection(connection)
                      .deferAsync(1L, "x"))
          .isInstanceOf(IllegalStateException.class)
          .hasMessageContaining("use defer(...) with a connection");
    }
  }

  @Test
  void periodicInstanceTaskReceivesContextTimestampAndFixedArgs() throws Exception {
    long all = NightlyReportDeferrer.configure().app(app).defer(1767236400L, Optional.empty());
    assertThat(storedArgs(all).get("region").isNull()).isTrue();
    assertThat(run(all)).isEqualTo("report of 1767236400 for all regions by it-worker");
    long eu = NightlyReportDeferrer.configure().app(app).defer(1767240030L, Optional.of("eu"));
    assertThat(run(eu)).isEqualTo("report of 1767240030 for eu by it-worker");
  }

  @Test
  void primitivesRoundTrip() throws Exception {
    long id =
        PrimitivesDeferrer.configure()
            .app(app)
            .defer(true, (byte) -7, (short) 300, 42, 9_007_199_254_740_993L, 1.25f, 0.1, 'é');
    assertThat(storedArgs(id).get("id").asText()).isEqualTo("9007199254740993");
    assertThat(received(id))
        .isEqualTo(
            List.of(true, (byte) -7, (short) 300, 42, 9_007_199_254_740_993L, 1.25f, 0.1, 'é'));
  }

  @Test
  void boxesRoundTripWithValuesAndWithNulls() throws Exception {
    long full =
        BoxesDeferrer.configure()
            .app(app)
            .defer(false, (byte) 1, (short) 2, 3, 4L, 5.5f, 6.25, 'z');
    assertThat(received(full))
        .isEqualTo(List.of(false, (byte) 1, (short) 2, 3, 4L, 5.5f, 6.25, 'z'));
    long empty =
        BoxesDeferrer.configure().app(app).defer(null, null, null, null, null, null, null, null);
    assertThat(storedArgs(empty).get("count").isNull()).isTrue();
    assertThat(received(empty))
        .isEqualTo(Arrays.asList(null, null, null, null, null, null, null, null));
  }

  @Test
  void textEnumsAndValueTypesRoundTrip() throws Exception {
    UUID key = UUID.fromString("1b4e28ba-2fa1-11d2-883f-0016d3cca427");
    BigDecimal price = new BigDecimal("12.340");
    BigInteger big = new BigInteger("123456789012345678901234567890");
    long id =
        ValuesDeferrer.configure()
            .app(app)
            .defer("naïve \"quoted\" ✓", Catalog.Shipping.AIR, price, big, key);
    assertThat(storedArgs(id).get("shipping").asText()).isEqualTo("AIR");
    assertThat(received(id))
        .isEqualTo(List.of("naïve \"quoted\" ✓", Catalog.Shipping.AIR, price, big, key));
  }

  @Test
  void javaTimeTypesRoundTripAsIsoStrings() throws Exception {
    Instant instant = Instant.parse("2026-05-01T09:30:00.123456Z");
    LocalDate date = LocalDate.of(2026, 2, 28);
    LocalTime time = LocalTime.of(23, 59, 1, 5_000_000);
    LocalDateTime dateTime = LocalDateTime.of(2026, 12, 31, 8, 0);
    OffsetDateTime offsetDateTime =
        OffsetDateTime.of(2026, 6, 1, 12, 0, 0, 0, ZoneOffset.ofHours(2));
    Duration duration = Duration.ofMinutes(90).plusMillis(5);
    long id =
        TimesDeferrer.configure()
            .app(app)
            .defer(instant, date, time, dateTime, offsetDateTime, duration);
    JsonNode args = storedArgs(id);
    assertThat(args.get("instant").asText()).isEqualTo("2026-05-01T09:30:00.123456Z");
    assertThat(args.get("date").asText()).isEqualTo("2026-02-28");
    assertThat(args.get("offsetDateTime").asText()).isEqualTo("2026-06-01T12:00:00+02:00");
    assertThat(received(id))
        .isEqualTo(List.of(instant, date, time, dateTime, offsetDateTime, duration));
  }

  @Test
  void collectionsRecordsOptionalsAndArraysRoundTrip() throws Exception {
    Catalog.Parcel parcel =
        new Catalog.Parcel("SKU-1", 2, Catalog.Shipping.GROUND, List.of("fragile"));
    Catalog.Parcel other = new Catalog.Parcel("SKU-2", 1, Catalog.Shipping.AIR, List.of());
    Map<String, LocalDate> holidays = Map.of("new-year", LocalDate.of(2027, 1, 1));
    long id =
        StructuresDeferrer.configure()
            .app(app)
            .defer(
                List.of("ann", "bob"),
                Set.of(1, 2, 3),
                holidays,
                parcel,
                List.of(parcel, other),
                Optional.of("leave at the door"),
                Optional.of(List.of(9, 8)),
                new int[] {4, 5},
                new String[] {"x", "y"});
    JsonNode args = storedArgs(id);
    assertThat(args.get("parcel").get("shipping").asText()).isEqualTo("GROUND");
    assertThat(args.get("note").asText()).isEqualTo("leave at the door");
    assertThat(received(id))
        .isEqualTo(
            List.of(
                List.of("ann", "bob"),
                Set.of(1, 2, 3),
                holidays,
                parcel,
                List.of(parcel, other),
                Optional.of("leave at the door"),
                Optional.of(List.of(9, 8)),
                List.of(4, 5),
                List.of("x", "y")));

    long empty =
        StructuresDeferrer.configure()
            .app(app)
            .defer(
                List.of(),
                Set.of(),
                Map.of(),
                parcel,
                List.of(),
                Optional.empty(),
                Optional.empty(),
                new int[0],
                new String[0]);
    assertThat(received(empty))
        .isEqualTo(
            List.of(
                List.of(),
                Set.of(),
                Map.of(),
                parcel,
                List.of(),
                Optional.empty(),
                Optional.empty(),
                List.of(),
                List.of()));
  }

  @Test
  void byteAndCharArraysRoundTripAsStrings() throws Exception {
    long id =
        BytesDeferrer.configure().app(app).defer(new byte[] {0, -1, 127}, "héllo".toCharArray());
    JsonNode args = storedArgs(id);
    assertThat(args.get("blob").asText()).isEqualTo("AP9/");
    assertThat(args.get("letters").asText()).isEqualTo("héllo");
    assertThat(received(id)).isEqualTo(List.of(List.of((byte) 0, (byte) -1, (byte) 127), "héllo"));
  }

  @Test
  void storedArgsThatDoNotFitFailWithAMessageNamingTaskArgumentTypeAndValue() {
    long id =
        app.jobManager()
            .defer(
                NewJob.builder("myapp.tasks.send_welcome")
                    .argsJson("{\"user_id\": \"three\", \"template\": \"welcome\"}")
                    .build());
    assertThatThrownBy(() -> run(id))
        .isInstanceOf(ArgumentsException.class)
        .hasMessage(
            "task 'myapp.tasks.send_welcome': argument 'user_id' must be long (a JSON integer in"
                + " range), but the job's args give it \"three\" (a JSON string)");
  }
}
