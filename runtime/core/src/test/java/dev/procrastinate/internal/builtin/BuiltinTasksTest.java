package dev.procrastinate.internal.builtin;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.procrastinate.App;
import dev.procrastinate.NewJob;
import dev.procrastinate.WorkerOptions;
import dev.procrastinate.model.JobStatus;
import dev.procrastinate.spi.TaskDescriptor;
import dev.procrastinate.spi.TaskRegistrar;
import dev.procrastinate.testing.Sql;
import dev.procrastinate.testing.TestDatabase;
import java.time.Duration;
import java.util.List;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

/** The builtin remove_old_jobs task, deferred as Python defers it, run by a Java worker. */
class BuiltinTasksTest {
  @RegisterExtension static final TestDatabase DB = TestDatabase.migrated();

  private Sql sql;
  private App app;

  @BeforeEach
  void setUp() throws Exception {
    sql = new Sql(DB.dataSource());
    sql.execute("DELETE FROM procrastinate_periodic_defers");
    sql.execute("DELETE FROM procrastinate_jobs");
    sql.execute("DELETE FROM procrastinate_workers");
    TaskDescriptor old = TaskDescriptor.builder("t.old").build((context, args) -> null);
    TaskRegistrar registrar = () -> List.of(old);
    app = App.builder().dataSource(DB.dataSource()).taskRegistrars(List.of(registrar)).build();
  }

  private long ended(String status, String queue) throws Exception {
    long id = app.jobManager().defer(NewJob.builder("t.old").queue(queue).build());
    assertThat(sql.fetch(null)).isEqualTo(id);
    sql.finish(id, status);
    return id;
  }

  private long cancelled(String queue) {
    long id = app.jobManager().defer(NewJob.builder("t.old").queue(queue).build());
    assertThat(app.jobManager().cancel(id)).isTrue();
    return id;
  }

  private void runBuiltinQueue() throws Exception {
    app.worker(
            WorkerOptions.builder()
                .installSignalHandlers(false)
                .waitForJobs(false)
                .queues(BuiltinTasks.QUEUE)
                .build())
        .run();
  }

  private boolean exists(long id) {
    return app.jobManager().getJob(id).isPresent();
  }

  @Test
  void removeOldJobsDeferredByNameWithUpstreamArgsDeletesTheRightJobs() throws Exception {
    long succeeded = ended("succeeded", "default");
    long failed = ended("failed", "default");
    long aborted = ended("aborted", "default");
    long cancelled = cancelled("default");
    long otherQueue = ended("succeeded", "other");
    long recent = ended("succeeded", "default");
    // Scheduled later, so that the fetches of ended(...) leave it waiting.
    long waiting =
        app.jobManager().defer(NewJob.builder("t.old").scheduleIn(Duration.ofHours(1)).build());
    sql.execute(
        "UPDATE procrastinate_events SET at = now() - interval '2 hours' WHERE job_id <> ?",
        recent);

    // As Python's remove_old_jobs.defer(max_hours=1, remove_failed=True) writes it.
    long cleanup =
        app.jobManager()
            .defer(
                NewJob.builder("builtin:procrastinate.builtin_tasks.remove_old_jobs")
                    .queue("builtin")
                    .argsJson("{\"max_hours\": 1, \"remove_failed\": true}")
                    .build());
    runBuiltinQueue();

    assertThat(app.jobManager().getStatus(cleanup)).contains(JobStatus.SUCCEEDED);
    assertThat(exists(succeeded)).isFalse();
    assertThat(exists(failed)).isFalse();
    assertThat(exists(otherQueue)).isFalse();
    assertThat(exists(aborted)).isTrue();
    assertThat(exists(cancelled)).isTrue();
    assertThat(exists(waiting)).isTrue();
    assertThat(exists(recent)).isTrue();

    // By alias, one queue, the other statuses, a fractional max_hours.
    long otherAborted = ended("aborted", "other");
    sql.execute(
        "UPDATE procrastinate_events SET at = now() - interval '2 hours' WHERE job_id = ?",
        otherAborted);
    long second =
        app.jobManager()
            .defer(
                NewJob.builder("procrastinate.builtin_tasks.remove_old_jobs")
                    .queue("builtin")
                    .argsJson(
                        "{\"max_hours\": 1.5, \"queue\": \"default\", \"remove_cancelled\": true,"
                            + " \"remove_aborted\": true, \"remove_failed\": false}")
                    .build());
    runBuiltinQueue();

    assertThat(app.jobManager().getStatus(second)).contains(JobStatus.SUCCEEDED);
    assertThat(exists(aborted)).isFalse();
    assertThat(exists(cancelled)).isFalse();
    assertThat(exists(otherAborted)).isTrue();
    assertThat(exists(waiting)).isTrue();
    assertThat(exists(recent)).isTrue();
    assertThat(exists(cleanup)).isTrue();
  }

