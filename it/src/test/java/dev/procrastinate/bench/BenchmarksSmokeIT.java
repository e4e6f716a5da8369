package dev.procrastinate.bench;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.stream.Stream;
import org.junit.jupiter.api.DynamicTest;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestFactory;

/**
 * Runs each benchmark once at a tiny size, so that a change cannot break them unnoticed. No figure
 * is asserted: timing belongs to the full runs, not to the build.
 */
class BenchmarksSmokeIT {
  private static String run(ThrowingMain main) throws Exception {
    PrintStream original = System.out;
    ByteArrayOutputStream out = new ByteArrayOutputStream();
    System.setOut(new PrintStream(out, true, StandardCharsets.UTF_8));
    try {
      main.run();
    } finally {
      System.setOut(original);
    }
    String printed = out.toString(StandardCharsets.UTF_8);
    original.print(printed);
    return printed;
  }

  /** A benchmark's main. */
  private interface ThrowingMain {
    void run() throws Exception;
  }

  @Test
  void workerBenchmarkRunsEveryMeasure() throws Exception {
    String printed = run(() -> WorkerBenchmark.main(new String[] {"300", "20", "36"}));
    assertThat(printed)
        .contains(
            "baseline fetch_job_v2",
            "burn-down, concurrency 50",
            "burn-down, concurrency 50, lean events",
            "lean against full events: burn-down c50",
            "burn-down, concurrency 10, 1 in 5 fails",
            "failures recorded",
            "INFO job logging",
            "lock-heavy",
            "a lock's hand-over, end to next start",
            "defer->start latency",
            "idle worker",
            "memory:");
    if (SqlCeiling.pgbench().isPresent()) {
      assertThat(printed)
          .contains(
              "SQL ceiling, pgbench, 1 client",
              "SQL ceiling, pgbench, 4 clients",
              "% of the SQL ceiling (median of 3 rounds");
    }
  }

  /**
   * Command-line worker processes from the jar this module's integration tests copy: every line has
   * its rate, and PgBouncer's lines are there when it is installed (as {@code .ci/run} installs
   * it).
   */
  @Test
  void scaleOutBenchmarkRunsCommandLineWorkers() throws Exception {
    String printed =
        run(() -> ScaleOutBenchmark.main(new String[] {"jobs=400", "processes=2", "pool=4"}));
    assertThat(printed)
        .contains(
            "1 process, WARN",
            "1 process, per-job INFO lines to a file",
            "-XX:TieredStopAtLevel=1",
            "2 processes, direct")
        .containsPattern("2 processes, direct +[0-9,]+ jobs/s");
    if (dev.procrastinate.testing.PgBouncer.installed()) {
      assertThat(printed).containsPattern("2 processes, PgBouncer \\(4\\) +[0-9,]+ jobs/s");
    }
  }

