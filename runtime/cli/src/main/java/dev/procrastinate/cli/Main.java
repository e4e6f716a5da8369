package dev.procrastinate.cli;

import ch.qos.logback.classic.Level;
import dev.procrastinate.AlreadyEnqueuedException;
import dev.procrastinate.App;
import dev.procrastinate.AppConfig;
import dev.procrastinate.ArgumentsException;
import dev.procrastinate.DatabaseUnavailableException;
import dev.procrastinate.operations.Input;
import dev.procrastinate.operations.InputNames;
import dev.procrastinate.operations.Messages;
import java.io.File;
import java.io.IOException;
import java.io.InputStream;
import java.io.PrintStream;
import java.io.PrintWriter;
import java.net.MalformedURLException;
import java.net.URL;
import java.net.URLClassLoader;
import java.nio.charset.StandardCharsets;
import java.nio.file.DirectoryStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Properties;
import org.jspecify.annotations.Nullable;
import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;
import picocli.CommandLine.ScopeType;

/**
 * The {@code procrastinate} command: global options, then one of {@code worker}, {@code defer},
 * {@code schema}, {@code healthchecks}, {@code shell}, {@code check} and {@code dashboard}.
 *
 * <p>Exit codes, which scripts can rely on:
 *
 * <ul>
 *   <li>{@value #EXIT_OK}: done;
 *   <li>{@value #EXIT_FAILURE}: the command ran and failed: a queueing-lock clash (without {@code
 *       -i}), an unhealthy check, a schema that cannot be applied, a shell command that failed;
 *   <li>{@value #EXIT_USAGE}: bad usage or configuration: an unknown option, a bad value, a missing
 *       argument, an unknown task without {@code --unknown}, arguments that do not fit the task, no
 *       database configured;
 *   <li>{@value #EXIT_UNREACHABLE}: the database cannot be reached (refused, timed out, wrong
 *       password);
 *   <li>130 or 143: a worker stopped by SIGINT or SIGTERM, after its graceful stop (the JVM's exit
 *       status for those signals).
 * </ul>
 *
 * <p>An error prints one line on standard error; with {@code -v}, also its stack trace.
 */
@Command(
    name = "procrastinate",
    description = "Run workers and manage jobs of a procrastinate-java application.",
    mixinStandardHelpOptions = true,
    scope = ScopeType.INHERIT,
    versionProvider = Main.Version.class,
    sortOptions = false,
    usageHelpAutoWidth = true,
    subcommands = {
      WorkerCommand.class,
      DeferCommand.class,
      SchemaCommand.class,
      HealthchecksCommand.class,
      ShellCommand.class,
      CheckCommand.class,
      DashboardCommand.class
    },
    footerHeading = "%nExit codes:%n",
    footer = {
      "  0  done",
      "  1  the command failed (queueing-lock clash, unhealthy check...)",
      "  2  bad usage or configuration (unknown option, bad value, unknown task...)",
      "  3  the database cannot be reached",
      "",
      "Settings not given as options come from system properties procrastinate.*,",
      "environment variables PROCRASTINATE_* and procrastinate.properties on the class",
      "path.%n"
    })
public final class Main {
  private static final String HIKARI_BROKEN_CONNECTION_LOGGER =
      "com.zaxxer.hikari.pool.ProxyConnection";

  /** Exit code of a command that did its work. */
  public static final int EXIT_OK = 0;

  /** Exit code of a command that ran and failed. */
  public static final int EXIT_FAILURE = 1;

  /** Exit code of bad usage or configuration. */
  public static final int EXIT_USAGE = 2;

  /** Exit code when the database cannot be reached. */
  public static final int EXIT_UNREACHABLE = 3;

  /** The environment variable that adds to the class path, like {@code --class-path}. */
  public static final String CLASS_PATH_VARIABLE = "PROCRASTINATE_CLASS_PATH";

  /**
   * How the command line spells the operations layer's inputs in messages: {@code TASK}, {@code
   * JSON_ARGS}, and the long options ({@code --queueing-lock}); a flag is turned on by its name.
   */
  static final InputNames INPUT_NAMES =
      new InputNames() {
        @Override
        public String name(Input input) {
          return switch (input) {
            case TASK -> "TASK";
            case ARGS -> "JSON_ARGS";
            default -> "--" + input.key().replaceAll("([A-Z])", "-$1").toLowerCase(Locale.ROOT);
          };
        }

        @Override
        public String enabled(Input input) {
          return name(input);
        }
      };

  @Option(
      names = "--url",
      scope = ScopeType.INHERIT,
      paramLabel = "JDBC_URL",
      description = "Database, e.g. jdbc:postgresql://localhost:5432/app (env: PROCRASTINATE_URL).")
  @Nullable String url;

