package dev.procrastinate.model;

import java.util.List;
import org.jspecify.annotations.Nullable;

/**
 * One step of a workflow, as stored: its job id (reserved when the workflow was deferred), its
 * place in the workflow, and where it stands.
 *
 * @param id the step's job id
 * @param workflowId the job id of the workflow's first step, which names the workflow
 * @param position the step's place in the order the workflow was written, from 0
 * @param taskName the task
 * @param queue the queue
 * @param status the status of its job, or null while it waits for other steps
 * @param after the steps it runs after, by job id
 * @param waitingFor the steps of {@code after} that have not succeeded yet
 * @param reason why it was cancelled without running (a step before it failed, say), or null
 */
public record WorkflowStep(
    long id,
    long workflowId,
    int position,
    String taskName,
    String queue,
    @Nullable JobStatus status,
    List<Long> after,
    List<Long> waitingFor,
    @Nullable String reason) {

  /**
   * Copies the lists.
   *
   * @param id the step's job id
   * @param workflowId the job id of the workflow's first step
   * @param position the step's place in the workflow
   * @param taskName the task
   * @param queue the queue
   * @param status the status of its job, or null while it waits
   * @param after the steps it runs after
   * @param waitingFor the steps of {@code after} that have not succeeded yet
   * @param reason why it was cancelled without running, or null
   */
  public WorkflowStep {
    after = List.copyOf(after);
    waitingFor = List.copyOf(waitingFor);
  }

  /**
   * Tells whether the step still waits for steps before it: it is not a job yet.
   *
   * @return whether it waits
   */
  public boolean waiting() {
    return status == null;
  }
}
