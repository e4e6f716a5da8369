package dev.procrastinate.spi;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.fasterxml.jackson.databind.JsonNode;
import dev.procrastinate.AlreadyEnqueuedException;
import dev.procrastinate.App;
import dev.procrastinate.model.JobStatus;
import dev.procrastinate.model.ProcrastinateJob;
import dev.procrastinate.testing.Sql;
import dev.procrastinate.testing.TestDatabase;
import java.sql.Connection;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

/**
 * The base classes of generated deferrers on a real PostgreSQL, through a deferrer written by hand
 * the way the processor writes one: the task's options and argument names, every setter, the batch
 * form, and enqueueing inside the caller's transaction.
 */
class DeferrerOptionsTest {
  @RegisterExtension static final TestDatabase DB = TestDatabase.migrated();

  private App app;

  @BeforeEach
  void setUp() throws Exception {
    app = DB.app();
    new Sql(DB.dataSource()).execute("DELETE FROM procrastinate_jobs");
  }

  /** What the processor writes for {@code @Task(queue = "emails", priority = 5, ...)}. */
  static final class Options extends DeferrerOptions<Options> {
    Options() {
      super("test.send_welcome", "emails", 5, "mailer", "welcome", List.of("user_id", "template"));
    }

    long defer(long userId, String template) {
      return deferJob(new Object[] {userId, template});
    }

    CompletableFuture<Long> deferAsync(long userId, String template) {
      return deferJobAsync(new Object[] {userId, template});
    }

    Batch batch() {
      return new Batch(this);
    }

    long deferWrongCount() {
      return deferJob(new Object[] {1L});
    }
  }

  /** The batch the processor writes beside {@link Options}. */
  static final class Batch extends DeferrerBatch {
    Batch(Options options) {
      super(options);
    }

    Batch add(long userId, String template) {
      addJob(new Object[] {userId, template});
      return this;
    }
  }

  private ProcrastinateJob stored(long id) {
    return app.jobManager().getJob(id).orElseThrow(() -> new AssertionError("no job " + id));
  }

  private JsonNode args(long id) throws Exception {
    return app.jsonMapper().readTree(stored(id).argsJson());
  }

  @Test
  void deferAppliesTheTasksOptionsAndKeysArgumentsByTheirNames() throws Exception {
    long id = new Options().app(app).defer(3L, "hello");

    ProcrastinateJob job = stored(id);
    assertThat(job.taskName()).isEqualTo("test.send_welcome");
    assertThat(job.queueName()).isEqualTo("emails");
    assertThat(job.priority()).isEqualTo(5);
    assertThat(job.lock()).isEqualTo("mailer");
    assertThat(job.queueingLock()).isEqualTo("welcome");
    assertThat(job.scheduledAt()).isNull();
    assertThat(job.status()).isEqualTo(JobStatus.TODO);
    assertThat(args(id))
        .isEqualTo(app.jsonMapper().readTree("{\"user_id\": 3, \"template\": \"hello\"}"));
  }

  @Test
  void settersOverrideEveryOptionAndChain() {
    Instant before = Instant.now();
    long id =
        new Options()
            .app(app)
            .queue("urgent")
            .priority(-2)
            .lock(null)
            .queueingLock("other")
            .scheduleIn(Duration.ofHours(1))
            .defer(4L, "later");
    ProcrastinateJob job = stored(id);
    assertThat(job.queueName()).isEqualTo("urgent");
    assertThat(job.priority()).isEqualTo(-2);
    assertThat(job.lock()).isNull();
    assertThat(job.queueingLock()).isEqualTo("other");
    assertThat(job.scheduledAt()).isAfter(before.plus(Duration.ofMinutes(59)));

    Instant at = Instant.parse("2030-01-01T00:00:00Z");
    long scheduled = new Options().app(app).queueingLock(null).scheduleAt(at).defer(5L, "at");
    assertThat(stored(scheduled).scheduledAt()).isEqualTo(at);
    assertThat(stored(scheduled).queueingLock()).isNull();
  }

  @Test
  void invalidOptionsFailWithTheMessagesOfNewJob() {
    Options both =
        new Options().app(app).scheduleAt(Instant.now()).scheduleIn(Duration.ofMinutes(1));
    assertThatThrownBy(() -> both.defer(1L, "x"))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessageContaining(
            "both scheduleAt and scheduleIn are set for task 'test.send_welcome'");
    Options longQueue = new Options().app(app).queue("q".repeat(41));
    assertThatThrownBy(() -> longQueue.defer(1L, "x"))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessageContaining("choose a shorter name");
    assertThatThrownBy(() -> new Options().queue(null))
        .isInstanceOf(NullPointerException.class)
        .hasMessage("queue");
  }

