package dev.procrastinate.dashboard;

import com.sun.net.httpserver.HttpExchange;
import com.sun.net.httpserver.HttpServer;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.URI;
import java.net.UnknownHostException;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.ThreadFactory;
import java.util.concurrent.atomic.AtomicInteger;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Serves a {@link Dashboard} over HTTP with the JDK's own server ({@code com.sun.net.httpserver}):
 * no servlet container. Used by {@code procrastinate dashboard} and {@code mvn
 * procrastinate:dashboard}. Thread-safe; requests are handled by a small pool of threads named
 * {@code procrastinate-dashboard-N}.
 *
 * <pre>{@code
 * try (DashboardServer server =
 *     DashboardServer.start(Dashboard.builder(app).build(), DashboardServer.Options.local(8080))) {
 *   System.out.println("Dashboard at " + server.uri());
 *   ...
 * }
 * }</pre>
 */
public final class DashboardServer implements AutoCloseable {
  /** The default port. */
  public static final int DEFAULT_PORT = 8080;

  /** The default address: this machine only. */
  public static final String DEFAULT_BIND = "127.0.0.1";

  /** The largest request body read, in bytes; a larger one is answered 413. */
  static final int MAX_BODY_BYTES = 1 << 20;

  private static final Logger LOG = LoggerFactory.getLogger("procrastinate.dashboard");

  private final HttpServer server;
  private final ExecutorService executor;
  private final URI uri;

  /**
   * Where and for whom the server listens.
   *
   * @param bind the address to bind, such as {@code 127.0.0.1} or {@code 0.0.0.0}
   * @param port the port, 0 for any free one
   * @param credentials who may connect; required unless {@code bind} is a loopback address
   */
  public record Options(String bind, int port, DashboardCredentials credentials) {
    /**
     * Checks the components.
     *
     * @throws IllegalArgumentException if the port is out of range
     */
    public Options {
      Objects.requireNonNull(bind, "bind");
      Objects.requireNonNull(credentials, "credentials");
      if (port < 0 || port > 65_535) {
        throw new IllegalArgumentException("port must be between 0 and 65535, got " + port);
      }
    }

    /**
     * Returns options that listen on 127.0.0.1 without credentials.
     *
     * @param port the port, 0 for any free one
     * @return the options
     */
    public static Options local(int port) {
      return new Options(DEFAULT_BIND, port, DashboardCredentials.none());
    }
  }

  private DashboardServer(HttpServer server, ExecutorService executor, URI uri) {
    this.server = server;
    this.executor = executor;
    this.uri = uri;
  }

  /**
   * Starts serving a dashboard.
   *
   * @param dashboard the dashboard
   * @param options where and for whom
   * @return the running server; close it to stop
   * @throws IllegalArgumentException if the address is not a loopback one and no credential is set,
   *     or if the address is unknown
   * @throws IllegalStateException if the port cannot be bound, naming it
   */
  public static DashboardServer start(Dashboard dashboard, Options options) {
    Objects.requireNonNull(dashboard, "dashboard");
    Objects.requireNonNull(options, "options");
    InetAddress address;
    try {
      address = InetAddress.getByName(options.bind());
    } catch (UnknownHostException e) {
      throw new IllegalArgumentException(
          "dashboard bind address '" + options.bind() + "' is unknown; give an IP address", e);
    }
    if (!address.isLoopbackAddress() && !options.credentials().required()) {
      throw new IllegalArgumentException(
          "the dashboard would listen on "
              + options.bind()
              + ", beyond this machine, without credentials. Set a user and password"
              + " (procrastinate.dashboard.user and procrastinate.dashboard.password, or"
              + " PROCRASTINATE_DASHBOARD_USER and PROCRASTINATE_DASHBOARD_PASSWORD) or a token"
              + " (procrastinate.dashboard.token or PROCRASTINATE_DASHBOARD_TOKEN), or bind to "
              + DEFAULT_BIND);
    }
    HttpServer server;
    try {
      server = HttpServer.create(new InetSocketAddress(address, options.port()), 0);
    } catch (IOException e) {
      throw new IllegalStateException(
          "the dashboard cannot listen on "
              + options.bind()
              + ":"
              + options.port()
              + " ("
              + e.getMessage()
              + "); choose another port with --port",
          e);
    }
    AtomicInteger threads = new AtomicInteger();
    ThreadFactory factory =
        runnable -> {
          Thread thread =
              new Thread(runnable, "procrastinate-dashboard-" + threads.incrementAndGet());
          thread.setDaemon(true);
          return thread;
        };
    ExecutorService executor = Executors.newFixedThreadPool(4, factory);
    server.setExecutor(executor);
    server.createContext("/", exchange -> serve(dashboard, options.credentials(), exchange));
    server.start();
    InetSocketAddress bound = server.getAddress();
    String host = bound.getAddress().isAnyLocalAddress() ? "localhost" : options.bind();
    if (host.contains(":")) {
      host = "[" + host + "]";
    }
    URI uri = URI.create("http://" + host + ":" + bound.getPort() + "/");
    LOG.info("Dashboard started at {}{}", uri, dashboard.readOnly() ? " (read-only)" : "");
    return new DashboardServer(server, executor, uri);
  }

