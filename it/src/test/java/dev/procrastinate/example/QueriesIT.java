package dev.procrastinate.example;

import static org.assertj.core.api.Assertions.assertThat;

import dev.procrastinate.JobFilter;
import dev.procrastinate.JobManager;
import dev.procrastinate.model.JobCounts;
import dev.procrastinate.model.JobEventType;
import dev.procrastinate.model.JobStatus;
import dev.procrastinate.model.ProcrastinateEvent;
import dev.procrastinate.model.ProcrastinateJob;
import dev.procrastinate.testing.TestDatabase;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

/**
 * The "Read-only models and queries" sample of runtime/docs/tasks.md, over jobs of the example
 * application.
 */
class QueriesIT {
  @RegisterExtension static final TestDatabase DB = TestDatabase.migrated();

  @Test
  void theReadmeQueriesRun() {
    Instant since = Instant.now().minusSeconds(60);
    long[] ids =
        SendWelcomeDeferrer.configure().app(DB.app()).batch().add(1L, "a").add(2L, "b").defer();
    long rebuild = RebuildDeferrer.configure().app(DB.app()).defer(7L, true);
    for (long id : ids) {
      DB.app().jobManager().cancel(id);
    }

    JobManager jobs = DB.app().jobManager();
    JobFilter cancelled = JobFilter.all().queue("emails").status(JobStatus.CANCELLED).limit(1);
    List<ProcrastinateJob> page = jobs.listJobs(cancelled);
    List<ProcrastinateJob> next = jobs.listJobs(cancelled.afterId(page.get(page.size() - 1).id()));
    assertThat(page).extracting(ProcrastinateJob::id).containsExactly(ids[0]);
    assertThat(next).extracting(ProcrastinateJob::id).containsExactly(ids[1]);

    assertThat(jobs.listJobs(JobFilter.all().statusIn(JobStatus.TODO, JobStatus.DOING)))
        .extracting(ProcrastinateJob::id)
        .containsExactly(rebuild);
    assertThat(jobs.listJobs(JobFilter.all().deferredBetween(since, null))).hasSize(3);
    assertThat(jobs.listJobs(JobFilter.all().scheduledBetween(since, null))).isEmpty();
    assertThat(jobs.countByQueue(JobFilter.all()))
        .extracting(JobCounts::name, JobCounts::total)
        .containsExactly(
            org.assertj.core.groups.Tuple.tuple("emails", 2L),
            org.assertj.core.groups.Tuple.tuple("reports", 1L));
    assertThat(jobs.countByStatus(JobFilter.all().task("myapp.tasks.send_welcome")))
        .containsEntry(JobStatus.CANCELLED, 2L);
    assertThat(jobs.listEvents(ids[0]))
        .extracting(ProcrastinateEvent::type)
        .containsExactly(JobEventType.DEFERRED, JobEventType.CANCELLED);
    assertThat(jobs.listPeriodicDefers(null)).isEmpty();
    assertThat(jobs.listWorkers()).isEmpty();
    assertThat(jobs.listStalledJobs(Duration.ofSeconds(30), null, null)).isEmpty();
  }
}
