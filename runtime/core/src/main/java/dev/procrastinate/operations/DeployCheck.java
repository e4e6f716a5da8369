package dev.procrastinate.operations;

import com.fasterxml.jackson.databind.JavaType;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import com.fasterxml.jackson.databind.type.TypeFactory;
import com.fasterxml.jackson.databind.util.ClassUtil;
import dev.procrastinate.App;
import dev.procrastinate.ArgumentsException;
import dev.procrastinate.WorkerOptions;
import dev.procrastinate.internal.registry.JsonTaskArguments;
import dev.procrastinate.internal.registry.TaskRegistry;
import dev.procrastinate.internal.sql.CheckDao;
import dev.procrastinate.internal.sql.Database;
import dev.procrastinate.internal.sql.QueryDao;
import dev.procrastinate.model.FailureCounts;
import dev.procrastinate.spi.TaskDescriptor;
import dev.procrastinate.spi.TaskParameter;
import java.io.IOException;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.TreeMap;
import java.util.TreeSet;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * The deploy check behind {@link Operations#check()}: reads what waits in the database with {@link
 * CheckDao} and compares it with the app's tasks. One instance per check; not thread-safe.
 *
 * <p>Arguments are checked as a worker would before running the job: the keys through the runtime's
 * own {@link JsonTaskArguments} (every required parameter present, no unknown key), then each value
 * decoded into its parameter's Java type, resolved from the type text the annotation processor
 * recorded. A parameter whose type cannot be resolved here (a type variable, a wildcard) is checked
 * for presence only.
 */
final class DeployCheck {
  /** How recent a start of one of its jobs makes a queue served, with a live worker registered. */
  static final Duration RECENT_START = Duration.ofMinutes(10);

  private static final Pattern QUALIFIED_NAME =
      Pattern.compile("[A-Za-z_$][\\w$]*(?:\\.[A-Za-z_$][\\w$]*)*");
  private static final Pattern TYPE_ANNOTATION = Pattern.compile("@[\\w$.]+\\s*");

  private final App app;
  private final int examples;
  private final TaskRegistry registry;
  private final Database database;
  private final ObjectMapper mapper;
  private final TypeFactory types;
  private final CheckDao dao = new CheckDao();
  private final Map<String, Map<String, Optional<JavaType>>> parameterTypes = new HashMap<>();
  private final Map<List<String>, Problem> problems = new LinkedHashMap<>();

  DeployCheck(App app, int examples) {
    this.app = app;
    this.examples = examples;
    this.registry = app.internals().registry();
    this.database = app.internals().database();
    this.mapper = app.jsonMapper();
    ClassLoader loader = Thread.currentThread().getContextClassLoader();
    TypeFactory factory = mapper.getTypeFactory();
    this.types = loader == null ? factory : factory.withClassLoader(loader);
  }

  CheckReport run() {
    long start = System.nanoTime();
    List<CheckFinding> findings = new ArrayList<>();
    List<CheckDao.TaskQueueCount> counts =
        database.withConnection("counting the waiting jobs", dao::countWaiting);
    long waiting = 0;
    long running = 0;
    Map<String, Long> unknownWaiting = new TreeMap<>();
    Map<String, Long> unknownRunning = new TreeMap<>();
    Map<List<String>, Long> movedQueues = new LinkedHashMap<>();
    TreeSet<String> knownWaiting = new TreeSet<>();
    for (CheckDao.TaskQueueCount count : counts) {
      boolean todo = count.status().equals("todo");
      if (todo) {
        waiting += count.jobs();
      } else {
        running += count.jobs();
      }
      Optional<TaskDescriptor> task = registry.find(count.task());
      if (task.isEmpty()) {
        (todo ? unknownWaiting : unknownRunning).merge(count.task(), count.jobs(), Long::sum);
        continue;
      }
      if (todo) {
        knownWaiting.add(count.task());
        if (!task.get().queue().equals(count.queue())) {
          movedQueues.merge(List.of(count.task(), count.queue()), count.jobs(), Long::sum);
        }
      }
    }
    unknownWaiting.forEach((task, jobs) -> findings.add(unknownTask(task, jobs)));
    long decoded = checkArguments(knownWaiting);
    problems.values().stream()
        .sorted(Comparator.comparing((Problem p) -> p.taskName).thenComparing(p -> p.argument))
        .forEach(problem -> findings.add(problem.finding()));
    movedQueues.forEach(
        (key, jobs) -> queueWithoutWorker(key.get(0), key.get(1), jobs).ifPresent(findings::add));
    for (CheckDao.PeriodicTicks ticks :
        database.withConnection("reading the periodic ticks", dao::periodicTasks)) {
      if (registry.find(ticks.task()).isEmpty()) {
        findings.add(periodicGone(ticks));
      }
    }
    unknownRunning.forEach(
        (task, jobs) ->
            findings.add(
                new CheckFinding(
                    CheckFinding.Severity.INFO,
                    CheckFinding.Kind.RUNNING_UNKNOWN_TASK,
                    task,
                    null,
                    null,
                    jobs,
                    List.of(),
                    String.format(
                        "%,d running job%s of task '%s', which the code no longer declares, %s"
                            + " being run by the current workers",
                        jobs, jobs == 1 ? "" : "s", task, jobs == 1 ? "is" : "are"))));
    recentFailures(findings);
    findings.sort(Comparator.comparing(CheckFinding::severity));
    return new CheckReport(
        database.description(),
        registry.byName().size() - aliasCount(),
        waiting,
        running,
        decoded,
        Duration.ofNanos(System.nanoTime() - start),
        findings);
  }

