package dev.procrastinate.internal.await;

import static org.assertj.core.api.Assertions.assertThat;

import dev.procrastinate.NewJob;
import dev.procrastinate.internal.sql.Database;
import dev.procrastinate.internal.sql.JobDao;
import dev.procrastinate.model.JobStatus;
import dev.procrastinate.model.ProcrastinateJob;
import dev.procrastinate.testing.Sql;
import dev.procrastinate.testing.TestDatabase;
import java.util.Optional;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

/**
 * What wakes a waiter: with the safety look an hour away, the outcome statement of this runtime's
 * workers, which notifies in its transaction, wakes it (upstream's finish notifies nothing; {@code
 * AwaitJobTest} shows the look finds such an end).
 */
class JobWaitersTest {
  @RegisterExtension static final TestDatabase DB = TestDatabase.migrated();

  private Sql sql;

  @BeforeEach
  void setUp() throws Exception {
    sql = new Sql(DB.dataSource());
    sql.execute("DELETE FROM procrastinate_jobs");
  }

  @Test
  void theOutcomesNotificationWakesAWaiterAndUpstreamsFinishDoesNot() throws Exception {
    Database database = DB.app().internals().database();
    long ours = DB.app().jobManager().defer(NewJob.builder("w.task").build());
    long python = DB.app().jobManager().defer(NewJob.builder("w.task").build());
    sql.execute("SELECT id FROM procrastinate_fetch_job_v2(NULL, NULL)");
    sql.execute("SELECT id FROM procrastinate_fetch_job_v2(NULL, NULL)");
    try (JobWaiters waiters = new JobWaiters(database, TimeUnit.HOURS.toMillis(1))) {
      CompletableFuture<Optional<ProcrastinateJob>> oursEnded = waiters.await(ours);
      CompletableFuture<Optional<ProcrastinateJob>> pythonEnded = waiters.await(python);

      sql.execute("SELECT procrastinate_finish_job_v1(?, 'succeeded', false)", python);
      database.withConnection(
          "ending a job as a worker does",
          c ->
              new JobDao()
                  .finishRunning(
                      c, new long[] {ours}, new int[1], new JobStatus[] {JobStatus.SUCCEEDED}, 0));

      assertThat(oursEnded.get(10, TimeUnit.SECONDS))
          .hasValueSatisfying(job -> assertThat(job.status()).isEqualTo(JobStatus.SUCCEEDED));
      // The notification made the thread look at every waiter: the other job, ended before it,
      // was seen too.
      assertThat(pythonEnded.get(10, TimeUnit.SECONDS)).isPresent();
    }
  }
}
