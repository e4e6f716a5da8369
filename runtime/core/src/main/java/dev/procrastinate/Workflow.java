package dev.procrastinate;

import java.util.ArrayList;
import java.util.List;
import java.util.Objects;

/**
 * Jobs that run after other jobs succeeded: a {@link NewJob}, a {@linkplain #chain chain} of steps
 * run one after another, or a {@linkplain #group group} of members run at once. Chains and groups
 * nest, and {@link #then(Workflow)} adds what runs once the whole of a workflow succeeded, such as
 * a group's callback:
 *
 * <pre>{@code
 * Workflow order =
 *     Workflow.chain(
 *         ChargeCardDeferrer.job(orderId),
 *         Workflow.group(PackItemDeferrer.job(orderId, 1), PackItemDeferrer.job(orderId, 2))
 *             .then(ShipDeferrer.job(orderId)));
 * List<Long> ids = app.jobManager().defer(order); // charge, pack 1, pack 2, ship
 * }</pre>
 *
 * <p>{@link JobManager#defer(Workflow)} stores a workflow in one transaction and returns the job
 * ids of its steps in the order they are written here. A step whose predecessors have not all
 * succeeded waits outside the job table, so no worker (a Python one neither) can run it early; it
 * becomes a job when the last of them succeeds, in the transaction of that success. A step that
 * fails for good, or is cancelled or aborted, cancels every step after it, with the reason.
 *
 * <p>Immutable and thread-safe.
 */
public sealed interface Workflow permits NewJob, Workflow.Chain, Workflow.Group {
  /**
   * Steps run one after another, each once the one before it succeeded (all of it, for a group).
   *
   * @param steps the steps, at least one
   * @return the chain
   * @throws IllegalArgumentException if there is no step
   */
  static Chain chain(Workflow... steps) {
    return new Chain(List.of(steps));
  }

  /**
   * Members run at once, independent of one another; what follows the group runs once every member
   * succeeded.
   *
   * @param members the members, at least one
   * @return the group
   * @throws IllegalArgumentException if there is no member
   */
  static Group group(Workflow... members) {
    return new Group(List.of(members));
  }

  /**
   * Returns a chain of this workflow, then {@code next} once all of this one succeeded: a group's
   * callback, or the next step of a chain.
   *
   * @param next what runs after
   * @return the chain
   */
  default Chain then(Workflow next) {
    Objects.requireNonNull(next, "next");
    List<Workflow> steps = new ArrayList<>();
    if (this instanceof Chain chain) {
      steps.addAll(chain.steps());
    } else {
      steps.add(this);
    }
    steps.add(next);
    return new Chain(steps);
  }

  /**
   * Returns the jobs of this workflow in the order they are written, which is the order of the ids
   * {@link JobManager#defer(Workflow)} returns.
   *
   * @return the jobs, depth first
   */
  default List<NewJob> jobs() {
    List<NewJob> jobs = new ArrayList<>();
    collect(this, jobs);
    return List.copyOf(jobs);
  }

  private static void collect(Workflow workflow, List<NewJob> into) {
    if (workflow instanceof NewJob job) {
      into.add(job);
    } else if (workflow instanceof Chain chain) {
      chain.steps().forEach(step -> collect(step, into));
    } else {
      ((Group) workflow).members().forEach(member -> collect(member, into));
    }
  }

  /**
   * Steps run one after another.
   *
   * @param steps the steps, in order; at least one
   */
  record Chain(List<Workflow> steps) implements Workflow {
    /**
     * Checks the steps.
     *
     * @param steps the steps, in order; at least one
     */
    public Chain {
      steps = List.copyOf(steps);
      if (steps.isEmpty()) {
        throw new IllegalArgumentException("a chain needs at least one step");
      }
    }
  }

  /**
   * Members run at once.
   *
   * @param members the members; at least one
   */
  record Group(List<Workflow> members) implements Workflow {
    /**
     * Checks the members.
     *
     * @param members the members; at least one
     */
    public Group {
      members = List.copyOf(members);
      if (members.isEmpty()) {
        throw new IllegalArgumentException("a group needs at least one member");
      }
    }
  }
}