  /** Notes the tasks whose attempts failed in the last hour, so a deploy sees what fails now. */
  private void recentFailures(List<CheckFinding> findings) {
    Instant since = Instant.now().minus(RECENT);
    FailureCounts recent =
        database.withConnection(
            "counting the recent failures", c -> new QueryDao().countFailures(c, since, 10));
    for (FailureCounts.Count count : recent.byTask()) {
      findings.add(
          new CheckFinding(
              CheckFinding.Severity.INFO,
              CheckFinding.Kind.RECENT_FAILURES,
              count.name(),
              null,
              null,
              count.failures(),
              List.of(),
              String.format(
                  "%,d attempt%s of task '%s' failed in the last hour; see why in the dashboard's"
                      + " job list (/jobs?task=%s&status=failed) or with the shell's"
                      + " 'list_jobs task=%s status=failed details'",
                  count.failures(),
                  count.failures() == 1 ? "" : "s",
                  count.name(),
                  count.name(),
                  count.name())));
    }
  }

  /** How far back {@link #recentFailures} looks. */
  private static final Duration RECENT = Duration.ofHours(1);

  private int aliasCount() {
    return registry.tasks().stream().mapToInt(t -> t.aliases().size()).sum();
  }

  private CheckFinding unknownTask(String task, long jobs) {
    List<Long> ids =
        database.withConnection(
            "reading waiting jobs of task '" + task + "'",
            c -> dao.waitingIds(c, task, null, examples));
    return new CheckFinding(
        CheckFinding.Severity.ERROR,
        CheckFinding.Kind.UNKNOWN_TASK,
        task,
        null,
        null,
        jobs,
        ids,
        String.format(
            "task '%s' is not declared by the code, but %,d waiting job%s %s it (ids %s): the"
                + " new code cannot run %s. If the task was renamed, keep its old name as an"
                + " alias on the renamed method: @Task(aliases = \"%s\"); if it was removed, let"
                + " the current workers finish these jobs, or cancel them, before deploying",
            task,
            jobs,
            jobs == 1 ? "" : "s",
            jobs == 1 ? "names" : "name",
            idList(ids, jobs),
            jobs == 1 ? "it" : "them",
            task));
  }

  private long checkArguments(TreeSet<String> tasks) {
    if (tasks.isEmpty()) {
      return 0;
    }
    return database.withConnection(
        "reading the arguments of the waiting jobs",
        c -> dao.streamWaitingArgs(c, tasks.toArray(new String[0]), this::checkJob));
  }

  private void checkJob(long id, String taskName, String argsJson) {
    TaskDescriptor task = registry.find(taskName).orElseThrow();
    JsonTaskArguments arguments;
    ObjectNode args;
    try {
      JsonNode tree = mapper.readTree(argsJson);
      if (!(tree instanceof ObjectNode object)) {
        // The runtime's own message for arguments that are not an object.
        JsonTaskArguments.parse(task, argsJson, mapper);
        throw new ArgumentsException("task '" + taskName + "': args are not a JSON object");
      }
      args = object;
      arguments = JsonTaskArguments.of(task, args, mapper);
    } catch (ArgumentsException | IOException e) {
      record(task, taskName, keyProblem(task, argsJson), id, e);
      return;
    }
    for (TaskParameter parameter : task.parameters()) {
      JsonNode node = args.get(parameter.name());
      if (node == null) {
        continue;
      }
      Optional<JavaType> type = type(task, parameter);
      if (type.isEmpty()) {
        continue;
      }
      try {
        decode(arguments, parameter, type.get(), node);
      } catch (ArgumentsException | IOException | IllegalArgumentException e) {
        record(task, taskName, parameter.name(), id, e);
      }
    }
  }

