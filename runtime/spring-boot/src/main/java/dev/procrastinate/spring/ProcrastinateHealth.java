package dev.procrastinate.spring;

import dev.procrastinate.App;
import dev.procrastinate.HealthReport;
import dev.procrastinate.Worker;
import dev.procrastinate.WorkerOptions;
import dev.procrastinate.operations.Operations;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import org.jspecify.annotations.Nullable;

/**
 * What the Actuator health contributor {@code procrastinate} reports, for either Boot line: the
 * database answers, the schema is migrated and up to date, its status-event triggers are in full or
 * lean arrangement (not a mixed one), and, when the application runs a worker, the worker runs and
 * its heartbeat is recent, by the database's clock (the one that wrote it). Never throws.
 * Thread-safe.
 */
public final class ProcrastinateHealth {
  private final App app;
  private final @Nullable ProcrastinateWorkerLifecycle worker;

  /**
   * Creates the checks.
   *
   * @param app the app
   * @param worker the application's worker, or null when it runs none
   */
  public ProcrastinateHealth(App app, @Nullable ProcrastinateWorkerLifecycle worker) {
    this.app = Objects.requireNonNull(app, "app");
    this.worker = worker;
  }

  /**
   * Runs the checks.
   *
   * @return one check each, named {@code database}, {@code schema}, {@code events} (when the schema
   *     is up to date) and, with a worker, {@code worker}
   */
  public HealthReport check() {
    List<HealthReport.Check> checks = new ArrayList<>();
    for (HealthReport.Check check : new Operations(app).healthChecks().checks()) {
      if (!check.name().equals("tasks")) {
        checks.add(check);
      }
    }
    if (worker != null) {
      checks.add(workerCheck(worker, checks.get(0).ok()));
    }
    return new HealthReport(checks);
  }

  /**
   * Turns a report into the details of a health answer.
   *
   * @param report the report
   * @return each check's name with its detail, and an {@code ok} flag
   */
  public static Map<String, Object> details(HealthReport report) {
    Map<String, Object> details = new LinkedHashMap<>();
    for (HealthReport.Check check : report.checks()) {
      details.put(check.name(), Map.of("ok", check.ok(), "detail", check.detail()));
    }
    return details;
  }

  private HealthReport.Check workerCheck(
      ProcrastinateWorkerLifecycle lifecycle, boolean databaseReachable) {
    Worker running = lifecycle.worker();
    if (running == null) {
      return new HealthReport.Check(
          "worker", false, "not running: it starts when the application is ready");
    }
    if (!databaseReachable) {
      return new HealthReport.Check(
          "worker", false, "running, heartbeat not checked: the database is unreachable");
    }
    WorkerOptions options = lifecycle.options();
    try {
      Optional<Duration> heartbeatAge = app.jobManager().workerHeartbeatAge(running.workerId());
      if (heartbeatAge.isEmpty()) {
        return new HealthReport.Check(
            "worker",
            false,
            "worker "
                + running.workerId()
                + " is not registered in procrastinate_workers: another worker pruned it as"
                + " stalled");
      }
      // Measured on the database's clock, which wrote the heartbeat: the JVM's may differ.
      Duration age = heartbeatAge.get();
      boolean fresh = age.compareTo(options.stalledWorkerTimeout()) < 0;
      return new HealthReport.Check(
          "worker",
          fresh,
          "worker "
              + running.workerId()
              + ", "
              + running.runningJobs()
              + " running job(s), last heartbeat "
              + age.toMillis()
              + " ms ago"
              + (fresh ? "" : ", over stalledWorkerTimeout " + options.stalledWorkerTimeout()));
    } catch (RuntimeException e) {
      return new HealthReport.Check("worker", false, String.valueOf(e.getMessage()));
    }
  }
}
