package dev.procrastinate.spring.jpa;

import dev.procrastinate.jpa.ProcrastinateJob;
import dev.procrastinate.model.JobStatus;
import java.util.List;
import java.util.Optional;
import org.springframework.data.repository.Repository;

/**
 * Read-only queries over {@link ProcrastinateJob}: Django Procrastinate's {@code
 * ProcrastinateJob.objects.filter(task_name=...).count()} is {@code jobs.countByTaskName(...)}. No
 * save or delete: change jobs through {@code JobManager}.
 */
public interface ProcrastinateJobRepository extends Repository<ProcrastinateJob, Long> {
  /**
   * Finds a job.
   *
   * @param id the job's id
   * @return the job, if it exists
   */
  Optional<ProcrastinateJob> findById(long id);

  /**
   * Counts every job.
   *
   * @return the count
   */
  long count();

  /**
   * Finds the jobs of a task.
   *
   * @param taskName the task's name
   * @return the jobs
   */
  List<ProcrastinateJob> findByTaskName(String taskName);

  /**
   * Counts the jobs of a task.
   *
   * @param taskName the task's name
   * @return the count
   */
  long countByTaskName(String taskName);

  /**
   * Finds the jobs in a status.
   *
   * @param status the status
   * @return the jobs
   */
  List<ProcrastinateJob> findByStatus(JobStatus status);

  /**
   * Counts the jobs in a status.
   *
   * @param status the status
   * @return the count
   */
  long countByStatus(JobStatus status);

  /**
   * Finds the jobs of a task in a status.
   *
   * @param taskName the task's name
   * @param status the status
   * @return the jobs
   */
  List<ProcrastinateJob> findByTaskNameAndStatus(String taskName, JobStatus status);

  /**
   * Counts the jobs of a task in a status.
   *
   * @param taskName the task's name
   * @param status the status
   * @return the count
   */
  long countByTaskNameAndStatus(String taskName, JobStatus status);

  /**
   * Finds the jobs of a queue.
   *
   * @param queueName the queue
   * @return the jobs
   */
  List<ProcrastinateJob> findByQueueName(String queueName);

  /**
   * Counts the jobs of a queue.
   *
   * @param queueName the queue
   * @return the count
   */
  long countByQueueName(String queueName);

  /**
   * Finds the jobs holding a lock.
   *
   * @param lock the lock
   * @return the jobs
   */
  List<ProcrastinateJob> findByLock(String lock);

  /**
   * Counts the jobs holding a lock.
   *
   * @param lock the lock
   * @return the count
   */
  long countByLock(String lock);
}
