package dev.procrastinate.maven;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.procrastinate.testing.Await;
import dev.procrastinate.testing.TestDatabase;
import java.net.ConnectException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.ConcurrentModificationException;
import java.util.List;
import java.util.concurrent.atomic.AtomicReference;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.apache.maven.plugin.MojoExecutionException;
import org.apache.maven.plugin.MojoFailureException;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.junit.jupiter.api.io.TempDir;

/** The {@code dashboard} goal serves the dashboard until stopped, with the command's options. */
@Timeout(60)
class DashboardMojoTest {
  @RegisterExtension static final TestDatabase DB = TestDatabase.migrated();

  private static final Pattern STARTED = Pattern.compile("Dashboard at (http://\\S+/)");

  @TempDir Path project;

  private DashboardMojo mojo(String bind, boolean readOnly) throws Exception {
    Path classes = Files.createDirectories(project.resolve("target/classes"));
    DashboardMojo mojo = Mojos.prepare(new DashboardMojo(), project, classes);
    Mojos.set(mojo, "url", DB.url());
    Mojos.set(mojo, "user", DB.user());
    Mojos.set(mojo, "password", DB.password());
    Mojos.set(mojo, "port", 0);
    Mojos.set(mojo, "bind", bind);
    Mojos.set(mojo, "readOnly", readOnly);
    return mojo;
  }

  private static List<String> log(DashboardMojo mojo) {
    while (true) {
      try {
        return new ArrayList<>(Mojos.log(mojo));
      } catch (ConcurrentModificationException e) {
        // the goal is logging: read again
      }
    }
  }

  @Test
  void servesTheDashboardUntilInterrupted() throws Exception {
    DashboardMojo mojo = mojo("127.0.0.1", true);
    AtomicReference<Throwable> ended = new AtomicReference<>();
    Thread goal =
        new Thread(
            () -> {
              try {
                mojo.execute();
              } catch (Throwable e) {
                ended.set(e);
              }
            },
            "dashboard-goal");
    goal.start();
    Await.until(
        Duration.ofSeconds(30),
        () -> log(mojo).stream().anyMatch(line -> line.contains("Dashboard at")),
        "the goal to serve the dashboard");
    String line =
        log(mojo).stream().filter(l -> l.contains("Dashboard at")).findFirst().orElseThrow();
    assertThat(line).contains("(read-only)").doesNotContain(DB.password() + "@");
    Matcher matcher = STARTED.matcher(line);
    assertThat(matcher.find()).isTrue();
    URI uri = URI.create(matcher.group(1));
    HttpClient client = HttpClient.newHttpClient();
    HttpResponse<String> page =
        client.send(
            HttpRequest.newBuilder(uri.resolve("/workers")).build(),
            HttpResponse.BodyHandlers.ofString());
    assertThat(page.statusCode()).isEqualTo(200);
    assertThat(page.body()).contains("<h1>Workers</h1>", "id=\"read-only\"");

    goal.interrupt();
    goal.join(20_000);
    assertThat(goal.isAlive()).isFalse();
    assertThat(ended.get())
        .isInstanceOf(MojoExecutionException.class)
        .hasMessageContaining("procrastinate:");
    assertThatThrownBy(
            () ->
                client.send(
                    HttpRequest.newBuilder(uri).timeout(Duration.ofSeconds(5)).build(),
                    HttpResponse.BodyHandlers.ofString()))
        .isInstanceOf(ConnectException.class);
  }

  @Test
  void anotherAddressNeedsCredentials() throws Exception {
    assertThatThrownBy(() -> mojo("0.0.0.0", false).execute())
        .isInstanceOf(MojoFailureException.class)
        .hasMessageContaining("without credentials")
        .hasMessageContaining("procrastinate.dashboard.user");
  }
}
