package com.example.shop;

import static org.assertj.core.api.Assertions.assertThat;

import dev.procrastinate.jpa.ProcrastinateJob;
import dev.procrastinate.test.JobMatch;
import dev.procrastinate.test.ProcrastinateTest;
import dev.procrastinate.test.TestJobs;
import jakarta.persistence.EntityManager;
import org.junit.jupiter.api.Test;
import org.springframework.beans.factory.annotation.Autowired;

/**
 * A JPA slice: the starter's app is part of it, and a job deferred in the test's transaction is
 * seen by TestJobs and referenced by an entity.
 */
@ScenarioDataJpaTest
@ProcrastinateTest
class ReceiptRepositoryTest {
  @Autowired ReceiptRepository receipts;
  @Autowired EntityManager entityManager;

  @Test
  void aReceiptReferencesTheJobDeferredInTheSameTransaction(TestJobs jobs) {
    long jobId = ShipOrderDeferrer.defer(42L);
    receipts.save(new Receipt("R-1", entityManager.getReference(ProcrastinateJob.class, jobId)));
    entityManager.flush();

    assertThat(jobs.assertDeferred(JobMatch.task(ShipOrderDeferrer.class)).id()).isEqualTo(jobId);
    assertThat(receipts.count()).isEqualTo(1);
  }
}
