package dev.procrastinate.internal.workflow;

import dev.procrastinate.NewJob;
import dev.procrastinate.Workflow;
import java.util.ArrayList;
import java.util.List;

/**
 * The steps of a workflow in the order they are written, and the dependencies between them: each
 * dependency runs from an earlier step to a later one, so that order is one the steps may run in.
 *
 * @param jobs the steps' jobs, by position
 * @param fromPositions each dependency's step that must succeed first
 * @param toPositions each dependency's step that waits
 */
public record WorkflowGraph(List<NewJob> jobs, int[] fromPositions, int[] toPositions) {
  /**
   * Lays a workflow out.
   *
   * @param workflow the workflow
   * @return its steps and their dependencies
   */
  public static WorkflowGraph of(Workflow workflow) {
    Builder builder = new Builder();
    builder.add(workflow);
    return new WorkflowGraph(
        List.copyOf(builder.jobs),
        builder.from.stream().mapToInt(Integer::intValue).toArray(),
        builder.to.stream().mapToInt(Integer::intValue).toArray());
  }

  /**
   * Returns how many steps each step waits for, by position.
   *
   * @return the counts of dependencies into each step
   */
  public int[] waitingFor() {
    int[] counts = new int[jobs.size()];
    for (int to : toPositions) {
      counts[to]++;
    }
    return counts;
  }

  private static final class Builder {
    private final List<NewJob> jobs = new ArrayList<>();
    private final List<Integer> from = new ArrayList<>();
    private final List<Integer> to = new ArrayList<>();

    /** The steps a part begins with, and those whose success completes it. */
    private record Ends(List<Integer> first, List<Integer> last) {}

    private Ends add(Workflow workflow) {
      if (workflow instanceof NewJob job) {
        int position = jobs.size();
        jobs.add(job);
        return new Ends(List.of(position), List.of(position));
      }
      if (workflow instanceof Workflow.Chain chain) {
        Ends first = null;
        Ends previous = null;
        for (Workflow step : chain.steps()) {
          Ends ends = add(step);
          if (previous == null) {
            first = ends;
          } else {
            for (int before : previous.last()) {
              for (int after : ends.first()) {
                from.add(before);
                to.add(after);
              }
            }
          }
          previous = ends;
        }
        return new Ends(first.first(), previous.last());
      }
      List<Integer> first = new ArrayList<>();
      List<Integer> last = new ArrayList<>();
      for (Workflow member : ((Workflow.Group) workflow).members()) {
        Ends ends = add(member);
        first.addAll(ends.first());
        last.addAll(ends.last());
      }
      return new Ends(first, last);
    }
  }
}
