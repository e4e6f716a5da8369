package dev.procrastinate.testing;

import java.io.IOException;
import java.net.ServerSocket;
import java.net.Socket;
import java.net.URI;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.stream.Stream;

/**
 * A PgBouncer in transaction pooling mode in front of a test database, as production setups put one
 * in front of PostgreSQL: every transaction may run on another server connection, so session state
 * (LISTEN, prepared statements, SET) does not survive. Uses this machine's {@code pgbouncer}
 * ({@code PROCRASTINATE_TEST_PGBOUNCER} to point elsewhere); as root it runs as {@code postgres},
 * since PgBouncer refuses to run as root.
 */
public final class PgBouncer implements AutoCloseable {
  private final Process process;
  private final Path dir;
  private final int port;
  private final String database;

  private PgBouncer(Process process, Path dir, int port, String database) {
    this.process = process;
    this.dir = dir;
    this.port = port;
    this.database = database;
  }

  /**
   * Starts a bouncer in front of a database, with 4 server connections.
   *
   * @param jdbcUrl the database's JDBC URL
   * @param user the user the bouncer logs in with
   * @param password its password
   * @return the running bouncer; close it to stop it
   * @throws Exception if pgbouncer is missing or does not start
   */
  public static PgBouncer start(String jdbcUrl, String user, String password) throws Exception {
    return start(jdbcUrl, user, password, 4);
  }

  /**
   * Tells whether a pgbouncer executable is there to start.
   *
   * @return true if {@link #start} may find one
   */
  public static boolean installed() {
    return executable().isPresent();
  }

  private static java.util.Optional<String> executable() {
    String configured = System.getenv().getOrDefault("PROCRASTINATE_TEST_PGBOUNCER", "");
    if (!configured.isBlank()) {
      return java.util.Optional.of(configured);
    }
    return Stream.of("/usr/sbin/pgbouncer", "/usr/bin/pgbouncer")
        .filter(p -> Files.isExecutable(Path.of(p)))
        .findFirst();
  }

  /**
   * Starts a bouncer in front of a database.
   *
   * @param jdbcUrl the database's JDBC URL
   * @param user the user the bouncer logs in with
   * @param password its password
   * @param serverConnections the most server connections it opens to the database
   * @return the running bouncer; close it to stop it
   * @throws Exception if pgbouncer is missing or does not start
   */
  public static PgBouncer start(String jdbcUrl, String user, String password, int serverConnections)
      throws Exception {
    String executable =
        executable()
            .orElseThrow(
                () ->
                    new IllegalStateException(
                        "pgbouncer is not installed; install the pgbouncer package (as .ci/run"
                            + " does) or set PROCRASTINATE_TEST_PGBOUNCER"));
    URI target = URI.create(jdbcUrl.substring("jdbc:".length()));
    String database = target.getPath().substring(1);
    int port;
    try (ServerSocket socket = new ServerSocket(0)) {
      port = socket.getLocalPort();
    }
    Path dir = Files.createTempDirectory("procrastinate-pgbouncer-");
    Files.writeString(
        dir.resolve("pgbouncer.ini"),
        String.join(
            "\n",
            "[databases]",
            database
                + " = host="
                + target.getHost()
                + " port="
                + (target.getPort() < 0 ? 5432 : target.getPort())
                + " dbname="
                + database
                + " user="
                + user
                + " password="
                + password,
            "[pgbouncer]",
            "listen_addr = 127.0.0.1",
            "listen_port = " + port,
            "unix_socket_dir =",
            "auth_type = any",
            "pool_mode = transaction",
            "default_pool_size = " + serverConnections,
            "max_client_conn = 1000",
            "server_reset_query =",
            "ignore_startup_parameters = extra_float_digits,search_path",
            "logfile = " + dir.resolve("pgbouncer.log"),
            ""));
    List<String> command = new ArrayList<>();
    if ("root".equals(System.getProperty("user.name"))) {
      new ProcessBuilder("chown", "-R", "postgres", dir.toString()).start().waitFor();
      command.addAll(List.of("runuser", "-u", "postgres", "--"));
    }
    command.addAll(List.of(executable, dir.resolve("pgbouncer.ini").toString()));
    Process process =
        new ProcessBuilder(command)
            .redirectErrorStream(true)
            .redirectOutput(dir.resolve("stdout.log").toFile())
            .start();
    PgBouncer bouncer = new PgBouncer(process, dir, port, database);
    long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(10);
    while (true) {
      try {
        new Socket("127.0.0.1", port).close();
        return bouncer;
      } catch (IOException notYet) {
        if (!process.isAlive() || System.nanoTime() > deadline) {
          String log = Files.readString(dir.resolve("stdout.log"));
          bouncer.close();
          throw new IllegalStateException("pgbouncer did not start:\n" + log, notYet);
        }
        Thread.sleep(50);
      }
    }
  }

  /**
   * Returns a JDBC URL through the bouncer, without server-side prepared statements, which a
   * transaction-mode bouncer does not keep.
   *
   * @return the URL
   */
  public String url() {
    return "jdbc:postgresql://127.0.0.1:" + port + "/" + database + "?prepareThreshold=0";
  }

  /**
   * Stops the bouncer and deletes its files.
   *
   * @throws IOException if its files cannot be deleted
   */
  @Override
  public void close() throws IOException {
    process.destroy();
    try {
      if (!process.waitFor(10, TimeUnit.SECONDS)) {
        process.destroyForcibly();
      }
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
    }
    try (Stream<Path> files = Files.walk(dir)) {
      files.sorted(Comparator.reverseOrder()).forEach(p -> p.toFile().delete());
    }
  }
}
