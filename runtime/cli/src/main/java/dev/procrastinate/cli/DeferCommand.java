package dev.procrastinate.cli;

import dev.procrastinate.App;
import dev.procrastinate.operations.DeferRequest;
import dev.procrastinate.operations.DeferResult;
import dev.procrastinate.operations.Operations;
import java.util.concurrent.Callable;
import org.jspecify.annotations.Nullable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;
import picocli.CommandLine.ParentCommand;

/**
 * {@code procrastinate defer TASK [JSON_ARGS]}: defers one job and prints its id. The values are
 * read and checked by the operations layer ({@link DeferRequest}), as the Maven goal's are.
 */
@Command(
    name = "defer",
    description = {
      "Defer a job of TASK with JSON_ARGS, a JSON object of argument names to values, and print"
          + " the new job's id.",
      "A task of the application (see --class-path) gets its own queue, priority and locks unless"
          + " given here, and its arguments are checked; another task needs --unknown."
    },
    sortOptions = false)
final class DeferCommand implements Callable<Integer> {
  @ParentCommand Main main;

  @Parameters(index = "0", paramLabel = "TASK", description = "The task's name or alias.")
  String task = "";

  @Parameters(
      index = "1",
      arity = "0..1",
      paramLabel = "JSON_ARGS",
      description = "The arguments, a JSON object such as '{\"user_id\": 3}' (default {}).")
  @Nullable String jsonArgs;

  @Option(names = "--queue", description = "Queue of the job (default: the task's).")
  @Nullable String queue;

  @Option(names = "--lock", description = "Jobs sharing a lock run one at a time.")
  @Nullable String lock;

  @Option(
      names = "--queueing-lock",
      description = "Refuse the job if another with this queueing lock is waiting.")
  @Nullable String queueingLock;

  @Option(
      names = "--priority",
      paramLabel = "N",
      description = "Higher runs first; may be negative (default: the task's).")
  @Nullable String priority;

  @Option(
      names = "--at",
      paramLabel = "DATETIME",
      description =
          "Run not before this ISO-8601 date-time, e.g. 2026-05-01T09:30:00+02:00; without an"
              + " offset it is UTC. Not with --in.")
  @Nullable String at;

  @Option(
      names = "--in",
      paramLabel = "SECONDS",
      description = "Run not before this many seconds from now (or ISO-8601, PT1M). Not with --at.")
  @Nullable String in;

  @Option(
      names = {"-i", "--ignore-already-enqueued"},
      description = "Exit 0 when the queueing lock is taken, still printing the error.")
  boolean ignoreAlreadyEnqueued;

  @Option(names = "--unknown", description = "Allow a task the application does not know.")
  boolean unknown;

  /** Called by picocli. */
  DeferCommand() {}

  /**
   * Hands the options to the operations layer, which checks them.
   *
   * @return the request
   * @throws dev.procrastinate.operations.InputException if an option is invalid
   */
  DeferRequest request() {
    return DeferRequest.builder(Main.INPUT_NAMES)
        .task(task)
        .args(jsonArgs)
        .queue(queue)
        .lock(lock)
        .queueingLock(queueingLock)
        .priority(priority)
        .at(at)
        .in(in)
        .allowUnknown(unknown)
        .ignoreAlreadyEnqueued(ignoreAlreadyEnqueued)
        .build();
  }

  @Override
  public Integer call() {
    DeferRequest request = request();
    try (App app = main.openApp()) {
      DeferResult result = new Operations(app).defer(request);
      if (!result.deferred()) {
        System.err.println("procrastinate: " + result.describe());
        return Main.EXIT_OK;
      }
      System.out.println(result.id().getAsLong());
      return Main.EXIT_OK;
    }
  }
}
