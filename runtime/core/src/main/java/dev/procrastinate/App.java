package dev.procrastinate;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.zaxxer.hikari.HikariConfig;
import com.zaxxer.hikari.HikariDataSource;
import dev.procrastinate.internal.AppRuntime;
import dev.procrastinate.internal.builtin.BuiltinTasks;
import dev.procrastinate.internal.inline.InlineJobs;
import dev.procrastinate.internal.json.Json;
import dev.procrastinate.internal.observe.Observers;
import dev.procrastinate.internal.periodic.PeriodicDeferrer;
import dev.procrastinate.internal.registry.TaskRegistry;
import dev.procrastinate.internal.sql.Database;
import dev.procrastinate.internal.worker.JobRun;
import dev.procrastinate.model.JobFailure;
import dev.procrastinate.model.ProcrastinateJob;
import dev.procrastinate.spi.TaskDescriptor;
import dev.procrastinate.spi.TaskInstanceSource;
import dev.procrastinate.spi.TaskRegistrar;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import java.util.ServiceConfigurationError;
import java.util.ServiceLoader;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.Executor;
import javax.sql.DataSource;
import org.jspecify.annotations.Nullable;

/**
 * The entry point: a database, a JSON mapper, and the managers built on them. Immutable and
 * thread-safe.
 *
 * <p>Two ways to get one:
 *
 * <ul>
 *   <li>{@link #getDefault()}, used by generated deferrers, built once from {@link
 *       AppConfig#fromEnvironment()} with its own HikariCP pool;
 *   <li>{@link #builder()}, for dependency injection and tests: {@code
 *       App.builder().dataSource(ds).build()}.
 * </ul>
 *
 * <p>An app built from an {@link AppConfig} owns its pool and closes it in {@link #close()}; an app
 * built from a caller's {@link DataSource} never closes it.
 *
 * <p>Every build applies the {@link AppConfigurer}s listed in {@code META-INF/services} of the
 * app's class loader, so that an application can change every app made for it, the default one and
 * the command line's included.
 */
public final class App implements AutoCloseable {
  private static final Object DEFAULT_LOCK = new Object();
  private static volatile @Nullable App defaultApp;

  private final AppRuntime runtime;
  private final @Nullable HikariDataSource ownedPool;
  private final JobManager jobManager;
  private final SchemaManager schemaManager;
  private final @Nullable DeferPool ownedDeferPool;
  private final @Nullable TaskInstanceProvider taskInstances;
  private final boolean inline;

  private App(Builder builder, DataSource dataSource, @Nullable HikariDataSource ownedPool) {
    this.ownedPool = ownedPool;
    this.taskInstances = builder.taskInstances;
    this.inline = builder.inline;
    Database database = new Database(dataSource, describe(dataSource, builder.config));
    this.runtime =
        new AppRuntime(
            database,
            builder.jsonMapper == null ? Json.newMapper() : builder.jsonMapper,
            new Observers(builder.observers, builder.contextPropagator),
            new AppRuntime.Tasks(
                builder.taskRegistrars,
                resolveClassLoader(builder.classLoader),
                new BuiltinTasks(
                    (age, queue, failed, cancelled, aborted) ->
                        jobManager().deleteOldJobs(age, queue, failed, cancelled, aborted))),
            builder.periodicMaxDelay,
            run -> new RunContext(this, run));
    this.ownedDeferPool = builder.deferExecutor == null ? new DeferPool() : null;
    this.jobManager =
        new JobManager(
            database,
            runtime.json(),
            runtime.observers(),
            ownedDeferPool != null ? ownedDeferPool : builder.deferExecutor,
            builder.inline
                ? new InlineJobs(
                    () ->
                        runtime.callerThreadRunner(WorkerOptions.builder().name("inline").build()))
                : null);
    this.schemaManager =
        new SchemaManager(database, builder.config == null ? null : builder.config.schema());
  }

  /**
   * Starts building an app.
   *
   * @return a new builder
   */
  public static Builder builder() {
    return new Builder();
  }

  /**
   * Builds an app with its own connection pool from a configuration.
   *
   * @param config where the database is
   * @return the app; {@link #close()} closes its pool
   */
  public static App create(AppConfig config) {
    return builder().config(config).build();
  }

