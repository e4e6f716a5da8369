package dev.procrastinate.example;

import static org.assertj.core.api.Assertions.assertThat;

import dev.procrastinate.App;
import dev.procrastinate.JobFilter;
import dev.procrastinate.model.JobStatus;
import dev.procrastinate.model.ProcrastinateJob;
import dev.procrastinate.testing.TestDatabase;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.time.LocalDate;
import java.time.LocalDateTime;
import java.time.LocalTime;
import java.time.OffsetDateTime;
import java.time.ZoneOffset;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.junit.jupiter.api.io.TempDir;

/**
 * "Running a worker without Maven" of runtime/docs/command-line.md: the runtime's runnable jar,
 * with the example application's classes on {@code --class-path}, runs jobs deferred through the
 * generated deferrers, and defers one by name.
 */
class CliJarIT {
  @RegisterExtension static final TestDatabase DB = TestDatabase.migrated();

  @TempDir Path output;

  private record Run(int exitCode, String out, String err) {}

  private Run cli(String... args) throws IOException, InterruptedException {
    Path cliJar = Path.of(System.getProperty("procrastinate.it.cliJar"));
    Path classes = Path.of(System.getProperty("procrastinate.it.classes"));
    assertThat(cliJar).as("the cli jar built by the runtime module").isRegularFile();
    List<String> command = new ArrayList<>();
    command.add(Path.of(System.getProperty("java.home"), "bin", "java").toString());
    command.add("-jar");
    command.add(cliJar.toString());
    command.addAll(
        List.of(
            "--class-path",
            classes.toString(),
            "--url",
            DB.url(),
            "--user",
            DB.user(),
            "--password",
            DB.password(),
            // The example's procrastinate.properties, found on --class-path, names another schema.
            "--schema",
            "public"));
    command.addAll(List.of(args));
    Path out = output.resolve("out.txt");
    Path err = output.resolve("err.txt");
    ProcessBuilder builder =
        new ProcessBuilder(command).redirectOutput(out.toFile()).redirectError(err.toFile());
    builder.environment().keySet().removeIf(name -> name.startsWith("PROCRASTINATE_"));
    Process process = builder.start();
    assertThat(process.waitFor(120, TimeUnit.SECONDS)).as("the cli ended").isTrue();
    return new Run(
        process.exitValue(),
        Files.readString(out, StandardCharsets.UTF_8),
        Files.readString(err, StandardCharsets.UTF_8));
  }

  @Test
  void theRunnableJarWorksTheExampleApplicationsJobs() throws Exception {
    App app = DB.app();
    List<Long> ids = new ArrayList<>();
    ids.add(SendWelcomeDeferrer.configure().app(app).defer(42L, "welcome"));
    for (long id :
        SendWelcomeDeferrer.configure().app(app).batch().add(1L, "a").add(2L, "b").defer()) {
      ids.add(id);
    }
    ids.add(RebuildDeferrer.configure().app(app).defer(7L, true));
    ids.add(
        TimesDeferrer.configure()
            .app(app)
            .defer(
                Instant.parse("2026-05-01T09:30:00Z"),
                LocalDate.of(2026, 5, 1),
                LocalTime.of(9, 30),
                LocalDateTime.of(2026, 5, 1, 9, 30),
                OffsetDateTime.of(2026, 5, 1, 9, 30, 0, 0, ZoneOffset.ofHours(2)),
                Duration.ofMinutes(90)));

    // Deferred by name through the jar: a task of --class-path, with its defaults and checks.
    Run deferred =
        cli("defer", "myapp.tasks.send_welcome", "{\"user_id\": 7, \"template\": \"cli\"}");
    assertThat(deferred.exitCode()).as(deferred.err()).isZero();
    long byName = Long.parseLong(deferred.out().strip());
    assertThat(app.jobManager().getJob(byName).orElseThrow().queueName()).isEqualTo("emails");
    ids.add(byName);

    Run worker = cli("worker", "--one-shot", "--concurrency", "2");

    assertThat(worker.exitCode()).as(worker.err()).isZero();
    assertThat(worker.err()).contains("Shutdown completed");
    for (long id : ids) {
      ProcrastinateJob job = app.jobManager().getJob(id).orElseThrow();
      assertThat(job.status())
          .as("job %d (%s): %s", id, job.taskName(), worker.err())
          .isEqualTo(JobStatus.SUCCEEDED);
    }
    assertThat(app.jobManager().listJobs(JobFilter.all().status(JobStatus.FAILED))).isEmpty();
    assertThat(worker.err()).contains("job " + byName + " (myapp.tasks.send_welcome) succeeded");

    Run health = cli("healthchecks");
    assertThat(health.exitCode()).as(health.out() + health.err()).isZero();
    assertThat(health.out()).contains("tasks: OK").contains("myapp.tasks.send_welcome");
  }
}