  @Test
  void aValueCountThatDoesNotMatchTheNamesSaysToRecompile() {
    assertThatThrownBy(() -> new Options().app(app).deferWrongCount())
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessage(
            "task 'test.send_welcome' takes the arguments [user_id, template] but its deferrer"
                + " passed 1 values; recompile the deferrer with the procrastinate-processor of the"
                + " runtime's version");
  }

  @Test
  void withoutAnAppTheDefaultAppIsUsed() {
    App previous = App.setDefault(app);
    try {
      long id = new Options().defer(6L, "default");
      assertThat(stored(id).taskName()).isEqualTo("test.send_welcome");
      long async = new Options().queueingLock(null).deferAsync(7L, "async").join();
      assertThat(stored(async).argsJson()).contains("async");
    } finally {
      App.setDefault(previous);
    }
  }

  @Test
  void theTasksQueueingLockRejectsASecondWaitingJob() {
    new Options().app(app).defer(8L, "first");
    assertThatThrownBy(() -> new Options().app(app).defer(9L, "second"))
        .isInstanceOf(AlreadyEnqueuedException.class);
  }

  @Test
  void deferInsideATransactionExistsOnlyIfItCommits() throws Exception {
    long rolledBack;
    try (Connection connection = DB.newConnection()) {
      connection.setAutoCommit(false);
      rolledBack = new Options().app(app).connection(connection).defer(10L, "rolled-back");
      assertThat(app.jobManager().getStatus(connection, rolledBack)).contains(JobStatus.TODO);
      assertThat(app.jobManager().getJob(rolledBack)).isEmpty();
      connection.rollback();
    }
    assertThat(app.jobManager().getJob(rolledBack)).isEmpty();

    long committed;
    try (Connection connection = DB.newConnection()) {
      connection.setAutoCommit(false);
      committed = new Options().app(app).connection(connection).defer(11L, "committed");
      connection.commit();
      assertThat(connection.isClosed()).isFalse();
    }
    assertThat(stored(committed).argsJson()).contains("committed");
  }

  @Test
  void deferAsyncRefusesToJoinATransaction() throws Exception {
    try (Connection connection = DB.newConnection()) {
      Options options = new Options().app(app).connection(connection);
      assertThatThrownBy(() -> options.deferAsync(1L, "x"))
          .isInstanceOf(IllegalStateException.class)
          .hasMessage(
              "deferAsync cannot join the caller's transaction; use defer(...) with a connection");
    }
  }

  @Test
  void batchDefersEveryJobWithTheOptionsInTheOrderAdded() throws Exception {
    Options options = new Options().app(app).queueingLock(null).priority(2);
    Batch batch = options.batch().add(21L, "a").add(22L, "b");
    options.queue("later-queue");
    batch.add(23L, "c");
    assertThat(batch.size()).isEqualTo(3);

    long[] ids = batch.defer();
    assertThat(ids).hasSize(3).doesNotHaveDuplicates();
    assertThat(args(ids[0]).get("user_id").asLong()).isEqualTo(21L);
    assertThat(args(ids[2]).get("template").asText()).isEqualTo("c");
    assertThat(stored(ids[1]).priority()).isEqualTo(2);
    // A job is built when it is added, from the options as they are then.
    assertThat(stored(ids[1]).queueName()).isEqualTo("emails");
    assertThat(stored(ids[2]).queueName()).isEqualTo("later-queue");
  }

  @Test
  void batchIsAllOrNothing() {
    Batch batch = new Options().app(app).batch().add(31L, "a").add(32L, "b");
    assertThatThrownBy(batch::defer).isInstanceOf(AlreadyEnqueuedException.class);
    assertThat(app.jobManager().listJobs(dev.procrastinate.JobFilter.all())).isEmpty();
  }

  @Test
  void batchInsideATransactionExistsOnlyIfItCommits() throws Exception {
    long[] rolledBack;
    try (Connection connection = DB.newConnection()) {
      connection.setAutoCommit(false);
      rolledBack =
          new Options()
              .app(app)
              .queueingLock(null)
              .connection(connection)
              .batch()
              .add(40L, "x")
              .add(41L, "y")
              .defer();
      connection.rollback();
    }
    assertThat(rolledBack).hasSize(2);
    for (long id : rolledBack) {
      assertThat(app.jobManager().getJob(id)).isEmpty();
    }

    long[] committed;
    try (Connection connection = DB.newConnection()) {
      connection.setAutoCommit(false);
      committed =
          new Options()
              .app(app)
              .queueingLock(null)
              .connection(connection)
              .batch()
              .add(42L, "z")
              .defer();
      connection.commit();
    }
    assertThat(stored(committed[0]).argsJson()).contains("\"z\"");
  }
}
