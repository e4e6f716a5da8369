package dev.procrastinate.maven;

import static dev.procrastinate.operations.Input.ABORT_JOB_POLLING_INTERVAL;
import static dev.procrastinate.operations.Input.ARGS;
import static dev.procrastinate.operations.Input.AT;
import static dev.procrastinate.operations.Input.CONCURRENCY;
import static dev.procrastinate.operations.Input.DELETE_JOBS;
import static dev.procrastinate.operations.Input.FETCH_JOB_POLLING_INTERVAL;
import static dev.procrastinate.operations.Input.IN;
import static dev.procrastinate.operations.Input.PRIORITY;
import static dev.procrastinate.operations.Input.QUEUE;
import static dev.procrastinate.operations.Input.QUEUES;
import static dev.procrastinate.operations.Input.SHUTDOWN_GRACEFUL_TIMEOUT;
import static dev.procrastinate.operations.Input.TASK;
import static dev.procrastinate.operations.Input.UNKNOWN;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.catchThrowable;

import dev.procrastinate.App;
import dev.procrastinate.NewJob;
import dev.procrastinate.WorkerOptions;
import dev.procrastinate.cli.CliFrontEnd;
import dev.procrastinate.model.ProcrastinateJob;
import dev.procrastinate.operations.Input;
import dev.procrastinate.operations.InputNames;
import dev.procrastinate.operations.Operations;
import dev.procrastinate.spi.TaskRegistrar;
import dev.procrastinate.testing.TestDatabase;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Instant;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.function.Function;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Stream;
import org.apache.maven.plugin.MojoFailureException;
import org.jspecify.annotations.Nullable;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;

/**
 * The command line and the Maven goals given the same inputs: each row runs through {@code
 * procrastinate defer} or {@code procrastinate worker} ({@code Main.run}, in this process) and
 * through the {@code defer} or {@code worker} goal (the Mojo, with its parameters set as Maven sets
 * them), and expects the same outcome, and for a bad input the same message, the input named the
 * way each front end spells it ({@code --at}, {@code procrastinate.at}).
 */
class FrontEndsAgreeTest {
  @RegisterExtension static final TestDatabase DB = TestDatabase.migrated();

  @TempDir static Path project;

  private static Path classes;

  private static final InputNames CLI = CliFrontEnd.inputNames();
  private static final InputNames MAVEN = AbstractProcrastinateMojo.INPUT_NAMES;

  /** Which front-end command a row runs. */
  enum Command {
    DEFER,
    WORKER
  }

  /**
   * One row: a command, its inputs as text, and either the message a bad input gets (given the
   * front end's names) or, for good inputs, the instant the job is scheduled at (if any).
   */
  record Row(
      String name,
      Command command,
      Map<Input, String> inputs,
      @Nullable Function<InputNames, String> error,
      @Nullable Instant scheduledAt) {
    @Override
    public String toString() {
      return name;
    }
  }

  private static Map<Input, String> inputs(Object... pairs) {
    Map<Input, String> map = new LinkedHashMap<>();
    for (int i = 0; i < pairs.length; i += 2) {
      map.put((Input) pairs[i], (String) pairs[i + 1]);
    }
    return map;
  }

  private static Row defer(String name, Map<Input, String> inputs, @Nullable Instant at) {
    return new Row(name, Command.DEFER, inputs, null, at);
  }

  private static Row deferFails(
      String name, Map<Input, String> inputs, Function<InputNames, String> error) {
    return new Row(name, Command.DEFER, inputs, error, null);
  }

  private static Row worker(String name, Map<Input, String> inputs) {
    return new Row(name, Command.WORKER, inputs, null, null);
  }

  private static Row workerFails(
      String name, Map<Input, String> inputs, Function<InputNames, String> error) {
    return new Row(name, Command.WORKER, inputs, error, null);
  }

  private static final String SUM_ARGS = "{\"a\": 1, \"b\": 2}";
  private static final String LONG_QUEUE = "q".repeat(41);

