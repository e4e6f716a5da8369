package dev.procrastinate.operations;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.procrastinate.JobFilter;
import dev.procrastinate.JobManager;
import dev.procrastinate.ProcrastinateException;
import dev.procrastinate.SchemaException;
import dev.procrastinate.model.EventRecording;
import dev.procrastinate.model.FlowControl;
import dev.procrastinate.model.JobCounts;
import dev.procrastinate.model.JobFailure;
import dev.procrastinate.model.JobStatus;
import dev.procrastinate.model.LimitTarget;
import dev.procrastinate.model.ProcrastinateJob;
import dev.procrastinate.model.RateLimit;
import java.io.BufferedReader;
import java.io.IOException;
import java.io.PrintStream;
import java.time.Instant;
import java.time.ZoneOffset;
import java.time.format.DateTimeFormatter;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Iterator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import java.util.Set;
import java.util.TreeSet;
import java.util.function.Function;
import org.jspecify.annotations.Nullable;

/**
 * The administration shell: upstream Procrastinate's {@code procrastinate shell}, with its commands
 * and its output format, over a {@link JobManager}. Read it a line at a time with {@link
 * #run(BufferedReader)}, or run one command with {@link #execute(String)}. Not thread-safe.
 *
 * <p>Commands: {@code list_jobs [id=ID] [queue=QUEUE] [task=TASK] [status=STATUS] [lock=LOCK]
 * [queueing_lock=LOCK] [details]}, {@code list_queues}, {@code list_tasks}, {@code list_locks}
 * (each with {@code queue= task= status= lock=} filters), {@code cancel ID}, {@code abort ID},
 * {@code retry ID}, {@code help [COMMAND]}, {@code exit} (or end of input). A job is printed as
 * {@code #2 myapp.tasks.sum on default - [cancelled]}; counts as {@code default: 3 jobs (todo: 1,
 * doing: 0, succeeded: 0, failed: 2, cancelled: 0, aborted: 0)}.
 */
public final class Shell {
  /** What a command line did. */
  public enum Result {
    /** The command ran. */
    OK,
    /** The command failed; the reason was printed on the error stream. */
    FAILED,
    /** The command asked to leave the shell. */
    EXIT
  }

  /** The first lines printed by {@link #run(BufferedReader)}, as upstream prints them. */
  public static final String INTRO =
      "Welcome to the procrastinate shell.   Type help or ? to list commands.";

  /** The prompt, as upstream's. */
  public static final String PROMPT = "procrastinate> ";

  private static final Set<String> JOB_FILTERS =
      Set.of("id", "queue", "task", "status", "lock", "queueing_lock");
  private static final Set<String> COUNT_FILTERS = Set.of("queue", "task", "status", "lock");
  private static final Set<String> LIMIT_WORDS = Set.of("queue", "task", "concurrency", "rate");
  private static final Set<String> TARGET_WORDS = Set.of("queue", "task");
  private static final DateTimeFormatter PYTHON_DATETIME =
      DateTimeFormatter.ofPattern("yyyy-MM-dd HH:mm:ss").withZone(ZoneOffset.UTC);

  private final JobManager jobs;
  private final PrintStream out;
  private final PrintStream err;
  private final ObjectMapper json = new ObjectMapper();
  private final Map<String, Entry> entries = new LinkedHashMap<>();

