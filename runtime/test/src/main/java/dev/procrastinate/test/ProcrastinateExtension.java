package dev.procrastinate.test;

import dev.procrastinate.App;
import java.sql.Connection;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.Locale;
import java.util.UUID;
import org.jspecify.annotations.Nullable;
import org.junit.jupiter.api.extension.AfterAllCallback;
import org.junit.jupiter.api.extension.BeforeAllCallback;
import org.junit.jupiter.api.extension.BeforeEachCallback;
import org.junit.jupiter.api.extension.ExtensionContext;
import org.junit.jupiter.api.extension.ParameterContext;
import org.junit.jupiter.api.extension.ParameterResolutionException;
import org.junit.jupiter.api.extension.ParameterResolver;
import org.junit.platform.commons.support.AnnotationSupport;

/**
 * The extension behind {@link ProcrastinateTest}: an app on a fresh schema (or an inline app) for a
 * test class, installed as the default app for its tests, with {@link TestJobs} and {@link App} as
 * test parameters. Register it through the annotation; {@code @Nested} classes share their
 * enclosing class's app.
 */
public final class ProcrastinateExtension
    implements BeforeAllCallback, AfterAllCallback, BeforeEachCallback, ParameterResolver {
  /** The JUnit resource lock of the process-wide default app. */
  static final String DEFAULT_APP_LOCK = "dev.procrastinate.App#getDefault";

  private static final ExtensionContext.Namespace NAMESPACE =
      ExtensionContext.Namespace.create(ProcrastinateExtension.class);

  /** Created by JUnit. */
  public ProcrastinateExtension() {}

  /**
   * What a test class got: its app, its jobs (null when inline) and the default app it replaced.
   */
  private record ClassState(
      String owner,
      App app,
      @Nullable TestJobs jobs,
      @Nullable String schema,
      @Nullable App previousDefault,
      boolean ownsApp) {}

  @Override
  public void beforeAll(ExtensionContext context) throws Exception {
    if (state(context) != null) {
      return; // a @Nested class: the enclosing class's app serves it
    }
    Class<?> testClass = context.getRequiredTestClass();
    boolean inline =
        AnnotationSupport.findAnnotation(testClass, ProcrastinateTest.class)
            .map(ProcrastinateTest::inline)
            .orElse(false);
    ClassState state;
    if (springRuns(testClass)) {
      state = springState(context, testClass, inline);
    } else if (inline) {
      App app = App.builder().inline().build();
      state = new ClassState(context.getUniqueId(), app, null, null, App.setDefault(app), true);
    } else {
      TestServer server =
          context
              .getRoot()
              .getStore(NAMESPACE)
              .getOrComputeIfAbsent(TestServer.class, key -> TestServer.find(), TestServer.class);
      String schema = schemaName(testClass);
      App app = App.create(server.config(schema));
      try {
        app.schemaManager().migrate();
      } catch (RuntimeException e) {
        app.close();
        throw new IllegalStateException(
            "@ProcrastinateTest could not create its schema "
                + schema
                + " on "
                + server.origin()
                + ": "
                + e.getMessage(),
            e);
      }
      state =
          new ClassState(
              context.getUniqueId(),
              app,
              new TestJobs(app, schema, false),
              schema,
              App.setDefault(app),
              true);
    }
    context.getStore(NAMESPACE).put(ClassState.class, state);
  }

  private static boolean springRuns(Class<?> testClass) {
    try {
      Class.forName(
          "org.springframework.test.context.junit.jupiter.SpringExtension",
          false,
          ProcrastinateExtension.class.getClassLoader());
    } catch (ClassNotFoundException e) {
      return false;
    }
    return SpringContexts.runsWithSpring(testClass);
  }

  /**
   * The state of a class with a Spring test context: the context's app, whose database the
   * context's customizer made the test run's own (see {@code dev.procrastinate.test.spring}),
   * installed as the default app for the class; the context owns and closes it.
   */
  private static ClassState springState(
      ExtensionContext context, Class<?> testClass, boolean inline) {
    App app = SpringContexts.app(context);
    if (inline != app.isInline()) {
      throw new IllegalStateException(
          "@ProcrastinateTest(inline = "
              + inline
              + ") on "
              + testClass.getName()
              + " but the Spring context's app is "
              + (app.isInline() ? "inline" : "not inline")
              + ": the context's App bean does not come from procrastinate-spring-boot-starter,"
              + " which reads procrastinate.inline; build it inline (App.builder().inline()) or"
              + " not, as the annotation says");
    }
    TestJobs jobs = inline ? null : new TestJobs(app, TestJobs.currentSchema(app), true);
    return new ClassState(context.getUniqueId(), app, jobs, null, App.setDefault(app), false);
  }

  @Override
  public void beforeEach(ExtensionContext context) {
    ClassState state = state(context);
    if (state != null && state.jobs() != null) {
      state.jobs().reset();
    }
  }

  @Override
  public void afterAll(ExtensionContext context) throws Exception {
    ClassState state = state(context);
    if (state == null || !state.owner().equals(context.getUniqueId())) {
      return;
    }
    context.getStore(NAMESPACE).remove(ClassState.class);
    App.setDefault(state.previousDefault());
    if (!state.ownsApp()) {
      return; // the Spring context's: the context closes it
    }
    try {
      if (state.schema() != null) {
        dropSchema(state.app(), state.schema());
      }
    } finally {
      state.app().close();
    }
  }

  @Override
  public boolean supportsParameter(
      ParameterContext parameterContext, ExtensionContext extensionContext) {
    Class<?> type = parameterContext.getParameter().getType();
    return type == TestJobs.class || type == App.class;
  }

  @Override
  public Object resolveParameter(
      ParameterContext parameterContext, ExtensionContext extensionContext) {
    ClassState state = state(extensionContext);
    if (state == null) {
      throw new ParameterResolutionException(
          "no app: annotate the test class with @ProcrastinateTest");
    }
    if (parameterContext.getParameter().getType() == App.class) {
      return state.app();
    }
    if (state.jobs() == null) {
      throw new ParameterResolutionException(
          "TestJobs needs a database, but "
              + extensionContext.getRequiredTestClass().getName()
              + " is annotated @ProcrastinateTest(inline = true), whose defers run at once; drop"
              + " inline = true to assert on deferred jobs and run them");
    }
    return state.jobs();
  }

  private static @Nullable ClassState state(ExtensionContext context) {
    return context.getStore(NAMESPACE).get(ClassState.class, ClassState.class);
  }

  private static String schemaName(Class<?> testClass) {
    String name = testClass.getSimpleName().toLowerCase(Locale.ROOT).replaceAll("[^a-z0-9]", "_");
    if (name.length() > 30) {
      name = name.substring(0, 30);
    }
    return "procrastinate_test_"
        + name
        + "_"
        + UUID.randomUUID().toString().replace("-", "").substring(0, 8);
  }

  private static void dropSchema(App app, String schema) throws SQLException {
    try (Connection connection = app.dataSource().getConnection();
        Statement statement = connection.createStatement()) {
      statement.execute("DROP SCHEMA IF EXISTS \"" + schema + "\" CASCADE");
    }
  }
}