  static Stream<Row> rows() {
    return Stream.of(
        defer(
            "at without offset is UTC",
            inputs(TASK, "fe.sum", ARGS, SUM_ARGS, AT, "2030-01-02T03:04:05"),
            Instant.parse("2030-01-02T03:04:05Z")),
        defer(
            "at with offset",
            inputs(TASK, "fe.sum", ARGS, SUM_ARGS, AT, "2030-01-02T03:04:05+02:00"),
            Instant.parse("2030-01-02T01:04:05Z")),
        defer(
            "in and options override the task's",
            inputs(TASK, "fe.sum", ARGS, SUM_ARGS, IN, "PT1H", QUEUE, "other", PRIORITY, "-4"),
            null),
        defer("unknown task allowed", inputs(TASK, "py.tasks.other", UNKNOWN, "true"), null),
        deferFails(
            "bad at",
            inputs(TASK, "fe.sum", ARGS, SUM_ARGS, AT, "tomorrow"),
            n ->
                n.name(AT)
                    + " is 'tomorrow', which is not an ISO-8601 date-time; write it like"
                    + " 2026-05-01T09:30:00Z, 2026-05-01T09:30:00+02:00, or 2026-05-01T09:30:00"
                    + " for UTC"),
        deferFails(
            "negative in",
            inputs(TASK, "fe.sum", ARGS, SUM_ARGS, IN, "-5"),
            n ->
                n.name(IN)
                    + " is '-5', which is negative; write zero or more, in seconds (60, 2.5) or"
                    + " ISO-8601 (PT1M)"),
        deferFails(
            "both at and in",
            inputs(TASK, "fe.sum", ARGS, SUM_ARGS, AT, "2030-01-02T03:04:05Z", IN, "60"),
            n -> n.name(AT) + " and " + n.name(IN) + " are both given; give one of them"),
        deferFails(
            "unknown task without allow-unknown",
            inputs(TASK, "py.tasks.other", ARGS, "{}"),
            n ->
                "task 'py.tasks.other' is not known here; known tasks: "
                    + knownTasks()
                    + ". Check the name, make the task's classes visible (compiled with"
                    + " procrastinate-processor, on the class path), or allow unknown tasks with "
                    + n.enabled(UNKNOWN)
                    + " to defer a task that only another service runs"),
        deferFails(
            "bad JSON args",
            inputs(TASK, "fe.sum", ARGS, "[1, 2]"),
            n ->
                n.name(ARGS)
                    + " must be a JSON object of argument names to values, such as"
                    + " {\"user_id\": 3}; got [1, 2]"),
        deferFails(
            "arguments that do not fit the task",
            inputs(TASK, "fe.sum", ARGS, "{\"a\": 1}"),
            n -> argumentsMessage("fe.sum", "{\"a\": 1}")),
        deferFails(
            "queue over 40 bytes",
            inputs(TASK, "fe.sum", ARGS, SUM_ARGS, QUEUE, LONG_QUEUE),
            n -> n.name(QUEUE) + ": " + queueNameMessage(LONG_QUEUE)),
        deferFails(
            "priority not a number",
            inputs(TASK, "fe.sum", ARGS, SUM_ARGS, PRIORITY, "high"),
            n -> n.name(PRIORITY) + " is 'high', which is not a whole number"),
        worker(
            "queues list with spaces and empties",
            inputs(
                QUEUES,
                " a, ,b ,",
                CONCURRENCY,
                "2",
                FETCH_JOB_POLLING_INTERVAL,
                "0.5",
                ABORT_JOB_POLLING_INTERVAL,
                "PT2S",
                SHUTDOWN_GRACEFUL_TIMEOUT,
                "30",
                DELETE_JOBS,
                "Successful")),
        workerFails(
            "bad delete-jobs value",
            inputs(DELETE_JOBS, "sometimes"),
            n ->
                n.name(DELETE_JOBS)
                    + " is 'sometimes', which is not one of never, successful, always"),
        workerFails(
            "concurrency 0",
            inputs(CONCURRENCY, "0"),
            n -> n.name(CONCURRENCY) + " is '0'; it must be at least 1"),
        workerFails(
            "polling interval 0",
            inputs(FETCH_JOB_POLLING_INTERVAL, "0"),
            n ->
                n.name(FETCH_JOB_POLLING_INTERVAL)
                    + " is '0'; it must be a positive duration, in seconds (5, 0.5) or ISO-8601"
                    + " (PT5S)"),
        workerFails(
            "queue over 40 bytes in the list",
            inputs(QUEUES, "a," + LONG_QUEUE),
            n -> n.name(QUEUES) + ": " + queueNameMessage(LONG_QUEUE)));
  }

  @BeforeAll
  static void writeTheProject() throws IOException {
    classes = Files.createDirectories(project.resolve("target/classes"));
    Path services = Files.createDirectories(classes.resolve("META-INF/services"));
    Files.writeString(
        services.resolve(TaskRegistrar.class.getName()),
        FrontEndTasks.class.getName() + "\n",
        StandardCharsets.UTF_8);
  }

  /** The runtime's own reason for refusing a queue name, which the layer prefixes. */
  private static String queueNameMessage(String queue) {
    return catchThrowable(() -> NewJob.validateQueueName(queue)).getMessage();
  }

  /** The runtime's own reason for refusing a task's arguments. */
  private static String argumentsMessage(String task, String args) {
    try (App app =
        App.builder()
            .dataSource(DB.dataSource())
            .taskRegistrars(List.of(new FrontEndTasks()))
            .build()) {
      return catchThrowable(
              () -> new Operations(app).checkArguments(NewJob.builder(task).argsJson(args).build()))
          .getMessage();
    }
  }

