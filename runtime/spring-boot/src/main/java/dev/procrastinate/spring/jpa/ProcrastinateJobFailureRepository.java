package dev.procrastinate.spring.jpa;

import dev.procrastinate.jpa.ProcrastinateJobFailure;
import java.util.List;
import org.springframework.data.repository.Repository;

/** Read-only queries over {@link ProcrastinateJobFailure}: why attempts of jobs failed. */
public interface ProcrastinateJobFailureRepository
    extends Repository<ProcrastinateJobFailure, ProcrastinateJobFailure.Key> {
  /**
   * Finds why each attempt of a job failed, first attempt first.
   *
   * @param jobId the job's id
   * @return the failures; none for a job run by a Python worker
   */
  List<ProcrastinateJobFailure> findByJobIdOrderByAttemptAsc(long jobId);

  /**
   * Counts the recorded failures of an exception class.
   *
   * @param exceptionClass the class name
   * @return the count
   */
  long countByExceptionClass(String exceptionClass);
}