  private void decode(
      JsonTaskArguments arguments, TaskParameter parameter, JavaType type, JsonNode node)
      throws IOException {
    if (!type.hasGenericTypes() && !type.isArrayType()) {
      // The runtime's own strict rules for scalars, then the app's mapper.
      Class<?> raw = type.getRawClass();
      if (raw.isPrimitive()) {
        if (node.isNull()) {
          throw new ArgumentsException(
              "argument '" + parameter.name() + "' is null, which a " + raw + " cannot hold");
        }
        raw = ClassUtil.wrapperType(raw);
      }
      arguments.get(parameter.name(), raw);
      return;
    }
    if (node.isNull()) {
      return;
    }
    try {
      mapper.readerFor(type).readValue(node);
    } catch (IOException | IllegalArgumentException e) {
      throw new ArgumentsException(
          "argument '"
              + parameter.name()
              + "' does not decode as "
              + parameter.javaType()
              + ": "
              + e.getMessage(),
          e);
    }
  }

  /** Names the argument a key check failed on: the first unknown key, else a missing one. */
  private String keyProblem(TaskDescriptor task, String argsJson) {
    JsonNode args;
    try {
      args = mapper.readTree(argsJson);
    } catch (IOException e) {
      return "";
    }
    if (!(args instanceof ObjectNode object)) {
      return "";
    }
    for (Map.Entry<String, JsonNode> field : object.properties()) {
      if (task.parameters().stream().noneMatch(p -> p.name().equals(field.getKey()))) {
        return field.getKey();
      }
    }
    for (TaskParameter parameter : task.parameters()) {
      if (parameter.isRequired() && !object.has(parameter.name())) {
        return parameter.name();
      }
    }
    return "";
  }

  private void record(
      TaskDescriptor task, String taskName, String argument, long id, Exception failure) {
    problems
        .computeIfAbsent(
            List.of(taskName, argument), key -> new Problem(task, taskName, argument, failure))
        .add(id, examples);
  }

  private Optional<JavaType> type(TaskDescriptor task, TaskParameter parameter) {
    return parameterTypes
        .computeIfAbsent(task.name(), name -> new HashMap<>())
        .computeIfAbsent(parameter.name(), name -> resolve(parameter.javaType(), typesOf(task)));
  }

  /** The type factory of the class loader that holds the task's code (its generated handler). */
  private TypeFactory typesOf(TaskDescriptor task) {
    ClassLoader loader = task.handler().getClass().getClassLoader();
    return loader == null ? types : mapper.getTypeFactory().withClassLoader(loader);
  }

  /** Resolves the source text of a parameter type, such as {@code List<a.B.Inner>}, if it can. */
  private Optional<JavaType> resolve(String sourceText, TypeFactory types) {
    String text = TYPE_ANNOTATION.matcher(sourceText).replaceAll("").trim();
    if (text.contains("?") || text.isEmpty()) {
      return Optional.empty();
    }
    int dimensions = 0;
    while (text.endsWith("[]")) {
      text = text.substring(0, text.length() - 2).trim();
      dimensions++;
    }
    Matcher names = QUALIFIED_NAME.matcher(text);
    StringBuilder binary = new StringBuilder();
    while (names.find()) {
      Optional<String> name = binaryName(names.group(), types);
      if (name.isEmpty()) {
        return Optional.empty();
      }
      names.appendReplacement(binary, Matcher.quoteReplacement(name.get()));
    }
    names.appendTail(binary);
    try {
      JavaType type = withModifiers(types.constructFromCanonical(binary.toString()), types);
      for (int i = 0; i < dimensions; i++) {
        type = types.constructArrayType(type);
      }
      return Optional.of(type);
    } catch (IllegalArgumentException e) {
      return Optional.empty();
    }
  }

  /**
   * Builds a parsed type again from its class and parameters, so that the mapper's type modifiers
   * apply ({@code Optional<T>} becomes a reference type, as when the runtime reads it).
   */
  private static JavaType withModifiers(JavaType parsed, TypeFactory types) {
    if (parsed.isArrayType()) {
      return types.constructArrayType(withModifiers(parsed.getContentType(), types));
    }
    int count = parsed.containedTypeCount();
    if (count == 0) {
      return types.constructType(parsed.getRawClass());
    }
    JavaType[] parameters = new JavaType[count];
    for (int i = 0; i < count; i++) {
      parameters[i] = withModifiers(parsed.containedType(i), types);
    }
    return types.constructParametricType(parsed.getRawClass(), parameters);
  }

