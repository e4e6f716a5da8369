package dev.procrastinate.dashboard;

import com.sun.net.httpserver.HttpExchange;
import com.sun.net.httpserver.HttpServer;
import dev.procrastinate.internal.config.SettingsSource;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.URI;
import java.net.UnknownHostException;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Objects;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.ThreadFactory;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.regex.Pattern;
import org.jspecify.annotations.Nullable;
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

  /**
   * The setting of further host names the server answers to, separated by commas: system property
   * {@code procrastinate.dashboard.allowed-hosts}, environment variable {@code
   * PROCRASTINATE_DASHBOARD_ALLOWED_HOSTS} or {@code procrastinate.properties}. See {@link
   * Options}.
   */
  public static final String ALLOWED_HOSTS_KEY = "dashboard.allowed-hosts";

  private static final Pattern ALLOWED_HOST =
      Pattern.compile("\\*|\\.?[a-z0-9_\\-.]+|\\[[0-9a-f:.]+]");

  private static final Pattern IPV4_LOOPBACK =
      Pattern.compile("127\\.\\d{1,3}\\.\\d{1,3}\\.\\d{1,3}");

  /** The largest request body read, in bytes; a larger one is answered 413. */
  static final int MAX_BODY_BYTES = 1 << 20;

  private static final Logger LOG = LoggerFactory.getLogger("procrastinate.dashboard");

  private final HttpServer server;
  private final ExecutorService executor;
  private final URI uri;

  /**
   * Where and for whom the server listens.
   *
   * <p>Without credentials the server answers only to requests whose {@code Host} header names this
   * machine ({@code localhost}, a name under {@code .localhost}, an address of {@code 127.0.0.0/8}
   * or {@code [::1]}, with any port, in any case), and to the names in {@code allowedHosts}; any
   * other name is answered 403. This keeps a page of another site from reaching the dashboard
   * through DNS rebinding (a name of the attacker's that resolves to 127.0.0.1), where the browser
   * would treat the dashboard as the page's own origin. With credentials, any name is accepted
   * unless {@code allowedHosts} is given.
   *
   * @param bind the address to bind, such as {@code 127.0.0.1} or {@code 0.0.0.0}
   * @param port the port, 0 for any free one
   * @param credentials who may connect; required unless {@code bind} is a loopback address
   * @param allowedHosts further host names the server answers to, without port: {@code
   *     queue.example.com}, {@code .example.com} for that name and every name under it, or {@code
   *     *} for any name; compared ignoring case
   */
  public record Options(
      String bind, int port, DashboardCredentials credentials, List<String> allowedHosts) {
    /**
     * Checks the components and copies the host names, in lower case.
     *
     * @throws IllegalArgumentException if the port is out of range or a host name is blank or holds
     *     a space, a slash or a port
     */
    public Options {
      Objects.requireNonNull(bind, "bind");
      Objects.requireNonNull(credentials, "credentials");
      if (port < 0 || port > 65_535) {
        throw new IllegalArgumentException("port must be between 0 and 65535, got " + port);
      }
      Objects.requireNonNull(allowedHosts, "allowedHosts");
      List<String> hosts = new ArrayList<>();
      for (String host : allowedHosts) {
        Objects.requireNonNull(host, "allowedHosts element");
        String name = host.strip().toLowerCase(Locale.ROOT);
        if (!ALLOWED_HOST.matcher(name).matches()) {
          throw new IllegalArgumentException(
              "dashboard allowed host '"
                  + host
                  + "' is not a host name; give a name such as queue.example.com (no scheme,"
                  + " path or port), .example.com for every name under it, or * for any name");
        }
        hosts.add(name);
      }
      allowedHosts = List.copyOf(hosts);
    }

    /**
     * Returns options that answer only to this machine's host names, besides any credential.
     *
     * @param bind the address to bind, such as {@code 127.0.0.1} or {@code 0.0.0.0}
     * @param port the port, 0 for any free one
     * @param credentials who may connect; required unless {@code bind} is a loopback address
     * @throws IllegalArgumentException if the port is out of range
     */
    public Options(String bind, int port, DashboardCredentials credentials) {
      this(bind, port, credentials, List.of());
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

    /**
     * Returns these options with further host names the server answers to.
     *
     * @param hosts host names, as in {@link #allowedHosts()}
     * @return new options, these host names added to the ones given before
     * @throws IllegalArgumentException if a host name is not one
     */
    public Options withAllowedHosts(List<String> hosts) {
      List<String> all = new ArrayList<>(allowedHosts);
      all.addAll(hosts);
      return new Options(bind, port, credentials, all);
    }

    boolean allows(@Nullable String hostHeader) {
      if (hostHeader == null) {
        return false;
      }
      String name = hostName(hostHeader);
      if (isLoopbackName(name)) {
        return true;
      }
      if (allowedHosts.isEmpty()) {
        return credentials.required();
      }
      for (String allowed : allowedHosts) {
        if (allowed.equals("*")
            || allowed.equals(name)
            || (allowed.startsWith(".")
                && (name.endsWith(allowed) || name.equals(allowed.substring(1))))) {
          return true;
        }
      }
      return false;
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
    server.createContext("/", exchange -> serve(dashboard, options, exchange));
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

  /**
   * Reads further host names the server answers to from the setting {@link #ALLOWED_HOSTS_KEY}.
   *
   * @param classLoader where to look for {@code procrastinate.properties}
   * @return the names, in the order given; empty if the setting is unset or blank
   */
  public static List<String> allowedHostsFromSettings(ClassLoader classLoader) {
    String value = SettingsSource.fromProcess(classLoader).get(ALLOWED_HOSTS_KEY);
    List<String> hosts = new ArrayList<>();
    if (value != null) {
      for (String host : value.split(",", -1)) {
        if (!host.isBlank()) {
          hosts.add(host.strip());
        }
      }
    }
    return hosts;
  }

  /** Returns a {@code Host} header's name, without port, in lower case. */
  private static String hostName(String hostHeader) {
    String host = hostHeader.strip().toLowerCase(Locale.ROOT);
    if (host.startsWith("[")) {
      int close = host.indexOf(']');
      return close < 0 ? host : host.substring(0, close + 1);
    }
    int colon = host.lastIndexOf(':');
    return colon < 0 ? host : host.substring(0, colon);
  }

  private static boolean isLoopbackName(String name) {
    return name.equals("localhost")
        || (name.endsWith(".localhost") && name.length() > ".localhost".length())
        || name.equals("[::1]")
        || IPV4_LOOPBACK.matcher(name).matches();
  }

  private static DashboardResponse misdirected(
      @Nullable String hostHeader, int port, boolean credentialsSet) {
    String shown =
        hostHeader == null
            ? "no Host header"
            : "the host name '" + hostHeader.replaceAll("[^\\x21-\\x7e]", "?") + "'";
    String text =
        "The procrastinate dashboard does not answer to "
            + shown
            + ". It answers only to localhost, 127.0.0.1, [::1] and the names allowed, so that a"
            + " page of another site cannot reach it through DNS rebinding. Open http://localhost:"
            + port
            + "/, or let it answer to another name with "
            + SettingsSource.propertyName(ALLOWED_HOSTS_KEY)
            + " ("
            + SettingsSource.environmentName(ALLOWED_HOSTS_KEY)
            + ", or --allowed-host on the command line)"
            + (credentialsSet
                ? ".\n"
                : ", or set credentials (procrastinate.dashboard.user and"
                    + " procrastinate.dashboard.password, or procrastinate.dashboard.token).\n");
    return new DashboardResponse(
        403, "text/plain; charset=utf-8", Map.of(), text.getBytes(StandardCharsets.UTF_8));
  }

  private static void serve(Dashboard dashboard, Options options, HttpExchange exchange)
      throws IOException {
    DashboardCredentials credentials = options.credentials();
    try (exchange) {
      String host = exchange.getRequestHeaders().getFirst("Host");
      if (!options.allows(host)) {
        send(
            exchange,
            misdirected(host, exchange.getLocalAddress().getPort(), credentials.required()));
        return;
      }
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
