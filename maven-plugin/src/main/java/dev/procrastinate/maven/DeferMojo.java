package dev.procrastinate.maven;

import dev.procrastinate.App;
import dev.procrastinate.operations.DeferRequest;
import dev.procrastinate.operations.DeferResult;
import dev.procrastinate.operations.Operations;
import org.apache.maven.plugins.annotations.Mojo;
import org.apache.maven.plugins.annotations.Parameter;
import org.apache.maven.plugins.annotations.ResolutionScope;
import org.jspecify.annotations.Nullable;

/**
 * Defers one job of a task given by name, with its arguments as a JSON object. A task the project
 * declares gets its own queue, priority and locks unless overridden, and its arguments are checked
 * against its parameters; a task the project does not know (run by another service, a Python one
 * say) needs {@code -Dprocrastinate.unknown}. The parameters are read and checked by the operations
 * layer ({@link DeferRequest}), as the command line's {@code defer} options are, with the same
 * messages.
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

  /**
   * The priority, instead of the task's: a whole number, higher runs first. Also configurable with
   * -Dprocrastinate.priority.
   */
  @Parameter(property = "procrastinate.priority")
  private @Nullable String priority;

  /**
   * When the job may run, ISO-8601: {@code 2026-05-01T09:30:00Z}, {@code
   * 2026-05-01T09:30:00+02:00}, or without offset ({@code 2026-05-01T09:30:00}) for UTC. Not with
   * {@code in}. Also configurable with -Dprocrastinate.at.
   */
  @Parameter(property = "procrastinate.at")
  private @Nullable String at;

  /**
   * After how long the job may run: seconds ({@code 60}, {@code 2.5}) or ISO-8601 ({@code PT1M}).
   * Not with {@code at}. Also configurable with -Dprocrastinate.in.
   */
  @Parameter(property = "procrastinate.in", alias = "in")
  private @Nullable String delay;

  /**
   * Whether a task the project does not declare may be deferred (true or false, default false).
   * Also configurable with -Dprocrastinate.unknown.
   */
  @Parameter(property = "procrastinate.unknown")
  private @Nullable String unknown;

  /**
   * Whether a queueing-lock clash is only logged instead of failing the build (true or false,
   * default false). Also configurable with -Dprocrastinate.ignoreAlreadyEnqueued.
   */
  @Parameter(property = "procrastinate.ignoreAlreadyEnqueued")
  private @Nullable String ignoreAlreadyEnqueued;

  /** Creates the goal. */
  public DeferMojo() {}

  @Override
  protected boolean usesRuntimeClasspath() {
    return true;
  }

  /**
   * Hands the parameters to the operations layer, which checks them.
   *
   * @return the request
   * @throws dev.procrastinate.operations.InputException if a parameter is invalid
   */
  DeferRequest request() {
    return DeferRequest.builder(INPUT_NAMES)
        .task(task)
        .args(args)
        .queue(queue)
        .lock(lock)
        .queueingLock(queueingLock)
        .priority(priority)
        .at(at)
        .in(delay)
        .allowUnknown(unknown)
        .ignoreAlreadyEnqueued(ignoreAlreadyEnqueued)
        .build();
  }

  @Override
  protected void doExecute() throws Exception {
    DeferRequest request = request();
    try (App app = openApp()) {
      DeferResult result = new Operations(app).defer(request);
      if (result.deferred()) {
        getLog().info(result.describe());
      } else {
        getLog().warn(result.describe());
      }
    }
  }
}
