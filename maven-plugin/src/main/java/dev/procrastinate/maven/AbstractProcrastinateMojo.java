package dev.procrastinate.maven;

import dev.procrastinate.AlreadyEnqueuedException;
import dev.procrastinate.App;
import dev.procrastinate.AppConfig;
import dev.procrastinate.ArgumentsException;
import dev.procrastinate.operations.InputNames;
import dev.procrastinate.operations.SpringDataSource;
import java.io.File;
import java.net.MalformedURLException;
import java.net.URL;
import java.net.URLClassLoader;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import javax.inject.Inject;
import org.apache.maven.artifact.DependencyResolutionRequiredException;
import org.apache.maven.model.Resource;
import org.apache.maven.plugin.AbstractMojo;
import org.apache.maven.plugin.MojoExecution;
import org.apache.maven.plugin.MojoExecutionException;
import org.apache.maven.plugin.MojoFailureException;
import org.apache.maven.plugins.annotations.Parameter;
import org.apache.maven.project.MavenProject;
import org.apache.maven.settings.Server;
import org.apache.maven.settings.Settings;
import org.apache.maven.settings.crypto.DefaultSettingsDecryptionRequest;
import org.apache.maven.settings.crypto.SettingsDecrypter;
import org.apache.maven.settings.crypto.SettingsDecryptionResult;
import org.jspecify.annotations.Nullable;

/**
 * What every goal shares: the database settings, the skip switch, a class loader over the project,
 * and the translation of failures into one clear build error.
 *
 * <p>Database settings are looked up as the application looks them up ({@link
 * AppConfig#fromEnvironment(Map)}), with this plugin's parameters first: a parameter set in the POM
 * or with {@code -Dprocrastinate.xxx}, then the user and password of the {@code settings.xml}
 * server named by {@code serverId}, then system properties, {@code PROCRASTINATE_*} environment
 * variables and the project's {@code procrastinate.properties} (from {@code target/classes}, or
 * from the resource folders when the project is not built yet).
 *
 * <p>While a goal runs, the thread's context class loader sees the project's classes and resources
 * (and, for goals that resolve dependencies, its runtime class path), so the application's
 * registrars and {@code procrastinate.properties} are found as they are when the application runs.
 */
public abstract class AbstractProcrastinateMojo extends AbstractMojo {
  /**
   * How the goals spell the operations layer's inputs in messages: by their property, {@code
   * procrastinate.<key>}.
   */
  static final InputNames INPUT_NAMES = input -> "procrastinate." + input.key();

  /** The project the goal runs in. */
  @Parameter(defaultValue = "${project}", readonly = true, required = true)
  protected @Nullable MavenProject project;

  /** The user's settings, for {@link #serverId}. */
  @Parameter(defaultValue = "${settings}", readonly = true)
  protected @Nullable Settings settings;

  /** The running goal, for messages. */
  @Parameter(defaultValue = "${mojoExecution}", readonly = true)
  protected @Nullable MojoExecution mojoExecution;

  /** Decrypts passwords of {@code settings.xml} servers. */
  @Inject protected @Nullable SettingsDecrypter settingsDecrypter;

  /**
   * JDBC URL of the PostgreSQL database, e.g. {@code jdbc:postgresql://localhost:5432/mydb}. Also
   * configurable with -Dprocrastinate.url.
   */
  @Parameter(property = "procrastinate.url")
  protected @Nullable String url;

  /** Database user. Also configurable with -Dprocrastinate.user. */
  @Parameter(property = "procrastinate.user")
  protected @Nullable String user;

  /** Database password. Also configurable with -Dprocrastinate.password. */
  @Parameter(property = "procrastinate.password")
  protected @Nullable String password;

  /**
   * Id of a {@code <server>} in {@code settings.xml} whose username and password log in, when user
   * and password are not set. Also configurable with -Dprocrastinate.serverId.
   */
  @Parameter(property = "procrastinate.serverId")
  protected @Nullable String serverId;

  /**
   * Schema holding the Procrastinate tables (the connections' search path). Also configurable with
   * -Dprocrastinate.schema.
   */
  @Parameter(property = "procrastinate.schema")
  protected @Nullable String schema;

  /** Skips the goal. Also configurable with -Dprocrastinate.skip. */
  @Parameter(property = "procrastinate.skip", defaultValue = "false")
  protected boolean skip;

  private @Nullable ClassLoader projectLoader;

  /** Creates the goal; Maven injects the parameters. */
  protected AbstractProcrastinateMojo() {}