  /**
   * Returns the process-wide default app, building it on first use from {@link
   * AppConfig#fromEnvironment()} unless one was installed with {@link #setDefault(App)}.
   *
   * @return the default app
   * @throws IllegalArgumentException if no database is configured, saying where to configure it
   */
  public static App getDefault() {
    App app = defaultApp;
    if (app == null) {
      synchronized (DEFAULT_LOCK) {
        app = defaultApp;
        if (app == null) {
          app = create(AppConfig.fromEnvironment());
          defaultApp = app;
        }
      }
    }
    return app;
  }

  /**
   * Installs the app that {@link #getDefault()} returns, for example one built by a dependency
   * injection container. The previous default is not closed.
   *
   * @param app the new default, or null to build it from the environment on next use
   * @return the previous default, or null
   */
  public static @Nullable App setDefault(@Nullable App app) {
    synchronized (DEFAULT_LOCK) {
      App previous = defaultApp;
      defaultApp = app;
      return previous;
    }
  }

  /**
   * Tells whether the app is inline ({@link Builder#inline()}): its defers run their task at once.
   *
   * @return whether the app is inline
   */
  public boolean isInline() {
    return inline;
  }

  /**
   * Returns the job manager: defer, list, cancel, retry and clean up jobs.
   *
   * @return the job manager
   */
  public JobManager jobManager() {
    return jobManager;
  }

  /**
   * Returns the schema manager: migrate the database and inspect its schema.
   *
   * @return the schema manager
   */
  public SchemaManager schemaManager() {
    return schemaManager;
  }

  /**
   * Creates a worker over this app's database and tasks; call {@link Worker#start()} or {@link
   * Worker#run()} on it.
   *
   * @param options how the worker runs
   * @return a new, unstarted worker
   * @throws IllegalStateException if two task registrars declare the same task name
   */
  public Worker worker(WorkerOptions options) {
    Objects.requireNonNull(options, "options");
    return new Worker(runtime.worker(options));
  }

  /**
   * Returns the names (and aliases) of the tasks this app knows, from the registrars the annotation
   * processor generated, found with {@link java.util.ServiceLoader}, then of the builtin task
   * {@code builtin:procrastinate.builtin_tasks.remove_old_jobs}.
   *
   * @return task names and aliases, in registration order
   * @throws IllegalStateException if two registrars declare the same task name, naming both
   */
  public List<String> taskNames() {
    return List.copyOf(registry().byName().keySet());
  }

  /**
   * Returns the persisted names of the application's own tasks, without aliases and without the
   * builtin task.
   *
   * @return task names, in registration order
   * @throws IllegalStateException if two registrars declare the same task name, naming both
   */
  public List<String> userTaskNames() {
    return registry().tasks().stream()
        .filter(task -> !BuiltinTasks.isBuiltin(task))
        .map(TaskDescriptor::name)
        .toList();
  }

  private TaskRegistry registry() {
    return runtime.registry();
  }

  /**
   * Returns the runtime this app is a facade over, for the runtime's own modules (the dashboard,
   * {@code procrastinate-test}, the operations behind the command line and the Maven plugin). Not
   * API: its type and methods may change in any release.
   *
   * @return the runtime
   */
  public AppRuntime internals() {
    return runtime;
  }

  /**
   * Returns how late the latest tick of a periodic task may be for a starting worker to defer it.
   *
   * @return the delay; {@link Builder#periodicMaxDelay(Duration)}, 600 s by default
   */
  public Duration periodicMaxDelay() {
    return runtime.periodicMaxDelay();
  }

  /**
   * Returns the JSON mapper that turns task arguments into JSON and back.
   *
   * @return the mapper; do not reconfigure it after the app is built
   */
  public ObjectMapper jsonMapper() {
    return runtime.json();
  }

  /**
   * Returns the data source the app uses.
   *
   * @return the data source
   */
  public DataSource dataSource() {
    return runtime.database().dataSource();
  }

  /**
   * Describes the database for messages: its URL without password, or the data source's class.
   *
   * @return a description
   */
  public String databaseDescription() {
    return runtime.database().description();
  }

  /**
   * Closes what this app owns: its own {@link JobManager#deferAsync} threads, after waiting up to 5
   * s for the defers they already accepted, then its connection pool if it built one. An executor
   * given to {@link Builder#deferExecutor} and a caller's data source are left open.
   */
  @Override
  public void close() {
    jobManager.close();
    if (ownedDeferPool != null) {
      ownedDeferPool.shutdown();
    }
    if (ownedPool != null) {
      ownedPool.close();
    }
  }

