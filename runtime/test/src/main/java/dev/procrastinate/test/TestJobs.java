package dev.procrastinate.test;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.core.type.TypeReference;
import dev.procrastinate.App;
import dev.procrastinate.JobFilter;
import dev.procrastinate.WorkerOptions;
import dev.procrastinate.internal.sql.Database;
import dev.procrastinate.internal.sql.JobDao;
import dev.procrastinate.internal.sql.WorkerDao;
import dev.procrastinate.internal.worker.CallerThreadRunner;
import dev.procrastinate.model.JobStatus;
import dev.procrastinate.model.ProcrastinateJob;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.SQLException;
import java.sql.Statement;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.function.Predicate;
import org.jspecify.annotations.Nullable;

/**
 * The jobs of a {@link ProcrastinateTest} class: assertions on what the code under test deferred,
 * and running due jobs in the test's own thread. Injected as a test parameter. Not thread-safe: use
 * it from the test's thread.
 *
 * <p>"Deferred" means waiting: a job in status {@code todo}. Running a job here goes through the
 * same executor a worker uses (argument decoding, middleware, timeout, retry policy), then writes
 * its outcome as a worker would: a job that fails and is to be retried waits again, scheduled
 * later; {@link #advanceTime(Duration)} makes it due.
 */
public final class TestJobs {
  /** The most jobs one call runs, against a job that defers itself forever. */
  public static final int MAX_RUNS = 10_000;

  private final App app;
  private final String schema;
  private final boolean deleteOnReset;
  private final Database database;
  private final JobDao dao = new JobDao();
  private final WorkerDao workers = new WorkerDao();
  private @Nullable CallerThreadRunner runner;

  TestJobs(App app, String schema, boolean deleteOnReset) {
    this.app = app;
    this.schema = schema;
    this.deleteOnReset = deleteOnReset;
    this.database = app.internals().database();
  }

  /** Returns the schema the app's connections use. */
  static String currentSchema(App app) {
    return app.internals()
        .database()
        .withConnection(
            "reading the test app's schema",
            connection -> {
              try (Statement statement = connection.createStatement();
                  java.sql.ResultSet result = statement.executeQuery("SELECT current_schema()")) {
                result.next();
                return result.getString(1);
              }
            });
  }

  /**
   * Returns the app the jobs are in, which is also the default app during the test.
   *
   * @return the app
   */
  public App app() {
    return app;
  }

  // ---------------------------------------------------------------------------------------------
  // assertions

  /**
   * Returns every waiting job, by id.
   *
   * @return the jobs
   */
  public List<ProcrastinateJob> deferred() {
    List<ProcrastinateJob> all = new ArrayList<>();
    JobFilter page = JobFilter.all().status(JobStatus.TODO);
    List<ProcrastinateJob> jobs;
    do {
      jobs = app.jobManager().listJobs(page);
      all.addAll(jobs);
      if (!jobs.isEmpty()) {
        page = page.afterId(jobs.get(jobs.size() - 1).id());
      }
    } while (jobs.size() == page.limit());
    return all;
  }

  /**
   * Returns the waiting jobs that match, by id.
   *
   * @param match what to look for
   * @return the jobs
   */
  public List<ProcrastinateJob> deferred(JobMatch match) {
    Objects.requireNonNull(match, "match");
    return deferred().stream()
        .filter(job -> match.mismatches(job, app.jsonMapper()).isEmpty())
        .toList();
  }

  /**
   * Asserts that at least one waiting job matches.
   *
   * @param match what to look for
   * @return the first matching job
   * @throws AssertionError if none matches, listing the waiting jobs and how each differs
   */
  public ProcrastinateJob assertDeferred(JobMatch match) {
    List<ProcrastinateJob> found = deferred(match);
    if (found.isEmpty()) {
      throw new AssertionError("expected a deferred job with " + match + ", but " + waiting(match));
    }
    return found.get(0);
  }

  /**
   * Asserts that exactly {@code count} waiting jobs match.
   *
   * @param match what to look for
   * @param count how many
   * @return the matching jobs, by id
   * @throws AssertionError if another number matches
   */
  public List<ProcrastinateJob> assertDeferred(JobMatch match, int count) {
    List<ProcrastinateJob> found = deferred(match);
    if (found.size() != count) {
      throw new AssertionError(
          "expected "
              + count
              + " deferred job"
              + (count == 1 ? "" : "s")
              + " with "
              + match
              + ", found "
              + found.size()
              + "; "
              + waiting(match));
    }
    return found;
  }

