package dev.procrastinate.jpa;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.procrastinate.NewJob;
import dev.procrastinate.model.JobEventType;
import dev.procrastinate.model.JobStatus;
import dev.procrastinate.testing.TestDatabase;
import org.hibernate.SessionFactory;
import org.hibernate.cfg.AvailableSettings;
import org.hibernate.cfg.Configuration;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

/** The entities under plain Hibernate, without Spring, on a real PostgreSQL. */
class ReadOnlyEntitiesTest {
  @RegisterExtension static final TestDatabase DB = TestDatabase.migrated();

  private static SessionFactory sessions;

  @BeforeAll
  static void buildSessionFactory() {
    Configuration configuration =
        new Configuration()
            .addAnnotatedClass(ProcrastinateJob.class)
            .addAnnotatedClass(ProcrastinateEvent.class)
            .addAnnotatedClass(ProcrastinateJobFailure.class)
            .setProperty(AvailableSettings.HBM2DDL_AUTO, "validate");
    configuration
        .getProperties()
        .put(AvailableSettings.JAKARTA_NON_JTA_DATASOURCE, DB.dataSource());
    sessions = configuration.buildSessionFactory();
  }

  @AfterAll
  static void close() {
    sessions.close();
  }

  @Test
  void readsAJobAndItsEvents() {
    long id =
        DB.app()
            .jobManager()
            .defer(
                NewJob.builder("mail.send")
                    .queue("emails")
                    .lock("user-1")
                    .argsJson("{\"to\": \"ada\"}")
                    .build());

    sessions.inSession(
        session -> {
          ProcrastinateJob job = session.find(ProcrastinateJob.class, id);
          assertThat(job.getTaskName()).isEqualTo("mail.send");
          assertThat(job.getQueueName()).isEqualTo("emails");
          assertThat(job.getLock()).isEqualTo("user-1");
          assertThat(job.getStatus()).isEqualTo(JobStatus.TODO);
          assertThat(job.getArgs()).contains("\"to\"").contains("\"ada\"");
          assertThat(job.getAttempts()).isZero();
          assertThat(job.isAbortRequested()).isFalse();

          Long todo =
              session
                  .createSelectionQuery(
                      "select count(*) from ProcrastinateJob j where j.status = :status"
                          + " and j.taskName = :task",
                      Long.class)
                  .setParameter("status", JobStatus.TODO)
                  .setParameter("task", "mail.send")
                  .getSingleResult();
          assertThat(todo).isEqualTo(1L);

          ProcrastinateEvent event =
              session
                  .createSelectionQuery(
                      "from ProcrastinateEvent e where e.jobId = :id and e.type = :type",
                      ProcrastinateEvent.class)
                  .setParameter("id", id)
                  .setParameter("type", JobEventType.DEFERRED)
                  .getSingleResult();
          assertThat(event.getJob()).isEqualTo(job);
          assertThat(event.getAt()).isNotNull();
        });
  }

  @Test
  void readsTheRecordedFailuresOfAJob() throws Exception {
    long id = DB.app().jobManager().defer(NewJob.builder("mail.bounce").build());
    try (java.sql.Connection c = DB.newConnection();
        java.sql.PreparedStatement insert =
            c.prepareStatement(
                "INSERT INTO procrastinate_java_job_failures (job_id, attempt, status,"
                    + " worker_name, exception_class, message, stack_trace, details)"
                    + " VALUES (?, 1, 'failed', 'w1', 'java.io.IOException', 'smtp down',"
                    + " 'java.io.IOException: smtp down', '{\"host\": \"mx1\"}')")) {
      insert.setLong(1, id);
      insert.executeUpdate();
    }

    sessions.inSession(
        session -> {
          ProcrastinateJobFailure failure =
              session.find(ProcrastinateJobFailure.class, new ProcrastinateJobFailure.Key(id, 1));
          assertThat(failure.getExceptionClass()).isEqualTo("java.io.IOException");
          assertThat(failure.getMessage()).isEqualTo("smtp down");
          assertThat(failure.getStatus()).isEqualTo("failed");
          assertThat(failure.getWorkerName()).isEqualTo("w1");
          assertThat(failure.getStackTrace()).startsWith("java.io.IOException");
          assertThat(failure.getDetails()).contains("\"host\"").contains("\"mx1\"");
          assertThat(failure.getFailedAt()).isNotNull();
          assertThat(
                  session
                      .createSelectionQuery(
                          "from ProcrastinateJobFailure f where f.jobId = :id order by f.attempt",
                          ProcrastinateJobFailure.class)
                      .setParameter("id", id)
                      .getResultList())
              .containsExactly(failure);
        });
  }

  @Test
  void refusesPersistAndRemove() {
    long id = DB.app().jobManager().defer(NewJob.builder("report.build").build());

    assertThatThrownBy(
            () -> sessions.inTransaction(session -> session.persist(new ProcrastinateJob())))
        .isInstanceOf(UnsupportedOperationException.class)
        .hasMessageContaining("cannot persist ProcrastinateJob")
        .hasMessageContaining("JobManager");
    assertThatThrownBy(
            () ->
                sessions.inTransaction(
                    session -> session.remove(session.find(ProcrastinateJob.class, id))))
        .isInstanceOf(UnsupportedOperationException.class)
        .hasMessageContaining("cannot remove ProcrastinateJob");
    assertThat(DB.app().jobManager().getStatus(id)).contains(JobStatus.TODO);
  }
}