  private static String describe(DataSource dataSource, @Nullable AppConfig config) {
    if (config != null) {
      return AppConfig.redactUrl(config.url())
          + (config.user() == null ? "" : " as user " + config.user());
    }
    if (dataSource instanceof HikariDataSource hikari && hikari.getJdbcUrl() != null) {
      return AppConfig.redactUrl(hikari.getJdbcUrl())
          + (hikari.getUsername() == null ? "" : " as user " + hikari.getUsername());
    }
    if (dataSource instanceof org.postgresql.ds.common.BaseDataSource pg) {
      return AppConfig.redactUrl(pg.getUrl())
          + (pg.getUser() == null ? "" : " as user " + pg.getUser());
    }
    // A wrapper (a transaction-aware proxy, for example) describes the pool it wraps.
    try {
      for (Class<? extends DataSource> pool :
          List.<Class<? extends DataSource>>of(
              HikariDataSource.class, org.postgresql.ds.PGSimpleDataSource.class)) {
        if (!pool.isInstance(dataSource) && dataSource.isWrapperFor(pool)) {
          DataSource wrapped = dataSource.unwrap(pool);
          if (wrapped != dataSource) {
            return describe(wrapped, null);
          }
        }
      }
    } catch (java.sql.SQLException | RuntimeException e) {
      // Not unwrappable: fall back to the class name.
    }
    return "the data source " + dataSource.getClass().getName();
  }

  static HikariDataSource newPool(AppConfig config) {
    HikariConfig hikari = new HikariConfig();
    hikari.setPoolName("procrastinate");
    hikari.setJdbcUrl(config.url());
    if (config.user() != null) {
      hikari.setUsername(config.user());
    }
    if (config.password() != null) {
      hikari.setPassword(config.password());
    }
    if (config.schema() != null) {
      hikari.setSchema(config.schema());
    }
    hikari.setMaximumPoolSize(config.poolSize());
    hikari.setMinimumIdle(Math.min(2, config.poolSize()));
    hikari.setConnectionTimeout(config.connectionTimeout().toMillis());
    // Never fail at construction: the first use reports an unreachable database with its URL.
    hikari.setInitializationFailTimeout(-1);
    return new HikariDataSource(hikari);
  }

  private static List<AppConfigurer> loadConfigurers(ClassLoader loader) {
    List<AppConfigurer> configurers = new ArrayList<>();
    try {
      ServiceLoader.load(AppConfigurer.class, loader).forEach(configurers::add);
    } catch (ServiceConfigurationError e) {
      throw new IllegalStateException(
          "cannot load an AppConfigurer listed in META-INF/services/"
              + AppConfigurer.class.getName()
              + ": "
              + e.getMessage()
              + "; each listed class must be public, implement AppConfigurer and have a public"
              + " constructor without parameters",
          e);
    }
    configurers.sort(Comparator.comparing(c -> c.getClass().getName()));
    return configurers;
  }

  private static ClassLoader resolveClassLoader(@Nullable ClassLoader explicit) {
    ClassLoader loader = explicit;
    if (loader == null) {
      loader = Thread.currentThread().getContextClassLoader();
    }
    return loader == null ? App.class.getClassLoader() : loader;
  }

  /**
   * The context a task sees of its run: the worker's view of the run, with this app, and the app's
   * task instance provider for {@link dev.procrastinate.spi.TaskInstances}.
   */
  private static final class RunContext implements JobContext, TaskInstanceSource {
    private final App app;
    private final JobRun run;
    private volatile @Nullable List<JobFailure> earlierFailures;

    RunContext(App app, JobRun run) {
      this.app = app;
      this.run = run;
    }

    @Override
    public ProcrastinateJob job() {
      return run.job();
    }

    @Override
    public String workerName() {
      return run.workerName();
    }

    @Override
    public List<String> workerQueues() {
      return run.workerQueues();
    }

    @Override
    public boolean shouldAbort() {
      return run.abortReason().isPresent();
    }

    @Override
    public Optional<AbortReason> abortReason() {
      return run.abortReason();
    }

    @Override
    public Map<String, Object> additionalContext() {
      return run.additionalContext();
    }

    @Override
    public App app() {
      return app;
    }

    @Override
    public Instant startTimestamp() {
      return run.startTimestamp();
    }

    @Override
    public Map<String, String> headers() {
      return run.headers();
    }

    @Override
    public void addFailureDetail(String key, String value) {
      run.addFailureDetail(key, value);
    }

