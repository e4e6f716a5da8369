package dev.procrastinate.internal.builtin;

import dev.procrastinate.spi.TaskDescriptor;
import dev.procrastinate.spi.TaskParameter;
import dev.procrastinate.spi.TaskRegistrar;
import java.time.Duration;
import java.util.List;
import org.jspecify.annotations.Nullable;

/**
 * Registers upstream's builtin tasks. {@code remove_old_jobs} deletes succeeded jobs (and, on
 * request, failed, cancelled or aborted ones) whose latest event is older than {@code max_hours},
 * optionally in one queue, and returns how many it deleted, through the app's job manager, which
 * the registrar is given (so that it never reaches for the app itself). Thread-safe.
 */
public final class BuiltinTasks implements TaskRegistrar {
  /** The persisted name of {@code remove_old_jobs}, as upstream's. */
  public static final String REMOVE_OLD_JOBS =
      "builtin:procrastinate.builtin_tasks.remove_old_jobs";

  /** The alias of {@code remove_old_jobs}, as upstream's. */
  public static final String REMOVE_OLD_JOBS_ALIAS = "procrastinate.builtin_tasks.remove_old_jobs";

  /** The queue of builtin tasks, as upstream's. */
  public static final String QUEUE = "builtin";

  private static final double NANOS_PER_HOUR = 3_600_000_000_000d;

  /** Deletes old jobs, as {@link dev.procrastinate.JobManager#deleteOldJobs} does. */
  @FunctionalInterface
  public interface OldJobs {
    /**
     * Deletes the ended jobs whose latest event is older than an age.
     *
     * @param age the age
     * @param queue the queue, or null for all
     * @param includeFailed whether failed jobs go too
     * @param includeCancelled whether cancelled jobs go too
     * @param includeAborted whether aborted jobs go too
     * @return how many were deleted
     */
    int delete(
        Duration age,
        @Nullable String queue,
        boolean includeFailed,
        boolean includeCancelled,
        boolean includeAborted);
  }

  private final List<TaskDescriptor> tasks;

  /**
   * Creates the registrar.
   *
   * @param oldJobs how {@code remove_old_jobs} deletes jobs: the app's job manager
   */
  public BuiltinTasks(OldJobs oldJobs) {
    this.tasks =
        List.of(
            TaskDescriptor.builder(REMOVE_OLD_JOBS)
                .aliases(REMOVE_OLD_JOBS_ALIAS)
                .queue(QUEUE)
                .parameter(TaskParameter.required("max_hours", "double"))
                .parameter(TaskParameter.optional("queue", "java.util.Optional<java.lang.String>"))
                .parameter(
                    TaskParameter.optional(
                        "remove_failed", "java.util.Optional<java.lang.Boolean>"))
                .parameter(
                    TaskParameter.optional(
                        "remove_cancelled", "java.util.Optional<java.lang.Boolean>"))
                .parameter(
                    TaskParameter.optional(
                        "remove_aborted", "java.util.Optional<java.lang.Boolean>"))
                .source("the builtin task remove_old_jobs (" + BuiltinTasks.class.getName() + ")")
                .build(
                    (context, args) -> {
                      double maxHours = args.getDouble("max_hours");
                      if (!(maxHours >= 0) || Double.isInfinite(maxHours)) {
                        throw new IllegalArgumentException(
                            "max_hours must be a non-negative number, got " + maxHours);
                      }
                      return oldJobs.delete(
                          Duration.ofNanos(Math.round(maxHours * NANOS_PER_HOUR)),
                          args.getOptional("queue", String.class).orElse(null),
                          args.getOptional("remove_failed", Boolean.class).orElse(false),
                          args.getOptional("remove_cancelled", Boolean.class).orElse(false),
                          args.getOptional("remove_aborted", Boolean.class).orElse(false));
                    }));
  }

  @Override
  public List<TaskDescriptor> tasks() {
    return tasks;
  }

  /**
   * Tells whether a task is one of these builtin tasks.
   *
   * @param task a task
   * @return true for a builtin task
   */
  public static boolean isBuiltin(TaskDescriptor task) {
    return task.name().equals(REMOVE_OLD_JOBS);
  }
}
