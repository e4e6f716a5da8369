package dev.procrastinate.operations;

import com.fasterxml.jackson.core.JsonProcessingException;
import dev.procrastinate.AlreadyEnqueuedException;
import dev.procrastinate.App;
import dev.procrastinate.ArgumentsException;
import dev.procrastinate.HealthReport;
import dev.procrastinate.NewJob;
import dev.procrastinate.SchemaManager;
import dev.procrastinate.internal.migrate.Migrator;
import dev.procrastinate.internal.registry.JsonTaskArguments;
import dev.procrastinate.internal.registry.TaskRegistry;
import dev.procrastinate.internal.sql.Database;
import dev.procrastinate.internal.sql.QueryDao;
import dev.procrastinate.model.EventRecording;
import dev.procrastinate.spi.TaskDescriptor;
import java.util.ArrayList;
import java.util.List;
import java.util.Objects;
import java.util.Optional;
import java.util.OptionalLong;

/**
 * What the front ends do with an {@link App}: defer a task by name, check a job's arguments, run
 * the health checks, read the schema's SQL. Thread-safe, as the app is.
 *
 * <pre>{@code
 * DeferRequest request = DeferRequest.builder(InputNames.KEYS).task("mail.send").args(json).build();
 * DeferResult result = new Operations(app).defer(request);
 * }</pre>
 */
public final class Operations {
  private final App app;

  /**
   * Creates the operations over an app.
   *
   * @param app the app; the caller closes it
   */
  public Operations(App app) {
    this.app = Objects.requireNonNull(app, "app");
  }

  /**
   * Starts a job of a task given by name, with the task's own defaults (queue, priority, lock,
   * queueing lock) when the app knows it: upstream's {@code configure_task(name, allow_unknown)}.
   *
   * @param taskName the task's persisted name or one of its aliases
   * @param allowUnknown whether a name no registrar declares is accepted, with upstream's defaults
   *     (queue {@code default}, priority 0): a task only another service runs, a Python one say
   * @param names how the front end names its inputs, to say how to allow unknown tasks
   * @return a builder to add arguments and options to
   * @throws InputException if the task is unknown and not allowed, listing the known ones
   * @throws IllegalStateException if two registrars declare the same task name
   */
  public NewJob.Builder configureTask(String taskName, boolean allowUnknown, InputNames names) {
    Objects.requireNonNull(taskName, "taskName");
    NewJob.Builder job = NewJob.builder(taskName);
    TaskRegistry registry = app.internals().registry();
    Optional<TaskDescriptor> found = registry.find(taskName);
    if (found.isEmpty()) {
      if (!allowUnknown) {
        throw new InputException(
            Input.TASK,
            "task '"
                + taskName
                + "' is not known here; known tasks: "
                + registry.byName().keySet()
                + ". Check the name, make the task's classes visible (compiled with"
                + " procrastinate-processor, on the class path), or allow unknown tasks with "
                + names.enabled(Input.UNKNOWN)
                + " to defer a task that only another service runs",
            null);
      }
      return job;
    }
    TaskDescriptor task = found.get();
    return job.queue(task.queue())
        .priority(task.priority())
        .lock(task.lock().orElse(null))
        .queueingLock(task.queueingLock().orElse(null));
  }

  /**
   * Checks a job's arguments against its task's parameters, when the app knows the task: they must
   * be a JSON object with every required parameter and no other key. Values are decoded when the
   * job runs.
   *
   * @param job the job
   * @throws ArgumentsException naming the task, the argument and the fix, if they do not fit
   */
  public void checkArguments(NewJob job) {
    Objects.requireNonNull(job, "job");
    Optional<TaskDescriptor> found = app.internals().registry().find(job.taskName());
    if (found.isEmpty()) {
      return;
    }
    String json = job.argsJson();
    if (json == null) {
      try {
        json = app.jsonMapper().writeValueAsString(job.args());
      } catch (JsonProcessingException e) {
        throw new ArgumentsException(
            "task '" + job.taskName() + "': args cannot be written as JSON: " + e.getMessage(), e);
      }
    }
    JsonTaskArguments.parse(found.get(), json, app.jsonMapper());
  }

  /**
   * Defers one job: the task's defaults, then the request's options; the arguments checked against
   * the task's parameters when the app knows the task.
   *
   * @param request the checked request
   * @return the job and its id, or the queueing-lock clash that the request ignores
   * @throws InputException if the task is unknown and the request does not allow it
   * @throws ArgumentsException if the arguments do not fit the task
   * @throws AlreadyEnqueuedException if the queueing lock is taken and the request does not ignore
   *     it
   * @throws dev.procrastinate.DatabaseUnavailableException if the database cannot be reached
   */
  public DeferResult defer(DeferRequest request) {
    Objects.requireNonNull(request, "request");
    NewJob.Builder builder = configureTask(request.task(), request.allowUnknown(), request.names());
    if (request.args() != null) {
      builder.argsJson(request.args());
    }
    if (request.queue() != null) {
      builder.queue(request.queue());
    }
    if (request.lock() != null) {
      builder.lock(request.lock());
    }
    if (request.queueingLock() != null) {
      builder.queueingLock(request.queueingLock());
    }
    if (request.priority() != null) {
      builder.priority(request.priority());
    }
    builder.scheduleAt(request.at()).scheduleIn(request.in());
    NewJob job = builder.build();
    checkArguments(job);
    try {
      return new DeferResult(job, OptionalLong.of(app.jobManager().defer(job)), null);
    } catch (AlreadyEnqueuedException e) {
      if (!request.ignoreAlreadyEnqueued()) {
        throw e;
      }
      return new DeferResult(job, OptionalLong.empty(), Messages.oneLine(e));
    }
  }

