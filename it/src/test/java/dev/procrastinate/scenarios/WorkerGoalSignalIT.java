package dev.procrastinate.scenarios;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.File;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.util.Objects;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.Test;

/**
 * {@code mvn procrastinate:worker} blocks until it gets SIGTERM (what Ctrl-C and {@code kill}
 * send), then stops gracefully: the running job ends and is recorded, and the worker unregisters.
 * Runs Maven as a process on the {@code worker-signal} scenario, which the invoker compiled,
 * migrated and gave one slow job.
 */
class WorkerGoalSignalIT {
  private static final File PROJECT =
      new File(
          Objects.requireNonNull(
              System.getProperty("scenarios.dir"), "system property scenarios.dir"),
          "worker-signal");

  @AfterAll
  static void dropDatabase() throws Exception {
    if (new File(PROJECT, "src/main/resources/procrastinate.properties").exists()) {
      ScenarioDatabase.drop(PROJECT, System.getProperty("scenarios.db.url"));
    }
  }

  @Test
  void sigtermStopsTheWorkerGracefully() throws Exception {
    assertThat(new File(PROJECT, "target/classes"))
        .as("the invoker scenario worker-signal prepares this project; run mvn verify on it/")
        .isDirectory();
    File mvn = new File(System.getProperty("maven.home"), "bin/mvn");
    // The scenario repository's artifacts came from repository local.central (the build's own
    // local repository): name it again so that offline Maven accepts them.
    File settings = new File(PROJECT.getParentFile(), "worker-signal-settings.xml");
    Files.writeString(
        settings.toPath(),
        """
        <settings>
          <offline>true</offline>
          <profiles><profile><id>it-repo</id>
            <repositories><repository><id>local.central</id><url>%1$s</url></repository>
            </repositories>
            <pluginRepositories><pluginRepository><id>local.central</id><url>%1$s</url>
            </pluginRepository></pluginRepositories>
          </profile></profiles>
          <activeProfiles><activeProfile>it-repo</activeProfile></activeProfiles>
        </settings>
        """
            .formatted(new File(System.getProperty("scenarios.userRepo")).toURI()));
    File log = new File(PROJECT, "worker.log");
    File gate = new File(PROJECT, "worker.gate");
    Files.deleteIfExists(gate.toPath());
    Process maven =
        new ProcessBuilder(
                mvn.getPath(),
                "-B",
                "-o",
                "-s",
                settings.getPath(),
                "-Dmaven.repo.local=" + System.getProperty("scenarios.repo"),
                "procrastinate:worker",
                "-Dprocrastinate.name=signal-worker",
                "-Dprocrastinate.fetchJobPollingInterval=0.5")
            .directory(PROJECT)
            .redirectErrorStream(true)
            .redirectOutput(log)
            .start();
    try {
      long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(120);
      while (!read(log).contains("SLOW STARTED")
          && maven.isAlive()
          && System.nanoTime() < deadline) {
        Thread.sleep(100);
      }
      assertThat(read(log)).as("the worker started the job").contains("SLOW STARTED");
      assertThat(maven.isAlive()).as("the worker goal blocks while jobs run").isTrue();
      // SIGTERM, as Ctrl-C or kill sends; Process.destroy() would also close the output pipe.
      maven.toHandle().destroy();
      long signalled = System.nanoTime() + TimeUnit.SECONDS.toNanos(60);
      while (!read(log).contains("signal received") && System.nanoTime() < signalled) {
        Thread.sleep(100);
      }
      // Only now may the job end: the stop must wait for it.
      Files.writeString(gate.toPath(), "open");
      assertThat(maven.waitFor(60, TimeUnit.SECONDS)).as("Maven ends after SIGTERM").isTrue();
    } finally {
      maven.destroyForcibly();
    }
    String output = read(log);
    assertThat(output)
        .contains("Starting worker 'signal-worker'")
        .contains("signal received, stopping gracefully")
        .contains("SLOW DONE");
    assertThat(output.indexOf("signal received"))
        .as("the running job ended after the signal, not before")
        .isLessThan(output.indexOf("SLOW DONE"));
    assertThat(ScenarioDatabase.query(PROJECT, "SELECT status FROM procrastinate_jobs"))
        .containsExactly("succeeded");
    assertThat(ScenarioDatabase.query(PROJECT, "SELECT count(*) FROM procrastinate_workers"))
        .containsExactly("0");
  }

  private static String read(File file) throws IOException {
    return file.exists() ? Files.readString(file.toPath(), StandardCharsets.UTF_8) : "";
  }
}