  @Option(
      names = "--user",
      scope = ScopeType.INHERIT,
      paramLabel = "USER",
      description = "Database user (env: PROCRASTINATE_USER).")
  @Nullable String user;

  @Option(
      names = "--password",
      scope = ScopeType.INHERIT,
      paramLabel = "PASSWORD",
      description =
          "Database password; prefer the environment variable PROCRASTINATE_PASSWORD, which"
              + " other users cannot read in the process list.")
  @Nullable String password;

  @Option(
      names = "--schema",
      scope = ScopeType.INHERIT,
      paramLabel = "SCHEMA",
      description = "Schema of the Procrastinate tables (env: PROCRASTINATE_SCHEMA).")
  @Nullable String schema;

  @Option(
      names = "--class-path",
      scope = ScopeType.INHERIT,
      paramLabel = "PATH",
      description =
          "Jars and directories of the application (its @Task classes, its"
              + " procrastinate.properties), separated by '${sys:path.separator}'; 'dir/*' takes"
              + " every jar of dir (env: PROCRASTINATE_CLASS_PATH).")
  @Nullable String classPath;

  @Option(
      names = {"-v", "--verbose"},
      scope = ScopeType.INHERIT,
      description = "Show stack traces and debug logs; twice for debug logs of every library.")
  boolean[] verbose = new boolean[0];

  private @Nullable ClassLoader applicationClassLoader;

  /** Creates the command; picocli fills its options. */
  Main() {}

  /**
   * Runs the command line and exits the JVM with its exit code.
   *
   * @param args the arguments
   */
  public static void main(String[] args) {
    int code;
    try {
      code = run(args);
    } catch (NoClassDefFoundError e) {
      if (e.getMessage() == null || !e.getMessage().startsWith("picocli/")) {
        throw e;
      }
      System.err.println(
          "procrastinate: the command line needs picocli on the class path; run the runnable"
              + " jar (java -jar procrastinate-cli-<version>.jar) or add info.picocli:picocli");
      code = EXIT_USAGE;
    }
    System.out.flush();
    System.exit(code);
  }

  /**
   * Runs the command line without exiting, writing to {@link System#out} and {@link System#err}.
   *
   * @param args the arguments
   * @return the exit code
   */
  public static int run(String... args) {
    Main main = new Main();
    CommandLine commandLine = new CommandLine(main);
    commandLine.setCaseInsensitiveEnumValuesAllowed(true);
    commandLine.setOut(new PrintWriter(System.out, true, StandardCharsets.UTF_8));
    commandLine.setErr(new PrintWriter(System.err, true, StandardCharsets.UTF_8));
    commandLine.setParameterExceptionHandler(Main::usageError);
    commandLine.setExecutionStrategy(
        parseResult -> {
          main.configureLogging();
          return new CommandLine.RunLast().execute(parseResult);
        });
    commandLine.setExecutionExceptionHandler(
        (exception, command, parseResult) -> main.failure(exception));
    return commandLine.execute(args);
  }

  private static int usageError(CommandLine.ParameterException e, String[] args) {
    CommandLine command = e.getCommandLine();
    PrintWriter err = command.getErr();
    err.println(
        "procrastinate: "
            + e.getMessage()
            + " (see '"
            + command.getCommandSpec().qualifiedName()
            + " --help')");
    err.flush();
    return EXIT_USAGE;
  }

  int failure(Exception exception) {
    PrintStream err = System.err;
    String line = oneLine(exception);
    boolean cut = exception.getMessage() != null && !line.equals(exception.getMessage().strip());
    err.println("procrastinate: " + line + (cut && verbose.length == 0 ? " (-v for more)" : ""));
    if (verbose.length > 0) {
      exception.printStackTrace(err);
    }
    err.flush();
    return exitCodeOf(exception);
  }

  /**
   * Returns the first line of an exception's message, or its class name when it has none: one clear
   * line, the rest being for {@code -v}.
   */
  static String oneLine(Throwable exception) {
    return Messages.oneLine(exception);
  }

  static int exitCodeOf(Throwable exception) {
    if (exception instanceof DatabaseUnavailableException) {
      return EXIT_UNREACHABLE;
    }
    if (exception instanceof AlreadyEnqueuedException) {
      return EXIT_FAILURE;
    }
    if (exception instanceof IllegalArgumentException
        || exception instanceof ArgumentsException
        || exception instanceof UsageException) {
      return EXIT_USAGE;
    }
    return EXIT_FAILURE;
  }

  /** Bad usage found after parsing, e.g. a class path entry that does not exist. */
  static final class UsageException extends RuntimeException {
    private static final long serialVersionUID = 1L;

