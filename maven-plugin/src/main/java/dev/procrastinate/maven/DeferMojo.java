package dev.procrastinate.maven;

import dev.procrastinate.AlreadyEnqueuedException;
import dev.procrastinate.App;
import dev.procrastinate.NewJob;
import dev.procrastinate.internal.config.SettingsSource;
import org.apache.maven.plugin.MojoFailureException;
import org.apache.maven.plugins.annotations.Mojo;
import org.apache.maven.plugins.annotations.Parameter;
import org.apache.maven.plugins.annotations.ResolutionScope;
import org.jspecify.annotations.Nullable;

/**
 * Defers one job of a task given by name, with its arguments as a JSON object. A task the project
 * declares gets its own queue, priority and locks unless overridden, and its arguments are checked
 * against its parameters; a task the project does not know (run by another service, a Python one
 * say) needs {@code -Dprocrastinate.unknown}.
 *
 * <pre>mvn compile procrastinate:defer -Dprocrastinate.task=greetings.greet \
 *     -Dprocrastinate.args='{"name": "Ada"}' -Dprocrastinate.in=60</pre>
 */
@Mojo(name = "defer", requiresDependencyResolution = ResolutionScope.RUNTIME, threadSafe = true)
public final class DeferMojo extends AbstractProcrastinateMojo {
  /** The task's name (or alias). Also configurable with -Dprocrastinate.task. */
  @Parameter(property = "procrastinate.task")
  private @Nullable String task;

  /**
   * The arguments, a JSON object such as {@code {"user_id": 42}}; none by default. Also
   * configurable with -Dprocrastinate.args.
   */
  @Parameter(property = "procrastinate.args")
  private @Nullable String args;

  /** The queue, instead of the task's. Also configurable with -Dprocrastinate.queue. */
  @Parameter(property = "procrastinate.queue")
  private @Nullable String queue;

  /** The lock, instead of the task's. Also configurable with -Dprocrastinate.lock. */
  @Parameter(property = "procrastinate.lock")
  private @Nullable String lock;

  /**
   * The queueing lock, instead of the task's. Also configurable with -Dprocrastinate.queueingLock.
   */
  @Parameter(property = "procrastinate.queueingLock")
  private @Nullable String queueingLock;

  /** The priority, instead of the task's; higher runs first. Also -Dprocrastinate.priority. */
  @Parameter(property = "procrastinate.priority")
  private @Nullable Integer priority;

  /**
   * When the job may run, ISO-8601 with an offset ({@code 2026-05-01T09:30:00Z}). Also configurable
   * with -Dprocrastinate.at.
   */
  @Parameter(property = "procrastinate.at")
  private @Nullable String at;

  /**
   * After how long the job may run: seconds ({@code 60}) or ISO-8601 ({@code PT1M}). Also
   * configurable with -Dprocrastinate.in.
   */
  @Parameter(property = "procrastinate.in", alias = "in")
  private @Nullable String delay;

  /**
   * Whether a task the project does not declare may be deferred. Also configurable with
   * -Dprocrastinate.unknown.
   */
  @Parameter(property = "procrastinate.unknown", defaultValue = "false")
  private boolean unknown;

  /** Creates the goal. */
  public DeferMojo() {}

  @Override
  protected boolean usesRuntimeClasspath() {
    return true;
  }

  @Override
  protected void doExecute() throws Exception {
    if (task == null || task.isBlank()) {
      throw new MojoFailureException(
          "No task to defer: set -Dprocrastinate.task=<task name> (and -Dprocrastinate.args with"
              + " its arguments as a JSON object)");
    }
    if (at != null && !at.isBlank() && delay != null && !delay.isBlank()) {
      throw new MojoFailureException(
          "procrastinate.at and procrastinate.in are both set; give one of them");
    }
    try (App app = openApp()) {
      NewJob.Builder builder;
      try {
        builder = app.configureTask(task.trim(), unknown);
      } catch (IllegalArgumentException e) {
        throw new MojoFailureException(
            e.getMessage() + " (-Dprocrastinate.unknown=true allows it)", e);
      }
      if (args != null && !args.isBlank()) {
        builder.argsJson(args);
      }
      if (queue != null && !queue.isBlank()) {
        builder.queue(queue.trim());
      }
      if (lock != null && !lock.isBlank()) {
        builder.lock(lock);
      }
      if (queueingLock != null && !queueingLock.isBlank()) {
        builder.queueingLock(queueingLock);
      }
      if (priority != null) {
        builder.priority(priority);
      }
      if (at != null && !at.isBlank()) {
        builder.scheduleAt(NewJob.parseInstant(at));
      }
      if (delay != null && !delay.isBlank()) {
        try {
          builder.scheduleIn(SettingsSource.parseDuration(delay));
        } catch (IllegalArgumentException e) {
          throw new IllegalArgumentException(
              "procrastinate.in is '"
                  + delay
                  + "', which is not a duration; write seconds (60, 2.5) or ISO-8601 (PT1M)",
              e);
        }
      }
      NewJob job = builder.build();
      app.checkArguments(job);
      long id;
      try {
        id = app.jobManager().defer(job);
      } catch (AlreadyEnqueuedException e) {
        throw new MojoFailureException(
            "Not deferred: a job with queueing lock '"
                + job.queueingLock()
                + "' is already waiting ("
                + e.getMessage()
                + ")",
            e);
      }
      getLog()
          .info(
              "Deferred job "
                  + id
                  + " of task "
                  + job.taskName()
                  + " on queue "
                  + job.queue()
                  + (job.scheduledAt() != null ? ", scheduled at " + job.scheduledAt() : "")
                  + (job.scheduleIn() != null ? ", scheduled in " + job.scheduleIn() : ""));
    }
  }
}
