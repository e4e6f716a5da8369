package dev.procrastinate.maven;

import dev.procrastinate.App;
import dev.procrastinate.Worker;
import dev.procrastinate.WorkerOptions;
import dev.procrastinate.operations.WorkerRequest;
import java.io.File;
import java.util.List;
import org.apache.maven.plugin.MojoFailureException;
import org.apache.maven.plugins.annotations.Mojo;
import org.apache.maven.plugins.annotations.Parameter;
import org.apache.maven.plugins.annotations.ResolutionScope;
import org.jspecify.annotations.Nullable;

/**
 * Runs a worker over the project's compiled classes and runtime class path: the tasks are those of
 * the registrars the annotation processor generated. It blocks until Ctrl-C (or SIGTERM), then
 * stops gracefully: no new job is fetched, running jobs end (or are aborted after {@code
 * shutdownGracefulTimeout}) and their outcomes are written. With {@code -Dprocrastinate.wait=false}
 * it works the jobs that are due, then returns. Options not set here come from the application's
 * worker settings ({@code procrastinate.worker.*}, see {@link WorkerOptions#fromEnvironment()}).
 * The parameters are read and laid over those settings by the operations layer ({@link
 * WorkerRequest}), as the command line's {@code worker} options are, with the same messages.
 *
 * <pre>mvn compile procrastinate:worker -Dprocrastinate.queues=emails -Dprocrastinate.concurrency=4
 * </pre>
 */
@Mojo(name = "worker", requiresDependencyResolution = ResolutionScope.RUNTIME, threadSafe = true)
public final class WorkerMojo extends AbstractProcrastinateMojo {

  /**
   * Queues to take jobs from, comma separated; all queues when empty. Also configurable with
   * -Dprocrastinate.queues.
   */
  @Parameter(property = "procrastinate.queues")
  private @Nullable String queues;

  /** Jobs running at once (default 1). Also configurable with -Dprocrastinate.concurrency. */
  @Parameter(property = "procrastinate.concurrency")
  private @Nullable String concurrency;

  /**
   * Whether to wait for new jobs; false works the jobs that are due, then stops. Also configurable
   * with -Dprocrastinate.wait.
   */
  @Parameter(property = "procrastinate.wait", alias = "wait")
  private @Nullable String waitForJobs;

  /** The worker's name, in logs and job contexts. Also configurable with -Dprocrastinate.name. */
  @Parameter(property = "procrastinate.name")
  private @Nullable String name;

  /**
   * Which ended jobs to delete: never (default), successful or always. Also configurable with
   * -Dprocrastinate.deleteJobs.
   */
  @Parameter(property = "procrastinate.deleteJobs")
  private @Nullable String deleteJobs;

  /**
   * Whether LISTEN/NOTIFY wakes the worker (default true); turn off behind a transaction-mode
   * pooler. Also configurable with -Dprocrastinate.listenNotify.
   */
  @Parameter(property = "procrastinate.listenNotify")
  private @Nullable String listenNotify;

  /**
   * After a stop, how long running jobs may go on before they are aborted: seconds ({@code 30}) or
   * ISO-8601 ({@code PT30S}); unset waits for them. Also configurable with
   * -Dprocrastinate.shutdownGracefulTimeout.
   */
  @Parameter(property = "procrastinate.shutdownGracefulTimeout")
  private @Nullable String shutdownGracefulTimeout;

  /**
   * How often to look for jobs when no notification arrives (default 5 s). Also configurable with
   * -Dprocrastinate.fetchJobPollingInterval.
   */
  @Parameter(property = "procrastinate.fetchJobPollingInterval")
  private @Nullable String fetchJobPollingInterval;

  /**
   * How often to look for abort requests while jobs run (default 5 s). Also configurable with
   * -Dprocrastinate.abortJobPollingInterval.
   */
  @Parameter(property = "procrastinate.abortJobPollingInterval")
  private @Nullable String abortJobPollingInterval;

