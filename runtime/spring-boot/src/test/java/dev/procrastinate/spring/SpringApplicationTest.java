package dev.procrastinate.spring;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.procrastinate.App;
import dev.procrastinate.JobManager;
import dev.procrastinate.NewJob;
import dev.procrastinate.jpa.ProcrastinateJob;
import dev.procrastinate.model.JobEventType;
import dev.procrastinate.model.JobStatus;
import dev.procrastinate.spring.app.Order;
import dev.procrastinate.spring.app.OrderRepository;
import dev.procrastinate.spring.app.TestApplication;
import dev.procrastinate.spring.jpa.ProcrastinateEventRepository;
import dev.procrastinate.spring.jpa.ProcrastinateJobFailureRepository;
import dev.procrastinate.spring.jpa.ProcrastinateJobRepository;
import dev.procrastinate.testing.Await;
import dev.procrastinate.testing.TestDatabase;
import jakarta.persistence.EntityManager;
import java.time.Duration;
import java.util.Optional;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.MethodOrderer;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestMethodOrder;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.springframework.beans.BeanUtils;
import org.springframework.boot.WebApplicationType;
import org.springframework.boot.builder.SpringApplicationBuilder;
import org.springframework.boot.health.contributor.Health;
import org.springframework.boot.health.contributor.HealthIndicator;
import org.springframework.boot.health.contributor.Status;
import org.springframework.context.ConfigurableApplicationContext;
import org.springframework.transaction.PlatformTransactionManager;
import org.springframework.transaction.support.TransactionTemplate;

/**
 * One real Spring Boot application with JPA, Flyway and the worker enabled: the worker runs jobs
 * deferred through the default app, the repositories read them, an entity's relation follows a
 * deleted job, and the shutdown drains the running job.
 */
@TestMethodOrder(MethodOrderer.OrderAnnotation.class)
@Timeout(value = 120, unit = TimeUnit.SECONDS)
class SpringApplicationTest {
  @RegisterExtension static final TestDatabase DB = TestDatabase.empty();

  private static ConfigurableApplicationContext context;

  @BeforeAll
  static void start() {
    context =
        new SpringApplicationBuilder(TestApplication.class)
            .web(WebApplicationType.NONE)
            .properties(
                "spring.datasource.url=" + DB.url(),
                "spring.datasource.username=" + DB.user(),
                "spring.datasource.password=" + DB.password(),
                "spring.flyway.locations=classpath:db/spring-test",
                "spring.liquibase.enabled=false", // Liquibase is on the class path for its own test
                "spring.jpa.hibernate.ddl-auto=validate",
                "procrastinate.worker.enabled=true",
                "procrastinate.worker.concurrency=2",
                "procrastinate.worker.fetch-job-polling-interval=1",
                "procrastinate.worker.shutdown-graceful-timeout=60s")
            .run();
  }

  @AfterAll
  static void stop() {
    if (context.isActive()) {
      context.close();
    }
  }

  @Test
  @org.junit.jupiter.api.Order(1)
  void theWorkerRunsAJobDeferredThroughTheDefaultApp() throws InterruptedException {
    App app = context.getBean(App.class);
    assertThat(App.getDefault()).isSameAs(app);
    long id = App.getDefault().jobManager().defer(NewJob.builder("spring.quick").build());
    assertThat(TestApplication.QUICK_RAN.await(30, TimeUnit.SECONDS)).isTrue();
    Await.until(
        Duration.ofSeconds(30),
        () -> app.jobManager().getStatus(id).equals(Optional.of(JobStatus.SUCCEEDED)),
        "job " + id + " succeeded");

    ProcrastinateJobRepository jobs = context.getBean(ProcrastinateJobRepository.class);
    assertThat(jobs.countByTaskName("spring.quick")).isEqualTo(1);
    assertThat(jobs.countByTaskNameAndStatus("spring.quick", JobStatus.SUCCEEDED)).isEqualTo(1);
    assertThat(jobs.findByStatus(JobStatus.SUCCEEDED))
        .extracting(ProcrastinateJob::getId)
        .contains(id);
    assertThat(
            context.getBean(ProcrastinateEventRepository.class).findByJobIdOrderByIdAsc(id).stream()
                .map(e -> e.getType()))
        .contains(JobEventType.DEFERRED, JobEventType.STARTED, JobEventType.SUCCEEDED);
    // A job that succeeded at once has no recorded failure; the repository reads the table.
    ProcrastinateJobFailureRepository failures =
        context.getBean(ProcrastinateJobFailureRepository.class);
    assertThat(failures.findByJobIdOrderByAttemptAsc(id)).isEmpty();
    assertThat(failures.countByExceptionClass("java.lang.IllegalStateException")).isZero();
  }

  @Test
  @org.junit.jupiter.api.Order(2)
  void anEntityReferencingAJobLosesItWhenTheJobIsDeleted() {
    JobManager jobs = context.getBean(JobManager.class);
    long id = jobs.defer(NewJob.builder("spring.quick").scheduleIn(Duration.ofDays(1)).build());
    EntityManager entityManager = context.getBean(EntityManager.class);
    TransactionTemplate transaction =
        new TransactionTemplate(context.getBean(PlatformTransactionManager.class));
    OrderRepository orders = context.getBean(OrderRepository.class);
    Long orderId =
        transaction.execute(
            status ->
                orders
                    .save(new Order("A-1", entityManager.getReference(ProcrastinateJob.class, id)))
                    .getId());

    assertThat(jobs.cancelAndDelete(id)).isTrue();

    transaction.executeWithoutResult(
        status -> assertThat(orders.findById(orderId).orElseThrow().getJob()).isNull());
  }

  @Test
  @org.junit.jupiter.api.Order(3)
  void aPersistOfAJobIsRefused() {
    EntityManager entityManager = context.getBean(EntityManager.class);
    TransactionTemplate transaction =
        new TransactionTemplate(context.getBean(PlatformTransactionManager.class));
    assertThatThrownBy(
            () ->
                transaction.executeWithoutResult(
                    status ->
                        entityManager.persist(BeanUtils.instantiateClass(ProcrastinateJob.class))))
        .hasStackTraceContaining("cannot persist ProcrastinateJob");
  }

  @Test
  @org.junit.jupiter.api.Order(4)
  void healthReportsTheWorker() {
    Health health = context.getBean("procrastinateHealthIndicator", HealthIndicator.class).health();
    assertThat(health.getStatus()).isEqualTo(Status.UP);
    assertThat(health.getDetails()).containsKeys("database", "schema", "worker");
  }

  @Test
  @org.junit.jupiter.api.Order(5)
  void shutdownLetsTheRunningJobEnd() throws InterruptedException {
    long id = context.getBean(JobManager.class).defer(NewJob.builder("spring.slow").build());
    assertThat(TestApplication.SLOW_STARTED.await(30, TimeUnit.SECONDS)).isTrue();

    Thread closer = new Thread(context::close, "closer");
    closer.start();
    assertThat(TestApplication.SHUTDOWN_STARTED.await(30, TimeUnit.SECONDS)).isTrue();
    TestApplication.SLOW_RELEASE.countDown();
    closer.join(TimeUnit.SECONDS.toMillis(60));
    assertThat(closer.isAlive()).isFalse();

    assertThat(DB.app().jobManager().getStatus(id)).contains(JobStatus.SUCCEEDED);
    assertThat(DB.app().jobManager().listWorkers()).isEmpty();
  }
}