  /**
   * Creates a shell.
   *
   * @param jobs where jobs are read and changed
   * @param out where results and prompts go
   * @param err where errors go, one line each
   */
  public Shell(JobManager jobs, PrintStream out, PrintStream err) {
    this.jobs = Objects.requireNonNull(jobs, "jobs");
    this.out = Objects.requireNonNull(out, "out");
    this.err = Objects.requireNonNull(err, "err");
    command(
        "list_jobs",
        "List jobs, by id.\n"
            + "Usage: list_jobs [id=ID] [queue=QUEUE_NAME] [task=TASK_NAME] [status=STATUS]\n"
            + "                 [lock=LOCK] [queueing_lock=QUEUEING_LOCK] [details]\n"
            + "Example: list_jobs queue=default task=sums status=failed details",
        this::listJobs);
    command(
        "list_queues",
        "List queues with the number of jobs per status; a paused queue's line ends with"
            + " [paused].\n"
            + "Usage: list_queues [queue=QUEUE_NAME] [task=TASK_NAME] [status=STATUS] [lock=LOCK]",
        this::listQueues);
    command(
        "list_tasks",
        "List tasks with the number of jobs per status.\n"
            + "Usage: list_tasks [queue=QUEUE_NAME] [task=TASK_NAME] [status=STATUS] [lock=LOCK]",
        words -> listCounts(words, "list_tasks", jobs::countByTask));
    command(
        "list_locks",
        "List locks with the number of jobs per status.\n"
            + "Usage: list_locks [queue=QUEUE_NAME] [task=TASK_NAME] [status=STATUS] [lock=LOCK]",
        words -> listCounts(words, "list_locks", jobs::countByLock));
    command(
        "cancel",
        "Cancel a waiting job (todo becomes cancelled).\nUsage: cancel JOB_ID",
        words -> change(words, "cancel", jobs::cancel));
    command(
        "abort",
        "Abort a job: a waiting one is cancelled, a running one is asked to stop.\n"
            + "Usage: abort JOB_ID",
        words -> change(words, "abort", jobs::abort));
    command(
        "retry",
        "Retry a failed or stalled job now (it goes back to todo); a job running on a live worker"
            + " is refused.\nUsage: retry JOB_ID",
        words ->
            change(
                words,
                "retry",
                id -> {
                  jobs.retry(id);
                  return true;
                }));
    command(
        "result",
        "Print what a job's task returned, as JSON; fails when the job has not succeeded or its"
            + " task returned nothing.\nUsage: result JOB_ID",
        this::result);
    command(
        "pause_queue",
        "Pause a queue: no worker of this runtime starts its jobs until resume_queue; the jobs"
            + " running now finish. Python workers do not obey.\nUsage: pause_queue QUEUE_NAME",
        this::pauseQueue);
    command(
        "resume_queue",
        "Resume a paused queue: its workers are woken and start its jobs again.\n"
            + "Usage: resume_queue QUEUE_NAME",
        this::resumeQueue);
    command(
        "set_limit",
        "Set, live, how many jobs of a queue or task may run at once (concurrency) and start per"
            + " period (rate),\nacross every worker of this runtime; it wins over a limit the"
            + " task declares in code.\n"
            + "Usage: set_limit queue=QUEUE_NAME|task=TASK_NAME [concurrency=N] [rate=N/PERIOD]\n"
            + "PERIOD: a number with an optional unit (ms, s, m, h; seconds without one), or a"
            + " unit alone.\n"
            + "Example: set_limit task=mail.send concurrency=5 rate=50/1s",
        this::setLimit);
    command(
        "clear_limit",
        "Clear the live limits of a queue or task; the limits its code declares, if any, apply"
            + " again.\nUsage: clear_limit queue=QUEUE_NAME|task=TASK_NAME",
        this::clearLimit);
    command(
        "list_limits",
        "List the flow controls: paused queues, and the concurrency and rate limits of queues"
            + " and tasks\n(set live, else declared in code, marked (declared)), with their jobs"
            + " running now.\nUsage: list_limits",
        this::listLimits);
    command(
        "event_recording",
        "Show which status changes write a row into procrastinate_events, or switch it for every"
            + " writer,\nJava and Python: full (every one, the default) or lean (no 'deferred' or"
            + " 'started' rows;\nretries and ends are kept).\n"
            + "Usage: event_recording [full|lean]",
        this::eventRecording);
    command("help", "List commands, or show the help of one.\nUsage: help [COMMAND]", this::help);
    command("exit", "Leave the shell (also at the end of the input).", words -> Result.EXIT);
  }

  private interface Command {
    Result run(List<String> words);
  }