    @Override
    public List<JobFailure> earlierFailures() {
      List<JobFailure> read = earlierFailures;
      if (read == null) {
        ProcrastinateJob job = run.job();
        read =
            app.isInline() || job.attempts() == 0
                ? List.of()
                : app.jobManager().failures(job.id()).stream()
                    .filter(failure -> failure.attempt() <= job.attempts())
                    .toList();
        earlierFailures = read;
      }
      return read;
    }

    @Override
    public @Nullable Object taskInstance(Class<?> type) {
      TaskInstanceProvider provider = app.taskInstances;
      return provider == null ? null : provider.instanceOf(type);
    }

    @Override
    public String toString() {
      return "JobContext[job " + run.job().id() + " (" + run.job().taskName() + ")]";
    }
  }

  /** Builds an {@link App}. Not thread-safe. */
  public static final class Builder {
    private @Nullable DataSource dataSource;
    private @Nullable AppConfig config;
    private @Nullable ObjectMapper jsonMapper;
    private @Nullable List<TaskRegistrar> taskRegistrars;
    private @Nullable ClassLoader classLoader;
    private Duration periodicMaxDelay = PeriodicDeferrer.DEFAULT_MAX_DELAY;
    private boolean applyConfigurers = true;
    private boolean configuring;
    private final List<JobObserver> observers = new ArrayList<>();
    private @Nullable ContextPropagator contextPropagator;
    private @Nullable Executor deferExecutor;
    private boolean inline;
    private @Nullable TaskInstanceProvider taskInstances;

    private Builder() {}

    /**
     * Makes an inline app, for unit tests without a database: every defer runs its task at once, on
     * the caller's thread, once, and returns only after it ran; a failure is thrown to the caller
     * (the task's own unchecked exception, or a {@link ProcrastinateException} around a checked
     * one), whatever the task's retry policy. Arguments still go to JSON and back, and are checked
     * against the task's parameters as a worker does, so what would fail in production fails here.
     * Locks, queueing locks, schedules and priorities are not applied. Without a {@link
     * #dataSource}, the app has no database: anything else that needs one (queries, workers,
     * migrations) fails saying so; with one (a Spring test context's, say), defers still run at
     * once and write nothing, and the rest uses the database. Exclusive with {@link #config}.
     *
     * @return this builder
     */
    public Builder inline() {
      this.inline = true;
      return this;
    }

    /**
     * Sets where the worker gets the objects whose {@code @Task} instance methods it calls, such as
     * a dependency injection container's beans. Without one (or when it has no instance), a class
     * with a constructor without parameters is created for each job.
     *
     * @param provider the provider, or null for none
     * @return this builder
     */
    public Builder taskInstances(@Nullable TaskInstanceProvider provider) {
      this.taskInstances = provider;
      return this;
    }

    /**
     * Sets whether {@link #build()} applies the {@link AppConfigurer}s found with {@link
     * java.util.ServiceLoader} in the app's class loader.
     *
     * @param apply false to build the app exactly as this builder says (default true)
     * @return this builder
     */
    public Builder applyConfigurers(boolean apply) {
      this.applyConfigurers = apply;
      return this;
    }

    private ClassLoader classLoader() {
      return resolveClassLoader(classLoader);
    }

    /**
     * Adds an observer of deferred, started and ended jobs, for metrics.
     *
     * @param observer the observer
     * @return this builder
     */
    public Builder observer(JobObserver observer) {
      observers.add(Objects.requireNonNull(observer, "observer"));
      return this;
    }

    /**
     * Sets the propagator that carries a context, such as a trace, from defer to run.
     *
     * @param propagator the propagator, or null for none
     * @return this builder
     */
    public Builder contextPropagator(@Nullable ContextPropagator propagator) {
      this.contextPropagator = propagator;
      return this;
    }

    /**
     * Returns the propagator set so far, for an {@link AppConfigurer} that installs one only when
     * the application set none.
     *
     * @return the propagator, or null
     */
    public @Nullable ContextPropagator contextPropagator() {
      return contextPropagator;
    }

    /**
     * Sets how late the latest tick of a periodic task may be for a starting worker to defer it,
     * upstream's {@code periodic_defaults={"max_delay": ...}}.
     *
     * @param maxDelay a non-negative delay (default 600 s)
     * @return this builder
     * @throws IllegalArgumentException if negative
     */
    public Builder periodicMaxDelay(Duration maxDelay) {
      if (maxDelay.isNegative()) {
        throw new IllegalArgumentException("periodicMaxDelay must not be negative: " + maxDelay);
      }
      this.periodicMaxDelay = maxDelay;
      return this;
    }

