package dev.procrastinate.cli;

import static org.assertj.core.api.Assertions.assertThat;

import dev.procrastinate.testing.TestDatabase;
import java.io.OutputStream;
import java.net.InetAddress;
import java.net.Socket;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.extension.RegisterExtension;

/** {@code procrastinate dashboard} in a process of its own. */
@Timeout(120)
class CliDashboardTest {
  @RegisterExtension static final TestDatabase DB = TestDatabase.migrated();

  private static final Pattern STARTED = Pattern.compile("Dashboard started at (http://\\S+/)");

  private String[] withDb(String... args) {
    String[] all = new String[args.length + 6];
    System.arraycopy(
        new String[] {"--url", DB.url(), "--user", DB.user(), "--password", DB.password()},
        0,
        all,
        0,
        6);
    System.arraycopy(args, 0, all, 6, args.length);
    return all;
  }

  private static HttpResponse<String> get(URI uri, String authorization) throws Exception {
    HttpRequest.Builder request = HttpRequest.newBuilder(uri).timeout(Duration.ofSeconds(10));
    if (authorization != null) {
      request.header("Authorization", authorization);
    }
    return HttpClient.newHttpClient().send(request.build(), HttpResponse.BodyHandlers.ofString());
  }

  /** Sends a GET of /jobs with the given Host header, and returns the whole answer. */
  private static String rawGet(int port, String host) throws Exception {
    try (Socket socket = new Socket(InetAddress.getLoopbackAddress(), port)) {
      socket.setSoTimeout(10_000);
      OutputStream out = socket.getOutputStream();
      out.write(
          ("GET /jobs HTTP/1.1\r\nHost: " + host + "\r\nConnection: close\r\n\r\n")
              .getBytes(StandardCharsets.US_ASCII));
      out.flush();
      return new String(socket.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
    }
  }

  private static URI started(CliProcess process) throws Exception {
    process.awaitErr("Dashboard started at", Duration.ofSeconds(60));
    Matcher matcher = STARTED.matcher(process.err());
    assertThat(matcher.find()).as(process.err()).isTrue();
    return URI.create(matcher.group(1));
  }

  @Test
  void servesTheDashboardUntilSigterm() throws Exception {
    CliProcess dashboard =
        CliProcess.launcher()
            .start(
                withDb(
                    "dashboard", "--port", "0", "--read-only", "--allowed-host", "queue.internal"));
    try {
      URI uri = started(dashboard);
      assertThat(uri.getHost()).isEqualTo("127.0.0.1");
      HttpResponse<String> jobs = get(uri.resolve("/jobs"), null);
      assertThat(jobs.statusCode()).isEqualTo(200);
      assertThat(jobs.body()).contains("<h1>Jobs</h1>", "id=\"read-only\"");
      assertThat(get(uri.resolve("/jobs/12345"), null).statusCode()).isEqualTo(404);
      assertThat(rawGet(uri.getPort(), "queue.internal")).startsWith("HTTP/1.1 200");
      assertThat(rawGet(uri.getPort(), "rebound.example"))
          .startsWith("HTTP/1.1 403")
          .contains("--allowed-host");
      assertThat(dashboard.process().toHandle().destroy()).isTrue();
      CliProcess.Result result = dashboard.await(Duration.ofSeconds(30));
      assertThat(result.exitCode()).as(result.toString()).isEqualTo(143);
      assertThat(result.err()).contains("Dashboard stopped");
    } finally {
      dashboard.process().destroyForcibly();
    }
  }

  @Test
  void anotherAddressNeedsCredentials() throws Exception {
    CliProcess.Result refused =
        CliProcess.launcher().run(withDb("dashboard", "--port", "0", "--bind", "0.0.0.0"));
    assertThat(refused.exitCode()).as(refused.toString()).isEqualTo(Main.EXIT_USAGE);
    assertThat(refused.err())
        .contains("without credentials", "PROCRASTINATE_DASHBOARD_TOKEN", "bind to 127.0.0.1");

    CliProcess dashboard =
        CliProcess.launcher()
            .env("PROCRASTINATE_DASHBOARD_TOKEN", "cli-token-1234")
            .start(withDb("dashboard", "--port", "0", "--bind", "0.0.0.0"));
    try {
      URI uri = started(dashboard);
      URI local = URI.create("http://127.0.0.1:" + uri.getPort() + "/");
      assertThat(get(local, null).statusCode()).isEqualTo(401);
      assertThat(get(local, "Bearer cli-token-1234").statusCode()).isEqualTo(200);
    } finally {
      dashboard.process().destroyForcibly();
    }
  }
}