  private record Entry(String help, Command action) {}

  private void command(String name, String help, Command action) {
    entries.put(name, new Entry(help, action));
  }

  /**
   * Reads commands until {@code exit} or the end of the input, printing the intro and a prompt
   * before each command, as upstream's shell does.
   *
   * @param in the commands, one per line
   * @throws IOException if the input cannot be read
   */
  public void run(BufferedReader in) throws IOException {
    out.println(INTRO);
    out.println();
    while (true) {
      out.print(PROMPT);
      out.flush();
      String line = in.readLine();
      if (line == null) {
        if (System.console() != null) {
          out.println();
        }
        out.flush();
        return;
      }
      if (execute(line) == Result.EXIT) {
        out.flush();
        return;
      }
    }
  }

  /**
   * Runs one command line.
   *
   * @param line a command and its arguments, such as {@code list_jobs queue=default details}
   * @return what happened; a failure was printed on the error stream
   */
  public Result execute(String line) {
    List<String> words =
        Arrays.stream(line.trim().split("\\s+")).filter(w -> !w.isEmpty()).toList();
    if (words.isEmpty()) {
      return Result.OK;
    }
    String name = words.get(0);
    if (name.equals("?")) {
      name = "help";
    } else if (name.equals("EOF")) {
      name = "exit";
    }
    Entry entry = entries.get(name);
    if (entry == null) {
      out.println("*** Unknown syntax: " + line.trim());
      out.flush();
      return Result.FAILED;
    }
    try {
      Result result = entry.action().run(words.subList(1, words.size()));
      out.flush();
      return result;
    } catch (ProcrastinateException | IllegalArgumentException e) {
      out.flush();
      err.println("*** " + Messages.oneLine(e));
      err.flush();
      return Result.FAILED;
    }
  }

  private Result help(List<String> words) {
    if (words.isEmpty()) {
      out.println();
      out.println("Documented commands (type help <topic>):");
      out.println("========================================");
      out.println(String.join("  ", entries.keySet()));
      out.println();
      return Result.OK;
    }
    Entry entry = entries.get(words.get(0));
    if (entry == null) {
      throw new IllegalArgumentException(
          "no help on '" + words.get(0) + "'; commands: " + String.join(", ", entries.keySet()));
    }
    out.println(entry.help());
    return Result.OK;
  }

  private static Map<String, String> filters(List<String> words, String command, Set<String> keys) {
    Map<String, String> filters = new LinkedHashMap<>();
    for (String word : words) {
      int equals = word.indexOf('=');
      String key = equals < 0 ? word : word.substring(0, equals);
      if (equals < 0 || !keys.contains(key)) {
        throw new IllegalArgumentException(
            command
                + ": unknown argument '"
                + word
                + "'; use "
                + String.join(", ", keys.stream().sorted().map(k -> k + "=").toList()));
      }
      filters.put(key, word.substring(equals + 1));
    }
    return filters;
  }

  private static JobFilter toFilter(Map<String, String> filters) {
    JobFilter filter = JobFilter.all().limit(Integer.MAX_VALUE);
    for (Map.Entry<String, String> entry : filters.entrySet()) {
      String value = entry.getValue();
      filter =
          switch (entry.getKey()) {
            case "id" -> filter.id(parseId(value));
            case "queue" -> filter.queue(value);
            case "task" -> filter.task(value);
            case "status" -> filter.status(JobStatus.fromDb(value.toLowerCase(Locale.ROOT)));
            case "lock" -> filter.lock(value);
            case "queueing_lock" -> filter.queueingLock(value);
            default -> throw new IllegalStateException("filter " + entry.getKey());
          };
    }
    return filter;
  }

  private static long parseId(String text) {
    try {
      return Long.parseLong(text.trim());
    } catch (NumberFormatException e) {
      throw new IllegalArgumentException("'" + text + "' is not a job id; give a number", e);
    }
  }