  /** Finds the binary name of a source name: {@code a.B.Inner} may be {@code a.B$Inner}. */
  private static Optional<String> binaryName(String sourceName, TypeFactory types) {
    String candidate = sourceName;
    while (true) {
      try {
        types.findClass(candidate);
        return Optional.of(candidate);
      } catch (ClassNotFoundException | LinkageError e) {
        int dot = candidate.lastIndexOf('.');
        if (dot < 0) {
          return Optional.empty();
        }
        candidate = candidate.substring(0, dot) + '$' + candidate.substring(dot + 1);
      }
    }
  }

  private Optional<CheckFinding> queueWithoutWorker(String task, String queue, long jobs) {
    boolean served =
        database.withConnection(
            "checking whether a worker serves queue '" + queue + "'",
            c ->
                dao.queueServed(
                    c, queue, WorkerOptions.DEFAULT_STALLED_WORKER_TIMEOUT, RECENT_START));
    if (served) {
      return Optional.empty();
    }
    String current = registry.find(task).map(TaskDescriptor::queue).orElse("?");
    List<Long> ids =
        database.withConnection(
            "reading waiting jobs of task '" + task + "'",
            c -> dao.waitingIds(c, task, queue, examples));
    return Optional.of(
        new CheckFinding(
            CheckFinding.Severity.WARNING,
            CheckFinding.Kind.QUEUE_WITHOUT_WORKER,
            task,
            queue,
            null,
            jobs,
            ids,
            String.format(
                "%,d waiting job%s of task '%s' (ids %s) %s on queue '%s', but the task's"
                    + " default queue is now '%s' and no worker seems to serve '%s' (none runs or"
                    + " recently started one of its jobs): they may never run. Keep a worker on"
                    + " '%s' until they are done (procrastinate worker --queues %s), or retry"
                    + " them onto '%s'",
                jobs,
                jobs == 1 ? "" : "s",
                task,
                idList(ids, jobs),
                jobs == 1 ? "is" : "are",
                queue,
                current,
                queue,
                queue,
                queue,
                current)));
  }

  private static CheckFinding periodicGone(CheckDao.PeriodicTicks ticks) {
    return new CheckFinding(
        CheckFinding.Severity.WARNING,
        CheckFinding.Kind.PERIODIC_TASK_GONE,
        ticks.task(),
        null,
        null,
        ticks.ticks(),
        List.of(),
        String.format(
            "periodic task '%s' has %,d tick%s recorded in procrastinate_periodic_defers (the"
                + " latest %s), but the code no longer declares it: its schedule stops with this"
                + " deploy. If it was renamed, add @Task(aliases = \"%s\") to the renamed method;"
                + " if it was removed on purpose, nothing is to be done",
            ticks.task(),
            ticks.ticks(),
            ticks.ticks() == 1 ? "" : "s",
            ticks.latest() == null ? "unknown" : ticks.latest(),
            ticks.task()));
  }

  private static String idList(List<Long> ids, long total) {
    StringBuilder text = new StringBuilder();
    for (Long id : ids) {
      if (text.length() > 0) {
        text.append(", ");
      }
      text.append(id);
    }
    if (total > ids.size()) {
      text.append(", ...");
    }
    return text.toString();
  }

  /** Waiting jobs of one task whose arguments fail on one argument, with a few examples. */
  private static final class Problem {
    private final TaskDescriptor task;
    private final String taskName;
    private final String argument;
    private final String example;
    private final TreeSet<Long> ids = new TreeSet<>();
    private long jobs;

    Problem(TaskDescriptor task, String taskName, String argument, Exception example) {
      this.task = task;
      this.taskName = taskName;
      this.argument = argument;
      this.example = String.valueOf(example.getMessage());
    }

    void add(long id, int limit) {
      jobs++;
      ids.add(id);
      if (ids.size() > limit) {
        ids.pollLast();
      }
    }

    CheckFinding finding() {
      List<Long> examples = List.copyOf(ids);
      String what =
          argument.isEmpty()
              ? "arguments that are not a JSON object"
              : "an argument '" + argument + "' that no longer fits";
      return new CheckFinding(
          CheckFinding.Severity.ERROR,
          CheckFinding.Kind.UNDECODABLE_ARGUMENTS,
          taskName,
          null,
          argument.isEmpty() ? null : argument,
          jobs,
          examples,
          String.format(
              "%,d waiting job%s of task '%s' (ids %s) %s %s its current parameters %s; for"
                  + " example: %s. Keep the parameter compatible (the same name and a type that"
                  + " reads the stored value, or an Optional for a new one), or let the current"
                  + " workers finish these jobs before deploying",
              jobs,
              jobs == 1 ? "" : "s",
              taskName,
              idList(examples, jobs),
              jobs == 1 ? "has" : "have",
              what,
              task.parameters(),
              example));
    }
  }
}