  /**
   * Asserts that no waiting job matches.
   *
   * @param match what must not be there
   * @throws AssertionError if one matches, naming it
   */
  public void assertNotDeferred(JobMatch match) {
    List<ProcrastinateJob> found = deferred(match);
    if (!found.isEmpty()) {
      throw new AssertionError(
          "expected no deferred job with " + match + ", but found " + describe(found));
    }
  }

  /**
   * Asserts that no job waits at all.
   *
   * @throws AssertionError if one does, naming each
   */
  public void assertNothingDeferred() {
    List<ProcrastinateJob> found = deferred();
    if (!found.isEmpty()) {
      throw new AssertionError("expected no deferred job, but found " + describe(found));
    }
  }

  private String waiting(JobMatch match) {
    List<ProcrastinateJob> all = deferred();
    if (all.isEmpty()) {
      return "no job is waiting";
    }
    StringBuilder text = new StringBuilder("the waiting jobs are:");
    for (ProcrastinateJob job : all) {
      List<String> wrong = match.mismatches(job, app.jsonMapper());
      text.append("\n  ")
          .append(describe(job))
          .append(wrong.isEmpty() ? " (matches)" : " (differs: " + String.join(", ", wrong) + ")");
    }
    return text.toString();
  }

  private static String describe(List<ProcrastinateJob> jobs) {
    StringBuilder text = new StringBuilder();
    for (ProcrastinateJob job : jobs) {
      text.append("\n  ").append(describe(job));
    }
    return text.toString();
  }

  private static String describe(ProcrastinateJob job) {
    return "job "
        + job.id()
        + " task="
        + job.taskName()
        + " args="
        + job.argsJson()
        + " queue="
        + job.queueName()
        + " priority="
        + job.priority()
        + (job.lock() == null ? "" : " lock=" + job.lock())
        + (job.queueingLock() == null ? "" : " queueing_lock=" + job.queueingLock())
        + (job.scheduledAt() == null ? "" : " scheduled_at=" + job.scheduledAt());
  }

  // ---------------------------------------------------------------------------------------------
  // running

  /**
   * Runs every due job in this thread, one after the other by priority then id, until none is due:
   * jobs that those jobs defer run too, if due.
   *
   * @return the runs
   * @throws JobFailuresError after running them all, if a run did not succeed, with the task's
   *     exception as cause
   */
  public RunReport runDue() {
    return orThrow(run(job -> true));
  }

  /**
   * Runs the due jobs of one task in this thread until none is due; other jobs are left waiting.
   *
   * @param taskName the task's persisted name
   * @return the runs
   * @throws JobFailuresError after running them all, if a run did not succeed
   */
  public RunReport runDue(String taskName) {
    Objects.requireNonNull(taskName, "taskName");
    return orThrow(run(job -> job.taskName().equals(taskName)));
  }

  /**
   * Runs the due jobs of the task a generated deferrer defers, in this thread, until none is due.
   *
   * @param deferrer the generated {@code <Method>Deferrer} class
   * @return the runs
   * @throws JobFailuresError after running them all, if a run did not succeed
   */
  public RunReport runDue(Class<?> deferrer) {
    return runDue(JobMatch.taskName(deferrer));
  }

  /**
   * Runs every due job as {@link #runDue()} does, but returns failed runs instead of throwing.
   *
   * @return the runs, failed ones included
   */
  public RunReport runDueAllowingFailures() {
    return run(job -> true);
  }

  /**
   * Runs the due jobs of one task as {@link #runDue(String)} does, but returns failed runs instead
   * of throwing.
   *
   * @param taskName the task's persisted name
   * @return the runs, failed ones included
   */
  public RunReport runDueAllowingFailures(String taskName) {
    Objects.requireNonNull(taskName, "taskName");
    return run(job -> job.taskName().equals(taskName));
  }

  /**
   * Moves time forward for the waiting jobs: each scheduled one (a retry included) becomes due
   * {@code duration} sooner, without waiting. Jobs with no schedule are due already.
   *
   * @param duration how far, not negative
   * @return how many jobs were moved
   * @throws IllegalArgumentException if the duration is negative
   */
  public int advanceTime(Duration duration) {
    if (duration.isNegative()) {
      throw new IllegalArgumentException("duration must not be negative: " + duration);
    }
    return database.withConnection(
        "moving the waiting jobs' schedules",
        connection -> {
          try (PreparedStatement statement =
              connection.prepareStatement(
                  "UPDATE "
                      + table("procrastinate_jobs")
                      + " SET scheduled_at = scheduled_at - make_interval(secs => ?)"
                      + " WHERE status = 'todo' AND scheduled_at IS NOT NULL")) {
            statement.setDouble(1, duration.toNanos() / 1e9);
            return statement.executeUpdate();
          }
        });
  }