  @Test
  void missingMaxHoursFailsTheJob() throws Exception {
    long job =
        app.jobManager()
            .defer(
                NewJob.builder(BuiltinTasks.REMOVE_OLD_JOBS)
                    .queue("builtin")
                    .argsJson("{\"remove_failed\": true}")
                    .build());
    runBuiltinQueue();
    assertThat(app.jobManager().getStatus(job)).contains(JobStatus.FAILED);
  }

  @Test
  void everyAppKnowsTheBuiltinTaskUnderUpstreamNames() {
    assertThat(app.taskNames())
        .containsExactly(
            "t.old",
            "builtin:procrastinate.builtin_tasks.remove_old_jobs",
            "procrastinate.builtin_tasks.remove_old_jobs");
    App bare = App.builder().dataSource(DB.dataSource()).taskRegistrars(List.of()).build();
    assertThat(bare.taskNames())
        .containsExactly(BuiltinTasks.REMOVE_OLD_JOBS, BuiltinTasks.REMOVE_OLD_JOBS_ALIAS);
    TaskDescriptor task = new BuiltinTasks((age, queue, f, c, a) -> 0).tasks().get(0);
    assertThat(task.queue()).isEqualTo("builtin");
    assertThat(BuiltinTasks.isBuiltin(task)).isTrue();
  }

  @Test
  void aUserTaskUnderTheBuiltinNameFailsFastNamingBothSources() {
    TaskDescriptor clash =
        TaskDescriptor.builder("procrastinate.builtin_tasks.remove_old_jobs")
            .source("com.acme.Cleanup.removeOldJobs()")
            .build((context, args) -> null);
    TaskRegistrar registrar = () -> List.of(clash);
    App clashing =
        App.builder().dataSource(DB.dataSource()).taskRegistrars(List.of(registrar)).build();
    assertThatThrownBy(clashing::taskNames)
        .isInstanceOf(IllegalStateException.class)
        .hasMessageContaining("procrastinate.builtin_tasks.remove_old_jobs")
        .hasMessageContaining("com.acme.Cleanup.removeOldJobs()")
        .hasMessageContaining("the builtin task remove_old_jobs");
    assertThatThrownBy(() -> clashing.worker(WorkerOptions.builder().build()))
        .isInstanceOf(IllegalStateException.class);
  }

  @Test
  void fractionalMaxHoursAreHonoured() throws Exception {
    long justOld = ended("succeeded", "default");
    long notYet = ended("succeeded", "default");
    sql.execute(
        "UPDATE procrastinate_events SET at = now() - interval '31 minutes' WHERE job_id = ?",
        justOld);
    sql.execute(
        "UPDATE procrastinate_events SET at = now() - interval '29 minutes' WHERE job_id = ?",
        notYet);
    app.jobManager()
        .defer(
            NewJob.builder(BuiltinTasks.REMOVE_OLD_JOBS)
                .queue("builtin")
                .argsJson("{\"max_hours\": 0.5}")
                .build());
    runBuiltinQueue();
    assertThat(exists(justOld)).isFalse();
    assertThat(exists(notYet)).isTrue();
  }
}
