package dev.procrastinate.internal.sql;

import static org.assertj.core.api.Assertions.assertThat;

import dev.procrastinate.model.JobStatus;
import dev.procrastinate.model.ProcrastinateJob;
import dev.procrastinate.testing.Sql;
import dev.procrastinate.testing.TestDatabase;
import java.sql.Connection;
import java.sql.SQLException;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

/**
 * The worker's outcome writes apply only to a job still running for that worker (or for none): a
 * replayed batch, or an outcome that comes after another worker rescued and fetched the job,
 * changes nothing.
 */
class OutcomeWritesTest {
  @RegisterExtension static final TestDatabase DB = TestDatabase.migrated();

  private final JobDao dao = new JobDao();
  private final WorkerDao workers = new WorkerDao();
  private Sql sql;
  private long first;
  private long second;

  @BeforeEach
  void setUp() throws Exception {
    sql = new Sql(DB.dataSource());
    sql.execute("DELETE FROM procrastinate_jobs");
    sql.execute("DELETE FROM procrastinate_workers");
    try (Connection c = DB.dataSource().getConnection()) {
      first = workers.register(c);
      second = workers.register(c);
    }
  }

  private long deferAndFetchFor(long workerId) throws SQLException {
    try (Connection c = DB.dataSource().getConnection()) {
      long id = dao.deferMany(c, List.of(new JobDao.Row("q", "t", 0, null, null, "{}", null)))[0];
      assertThat(dao.fetchMany(c, null, workerId, 1)).singleElement().matches(j -> j.id() == id);
      return id;
    }
  }

  private String status(long id) throws SQLException {
    return sql.value("SELECT status || '/' || attempts FROM procrastinate_jobs WHERE id = ?", id);
  }

  private static JobDao.Retry retryNow(long id) {
    return new JobDao.Retry(id, 0, Instant.now().minusSeconds(1), null, null, null);
  }

  @Test
  void aReplayedRetryCannotMoveAJobAnotherWorkerFetchedMeanwhile() throws Exception {
    long id = deferAndFetchFor(first);
    try (Connection c = DB.dataSource().getConnection()) {
      assertThat(dao.retryRunning(c, List.of(retryNow(id)), first)).containsExactly(id);
      assertThat(dao.fetchMany(c, null, second, 1)).hasSize(1);
      // The first write's answer was lost: the completer sends it again.
      assertThat(dao.retryRunning(c, List.of(retryNow(id)), first)).isEmpty();
      assertThat(
              dao.finishRunning(
                  c, new long[] {id}, new int[1], new JobStatus[] {JobStatus.FAILED}, first))
          .isEmpty();
      assertThat(dao.deleteRunning(c, new long[] {id}, new int[1], first)).isEmpty();
    }
    assertThat(status(id)).isEqualTo("doing/1");
    assertThat(sql.value("SELECT worker_id FROM procrastinate_jobs WHERE id = ?", id))
        .isEqualTo(Long.toString(second));
  }

  /**
   * A batch of outcomes larger than one statement's share ({@link JobDao#OUTCOME_CHUNK}) is written
   * in slices: every job ends, each with its own status, and a replay changes nothing. The slicing
   * keeps a generic plan's nested loop from comparing every outcome with every job.
   */
  @Test
  void aBatchLargerThanOneStatementsShareEndsEachJobWithItsOwnStatus() throws Exception {
    int count = 2 * JobDao.OUTCOME_CHUNK + 37;
    long[] ended;
    long[] deleted;
    JobStatus[] statuses = new JobStatus[count];
    for (int i = 0; i < count; i++) {
      statuses[i] = i % 3 == 0 ? JobStatus.FAILED : JobStatus.SUCCEEDED;
    }
    try (Connection c = DB.dataSource().getConnection()) {
      List<JobDao.Row> rows = new ArrayList<>();
      for (int i = 0; i < 2 * count; i++) {
        rows.add(new JobDao.Row("q", "t", 0, null, null, "{}", null));
      }
      dao.deferMany(c, rows);
      long[] fetched =
          dao.fetchMany(c, null, first, 2 * count).stream()
              .mapToLong(ProcrastinateJob::id)
              .toArray();
      assertThat(fetched).hasSize(2 * count);
      ended = Arrays.copyOfRange(fetched, 0, count);
      deleted = Arrays.copyOfRange(fetched, count, 2 * count);

      assertThat(dao.finishRunning(c, ended, new int[count], statuses, first))
          .containsExactlyInAnyOrder(ended);
      assertThat(dao.finishRunning(c, ended, new int[count], statuses, first)).isEmpty();
      assertThat(dao.deleteRunning(c, deleted, new int[count], first))
          .containsExactlyInAnyOrder(deleted);
    }
    for (int i = 0; i < count; i++) {
      assertThat(status(ended[i])).isEqualTo(statuses[i].dbValue() + "/1");
    }
    assertThat(sql.value("SELECT count(*) FROM procrastinate_jobs"))
        .isEqualTo(Integer.toString(count));
  }