  /**
   * Whether to retry the running jobs of workers that stopped heart-beating (default false). Also
   * configurable with -Dprocrastinate.rescueStalledJobs.
   */
  @Parameter(property = "procrastinate.rescueStalledJobs")
  private @Nullable String rescueStalledJobs;

  /**
   * Whether something in the fleet may rescue stalled jobs (default true); false only when nothing
   * rescues, and jobs then run on through an outage. Also configurable with
   * -Dprocrastinate.fleetRescuesStalledJobs.
   */
  @Parameter(property = "procrastinate.fleetRescuesStalledJobs")
  private @Nullable String fleetRescuesStalledJobs;

  /**
   * Whether job outcomes commit without waiting for the disk (default false). Also configurable
   * with -Dprocrastinate.asynchronousOutcomes.
   */
  @Parameter(property = "procrastinate.asynchronousOutcomes")
  private @Nullable String asynchronousOutcomes;

  /**
   * Whether tasks run on virtual threads, one per slot (default false; Java 21 or later). Also
   * configurable with -Dprocrastinate.virtualThreads.
   */
  @Parameter(property = "procrastinate.virtualThreads")
  private @Nullable String virtualThreads;

  /** Creates the goal. */
  public WorkerMojo() {}

  @Override
  protected boolean usesRuntimeClasspath() {
    return true;
  }

  @Override
  protected void doExecute() throws Exception {
    File classes = new File(project().getBuild().getOutputDirectory());
    if (!classes.isDirectory()) {
      throw new MojoFailureException(
          "The project is not compiled: "
              + classes
              + " does not exist. Compile it in the same command: mvn compile procrastinate:worker");
    }
    WorkerOptions options = options();
    try (App app = openApp()) {
      List<String> tasks = app.userTaskNames();
      if (tasks.isEmpty()) {
        throw new MojoFailureException(
            "No @Task found in "
                + classes
                + " or the runtime class path: a worker would have nothing to run. Check that the"
                + " project has @Task methods and that procrastinate-processor is in the"
                + " maven-compiler-plugin's <annotationProcessorPaths>, then recompile.");
      }
      getLog()
          .info(
              "Starting worker '"
                  + options.name()
                  + "' on "
                  + app.databaseDescription()
                  + ", queues "
                  + (options.queues().isEmpty() ? "all" : options.queues())
                  + ", concurrency "
                  + options.concurrency()
                  + ", "
                  + tasks.size()
                  + " task(s): "
                  + String.join(", ", tasks)
                  + (options.waitForJobs() ? "; Ctrl-C stops it" : "; one-shot"));
      try (Worker worker = app.worker(options)) {
        worker.run();
      }
      getLog().info("Worker '" + options.name() + "' stopped");
    }
  }

  /**
   * Builds the options: the application's own worker settings ({@code procrastinate.worker.*} in
   * its {@code procrastinate.properties}, {@code PROCRASTINATE_WORKER_*} variables), then this
   * goal's parameters.
   *
   * @return the worker options
   * @throws IllegalArgumentException if a parameter or a setting is invalid, naming it
   */
  WorkerOptions options() {
    return WorkerRequest.builder(INPUT_NAMES)
        .queues(queues)
        .name(name)
        .concurrency(concurrency)
        .waitForJobs(waitForJobs)
        .fetchJobPollingInterval(fetchJobPollingInterval)
        .abortJobPollingInterval(abortJobPollingInterval)
        .shutdownGracefulTimeout(shutdownGracefulTimeout)
        .listenNotify(listenNotify)
        .deleteJobs(deleteJobs)
        .rescueStalledJobs(rescueStalledJobs)
        .fleetRescuesStalledJobs(fleetRescuesStalledJobs)
        .asynchronousOutcomes(asynchronousOutcomes)
        .virtualThreads(virtualThreads)
        .build()
        .toOptions();
  }
}
