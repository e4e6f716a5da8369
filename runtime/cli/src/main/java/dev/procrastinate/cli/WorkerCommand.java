package dev.procrastinate.cli;

import dev.procrastinate.App;
import dev.procrastinate.Worker;
import dev.procrastinate.WorkerOptions;
import dev.procrastinate.operations.WorkerRequest;
import java.util.concurrent.Callable;
import org.jspecify.annotations.Nullable;
import picocli.CommandLine.ArgGroup;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;
import picocli.CommandLine.ParentCommand;

/**
 * {@code procrastinate worker}: runs jobs until SIGINT or SIGTERM, then stops gracefully. The
 * options are read and laid over the worker settings by the operations layer ({@link
 * WorkerRequest}), as the Maven goal's are.
 */
@Command(
    name = "worker",
    description = {
      "Run jobs of the application's tasks until SIGINT or SIGTERM, then stop gracefully: no new"
          + " job is taken, running jobs end (or are aborted after --shutdown-graceful-timeout),"
          + " the worker unregisters.",
      "Options not given come from PROCRASTINATE_WORKER_* and the configuration table."
    },
    sortOptions = false)
final class WorkerCommand implements Callable<Integer> {
  @ParentCommand Main main;

  @Option(
      names = {"-q", "--queues"},
      paramLabel = "QUEUES",
      description = "Comma-separated queues to take jobs from; empty for all queues.")
  @Nullable String queues;

  @Option(
      names = {"-n", "--name"},
      paramLabel = "NAME",
      description = "Name of the worker, in logs and job contexts.")
  @Nullable String name;

  @Option(
      names = {"-c", "--concurrency"},
      paramLabel = "N",
      description = "Jobs run at once.")
  @Nullable String concurrency;

  @ArgGroup(exclusive = true)
  @Nullable WaitGroup wait;

  /** {@code --wait} or {@code --one-shot}. */
  static final class WaitGroup {
    @Option(
        names = {"-w", "--wait"},
        description = "Wait for new jobs when none is left (the default).")
    boolean wait;

    @Option(names = "--one-shot", description = "Run the jobs that are due, then stop.")
    boolean oneShot;
  }

  @Option(
      names = {"-p", "--fetch-job-polling-interval"},
      paramLabel = "SECONDS",
      description = "Look for jobs this often when no notification comes.")
  @Nullable String fetchJobPollingInterval;

  @Option(
      names = {"-a", "--abort-job-polling-interval"},
      paramLabel = "SECONDS",
      description = "Look for abort requests this often while jobs run.")
  @Nullable String abortJobPollingInterval;

  @Option(
      names = "--shutdown-graceful-timeout",
      paramLabel = "SECONDS",
      description = "After a stop, abort jobs still running after this long (default: wait).")
  @Nullable String shutdownGracefulTimeout;

  @Option(
      names = {"-l", "--listen-notify"},
      negatable = true,
      description =
          "Be woken by LISTEN/NOTIFY (the default); --no-listen-notify only polls, as needed"
              + " behind a transaction-mode pooler.")
  @Nullable Boolean listenNotify;

  @Option(
      names = "--delete-jobs",
      paramLabel = "never|successful|always",
      description = "Delete ended jobs: never (default), successful ones, or always.")
  @Nullable String deleteJobs;

  @Option(
      names = "--rescue-stalled-jobs",
      negatable = true,
      description = "Retry the running jobs of workers that stopped heart-beating.")
  @Nullable Boolean rescueStalledJobs;

  @Option(
      names = "--fleet-rescues-stalled-jobs",
      negatable = true,
      description =
          "Whether something in the fleet may rescue stalled jobs (default true): a worker that"
              + " cannot heartbeat for its lease then stops its jobs. --no-fleet-rescues-stalled-jobs"
              + " only when nothing rescues.")
  @Nullable Boolean fleetRescuesStalledJobs;

  @Option(
      names = "--asynchronous-outcomes",
      negatable = true,
      description =
          "Commit job outcomes without waiting for the disk (default false): faster for short"
              + " jobs; a server crash may lose the last outcomes, whose jobs then run again.")
  @Nullable Boolean asynchronousOutcomes;

  @Option(
      names = "--virtual-threads",
      negatable = true,
      description =
          "Run tasks on virtual threads, one per slot (default false; Java 21 or later): thousands"
              + " of slots for tasks that wait on I/O.")
  @Nullable Boolean virtualThreads;

  /** Called by picocli. */
  WorkerCommand() {}

  /**
   * Builds the options: the settings of the environment, then the options given here.
   *
   * @return the worker options
   * @throws IllegalArgumentException if an option or a setting is invalid, naming it
   */
  WorkerOptions options() {
    WorkerRequest.Builder request =
        WorkerRequest.builder(Main.INPUT_NAMES)
            .queues(queues)
            .name(name)
            .concurrency(concurrency)
            .fetchJobPollingInterval(fetchJobPollingInterval)
            .abortJobPollingInterval(abortJobPollingInterval)
            .shutdownGracefulTimeout(shutdownGracefulTimeout)
            .deleteJobs(deleteJobs);
    if (wait != null) {
      request.waitForJobs(!wait.oneShot);
    }
    if (listenNotify != null) {
      request.listenNotify(listenNotify.booleanValue());
    }
    if (rescueStalledJobs != null) {
      request.rescueStalledJobs(rescueStalledJobs.booleanValue());
    }
    if (fleetRescuesStalledJobs != null) {
      request.fleetRescuesStalledJobs(fleetRescuesStalledJobs.booleanValue());
    }
    if (asynchronousOutcomes != null) {
      request.asynchronousOutcomes(asynchronousOutcomes.booleanValue());
    }
    if (virtualThreads != null) {
      request.virtualThreads(virtualThreads.booleanValue());
    }
    return request.build().toOptions();
  }

  @Override
  public Integer call() throws InterruptedException {
    main.applicationClassLoader();
    WorkerOptions options = options();
    try (App app = main.openApp()) {
      Worker worker = app.worker(options);
      worker.run();
    }
    return Main.EXIT_OK;
  }
}