    /**
     * Sets the executor on which {@link JobManager#deferAsync} runs its defers, each a blocking
     * JDBC call on a pooled connection. The caller owns it: the app never shuts it down, so shut it
     * down after closing the app.
     *
     * <p>By default the app owns a small pool: up to 4 daemon threads named {@code
     * procrastinate-defer-N}, started on first use and ended after 30 s idle, shut down by {@link
     * App#close()}, which lets the defers it accepted finish first (up to 5 s). Not {@link
     * java.util.concurrent.ForkJoinPool#commonPool()}, which {@link CompletableFuture} would pick:
     * it is sized for computation, and JDBC calls blocking in it would hold up the application's
     * parallel streams and other asynchronous work. Give your own executor to share threads with
     * the application (a virtual-thread executor on Java 21), or to bound how many defers run at
     * once.
     *
     * @param executor the executor, or null for the app's own pool
     * @return this builder
     */
    public Builder deferExecutor(@Nullable Executor executor) {
      this.deferExecutor = executor;
      return this;
    }

    /**
     * Uses these registrars instead of looking them up with {@link java.util.ServiceLoader}, for
     * tests and containers that assemble tasks themselves.
     *
     * @param registrars the registrars
     * @return this builder
     */
    public Builder taskRegistrars(List<? extends TaskRegistrar> registrars) {
      this.taskRegistrars = List.copyOf(registrars);
      return this;
    }

    /**
     * Sets the class loader in which registrars are looked up (default: the thread's context class
     * loader when the app is built).
     *
     * @param classLoader the class loader
     * @return this builder
     */
    public Builder classLoader(ClassLoader classLoader) {
      this.classLoader = Objects.requireNonNull(classLoader, "classLoader");
      return this;
    }

    /**
     * Uses a caller's data source; the app never closes it. Exclusive with {@link #config}.
     *
     * @param dataSource a data source of a PostgreSQL database
     * @return this builder
     */
    public Builder dataSource(DataSource dataSource) {
      this.dataSource = Objects.requireNonNull(dataSource, "dataSource");
      return this;
    }

    /**
     * Builds a HikariCP pool from a configuration; the app closes it. Exclusive with {@link
     * #dataSource}.
     *
     * @param config where the database is
     * @return this builder
     */
    public Builder config(AppConfig config) {
      this.config = Objects.requireNonNull(config, "config");
      return this;
    }

    /**
     * Uses this JSON mapper for task arguments instead of the default one (Jackson with java.time
     * written as ISO-8601 strings).
     *
     * @param jsonMapper the mapper
     * @return this builder
     */
    public Builder jsonMapper(ObjectMapper jsonMapper) {
      this.jsonMapper = Objects.requireNonNull(jsonMapper, "jsonMapper");
      return this;
    }

    /**
     * Applies the {@link AppConfigurer}s found in the app's class loader, unless turned off with
     * {@link #applyConfigurers(boolean)}, then builds the app.
     *
     * @return the app
     * @throws IllegalStateException if neither or both of a data source and a configuration are
     *     set, if a configurer cannot be loaded, or if one throws (naming its class)
     */
    public App build() {
      if (configuring) {
        throw new IllegalStateException(
            "an AppConfigurer called App.Builder.build(); a configurer only changes the builder");
      }
      if (applyConfigurers) {
        configuring = true;
        try {
          for (AppConfigurer configurer : loadConfigurers(classLoader())) {
            try {
              configurer.configure(this);
            } catch (Exception | LinkageError e) {
              throw new IllegalStateException(
                  "AppConfigurer "
                      + configurer.getClass().getName()
                      + " failed while configuring the app: "
                      + e,
                  e);
            }
          }
        } finally {
          configuring = false;
        }
      }
      if (dataSource != null && config != null) {
        throw new IllegalStateException("set either dataSource(...) or config(...), not both");
      }
      if (inline && dataSource == null) {
        if (config != null) {
          throw new IllegalStateException(
              "an inline app owns no pool: drop inline() or config(...), or give it a"
                  + " dataSource(...)");
        }
        return new App(this, InlineJobs.NO_DATABASE, null);
      }
      if (dataSource != null) {
        return new App(this, dataSource, null);
      }
      if (config == null) {
        throw new IllegalStateException(
            "no database: call dataSource(...) or config(...), or use App.getDefault()");
      }
      HikariDataSource pool = newPool(config);
      return new App(this, pool, pool);
    }
  }
}
