package dev.procrastinate.testing;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.ServerSocket;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Objects;
import java.util.concurrent.TimeUnit;
import java.util.stream.Stream;

/**
 * A PostgreSQL cluster of its own, in a temporary folder and on a free port, for a test that must
 * stop and start the server itself (a real restart, not dropped connections). Uses the server
 * binaries of this machine ({@code /usr/lib/postgresql/<version>/bin}, or {@code
 * PROCRASTINATE_TEST_PG_BIN}); as root it runs them as the {@code postgres} user, since PostgreSQL
 * refuses to run as root. Trust authentication on 127.0.0.1, user {@code postgres}.
 */
public final class ScratchPostgres implements AutoCloseable {
  private final Path bin;
  private final Path root;
  private final Path data;
  private final int port;
  private final boolean asPostgres;

  private ScratchPostgres(Path bin, Path root, int port, boolean asPostgres) {
    this.bin = bin;
    this.root = root;
    this.data = root.resolve("data");
    this.port = port;
    this.asPostgres = asPostgres;
  }

  /**
   * Creates and starts a cluster.
   *
   * @return the running cluster; close it to stop and delete it
   * @throws Exception if the binaries are missing or the server does not start
   */
  public static ScratchPostgres start() throws Exception {
    Path bin = findBin();
    boolean root = "root".equals(System.getProperty("user.name"));
    Path dir = Files.createTempDirectory("procrastinate-pg-");
    int port;
    try (ServerSocket socket = new ServerSocket(0)) {
      port = socket.getLocalPort();
    }
    ScratchPostgres cluster = new ScratchPostgres(bin, dir, port, root);
    if (root) {
      run(List.of("chown", "postgres", dir.toString()));
    }
    cluster.pg(
        "initdb", "-D", cluster.data.toString(), "-U", "postgres", "--auth=trust", "-E", "UTF8");
    cluster.startServer();
    return cluster;
  }

  private static Path findBin() {
    String configured = System.getenv("PROCRASTINATE_TEST_PG_BIN");
    if (configured != null && !configured.isBlank()) {
      return Path.of(configured);
    }
    Path base = Path.of("/usr/lib/postgresql");
    try (Stream<Path> versions = Files.isDirectory(base) ? Files.list(base) : Stream.empty()) {
      return versions
          .map(v -> v.resolve("bin"))
          .filter(b -> Files.isExecutable(b.resolve("pg_ctl")))
          .max(Comparator.comparing(p -> Integer.parseInt(p.getParent().getFileName().toString())))
          .orElseThrow(
              () ->
                  new IllegalStateException(
                      "no PostgreSQL server binaries under /usr/lib/postgresql/<version>/bin;"
                          + " install the postgresql package (as .ci/run does) or set"
                          + " PROCRASTINATE_TEST_PG_BIN to the folder holding pg_ctl"));
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  /**
   * Returns the port the server listens on, at 127.0.0.1.
   *
   * @return the port
   */
  public int port() {
    return port;
  }

  /**
   * Returns the server's log file, in English: what a test reads to show that a fault struck (a
   * backend killed by a signal, a crash recovery, a statement cancelled).
   *
   * @return the path of the log, readable by this process
   */
  public Path log() {
    return root.resolve("server.log");
  }

  /**
   * Returns the JDBC URL of the {@code postgres} database.
   *
   * @return the URL
   */
  public String url() {
    return "jdbc:postgresql://127.0.0.1:" + port + "/postgres";
  }

  /**
   * Stops the server at once (active transactions are rolled back, clients disconnected), waits,
   * then starts it again: what a crash-free restart of a production server does to its clients.
   *
   * @param down how long the server stays down
   * @throws Exception if a command fails
   */
  public void restart(java.time.Duration down) throws Exception {
    pg("pg_ctl", "-D", data.toString(), "-m", "fast", "-w", "stop");
    Thread.sleep(down.toMillis());
    startServer();
  }

  /**
   * Stops the server as a crash does (an immediate shutdown: no checkpoint, and the WAL records the
   * WAL writer had not yet written out are gone, commits made without waiting for the disk
   * included), waits, then starts it again, which runs crash recovery.
   *
   * @param down how long the server stays down
   * @throws Exception if a command fails
   */
  public void crash(java.time.Duration down) throws Exception {
    pg("pg_ctl", "-D", data.toString(), "-m", "immediate", "-w", "stop");
    Thread.sleep(down.toMillis());
    startServer();
  }

  /**
   * Stops the server at once and leaves it down until {@link #startAgain()}: an outage of the
   * database.
   *
   * @throws Exception if the command fails
   */
  public void stopServer() throws Exception {
    pg("pg_ctl", "-D", data.toString(), "-m", "fast", "-w", "stop");
  }

  /**
   * Starts the server stopped by {@link #stopServer()}.
   *
   * @throws Exception if the command fails
   */
  public void startAgain() throws Exception {
    startServer();
  }

  private void startServer() throws Exception {
    pg(
        "pg_ctl",
        "-D",
        data.toString(),
        "-l",
        log().toString(),
        "-o",
        "-p " + port + " -c listen_addresses=127.0.0.1 -c lc_messages=C -k " + root,
        "-w",
        "start");
  }

  /**
   * Stops the server and deletes its files.
   *
   * @throws IOException if the server cannot be stopped or its files deleted
   */
  @Override
  public void close() throws IOException {
    try {
      pg("pg_ctl", "-D", data.toString(), "-m", "immediate", "-w", "stop");
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
    } finally {
      try (Stream<Path> files = Files.walk(root)) {
        files.sorted(Comparator.reverseOrder()).forEach(p -> p.toFile().delete());
      }
    }
  }

  private void pg(String program, String... args) throws IOException, InterruptedException {
    List<String> command = new ArrayList<>();
    if (asPostgres) {
      command.addAll(List.of("runuser", "-u", "postgres", "--"));
    }
    command.add(bin.resolve(program).toString());
    command.addAll(List.of(args));
    run(command);
  }

  private static void run(List<String> command) throws IOException, InterruptedException {
    Process process = new ProcessBuilder(command).redirectErrorStream(true).start();
    String output = new String(process.getInputStream().readAllBytes());
    if (!process.waitFor(60, TimeUnit.SECONDS) || process.exitValue() != 0) {
      throw new IOException(
          "command failed: " + String.join(" ", command) + "\n" + Objects.toString(output));
    }
  }
}