  /** How many example job ids a finding of {@link #check()} shows. */
  public static final int CHECK_EXAMPLES = 5;

  /**
   * Compares the app's tasks with the jobs waiting in the database, before the code is deployed:
   * waiting jobs of a task the code no longer declares (an error), waiting jobs whose arguments no
   * longer decode into their task's parameters (an error; every waiting job is read, streamed),
   * jobs waiting on a queue that is no longer their task's default with no worker serving it (a
   * warning), periodic ticks of a task that is gone (a warning), and running jobs of an unknown
   * task (a note). Read-only.
   *
   * @return what was found; {@link CheckReport#passed()} is false if an error was found
   * @throws dev.procrastinate.DatabaseUnavailableException if the database cannot be reached
   * @throws IllegalStateException if two registrars declare the same task name
   */
  public CheckReport check() {
    return check(CHECK_EXAMPLES);
  }

  /**
   * Runs {@link #check()} showing up to {@code examples} job ids per finding.
   *
   * @param examples how many example ids, at least 1
   * @return what was found
   * @throws IllegalArgumentException if {@code examples} is below 1
   */
  public CheckReport check(int examples) {
    if (examples < 1) {
      throw new IllegalArgumentException("examples must be at least 1: " + examples);
    }
    return new DeployCheck(app, examples).run();
  }

  /**
   * Checks that the database answers, that its Procrastinate schema is migrated and up to date,
   * which status changes write event rows (when the schema is up to date; a mixed arrangement of
   * the triggers fails), and that tasks were found; never throws for a failed check.
   *
   * @return one check each ({@code database}, {@code schema}, {@code events}, {@code tasks}), with
   *     what was found and what to do
   */
  public HealthReport healthChecks() {
    List<HealthReport.Check> checks = new ArrayList<>();
    Database database = app.internals().database();
    boolean reachable;
    try {
      String version =
          database.withConnection("checking the database", new QueryDao()::serverVersion);
      checks.add(
          new HealthReport.Check(
              "database", true, "PostgreSQL " + version + " at " + database.description()));
      reachable = true;
    } catch (RuntimeException e) {
      checks.add(new HealthReport.Check("database", false, detail(e)));
      reachable = false;
    }
    if (reachable) {
      HealthReport.Check schema = schemaCheck();
      checks.add(schema);
      if (schema.ok()) {
        checks.add(eventsCheck());
      }
    } else {
      checks.add(
          new HealthReport.Check("schema", false, "not checked: the database is unreachable"));
    }
    checks.add(tasksCheck());
    return new HealthReport(checks);
  }

  private HealthReport.Check schemaCheck() {
    SchemaManager schemaManager = app.schemaManager();
    try {
      List<SchemaManager.MigrationScript> pending = schemaManager.pendingScripts();
      if (pending.isEmpty()) {
        return new HealthReport.Check(
            "schema", true, "migrated, version " + schemaManager.latestVersion() + " (the latest)");
      }
      String current = schemaManager.currentVersion();
      return new HealthReport.Check(
          "schema",
          false,
          (current == null ? "not migrated by this runtime" : "version " + current)
              + ", pending "
              + pending.stream().map(SchemaManager.MigrationScript::fileName).toList()
              + ": run the migration (mvn procrastinate:migrate, procrastinate schema --migrate,"
              + " or SchemaManager.migrate())");
    } catch (RuntimeException e) {
      return new HealthReport.Check("schema", false, detail(e));
    }
  }

  private HealthReport.Check eventsCheck() {
    try {
      EventRecording recording = app.jobManager().eventRecording();
      return new HealthReport.Check(
          "events", recording.mode() != EventRecording.Mode.MIXED, recording.describe());
    } catch (RuntimeException e) {
      return new HealthReport.Check("events", false, detail(e));
    }
  }

  private HealthReport.Check tasksCheck() {
    try {
      List<String> names = app.userTaskNames();
      if (names.isEmpty()) {
        return new HealthReport.Check(
            "tasks",
            false,
            "no @Task found: compile task classes with procrastinate-processor on the"
                + " annotationProcessorPaths and put them on the class path");
      }
      return new HealthReport.Check("tasks", true, names.size() + " found: " + names);
    } catch (RuntimeException e) {
      return new HealthReport.Check("tasks", false, detail(e));
    }
  }

  private static String detail(RuntimeException e) {
    return e.getMessage() == null ? e.getClass().getName() : e.getMessage();
  }

  /**
   * Returns every migration script this runtime carries, oldest first; needs no database.
   *
   * @return the scripts
   */
  public static List<SchemaManager.MigrationScript> migrationScripts() {
    return Migrator.scripts().stream()
        .map(
            s ->
                new SchemaManager.MigrationScript(
                    s.version(), s.description(), s.fileName(), s.sql()))
        .toList();
  }

  /**
   * Returns the SQL of the whole schema, every migration script after a comment line naming its
   * file; needs no database. Applying it by hand records no version: prefer {@link
   * SchemaManager#migrate()}.
   *
   * @return the SQL text
   */
  public static String schemaSql() {
    return SchemaManager.render(migrationScripts());
  }
}