  private Result listJobs(List<String> words) {
    boolean details = words.contains("details");
    List<String> rest = words.stream().filter(w -> !w.equals("details")).toList();
    JobFilter filter = toFilter(filters(rest, "list_jobs", JOB_FILTERS));
    List<ProcrastinateJob> listed = jobs.listJobs(filter);
    Map<Long, JobFailure> failures =
        details
            ? jobs.latestFailures(listed.stream().map(ProcrastinateJob::id).toList())
            : Map.of();
    for (ProcrastinateJob job : listed) {
      out.println(format(job, details) + lastError(failures.get(job.id())));
    }
    return Result.OK;
  }

  private Result listCounts(
      List<String> words, String command, Function<JobFilter, List<JobCounts>> query) {
    JobFilter filter = toFilter(filters(words, command, COUNT_FILTERS));
    printCounts(query.apply(filter), Set.of());
    return Result.OK;
  }

  /**
   * Lists the queues as {@link #listCounts} does, a paused queue's line ending with {@code
   * [paused]}; without a filter, a paused queue that has no job is listed too, so that it is seen.
   */
  private Result listQueues(List<String> words) {
    JobFilter filter = toFilter(filters(words, "list_queues", COUNT_FILTERS));
    List<JobCounts> counts = new ArrayList<>(jobs.countByQueue(filter));
    Set<String> paused = pausedQueues();
    if (words.isEmpty()) {
      Set<String> listed = new TreeSet<>();
      counts.forEach(c -> listed.add(c.name()));
      for (String queue : paused) {
        if (!listed.contains(queue)) {
          int at = 0;
          while (at < counts.size() && counts.get(at).name().compareTo(queue) < 0) {
            at++;
          }
          counts.add(at, new JobCounts(queue, 0, Map.of()));
        }
      }
    }
    printCounts(counts, paused);
    return Result.OK;
  }

  /**
   * Returns the paused queues; none on a schema without this runtime's flow controls (one that
   * Python Procrastinate made and that was never migrated), where upstream's listing still works.
   */
  private Set<String> pausedQueues() {
    List<FlowControl> controls;
    try {
      controls = jobs.flowControls();
    } catch (SchemaException e) {
      return Set.of();
    }
    Set<String> paused = new TreeSet<>();
    for (FlowControl control : controls) {
      if (control.paused()) {
        paused.add(control.target().name());
      }
    }
    return paused;
  }

  private void printCounts(List<JobCounts> list, Set<String> paused) {
    for (JobCounts counts : list) {
      out.println(
          counts.name()
              + ": "
              + counts.total()
              + " jobs (todo: "
              + counts.count(JobStatus.TODO)
              + ", doing: "
              + counts.count(JobStatus.DOING)
              + ", succeeded: "
              + counts.count(JobStatus.SUCCEEDED)
              + ", failed: "
              + counts.count(JobStatus.FAILED)
              + ", cancelled: "
              + counts.count(JobStatus.CANCELLED)
              + ", aborted: "
              + counts.count(JobStatus.ABORTED)
              + ")"
              + (paused.contains(counts.name()) ? " [paused]" : ""));
    }
  }

  private Result result(List<String> words) {
    if (words.size() != 1) {
      throw new IllegalArgumentException("usage: result JOB_ID");
    }
    long id = parseId(words.get(0));
    ProcrastinateJob job =
        jobs.getJob(id).orElseThrow(() -> new IllegalArgumentException("there is no job " + id));
    Optional<String> result = jobs.resultJson(id);
    if (result.isPresent()) {
      out.println(result.get());
      return Result.OK;
    }
    err.println(
        "*** job "
            + id
            + (job.status() == JobStatus.SUCCEEDED
                ? " succeeded without a result: its task returned nothing, or a Python worker ran"
                    + " it"
                : " is " + job.status().dbValue() + ": a job has a result once it succeeded"));
    return Result.FAILED;
  }

