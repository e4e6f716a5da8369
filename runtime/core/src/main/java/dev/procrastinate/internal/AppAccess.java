package dev.procrastinate.internal;

import dev.procrastinate.App;
import dev.procrastinate.WorkerOptions;
import dev.procrastinate.internal.registry.TaskRegistry;
import dev.procrastinate.internal.sql.Database;
import dev.procrastinate.internal.worker.CallerThreadRunner;
import org.jspecify.annotations.Nullable;

/**
 * Lets the runtime's own packages outside {@code dev.procrastinate}, such as the operations layer,
 * reach what an {@link App} keeps to itself: its task registry, its database, and a runner of its
 * jobs on the caller's thread. {@link App} installs the accessor when its class is initialised.
 * Thread-safe. Not API.
 */
public final class AppAccess {
  private static volatile @Nullable Accessor accessor;

  private AppAccess() {}

  /** What an app exposes to the runtime's own packages. */
  public interface Accessor {
    /**
     * Returns the app's task registry, loading it on first use.
     *
     * @param app the app
     * @return the registry, builtin tasks included
     * @throws IllegalStateException if two registrars declare the same task name
     */
    TaskRegistry registry(App app);

    /**
     * Returns the app's database.
     *
     * @param app the app
     * @return the database
     */
    Database database(App app);

    /**
     * Creates a runner of the app's jobs on the caller's thread, as its workers run them.
     *
     * @param app the app
     * @param options the worker options the runs see (name, middleware, delete-jobs policy)
     * @return the runner
     */
    CallerThreadRunner callerThreadRunner(App app, WorkerOptions options);

    /**
     * Returns the instance the app's task instance provider has for a class.
     *
     * @param app the app
     * @param type the class declaring a task instance method
     * @return the instance, or null without a provider or when it has none
     */
    @Nullable Object taskInstance(App app, Class<?> type);
  }

  /**
   * Installs the accessor; called once, by {@link App}'s static initialiser.
   *
   * @param installed the accessor
   * @throws IllegalStateException if one is already installed
   */
  public static synchronized void install(Accessor installed) {
    if (accessor != null) {
      throw new IllegalStateException("the App accessor is already installed");
    }
    accessor = installed;
  }

  /**
   * Returns the app's task registry.
   *
   * @param app the app
   * @return the registry
   */
  public static TaskRegistry registry(App app) {
    return accessor(app).registry(app);
  }

  /**
   * Returns the app's database.
   *
   * @param app the app
   * @return the database
   */
  public static Database database(App app) {
    return accessor(app).database(app);
  }

  /**
   * Creates a runner of the app's jobs on the caller's thread, for {@code procrastinate-test}.
   *
   * @param app the app
   * @param options the worker options the runs see
   * @return the runner
   */
  public static CallerThreadRunner callerThreadRunner(App app, WorkerOptions options) {
    return accessor(app).callerThreadRunner(app, options);
  }

  /**
   * Returns the instance the app's task instance provider has for a class.
   *
   * @param app the app
   * @param type the class declaring a task instance method
   * @return the instance, or null
   */
  public static @Nullable Object taskInstance(App app, Class<?> type) {
    return accessor(app).taskInstance(app, type);
  }

  private static Accessor accessor(App app) {
    // An App instance exists, so its class was initialised and installed the accessor.
    Accessor installed = accessor;
    if (installed == null) {
      throw new IllegalStateException(
          "no App accessor installed for " + app.getClass().getName() + "; please report");
    }
    return installed;
  }
}