  /**
   * Runs the goal: honours {@code skip}, makes the project's class loader the context class loader,
   * calls {@link #doExecute()} and turns any failure into one build error carrying the root cause.
   *
   * @throws MojoExecutionException if the goal fails unexpectedly
   * @throws MojoFailureException if the goal finds the project or database not ready, or is given
   *     an invalid value (a bad parameter, arguments that do not fit the task, a queueing-lock
   *     clash): the command line's exit codes 1 and 2
   */
  @Override
  public final void execute() throws MojoExecutionException, MojoFailureException {
    if (skip) {
      getLog().info("Skipping procrastinate:" + goal() + " (procrastinate.skip is true)");
      return;
    }
    quietBrokenConnectionTraces();
    Thread thread = Thread.currentThread();
    ClassLoader previous = thread.getContextClassLoader();
    try (URLClassLoader loader = newProjectClassLoader()) {
      projectLoader = loader;
      thread.setContextClassLoader(loader);
      doExecute();
    } catch (MojoExecutionException | MojoFailureException e) {
      throw e;
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new MojoExecutionException("procrastinate:" + goal() + " was interrupted", e);
    } catch (IllegalArgumentException | ArgumentsException | AlreadyEnqueuedException e) {
      // The operations layer's messages name the parameter and the fix: shown as they are, the
      // same text the command line prints.
      throw new MojoFailureException(
          e.getMessage() == null ? e.getClass().getName() : e.getMessage(), e);
    } catch (Exception e) {
      throw new MojoExecutionException(describe(e), e);
    } finally {
      thread.setContextClassLoader(previous);
      projectLoader = null;
    }
  }

  /**
   * Does the goal's work, with the project's class loader as context class loader.
   *
   * @throws Exception anything; {@link #execute()} reports it
   */
  protected abstract void doExecute() throws Exception;

  /**
   * Leaves out HikariCP's WARN stack trace of each broken pooled connection, unless Maven runs with
   * {@code -X} or the user set that logger's level: the runtime reports such an event in one line
   * of its own, saying what it does about it. Maven's simple logger reads a logger's level when the
   * logger is made, which HikariCP does on its first connection, after this.
   */
  private void quietBrokenConnectionTraces() {
    String level = "org.slf4j.simpleLogger.log.com.zaxxer.hikari.pool.ProxyConnection";
    if (!getLog().isDebugEnabled() && System.getProperty(level) == null) {
      System.setProperty(level, "error");
    }
  }

  /**
   * Tells whether the goal needs the project's runtime class path (its dependencies), which the
   * goal then declares with {@code requiresDependencyResolution = RUNTIME}.
   *
   * @return false by default: the project's classes and resources only
   */
  protected boolean usesRuntimeClasspath() {
    return false;
  }

  /**
   * Returns the goal's name.
   *
   * @return e.g. {@code migrate}
   */
  protected String goal() {
    return mojoExecution == null ? getClass().getSimpleName() : mojoExecution.getGoal();
  }

  /**
   * Returns the project.
   *
   * @return the project
   */
  protected MavenProject project() {
    if (project == null) {
      throw new IllegalStateException("procrastinate goals run inside a Maven project");
    }
    return project;
  }

  /**
   * Returns the class loader over the project, valid while the goal runs.
   *
   * @return the loader
   */
  protected ClassLoader projectClassLoader() {
    if (projectLoader == null) {
      throw new IllegalStateException("the project class loader exists only while a goal runs");
    }
    return projectLoader;
  }

  /**
   * Reads the database configuration from the parameters, the {@code settings.xml} server and the
   * application's own sources.
   *
   * @return the configuration
   * @throws MojoExecutionException if {@code serverId} names no server
   * @throws IllegalArgumentException if no URL is configured anywhere or a value is invalid
   */
  protected AppConfig appConfig() throws MojoExecutionException {
    Map<String, @Nullable String> values = new LinkedHashMap<>();
    values.put("url", url);
    values.put("user", user);
    values.put("password", password);
    values.put("schema", schema);
    if (serverId != null && !serverId.isBlank()) {
      Server server = server(serverId.trim());
      if (user == null || user.isBlank()) {
        values.put("user", server.getUsername());
      }
      if (password == null || password.isBlank()) {
        values.put("password", server.getPassword());
      }
    }
    values.replaceAll((key, value) -> value == null || value.isBlank() ? null : value);
    // The context class loader is the project's: its procrastinate.properties is the one read.
    try {
      return AppConfig.fromEnvironment(values);
    } catch (IllegalArgumentException e) {
      if (e.getMessage() == null || !e.getMessage().startsWith("no database configured")) {
        throw e;
      }
      SpringDataSource spring = springDataSource().orElseThrow(() -> e);
      values.put("url", spring.url());
      values.putIfAbsent("user", spring.user());
      values.putIfAbsent("password", spring.password());
      getLog()
          .info(
              "Database from spring.datasource.* in "
                  + spring.source()
                  + " (no procrastinate.url is set): "
                  + AppConfig.redactUrl(spring.url()));
      return AppConfig.fromEnvironment(values);
    }
  }