  private Result pauseQueue(List<String> words) {
    String queue = queueArgument(words, "pause_queue");
    if (jobs.pauseQueue(queue)) {
      out.println(
          "queue "
              + queue
              + " paused: no worker of this runtime starts its jobs until resume_queue "
              + queue
              + "; the jobs running now finish; Python workers do not obey");
    } else {
      out.println("queue " + queue + " is already paused; nothing changed");
    }
    return Result.OK;
  }

  private Result resumeQueue(List<String> words) {
    String queue = queueArgument(words, "resume_queue");
    if (jobs.resumeQueue(queue)) {
      out.println("queue " + queue + " resumed: workers of this runtime start its jobs again");
    } else {
      out.println("queue " + queue + " is not paused; nothing changed");
    }
    return Result.OK;
  }

  private Result eventRecording(List<String> words) {
    if (words.size() > 1) {
      throw new IllegalArgumentException(
          "event_recording: give full or lean, or nothing to show it; got "
              + String.join(" ", words));
    }
    EventRecording recording =
        words.isEmpty()
            ? jobs.eventRecording()
            : jobs.setEventRecording(EventRecording.Mode.parse(words.get(0)));
    out.println("event recording: " + recording.describe());
    return recording.mode() == EventRecording.Mode.MIXED ? Result.FAILED : Result.OK;
  }

  private static String queueArgument(List<String> words, String command) {
    if (words.size() != 1) {
      throw new IllegalArgumentException(
          command
              + ": give one queue name, as "
              + command
              + " emails"
              + (words.isEmpty() ? "" : "; got " + String.join(" ", words)));
    }
    return words.get(0);
  }

  private Result setLimit(List<String> words) {
    Map<String, String> arguments = limitArguments(words, "set_limit", LIMIT_WORDS);
    LimitTarget target = target(arguments, "set_limit");
    String concurrencyText = arguments.get("concurrency");
    String rateText = arguments.get("rate");
    if (concurrencyText == null && rateText == null) {
      throw new IllegalArgumentException(
          "set_limit: give concurrency=N, rate=N/PERIOD or both, as set_limit "
              + target
              + " concurrency=5 rate=50/1s; to lift the limits, use clear_limit "
              + target);
    }
    Integer concurrency = concurrencyText == null ? null : concurrency(concurrencyText, target);
    RateLimit rate;
    try {
      rate = rateText == null ? null : RateLimit.parse(rateText);
    } catch (IllegalArgumentException e) {
      throw new IllegalArgumentException("set_limit: " + e.getMessage(), e);
    }
    List<String> set = new ArrayList<>();
    if (concurrency != null) {
      jobs.setConcurrencyLimit(target, concurrency);
      set.add("concurrency " + concurrency);
    }
    if (rate != null) {
      jobs.setRateLimit(target, rate);
      set.add("rate " + rate);
    }
    out.println(
        target
            + ": "
            + String.join(", ", set)
            + " set; every worker of this runtime obeys it from its next fetch");
    return Result.OK;
  }

  private static int concurrency(String text, LimitTarget target) {
    int value;
    try {
      value = Integer.parseInt(text.trim());
    } catch (NumberFormatException e) {
      throw new IllegalArgumentException(
          "set_limit: concurrency="
              + text
              + " is not a whole number; give the most jobs running at once, as concurrency=5",
          e);
    }
    if (value < 1) {
      throw new IllegalArgumentException(
          "set_limit: concurrency="
              + text
              + " is below 1; give at least 1, or lift the limits with clear_limit "
              + target);
    }
    return value;
  }

  private Result clearLimit(List<String> words) {
    LimitTarget target = target(limitArguments(words, "clear_limit", TARGET_WORDS), "clear_limit");
    boolean cleared = jobs.clearLimits(target);
    FlowControl declared =
        jobs.flowControls().stream()
            .filter(c -> c.target().equals(target))
            .filter(c -> c.declaredConcurrency() != null || c.declaredRate() != null)
            .findFirst()
            .orElse(null);
    String after =
        declared == null
            ? "it has no limit now"
            : "the limits its code declares apply again: "
                + limitText("concurrency", declared.declaredConcurrency(), null)
                + ", "
                + limitText("rate", declared.declaredRate(), null);
    out.println(
        cleared
            ? target + ": live limits cleared; " + after
            : target + " has no live limit; nothing changed; " + after);
    return Result.OK;
  }

