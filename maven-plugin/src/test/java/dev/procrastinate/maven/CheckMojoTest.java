package dev.procrastinate.maven;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.catchThrowable;

import dev.procrastinate.NewJob;
import dev.procrastinate.cli.CliFrontEnd;
import dev.procrastinate.spi.TaskRegistrar;
import dev.procrastinate.testing.TestDatabase;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import org.apache.maven.plugin.MojoFailureException;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.junit.jupiter.api.io.TempDir;

/**
 * The {@code check} goal and {@code procrastinate check} on the same database and project: the same
 * findings with the same messages, a build failure where the command line exits 1.
 */
class CheckMojoTest {
  @RegisterExtension static final TestDatabase DB = TestDatabase.migrated();

  @TempDir Path project;

  private CheckMojo mojo(Path classes) {
    CheckMojo mojo = Mojos.prepare(new CheckMojo(), project, classes);
    Mojos.set(mojo, "url", DB.url());
    Mojos.set(mojo, "user", DB.user());
    Mojos.set(mojo, "password", DB.password());
    return mojo;
  }

  private CliFrontEnd.Run cli(Path classes, String... args) {
    String[] all = new String[8 + args.length];
    System.arraycopy(
        new String[] {
          "--url",
          DB.url(),
          "--user",
          DB.user(),
          "--password",
          DB.password(),
          "--class-path",
          classes.toString()
        },
        0,
        all,
        0,
        8);
    System.arraycopy(args, 0, all, 8, args.length);
    return CliFrontEnd.run(all);
  }

  @Test
  void bothFrontEndsPassThenFailWithTheSameMessage() throws Exception {
    Path classes = Files.createDirectories(project.resolve("target/classes"));
    Path services = Files.createDirectories(classes.resolve("META-INF/services"));
    Files.writeString(
        services.resolve(TaskRegistrar.class.getName()),
        FrontEndTasks.class.getName() + "\n",
        StandardCharsets.UTF_8);
    DB.app()
        .jobManager()
        .defer(NewJob.builder("fe.sum").queue("sums").arg("a", 1).arg("b", 2).build());

    CheckMojo passing = mojo(classes);
    passing.execute();
    assertThat(Mojos.log(passing))
        .anySatisfy(line -> assertThat(line).startsWith("[INFO] check passed: 0 errors"));
    CliFrontEnd.Run cliPassing = cli(classes, "check");
    assertThat(cliPassing.exitCode()).isZero();

    long renamed =
        DB.app().jobManager().defer(NewJob.builder("fe.add").queue("sums").arg("a", 1).build());
    long badArgs =
        DB.app()
            .jobManager()
            .defer(
                NewJob.builder("fe.sum")
                    .queue("sums")
                    .argsJson("{\"a\": \"one\", \"b\": 2}")
                    .build());
    Path report = project.resolve("target/check.json");
    CheckMojo failing = mojo(classes);
    Mojos.set(failing, "checkReport", report.toFile());
    Throwable failure = catchThrowable(failing::execute);
    assertThat(failure)
        .isInstanceOf(MojoFailureException.class)
        .hasMessageStartingWith("check failed: 2 errors, 0 warnings")
        .hasMessageContaining("task 'fe.add' is not declared by the code")
        .hasMessageContaining("@Task(aliases = \"fe.add\")")
        .hasMessageContaining("argument 'a'")
        .hasMessageContaining("(ids " + badArgs + ")");
    assertThat(Files.readString(report)).startsWith("{\"passed\":false,");

    CliFrontEnd.Run cliFailing = cli(classes, "check");
    assertThat(cliFailing.exitCode()).isEqualTo(1);
    // The same findings, word for word, in both front ends.
    assertThat(Mojos.log(failing))
        .filteredOn(line -> line.startsWith("[ERROR] "))
        .map(line -> line.substring("[ERROR] ".length()))
        .hasSize(2)
        .allSatisfy(message -> assertThat(cliFailing.out()).contains("ERROR: " + message + "\n"))
        .allSatisfy(message -> assertThat(failure.getMessage()).contains(message));
    assertThat(renamed).isPositive();
  }
}