  private static String knownTasks() {
    try (App app =
        App.builder()
            .dataSource(DB.dataSource())
            .taskRegistrars(List.of(new FrontEndTasks()))
            .build()) {
      return app.taskNames().toString();
    }
  }

  @ParameterizedTest(name = "{0}")
  @MethodSource("rows")
  void bothFrontEndsGiveTheSameOutcomeAndMessage(Row row) throws Exception {
    if (row.command() == Command.WORKER && row.error() == null) {
      // Both would start a worker: compare what they would start it with.
      WorkerOptions fromCli = CliFrontEnd.workerOptions(cliArgs(row));
      WorkerOptions fromMaven = ((WorkerMojo) mojo(row)).options();
      assertThat(fromMaven).isEqualTo(fromCli);
      assertThat(fromCli.queues()).containsExactly("a", "b");
      return;
    }
    CliFrontEnd.Run cli = CliFrontEnd.run(cliArgs(row));
    AbstractProcrastinateMojo mojo = mojo(row);
    Throwable failure = catchThrowable(mojo::execute);

    if (row.error() != null) {
      assertThat(cli.exitCode()).as("command line exit code: %s", cli).isEqualTo(2);
      assertThat(cli.errors()).containsExactly(row.error().apply(CLI));
      assertThat(failure).isInstanceOf(MojoFailureException.class);
      assertThat(failure.getMessage()).isEqualTo(row.error().apply(MAVEN));
      return;
    }
    assertThat(failure).as("the goal failed").isNull();
    assertThat(cli.exitCode()).as("command line: %s", cli).isZero();
    ProcrastinateJob byCli = job(Long.parseLong(cli.out().strip()));
    ProcrastinateJob byMaven = job(deferredId(Mojos.log(mojo)));
    assertThat(byMaven.taskName()).isEqualTo(byCli.taskName());
    assertThat(byMaven.queueName()).isEqualTo(byCli.queueName());
    assertThat(byMaven.priority()).isEqualTo(byCli.priority());
    assertThat(byMaven.lock()).isEqualTo(byCli.lock());
    assertThat(byMaven.argsJson()).isEqualTo(byCli.argsJson());
    if (row.inputs().containsKey(IN)) {
      assertThat(byMaven.scheduledAt()).isCloseTo(byCli.scheduledAt(), within());
    } else {
      assertThat(byMaven.scheduledAt()).isEqualTo(byCli.scheduledAt());
    }
    if (row.scheduledAt() != null) {
      assertThat(byCli.scheduledAt()).isEqualTo(row.scheduledAt());
    }
  }

  private static org.assertj.core.data.TemporalUnitOffset within() {
    return new org.assertj.core.data.TemporalUnitWithinOffset(
        1, java.time.temporal.ChronoUnit.MINUTES);
  }

  private static ProcrastinateJob job(long id) {
    return DB.app().jobManager().getJob(id).orElseThrow();
  }

  private static long deferredId(List<String> log) {
    Pattern deferred = Pattern.compile("\\[INFO\\] Deferred job (\\d+) of task .*");
    for (String line : log) {
      Matcher matcher = deferred.matcher(line);
      if (matcher.matches()) {
        return Long.parseLong(matcher.group(1));
      }
    }
    throw new AssertionError("the goal logged no deferred job: " + log);
  }

  /** The row as command-line arguments: database options, the command, then its inputs. */
  private static String[] cliArgs(Row row) {
    List<String> args =
        new ArrayList<>(
            List.of(
                "--url",
                DB.url(),
                "--user",
                DB.user(),
                "--password",
                DB.password(),
                "--class-path",
                classes.toString(),
                row.command().name().toLowerCase(Locale.ROOT)));
    List<String> positional = new ArrayList<>();
    row.inputs()
        .forEach(
            (input, value) -> {
              switch (input) {
                case TASK -> positional.add(0, value);
                case ARGS -> positional.add(value);
                case UNKNOWN -> args.add(CLI.enabled(input));
                default -> args.add(CLI.name(input) + "=" + value);
              }
            });
    args.addAll(positional);
    return args.toArray(new String[0]);
  }

  /** The row as a goal with its parameters set, on the same database and project classes. */
  private static AbstractProcrastinateMojo mojo(Row row) {
    AbstractProcrastinateMojo mojo =
        Mojos.prepare(
            row.command() == Command.DEFER ? new DeferMojo() : new WorkerMojo(), project, classes);
    mojo.url = DB.url();
    mojo.user = DB.user();
    mojo.password = DB.password();
    row.inputs()
        .forEach(
            (input, value) ->
                Mojos.set(
                    mojo,
                    switch (input) {
                      case IN -> "delay";
                      case WAIT -> "waitForJobs";
                      default -> input.key();
                    },
                    value));
    return mojo;
  }
}