  private Result listLimits(List<String> words) {
    if (!words.isEmpty()) {
      throw new IllegalArgumentException(
          "list_limits: takes no argument; got " + String.join(" ", words));
    }
    for (FlowControl control : jobs.flowControls()) {
      StringBuilder line = new StringBuilder().append(control.target()).append(": ");
      if (control.target().scope() == LimitTarget.Scope.QUEUE) {
        line.append(control.paused() ? "paused, " : "not paused, ");
      }
      line.append(limitText("concurrency", control.concurrency(), control.declaredConcurrency()))
          .append(", ")
          .append(limitText("rate", control.rate(), control.declaredRate()))
          .append(", running now ")
          .append(control.running());
      out.println(line);
    }
    return Result.OK;
  }

  /**
   * Writes a limit: the live one, else the declared one marked {@code (declared)}, else {@code
   * none}; a live one that wins over a declared one says so.
   */
  private static String limitText(String name, @Nullable Object live, @Nullable Object declared) {
    if (live != null) {
      return name + " " + live + (declared == null ? "" : " (declared " + declared + ")");
    }
    return name + " " + (declared == null ? "none" : declared + " (declared)");
  }

  /** Reads {@code key=value} words: each key known, given once, with a value. */
  private static Map<String, String> limitArguments(
      List<String> words, String command, Set<String> keys) {
    Map<String, String> arguments = new LinkedHashMap<>();
    String known = String.join(", ", keys.stream().sorted().map(k -> k + "=").toList());
    for (String word : words) {
      int equals = word.indexOf('=');
      String key = equals < 0 ? word : word.substring(0, equals);
      if (equals < 0 || !keys.contains(key)) {
        throw new IllegalArgumentException(
            command + ": unknown argument '" + word + "'; use " + known);
      }
      String value = word.substring(equals + 1);
      if (value.isBlank()) {
        throw new IllegalArgumentException(
            command + ": " + key + "= has no value; write it as " + key + "=" + example(key));
      }
      if (arguments.put(key, value) != null) {
        throw new IllegalArgumentException(command + ": " + key + "= is given twice; give it once");
      }
    }
    return arguments;
  }

  private static String example(String key) {
    return switch (key) {
      case "queue" -> "emails";
      case "task" -> "mail.send";
      case "concurrency" -> "5";
      default -> "50/1s";
    };
  }

  /** Returns the one queue or task the arguments name. */
  private static LimitTarget target(Map<String, String> arguments, String command) {
    String queue = arguments.get("queue");
    String task = arguments.get("task");
    if (queue != null && task != null) {
      throw new IllegalArgumentException(
          command
              + ": give queue= or task=, not both: a limit applies to every job of one queue, or"
              + " to every job of one task");
    }
    if (queue == null && task == null) {
      throw new IllegalArgumentException(
          command
              + ": say what to limit with queue=QUEUE_NAME or task=TASK_NAME, as "
              + command
              + " queue=emails");
    }
    return queue != null ? LimitTarget.queue(queue) : LimitTarget.task(task);
  }

  private interface JobChange {
    boolean apply(long id);
  }

  private Result change(List<String> words, String command, JobChange change) {
    if (words.size() != 1) {
      throw new IllegalArgumentException("usage: " + command + " JOB_ID");
    }
    long id = parseId(words.get(0));
    if (jobs.getJob(id).isEmpty()) {
      throw new IllegalArgumentException("there is no job " + id);
    }
    boolean done = change.apply(id);
    ProcrastinateJob job =
        jobs.getJob(id).orElseThrow(() -> new IllegalArgumentException("job " + id + " is gone"));
    out.println(format(job, false));
    if (!done) {
      err.println("*** job " + id + " is " + job.status().dbValue() + ": nothing to " + command);
      return Result.FAILED;
    }
    return Result.OK;
  }