  private static void serve(
      Dashboard dashboard, DashboardCredentials credentials, HttpExchange exchange)
      throws IOException {
    try (exchange) {
      if (!credentials.accepts(exchange.getRequestHeaders().getFirst("Authorization"))) {
        exchange.getResponseHeaders().set("WWW-Authenticate", "Basic realm=\"procrastinate\"");
        send(
            exchange,
            DashboardResponse.html(
                401,
                "<!doctype html><title>401</title><p>Sign in to see the"
                    + " procrastinate dashboard.</p>"));
        return;
      }
      byte[] body;
      try (InputStream in = exchange.getRequestBody()) {
        body = in.readNBytes(MAX_BODY_BYTES + 1);
      }
      if (body.length > MAX_BODY_BYTES) {
        send(
            exchange,
            DashboardResponse.html(
                413, "<!doctype html><title>413</title><p>Request too large.</p>"));
        return;
      }
      Map<String, String> headers = new LinkedHashMap<>();
      for (Map.Entry<String, List<String>> header : exchange.getRequestHeaders().entrySet()) {
        if (!header.getValue().isEmpty()) {
          headers.put(header.getKey(), header.getValue().get(0));
        }
      }
      URI requestUri = exchange.getRequestURI();
      String query = requestUri.getRawQuery();
      DashboardRequest request =
          new DashboardRequest(
              exchange.getRequestMethod(),
              "",
              requestUri.getRawPath() == null ? "/" : requestUri.getRawPath(),
              query == null ? "" : query,
              headers,
              body);
      send(exchange, dashboard.handle(request));
    } catch (RuntimeException e) {
      LOG.warn("Dashboard - failed to answer {}", exchange.getRequestURI(), e);
    }
  }

  private static void send(HttpExchange exchange, DashboardResponse response) throws IOException {
    exchange.getResponseHeaders().set("Content-Type", response.contentType());
    exchange.getResponseHeaders().set("X-Content-Type-Options", "nosniff");
    exchange.getResponseHeaders().set("Referrer-Policy", "same-origin");
    response.headers().forEach((name, value) -> exchange.getResponseHeaders().add(name, value));
    byte[] body = response.body();
    boolean empty = body.length == 0 || exchange.getRequestMethod().equals("HEAD");
    exchange.sendResponseHeaders(response.status(), empty ? -1 : body.length);
    if (!empty) {
      try (OutputStream out = exchange.getResponseBody()) {
        out.write(body);
      }
    }
  }

  /**
   * Returns the address to open in a browser.
   *
   * @return such as {@code http://127.0.0.1:8080/}
   */
  public URI uri() {
    return uri;
  }

  /**
   * Returns the port the server listens on, useful after asking for port 0.
   *
   * @return the port
   */
  public int port() {
    return server.getAddress().getPort();
  }

  /**
   * Stops listening, lets requests in progress finish for up to a second, and stops the threads.
   */
  @Override
  public void close() {
    server.stop(1);
    executor.shutdownNow();
    LOG.info("Dashboard stopped");
  }
}
