package dev.procrastinate.internal;

import com.fasterxml.jackson.databind.ObjectMapper;
import dev.procrastinate.WorkerOptions;
import dev.procrastinate.internal.builtin.BuiltinTasks;
import dev.procrastinate.internal.observe.Observers;
import dev.procrastinate.internal.registry.TaskRegistry;
import dev.procrastinate.internal.sql.Database;
import dev.procrastinate.internal.worker.CallerThreadRunner;
import dev.procrastinate.internal.worker.JobContexts;
import dev.procrastinate.internal.worker.WorkerEngine;
import dev.procrastinate.spi.TaskRegistrar;
import java.sql.Connection;
import java.sql.SQLException;
import java.time.Duration;
import java.util.List;
import java.util.Objects;
import org.jspecify.annotations.Nullable;

/**
 * What an {@link dev.procrastinate.App} is made of: its database, JSON mapper, observers, tasks,
 * and how a run of a job becomes the context its task sees. {@code App.Builder} builds it and the
 * app is a facade over it; the runtime's own modules (the dashboard, {@code procrastinate-test},
 * the operations behind the command line and the Maven plugin) reach it with {@code
 * App.internals()} and take from it what they need, by constructor. It never refers to the app, so
 * that the internals depend on the public types and never the other way round. Thread-safe. Not
 * API.
 */
public final class AppRuntime {
  private final Database database;
  private final ObjectMapper json;
  private final Observers observers;
  private final Tasks tasks;
  private final Duration periodicMaxDelay;
  private final JobContexts contexts;
  private volatile @Nullable TaskRegistry registry;

  /**
   * Where the app's tasks come from: the registrars given to the builder, or those that {@link
   * java.util.ServiceLoader} finds in a class loader.
   *
   * @param registrars the registrars given to the builder, or null to look them up
   * @param classLoader where to look them up
   * @param builtins the builtin tasks, over the app's job manager
   */
  public record Tasks(
      @Nullable List<TaskRegistrar> registrars, ClassLoader classLoader, BuiltinTasks builtins) {
    /**
     * Creates the source of tasks.
     *
     * @param registrars the registrars given to the builder, or null to look them up
     * @param classLoader where to look them up
     * @param builtins the builtin tasks, over the app's job manager
     */
    public Tasks {
      registrars = registrars == null ? null : List.copyOf(registrars);
      Objects.requireNonNull(classLoader, "classLoader");
      Objects.requireNonNull(builtins, "builtins");
    }
  }

  /**
   * Creates the runtime of an app.
   *
   * @param database the app's database
   * @param json the JSON mapper of task arguments
   * @param observers the app's observers and context propagator
   * @param tasks where the app's tasks come from; loaded on first use
   * @param periodicMaxDelay how late a periodic tick may still be deferred by a starting worker
   * @param contexts how a run of a job becomes the context its task sees
   */
  public AppRuntime(
      Database database,
      ObjectMapper json,
      Observers observers,
      Tasks tasks,
      Duration periodicMaxDelay,
      JobContexts contexts) {
    this.database = database;
    this.json = json;
    this.observers = observers;
    this.tasks = tasks;
    this.periodicMaxDelay = periodicMaxDelay;
    this.contexts = contexts;
  }

  /**
   * Returns the app's database.
   *
   * @return the database
   */
  public Database database() {
    return database;
  }

  /**
   * Work on a connection of the app's database.
   *
   * @param <T> what the work returns
   */
  @FunctionalInterface
  public interface ConnectionWork<T> {
    /**
     * Runs the work.
     *
     * @param connection an open connection, in auto-commit mode
     * @return the result
     * @throws SQLException if a statement fails
     */
    T run(Connection connection) throws SQLException;
  }

  /**
   * Runs work on a connection of the app's database, for the runtime's modules that read the
   * catalog themselves (the relations checker of the Maven plugin), so that they report a failure
   * as the rest of the runtime does without reaching into its SQL layer.
   *
   * @param action what the work does, for messages (such as "checking relations")
   * @param work the work
   * @param <T> what the work returns
   * @return what the work returned
   * @throws dev.procrastinate.DatabaseUnavailableException if the database cannot be reached
   * @throws dev.procrastinate.ProcrastinateException if a statement fails, naming the action
   */
  public <T> T withConnection(String action, ConnectionWork<T> work) {
    return database.withConnection(action, work::run);
  }

  /**
   * Describes the app's database for messages: its URL without password, or the data source's
   * class.
   *
   * @return the description
   */
  public String databaseDescription() {
    return database.description();
  }

  /**
   * Returns the JSON mapper of task arguments.
   *
   * @return the mapper
   */
  public ObjectMapper json() {
    return json;
  }

  /**
   * Returns the app's observers and context propagator.
   *
   * @return the observers
   */
  public Observers observers() {
    return observers;
  }

  /**
   * Returns how late a periodic tick may still be deferred by a starting worker.
   *
   * @return the delay
   */
  public Duration periodicMaxDelay() {
    return periodicMaxDelay;
  }

  /**
   * Returns how a run of a job becomes the context its task sees.
   *
   * @return the app's contexts
   */
  public JobContexts contexts() {
    return contexts;
  }

  /**
   * Returns the app's tasks, loading them on first use; the builtin tasks come last, so that a
   * clash names the application's task first.
   *
   * @return the registry
   * @throws IllegalStateException if two registrars declare the same task name, naming both
   */
  public TaskRegistry registry() {
    TaskRegistry loaded = registry;
    if (loaded == null) {
      synchronized (this) {
        loaded = registry;
        if (loaded == null) {
          List<TaskRegistrar> given = tasks.registrars();
          TaskRegistry user =
              given != null ? TaskRegistry.of(given) : TaskRegistry.load(tasks.classLoader());
          loaded = TaskRegistry.of(List.<TaskRegistrar>of(user::tasks, tasks.builtins()));
          registry = loaded;
        }
      }
    }
    return loaded;
  }

  /**
   * Creates a worker engine over the app's database and tasks; nothing runs before its start.
   *
   * @param options how the worker runs
   * @return the engine
   * @throws IllegalStateException if two registrars declare the same task name
   */
  public WorkerEngine worker(WorkerOptions options) {
    return new WorkerEngine(
        contexts, database, registry(), options, observers, json, periodicMaxDelay);
  }

  /**
   * Creates a runner of the app's jobs on the caller's thread, as its workers run them, for inline
   * apps and {@code procrastinate-test}.
   *
   * @param options the worker options the runs see (name, middleware, delete-jobs policy)
   * @return the runner
   * @throws IllegalStateException if two registrars declare the same task name
   */
  public CallerThreadRunner callerThreadRunner(WorkerOptions options) {
    return new CallerThreadRunner(contexts, registry(), json, observers, options);
  }
}
