/**
 * Workflows, this runtime's side: the shape of a {@link dev.procrastinate.Workflow} as steps and
 * the dependencies between them.
 *
 * <p>{@link dev.procrastinate.internal.workflow.WorkflowGraph} numbers the jobs of a workflow in
 * the order they are written (the order of the ids the job manager returns) and lists, for each,
 * the steps it waits for: a chain's step waits for the last steps of the step before it (every
 * member, for a group), a group's members wait for what the group waits for. {@code
 * dev.procrastinate.internal.sql.WorkflowDao} then stores it in one transaction: ids reserved from
 * the jobs' sequence, one row per step and per dependency, and the steps that wait for nothing
 * released at once. Everything after that happens in PostgreSQL (migration V10): a trigger on the
 * jobs releases or cancels the waiting steps when a job of the workflow ends, in the transaction of
 * that end, whoever writes it.
 */
@NullMarked
package dev.procrastinate.internal.workflow;

import org.jspecify.annotations.NullMarked;
