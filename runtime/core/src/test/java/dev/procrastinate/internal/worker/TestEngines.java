package dev.procrastinate.internal.worker;

import dev.procrastinate.App;
import dev.procrastinate.WorkerOptions;
import dev.procrastinate.internal.json.Json;
import dev.procrastinate.internal.observe.Observers;
import dev.procrastinate.internal.registry.TaskRegistry;
import dev.procrastinate.internal.sql.Database;
import dev.procrastinate.spi.TaskRegistrar;
import java.time.Duration;
import java.util.List;
import javax.sql.DataSource;

/** Builds worker engines for tests, with hooks, on the system clocks. */
final class TestEngines {
  private TestEngines() {}

  /**
   * Builds an engine; nothing runs before its start.
   *
   * @param app the app its jobs' contexts return
   * @param dataSource where its jobs are
   * @param registrar the tasks it knows
   * @param options its options; the JVM's signal handlers are never installed
   * @param hooks the test's hooks
   * @return the engine
   */
  static WorkerEngine engine(
      App app,
      DataSource dataSource,
      TaskRegistrar registrar,
      WorkerOptions.Builder options,
      WorkerHooks hooks) {
    return new WorkerEngine(
        WorkerContext.of(
            options.installSignalHandlers(false).build(),
            new Database(dataSource, "test database"),
            hooks),
        TaskRegistry.of(List.of(registrar)),
        new WorkerEngine.Collaborators(
            app.internals().contexts(),
            new Observers(List.of(), null),
            Json.newMapper(),
            Duration.ofMinutes(10)));
  }
}