  @Test
  void aReplayedEndChangesNothing() throws Exception {
    long id = deferAndFetchFor(first);
    try (Connection c = DB.dataSource().getConnection()) {
      long[] ids = {id};
      JobStatus[] statuses = {JobStatus.SUCCEEDED};
      assertThat(dao.finishRunning(c, ids, new int[ids.length], statuses, first))
          .containsExactly(id);
      assertThat(dao.finishRunning(c, ids, new int[ids.length], statuses, first)).isEmpty();
    }
    assertThat(status(id)).as("attempts counted once").isEqualTo("succeeded/1");
  }

  @Test
  void anOutcomeAppliesToAJobLeftWithoutWorkerByAPruneButNotToAWaitingOne() throws Exception {
    long pruned = deferAndFetchFor(first);
    long rescued = deferAndFetchFor(second);
    try (Connection c = DB.dataSource().getConnection()) {
      // Both workers were pruned; a rescuer retried the second worker's job.
      sql.execute("UPDATE procrastinate_jobs SET worker_id = NULL");
      assertThat(dao.retryRunning(c, List.of(retryNow(rescued)), JobDao.NO_WORKER))
          .containsExactly(rescued);
      assertThat(
              dao.finishRunning(
                  c,
                  new long[] {pruned, rescued},
                  new int[2],
                  new JobStatus[] {JobStatus.SUCCEEDED, JobStatus.SUCCEEDED},
                  first))
          .containsExactly(pruned);
    }
    assertThat(status(pruned)).isEqualTo("succeeded/1");
    assertThat(status(rescued)).as("the rescued job waits for its new run").isEqualTo("todo/1");
  }

  @Test
  void aRescueTakesOnlyJobsRunningForNoWorker() throws Exception {
    long mine = deferAndFetchFor(first);
    try (Connection c = DB.dataSource().getConnection()) {
      assertThat(dao.retryRunning(c, List.of(retryNow(mine)), JobDao.NO_WORKER)).isEmpty();
      assertThat(
              dao.finishRunning(
                  c,
                  new long[] {mine},
                  new int[1],
                  new JobStatus[] {JobStatus.FAILED},
                  JobDao.NO_WORKER))
          .isEmpty();
    }
    assertThat(status(mine)).isEqualTo("doing/0");
  }

  @Test
  void jobsFetchedAheadGoBackToTheQueueOrEndCancelledWhenAnAbortWasRequested() throws Exception {
    long waiting = deferAndFetchFor(first);
    long abortRequested;
    try (Connection c = DB.dataSource().getConnection()) {
      abortRequested =
          dao.deferMany(c, List.of(new JobDao.Row("q", "t", 0, null, null, "{}", null)))[0];
      assertThat(dao.fetchMany(c, null, first, 1)).hasSize(1);
      sql.execute(
          "UPDATE procrastinate_jobs SET abort_requested = true WHERE id = ?", abortRequested);
      assertThat(dao.releaseUnstarted(c, new long[] {waiting, abortRequested}, second)).isEmpty();
      assertThat(dao.releaseUnstarted(c, new long[] {waiting, abortRequested}, first))
          .containsExactlyInAnyOrder(waiting, abortRequested);
    }
    assertThat(status(waiting)).isEqualTo("todo/0");
    assertThat(status(abortRequested)).isEqualTo("cancelled/0");
    assertThat(sql.value("SELECT worker_id IS NULL FROM procrastinate_jobs WHERE id = ?", waiting))
        .isEqualTo("t");
  }

  @Test
  void theNextDueJobIsFoundPerQueue() throws Exception {
    try (Connection c = DB.dataSource().getConnection()) {
      assertThat(dao.nextDue(c, null).millis()).isNull();
      dao.deferMany(
          c,
          List.of(
              new JobDao.Row("a", "t", 0, null, null, "{}", Instant.now().plusSeconds(60)),
              new JobDao.Row("b", "t", 0, null, null, "{}", Instant.now().plusSeconds(5)),
              new JobDao.Row("b", "t", 0, null, null, "{}", Instant.now().minusSeconds(5))));
      assertThat(dao.nextDue(c, null).millis()).isBetween(1L, 5_000L);
      assertThat(dao.nextDue(c, new String[] {"a"}).millis()).isBetween(50_000L, 60_000L);
      assertThat(dao.nextDue(c, new String[] {"c"}).millis()).isNull();
    }
  }
}