  /**
   * Formats a job as upstream's shell does: {@code #ID TASK on QUEUE - [STATUS]}, and with details
   * {@code (attempts=0, priority=0, scheduled_at=None, args={'a': 1}, lock=None)}, values written
   * the way Python prints them.
   *
   * @param job the job
   * @param details whether to add attempts, priority, schedule, arguments and lock
   * @return the line
   */
  public String format(ProcrastinateJob job, boolean details) {
    String line =
        "#"
            + job.id()
            + " "
            + job.taskName()
            + " on "
            + job.queueName()
            + " - ["
            + job.status().dbValue()
            + "]";
    if (!details) {
      return line;
    }
    return line
        + " (attempts="
        + job.attempts()
        + ", priority="
        + job.priority()
        + ", scheduled_at="
        + pythonDateTime(job.scheduledAt())
        + ", args="
        + pythonArgs(job.argsJson())
        + ", lock="
        + (job.lock() == null ? "None" : job.lock())
        + ")";
  }

  /**
   * The latest recorded failure after a detailed line, as {@code last_error=CLASS: first line of
   * its message}; nothing for a job without one (upstream's format, unchanged).
   */
  private static String lastError(@Nullable JobFailure failure) {
    if (failure == null) {
      return "";
    }
    String firstLine = failure.firstMessageLine();
    return " last_error="
        + failure.exceptionClass()
        + (firstLine.isEmpty() ? "" : ": " + firstLine);
  }

  private static String pythonDateTime(Instant instant) {
    if (instant == null) {
      return "None";
    }
    String text = PYTHON_DATETIME.format(instant);
    int micros = instant.getNano() / 1000;
    if (micros != 0) {
      text += String.format(Locale.ROOT, ".%06d", micros);
    }
    return text + "+00:00";
  }

  private String pythonArgs(String argsJson) {
    try {
      return python(json.readTree(argsJson));
    } catch (JsonProcessingException e) {
      return argsJson;
    }
  }

  /** Writes JSON as Python's {@code repr} of the decoded value. */
  static String python(JsonNode node) {
    if (node == null || node.isNull() || node.isMissingNode()) {
      return "None";
    }
    if (node.isBoolean()) {
      return node.booleanValue() ? "True" : "False";
    }
    if (node.isTextual()) {
      return pythonString(node.textValue());
    }
    if (node.isNumber()) {
      return node.asText();
    }
    StringBuilder out = new StringBuilder();
    if (node.isArray()) {
      out.append('[');
      for (Iterator<JsonNode> it = node.elements(); it.hasNext(); ) {
        out.append(python(it.next()));
        if (it.hasNext()) {
          out.append(", ");
        }
      }
      return out.append(']').toString();
    }
    out.append('{');
    for (Iterator<Map.Entry<String, JsonNode>> it = node.properties().iterator(); it.hasNext(); ) {
      Map.Entry<String, JsonNode> field = it.next();
      out.append(pythonString(field.getKey())).append(": ").append(python(field.getValue()));
      if (it.hasNext()) {
        out.append(", ");
      }
    }
    return out.append('}').toString();
  }

  private static String pythonString(String text) {
    char quote = text.indexOf('\'') >= 0 && text.indexOf('"') < 0 ? '"' : '\'';
    StringBuilder out = new StringBuilder().append(quote);
    for (int i = 0; i < text.length(); i++) {
      char c = text.charAt(i);
      if (c == quote || c == '\\') {
        out.append('\\').append(c);
      } else if (c == '\n') {
        out.append("\\n");
      } else if (c == '\r') {
        out.append("\\r");
      } else if (c == '\t') {
        out.append("\\t");
      } else if (c < 0x20 || c == 0x7f) {
        out.append(String.format(Locale.ROOT, "\\x%02x", (int) c));
      } else {
        out.append(c);
      }
    }
    return out.append(quote).toString();
  }
}