  /**
   * Reads a Spring Boot application's {@code spring.datasource.*} as the application would find it:
   * its resource directories (and their {@code config/}), then the project directory (and its
   * {@code config/}), with the profiles of {@code -Dspring.profiles.active} or {@code
   * SPRING_PROFILES_ACTIVE}.
   */
  private Optional<SpringDataSource> springDataSource() {
    MavenProject current = project();
    Path base = current.getBasedir().toPath();
    List<SpringDataSource.Location> locations = new ArrayList<>();
    for (Resource resource : current.getBuild().getResources()) {
      Path directory = Path.of(resource.getDirectory());
      locations.add(SpringDataSource.Location.directory(directory, relative(base, directory)));
      Path config = directory.resolve("config");
      locations.add(SpringDataSource.Location.directory(config, relative(base, config)));
    }
    locations.add(SpringDataSource.Location.directory(base, "."));
    locations.add(SpringDataSource.Location.directory(base.resolve("config"), "config"));
    return SpringDataSource.read(locations, List.of(), System::getenv);
  }

  private static String relative(Path base, Path directory) {
    return directory.startsWith(base)
        ? base.relativize(directory).toString()
        : directory.toString();
  }

  /**
   * Builds an app over the configured database whose tasks come from the project class loader.
   *
   * @return the app; the caller closes it
   * @throws MojoExecutionException if the configuration is invalid
   */
  protected App openApp() throws MojoExecutionException {
    return App.builder().config(appConfig()).classLoader(projectClassLoader()).build();
  }

  private Server server(String id) throws MojoExecutionException {
    Server server = settings == null ? null : settings.getServer(id);
    if (server == null) {
      throw new MojoExecutionException(
          "procrastinate.serverId is '"
              + id
              + "', but settings.xml has no <server> with that id; add one with <username> and"
              + " <password>, or set procrastinate.user and procrastinate.password");
    }
    if (settingsDecrypter == null) {
      return server;
    }
    SettingsDecryptionResult result =
        settingsDecrypter.decrypt(new DefaultSettingsDecryptionRequest(server));
    if (!result.getProblems().isEmpty()) {
      throw new MojoExecutionException(
          "cannot decrypt the password of settings.xml server '"
              + id
              + "': "
              + result.getProblems().get(0).getMessage());
    }
    return result.getServer();
  }

  private URLClassLoader newProjectClassLoader()
      throws MalformedURLException, DependencyResolutionRequiredException {
    MavenProject current = project();
    Set<String> elements = new LinkedHashSet<>();
    if (usesRuntimeClasspath()) {
      elements.addAll(current.getRuntimeClasspathElements());
    } else {
      elements.add(current.getBuild().getOutputDirectory());
    }
    for (Resource resource : current.getBuild().getResources()) {
      elements.add(resource.getDirectory());
    }
    List<URL> urls = new ArrayList<>();
    for (String element : elements) {
      File file = new File(element);
      if (file.exists()) {
        urls.add(file.toURI().toURL());
      }
    }
    // Parent-first: the runtime's API classes are the plugin's own, shared with the project's
    // generated registrars; keep the project's procrastinate version equal to the plugin's.
    return new URLClassLoader(urls.toArray(new URL[0]), getClass().getClassLoader());
  }

  /**
   * Says what went wrong in one line: the exception's message and, when it adds something, its root
   * cause's.
   *
   * @param e the failure
   * @return the text
   */
  static String describe(Throwable e) {
    String message = e.getMessage() == null ? e.getClass().getName() : e.getMessage();
    Throwable root = e;
    while (root.getCause() != null && root.getCause() != root) {
      root = root.getCause();
    }
    String rootMessage = root.getMessage();
    if (root != e && rootMessage != null && !message.contains(rootMessage)) {
      message = message + ": " + rootMessage;
    }
    return message;
  }
}
