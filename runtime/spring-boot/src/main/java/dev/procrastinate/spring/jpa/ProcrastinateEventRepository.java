package dev.procrastinate.spring.jpa;

import dev.procrastinate.jpa.ProcrastinateEvent;
import dev.procrastinate.model.JobEventType;
import java.util.List;
import org.springframework.data.repository.Repository;

/** Read-only queries over {@link ProcrastinateEvent}. */
public interface ProcrastinateEventRepository extends Repository<ProcrastinateEvent, Long> {
  /**
   * Finds a job's events, oldest first.
   *
   * @param jobId the job's id
   * @return the events
   */
  List<ProcrastinateEvent> findByJobIdOrderByIdAsc(long jobId);

  /**
   * Counts the events of a type.
   *
   * @param type the type
   * @return the count
   */
  long countByType(JobEventType type);

  /**
   * Finds the events of a job of a type.
   *
   * @param jobId the job's id
   * @param type the type
   * @return the events
   */
  List<ProcrastinateEvent> findByJobIdAndType(long jobId, JobEventType type);
}