  /**
   * On a JDK of release 21 or later when the machine has one (these machines have Temurin 25), the
   * benchmark's tasks run on virtual threads, then on platform threads; otherwise on this JVM,
   * where it says it measured platform threads only.
   */
  @Test
  void virtualThreadsBenchmarkRunsTasksOnVirtualThreadsOnANewJdk() throws Exception {
    Path java21 =
        Stream.of(
                System.getenv("PROCRASTINATE_JAVA21_HOME"),
                "/usr/lib/jvm/temurin-25-jdk-amd64",
                "/usr/lib/jvm/temurin-21-jdk-amd64")
            .filter(java.util.Objects::nonNull)
            .map(home -> Path.of(home, "bin", "java"))
            .filter(java.nio.file.Files::isExecutable)
            .findFirst()
            .orElse(null);
    if (java21 == null) {
      String printed = run(() -> VirtualThreadsBenchmark.main(new String[] {"60", "20", "30"}));
      assertThat(printed).contains("platform threads: 60 jobs", "virtual threads: not measured");
      return;
    }
    Process child =
        new ProcessBuilder(
                java21.toString(),
                "-Xmx256m",
                "-cp",
                System.getProperty("java.class.path"),
                VirtualThreadsBenchmark.class.getName(),
                "200",
                "50",
                "100")
            .redirectErrorStream(true)
            .start();
    String printed = new String(child.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
    System.out.print(printed);
    assertThat(child.waitFor()).as(printed).isZero();
    assertThat(printed)
        .contains(
            "virtual threads: 200 jobs",
            "tasks saw virtual threads: [true]",
            "platform threads: 200 jobs",
            "tasks saw virtual threads: [false]");
  }

  @Test
  void awaitBenchmarkRuns() throws Exception {
    String printed = run(() -> AwaitBenchmark.main(new String[] {"20"}));
    assertThat(printed).contains("await, one waiter at a time", "await, 20 waiters at once", "p99");
  }

  @Test
  void checkBenchmarkRuns() throws Exception {
    String printed = run(() -> CheckBenchmark.main(new String[] {"2000"}));
    assertThat(printed).contains("check, every waiting job decoded", "summary: check of 2,100");
  }

  @Test
  void longRunBenchmarkMeasuresEveryWindow() throws Exception {
    // No long run, two-second windows: each measurement, each replacement, the fresh side.
    String printed = run(() -> LongRunBenchmark.main(new String[] {"0", "2"}));
    assertThat(printed)
        .contains(
            "old pools, as they are:",
            "the worker's connections replaced:",
            "the producer's replaced too:",
            "fresh worker and producer:",
            "sequential scans: events ",
            "summary:");
  }

  @Test
  void migrationBenchmarkRuns() throws Exception {
    String printed = run(() -> MigrationBenchmark.main(new String[] {"jobs=2000", "rate=40"}));
    assertThat(printed).contains("migration", "defer", "fetch", "finish");
  }

  @Test
  void neighbourBenchmarkRuns() throws Exception {
    String printed =
        run(
            () ->
                NeighbourBenchmark.main(
                    new String[] {"history=1000", "jobs=200", "rounds=2", "clients=2"}));
    assertThat(printed).contains("burn-down, ours / upstream");
  }

  @Test
  void deferBenchmarkRuns() throws Exception {
    String printed = run(() -> DeferBenchmark.main(new String[] {"500", "50", "2000"}));
    assertThat(printed).contains("jobs/s");
  }

  @Test
  void dashboardBenchmarkTimesEveryPage() throws Exception {
    String printed = run(() -> DashboardBenchmark.main(new String[] {"20000", "1"}));
    assertThat(printed).contains("overview", "jobs, one hour", "workers", "summary:");
  }

  /**
   * The chaos harness at a tiny size, once, with every fault; then one test per fault on its row.
   * Losing a job, running one in two places at once, or writing an outcome over a rescued run is a
   * defect at any size; so is a fault that did not strike: each row must count, above zero, every
   * piece of evidence its fault names ({@link ChaosBenchmark.Fault#proofs()}: a killed worker that
   * held running jobs and exited by SIGKILL, its jobs run again elsewhere, a changed server start
   * time, a crash recovery in the server's log, ...). Timings are not asserted.
   */
  @TestFactory
  Stream<DynamicTest> everyFaultLosesNoJobAndRunsNoneInTwoPlacesAtOnce() throws Exception {
    List<ChaosBenchmark.Row> rows = new ArrayList<>();
    String printed =
        run(
            () -> {
              ChaosBenchmark.Settings settings =
                  ChaosBenchmark.Settings.parse(
                      new String[] {
                        "workers=2",
                        "rate=3",
                        "kills=1",
                        "killEvery=2",
                        "terminations=1",
                        "terminateEvery=2",
                        "pauses=1",
                        "pause=5",
                        "hold=4",
                        "stall=5",
                        "outage=5",
                        "backendKills=1",
                        "backendKillEvery=2",
                        "timeouts=4",
                        "heartbeat=0.5",
                        "stalled=2",
                        "warmup=2",
                        "after=2"
                      });
              rows.addAll(ChaosBenchmark.run(settings, Path.of("target/chaos-smoke-logs")));
              ChaosBenchmark.printTable(settings, rows);
            });
    assertThat(printed).contains("fault 10 done");
    assertThat(ProcessHandle.current().descendants().filter(ProcessHandle::isAlive))
        .as("worker processes left behind")
        .isEmpty();
    assertThat(rows).extracting(row -> row.fault().number()).containsExactly(FAULTS);
    return rows.stream()
        .map(
            row ->
                DynamicTest.dynamicTest(
                    "fault " + row.fault().number() + ": " + row.fault().description(),
                    () -> {
                      for (String proof : row.fault().proofs()) {
                        assertThat(row.evidence().getOrDefault(proof, 0L))
                            .as("evidence that the fault struck: " + proof)
                            .isPositive();
                      }
                      assertThat(row.deferred()).as("jobs deferred").isPositive();
                      assertThat(row.lost()).as("jobs lost").isZero();
                      assertThat(row.failed()).as("jobs failed").isZero();
                      assertThat(row.overlapping()).as("jobs run in two places at once").isZero();
                      assertThat(row.overLive()).as("outcomes written over a live run").isZero();
                      assertThat(row.workflow().held())
                          .as("the group and its callback: " + row.workflow())
                          .isTrue();
                      if (row.fault().number().equals("1")) {
                        assertThat(row.workflow().membersStartedAgain())
                            .as("members whose worker was killed mid-group: " + row.workflow())
                            .isPositive();
                      }
                    }));
  }

  private static final String[] FAULTS = {"1", "2", "3", "4", "5", "6", "7", "8", "9", "10"};
}
