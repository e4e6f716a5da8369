package dev.procrastinate.cli;

import dev.procrastinate.AlreadyEnqueuedException;
import dev.procrastinate.App;
import dev.procrastinate.NewJob;
import java.time.Duration;
import java.time.Instant;
import java.time.LocalDateTime;
import java.time.ZoneOffset;
import java.time.format.DateTimeParseException;
import java.util.concurrent.Callable;
import org.jspecify.annotations.Nullable;
import picocli.CommandLine;
import picocli.CommandLine.ArgGroup;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;
import picocli.CommandLine.ParentCommand;

/** {@code procrastinate defer TASK [JSON_ARGS]}: defers one job and prints its id. */
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

  @Option(names = "--priority", description = "Higher runs first; may be negative (default 0).")
  @Nullable Integer priority;

  @ArgGroup(exclusive = true)
  @Nullable When when;

  /** {@code --at} or {@code --in}. */
  static final class When {
    @Option(
        names = "--at",
        paramLabel = "DATETIME",
        converter = InstantConverter.class,
        description = "Run not before this ISO-8601 date-time; without an offset it is UTC.")
    @Nullable Instant at;

    @Option(
        names = "--in",
        paramLabel = "SECONDS",
        converter = Converters.Seconds.class,
        description = "Run not before this many seconds from now.")
    @Nullable Duration in;
  }

  @Option(
      names = {"-i", "--ignore-already-enqueued"},
      description = "Exit 0 when the queueing lock is taken, still printing the error.")
  boolean ignoreAlreadyEnqueued;

  @Option(names = "--unknown", description = "Allow a task the application does not know.")
  boolean unknown;

  /** Called by picocli. */
  DeferCommand() {}

  /** Upstream's {@code --at}: ISO-8601, a naive date-time being UTC. */
  static final class InstantConverter implements CommandLine.ITypeConverter<Instant> {
    /** Called by picocli. */
    InstantConverter() {}

    @Override
    public Instant convert(String value) {
      try {
        return NewJob.parseInstant(value);
      } catch (IllegalArgumentException withOffset) {
        try {
          return LocalDateTime.parse(value.trim()).toInstant(ZoneOffset.UTC);
        } catch (DateTimeParseException naive) {
          throw new CommandLine.TypeConversionException(
              "'" + value + "' is not an ISO-8601 date-time such as 2026-05-01T09:30:00Z");
        }
      }
    }
  }

  @Override
  public Integer call() {
    try (App app = main.openApp()) {
      NewJob.Builder builder = app.configureTask(task, unknown);
      if (jsonArgs != null) {
        builder.argsJson(jsonArgs);
      }
      if (queue != null) {
        builder.queue(queue);
      }
      if (lock != null) {
        builder.lock(lock);
      }
      if (queueingLock != null) {
        builder.queueingLock(queueingLock);
      }
      if (priority != null) {
        builder.priority(priority);
      }
      if (when != null && when.at != null) {
        builder.scheduleAt(when.at);
      }
      if (when != null && when.in != null) {
        builder.scheduleIn(when.in);
      }
      NewJob job = builder.build();
      app.checkArguments(job);
      long id;
      try {
        id = app.jobManager().defer(job);
      } catch (AlreadyEnqueuedException e) {
        if (!ignoreAlreadyEnqueued) {
          throw e;
        }
        System.err.println("procrastinate: " + Main.oneLine(e) + " (ignored)");
        return Main.EXIT_OK;
      }
      System.out.println(id);
      return Main.EXIT_OK;
    }
  }
}
