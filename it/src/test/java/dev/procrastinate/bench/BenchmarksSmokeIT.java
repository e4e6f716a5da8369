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
}