  private static RunReport orThrow(RunReport report) {
    if (!report.failures().isEmpty()) {
      throw new JobFailuresError(report);
    }
    return report;
  }

  private RunReport run(Predicate<ProcrastinateJob> wanted) {
    CallerThreadRunner jobRunner = runner();
    List<JobRun> runs = new ArrayList<>();
    List<Long> skipped = new ArrayList<>();
    try (Connection connection = database.connect("running jobs in the test's thread")) {
      long workerId = workers.register(connection);
      try {
        while (true) {
          List<ProcrastinateJob> fetched = dao.fetchMany(connection, null, workerId, 1);
          if (fetched.isEmpty()) {
            break;
          }
          ProcrastinateJob job = fetched.get(0);
          if (!wanted.test(job)) {
            // Held (doing) until the end, so the next fetch looks past it; then handed back.
            skipped.add(job.id());
            continue;
          }
          if (runs.size() == MAX_RUNS) {
            skipped.add(job.id());
            throw new AssertionError(
                "more than "
                    + MAX_RUNS
                    + " jobs ran in one call; does a task defer itself every time it runs? The"
                    + " last one: "
                    + describe(job));
          }
          runs.add(runOne(connection, job, workerId, jobRunner));
        }
      } finally {
        if (!skipped.isEmpty()) {
          dao.releaseUnstarted(
              connection, skipped.stream().mapToLong(Long::longValue).toArray(), workerId);
        }
        workers.unregister(connection, workerId);
      }
    } catch (SQLException e) {
      throw database.translate("running jobs in the test's thread", e);
    }
    return new RunReport(runs);
  }

  private JobRun runOne(
      Connection connection, ProcrastinateJob job, long workerId, CallerThreadRunner jobRunner)
      throws SQLException {
    long[] ids = {job.id()};
    CallerThreadRunner.Outcome outcome = jobRunner.run(job, headers(connection, ids));
    if (outcome.retry() != null) {
      dao.retryRunning(
          connection, List.of(JobDao.Retry.of(job, outcome.retry(), Instant.now())), workerId);
    } else if (outcome.delete()) {
      dao.deleteRunning(connection, ids, new int[] {job.attempts()}, workerId);
    } else {
      String result = outcome.result();
      if (result != null) {
        dao.recordResults(
            connection, workerId, List.of(new JobDao.Result(job.id(), job.attempts(), result)));
      }
      dao.finishRunning(
          connection,
          ids,
          new int[] {job.attempts()},
          new JobStatus[] {Objects.requireNonNull(outcome.status())},
          workerId);
    }
    return new JobRun(job, outcome.status(), outcome.retry(), outcome.failure());
  }

  private Map<String, String> headers(Connection connection, long[] ids) throws SQLException {
    String json = dao.headers(connection, ids).get(ids[0]);
    if (json == null) {
      return Map.of();
    }
    try {
      return app.jsonMapper().readValue(json, new TypeReference<Map<String, String>>() {});
    } catch (JsonProcessingException e) {
      throw new IllegalStateException("job " + ids[0] + " has headers that are not JSON", e);
    }
  }

  private CallerThreadRunner runner() {
    CallerThreadRunner current = runner;
    if (current == null) {
      current = app.internals().callerThreadRunner(WorkerOptions.builder().name("test").build());
      runner = current;
    }
    return current;
  }

  /**
   * Empties the schema's job tables, before each test: TRUNCATE in a schema of the test's own;
   * DELETE in an application's database (a Spring context's), where the application's foreign keys
   * to jobs act as they were declared instead of emptying every table that has one.
   */
  void reset() {
    if (deleteOnReset) {
      database.withConnection(
          "emptying the test database's jobs",
          connection -> {
            try (Statement statement = connection.createStatement()) {
              statement.execute("DELETE FROM " + table("procrastinate_periodic_defers"));
              statement.execute("DELETE FROM " + table("procrastinate_jobs"));
              statement.execute("DELETE FROM " + table("procrastinate_workers"));
            }
            return null;
          });
      return;
    }
    database.withConnection(
        "emptying the test schema's jobs",
        connection -> {
          try (Statement statement = connection.createStatement()) {
            statement.execute(
                "TRUNCATE "
                    + table("procrastinate_jobs")
                    + ", "
                    + table("procrastinate_periodic_defers")
                    + ", "
                    + table("procrastinate_workers")
                    + " RESTART IDENTITY CASCADE");
          }
          return null;
        });
  }

  private String table(String name) {
    return "\"" + schema + "\"." + name;
  }
}