    UsageException(String message) {
      super(message);
    }
  }

  /**
   * Sets the levels from {@code -v} (see {@link LogSetup}): INFO, with connection pool and Flyway
   * chatter at WARN and HikariCP's stack trace of each broken connection left out; {@code -v} puts
   * procrastinate at DEBUG; {@code -vv} everything. A logback configuration of the user's ({@code
   * -Dlogback.configurationFile}) replaces all of it.
   */
  void configureLogging() {
    Map<String, Level> levels = new LinkedHashMap<>();
    if (verbose.length == 1) {
      levels.put("procrastinate", Level.DEBUG);
    }
    if (verbose.length < 2) {
      levels.put("com.zaxxer.hikari", Level.WARN);
      // The runtime reports a connection the server ended in one line of its own, saying what it
      // does about it; HikariCP's report of the same event is a stack trace at WARN.
      levels.put(HIKARI_BROKEN_CONNECTION_LOGGER, Level.ERROR);
      levels.put("org.flywaydb", Level.WARN);
    }
    LogSetup.configure(verbose.length >= 2 ? Level.DEBUG : Level.INFO, levels);
  }

  /**
   * Returns the class loader of the application: {@code --class-path} (or {@code
   * PROCRASTINATE_CLASS_PATH}) over this command's own class path; also made the thread's context
   * class loader, where settings and task registrars are looked up.
   *
   * @return the class loader
   * @throws UsageException if a class path entry does not exist
   */
  ClassLoader applicationClassLoader() {
    ClassLoader loader = applicationClassLoader;
    if (loader == null) {
      String path = classPath != null ? classPath : System.getenv(CLASS_PATH_VARIABLE);
      List<URL> urls = path == null ? List.of() : classPathUrls(path, classPath != null);
      ClassLoader parent = Main.class.getClassLoader();
      loader = urls.isEmpty() ? parent : new URLClassLoader(urls.toArray(new URL[0]), parent);
      applicationClassLoader = loader;
    }
    Thread.currentThread().setContextClassLoader(loader);
    return loader;
  }

  private static List<URL> classPathUrls(String path, boolean fromOption) {
    String origin = fromOption ? "--class-path" : CLASS_PATH_VARIABLE;
    List<URL> urls = new ArrayList<>();
    for (String entry : path.split(File.pathSeparator)) {
      if (entry.isBlank()) {
        continue;
      }
      try {
        if (entry.endsWith("*")) {
          Path directory = Path.of(entry.substring(0, entry.length() - 1));
          if (!Files.isDirectory(directory)) {
            throw new UsageException(
                origin + " entry '" + entry + "': " + directory + " is not a directory");
          }
          List<Path> jars = new ArrayList<>();
          try (DirectoryStream<Path> stream = Files.newDirectoryStream(directory, "*.{jar,JAR}")) {
            stream.forEach(jars::add);
          }
          jars.sort(null);
          for (Path jar : jars) {
            urls.add(jar.toUri().toURL());
          }
        } else {
          Path file = Path.of(entry);
          if (!Files.exists(file)) {
            throw new UsageException(
                origin + " entry '" + entry + "' does not exist; give jars and directories");
          }
          urls.add(file.toUri().toURL());
        }
      } catch (MalformedURLException e) {
        throw new UsageException(origin + " entry '" + entry + "' is not a path: " + e);
      } catch (IOException e) {
        throw new UsageException(origin + " entry '" + entry + "' cannot be read: " + e);
      }
    }
    return urls;
  }

  /**
   * Builds the app from the global options, falling back to the configuration table, with the
   * application's class loader.
   *
   * @return the app; the caller closes it
   * @throws IllegalArgumentException if the configuration is missing or invalid
   */
  App openApp() {
    ClassLoader loader = applicationClassLoader();
    Map<String, @Nullable String> overrides = new LinkedHashMap<>();
    overrides.put("url", url);
    overrides.put("user", user);
    overrides.put("password", password);
    overrides.put("schema", schema);
    AppConfig config = AppConfig.fromEnvironment(overrides);
    return App.builder().config(config).classLoader(loader).build();
  }

  /** Reads the version from a resource written at build time. */
  static final class Version implements CommandLine.IVersionProvider {
    /** Called by picocli. */
    Version() {}

    @Override
    public String[] getVersion() throws IOException {
      return new String[] {"procrastinate-java " + version()};
    }

    static String version() throws IOException {
      Properties properties = new Properties();
      try (InputStream in = Main.class.getResourceAsStream("version.properties")) {
        if (in != null) {
          properties.load(in);
        }
      }
      return properties.getProperty("version", "(unknown version)");
    }
  }
}
