package dev.procrastinate.bench;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import org.junit.jupiter.api.Test;

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
            "INFO job logging",
            "lock-heavy",
            "defer->start latency",
            "idle worker",
            "memory:");
  }

  @Test
  void checkBenchmarkRuns() throws Exception {
    String printed = run(() -> CheckBenchmark.main(new String[] {"2000"}));
    assertThat(printed).contains("check, every waiting job decoded", "summary: check of 2,100");
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

  @Test
  void chaosBenchmarkMeasuresEveryFault() throws Exception {
    String printed =
        run(
            () ->
                ChaosBenchmark.main(
                    new String[] {
                      "workers=2",
                      "rate=3",
                      "kills=1",
                      "killEvery=2",
                      "terminations=1",
                      "terminateEvery=2",
                      "pauses=1",
                      "pause=5",
                      "heartbeat=0.5",
                      "stalled=2",
                      "warmup=2",
                      "after=2",
                      "logs=target/chaos-smoke-logs"
                    }));
    // Losing a job, or an outcome written over a rescued run, is a defect at any size.
    assertThat(printed)
        .contains(
            "1 x SIGKILL + new worker",
            "1 x pg_terminate_backend, all",
            "1 x SIGSTOP 5.0 s, SIGCONT",
            "not yet measured",
            "summary: 3 faults measured, 0 lost,",
            " 0 outcomes over a live run");
    assertThat(ProcessHandle.current().descendants().filter(ProcessHandle::isAlive))
        .as("worker processes left behind")
        .isEmpty();
  }
}
