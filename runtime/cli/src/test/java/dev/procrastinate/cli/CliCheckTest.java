package dev.procrastinate.cli;

import static org.assertj.core.api.Assertions.assertThat;

import dev.procrastinate.NewJob;
import dev.procrastinate.testing.TestDatabase;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.junit.jupiter.api.io.TempDir;

/** {@code procrastinate check} run as a process against a real PostgreSQL. */
class CliCheckTest {
  @RegisterExtension static final TestDatabase DB = TestDatabase.migrated();

  @TempDir Path tasksDirectory;

  private CliProcess.Result cli(String... args) throws Exception {
    List<String> all =
        new ArrayList<>(
            List.of(
                "--url",
                DB.url(),
                "--user",
                DB.user(),
                "--password",
                DB.password(),
                "--class-path",
                CliProcess.taskClassPath(tasksDirectory).toString()));
    all.addAll(List.of(args));
    return CliProcess.launcher().run(all.toArray(new String[0]));
  }

  @Test
  void checkPassesThenFailsOnARenamedTaskWithLinesOrJson() throws Exception {
    DB.app()
        .jobManager()
        .defer(NewJob.builder("cli.sum").queue("sums").arg("a", 1).arg("b", 2).build());

    CliProcess.Result passed = cli("check");
    assertThat(passed.exitCode()).as(passed.toString()).isZero();
    assertThat(passed.out().strip())
        .doesNotContain("\n")
        .startsWith("check passed: 0 errors, 0 warnings; 1 waiting jobs");

    long renamed =
        DB.app().jobManager().defer(NewJob.builder("cli.summed").queue("sums").arg("a", 1).build());
    CliProcess.Result failed = cli("check");
    assertThat(failed.exitCode()).as(failed.toString()).isEqualTo(1);
    assertThat(failed.err()).isEmpty();
    assertThat(failed.out().strip().split("\n"))
        .satisfiesExactly(
            line ->
                assertThat(line)
                    .startsWith("ERROR: task 'cli.summed' is not declared by the code, but 1")
                    .contains("(ids " + renamed + ")")
                    .contains("@Task(aliases = \"cli.summed\")"),
            line ->
                assertThat(line).startsWith("check failed: 1 error, 0 warnings; 2 waiting jobs"));

    CliProcess.Result json = cli("check", "--json");
    assertThat(json.exitCode()).as(json.toString()).isEqualTo(1);
    assertThat(json.out().strip())
        .doesNotContain("\n")
        .startsWith("{\"passed\":false,\"summary\":\"check failed: 1 error")
        .contains("\"kind\":\"UNKNOWN_TASK\",\"task\":\"cli.summed\"")
        .contains("\"exampleJobIds\":[" + renamed + "]");
    assertThat(json.err()).isEmpty();

    CliProcess.Result badExamples = cli("check", "--examples", "0");
    assertThat(badExamples.exitCode()).as(badExamples.toString()).isEqualTo(2);
    assertThat(badExamples.err()).contains("--examples must be at least 1");
  }
}
