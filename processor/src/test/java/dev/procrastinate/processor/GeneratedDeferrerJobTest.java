package dev.procrastinate.processor;

import static com.google.testing.compile.CompilationSubject.assertThat;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.google.testing.compile.Compilation;
import dev.procrastinate.App;
import dev.procrastinate.NewJob;
import dev.procrastinate.internal.json.Json;
import java.io.IOException;
import java.io.InputStream;
import java.lang.reflect.InvocationTargetException;
import java.lang.reflect.Method;
import java.lang.reflect.Modifier;
import java.lang.reflect.Proxy;
import java.net.URL;
import java.net.URLClassLoader;
import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Connection;
import java.time.Duration;
import java.time.Instant;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Optional;
import javax.sql.DataSource;
import javax.tools.JavaFileObject;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Compiles tasks with the processor, loads the generated deferrers and checks that their {@code
 * job(...)} methods build, without a database, the job their {@code defer(...)} methods insert: the
 * task's name, its arguments under their JSON names, and the task's options or the ones set.
 */
class GeneratedDeferrerJobTest {
  private static final ObjectMapper MAPPER = Json.newMapper();

  /** A connection and an app that fail on any use: {@code job(...)} must not touch them. */
  private static final Connection CONNECTION = unusable(Connection.class);

  private static final App APP =
      App.builder().dataSource(unusable(DataSource.class)).applyConfigurers(false).build();

  @TempDir static Path classes;
  private static ClassLoader loader;

  @BeforeAll
  static void compileAndLoad() throws IOException {
    Compilation compilation =
        Sources.compile(
            Sources.source(
                "com.acme.mail.MailTasks",
                """
                package com.acme.mail;

                import dev.procrastinate.Arg;
                import dev.procrastinate.JobContext;
                import dev.procrastinate.Periodic;
                import dev.procrastinate.Task;
                import java.util.Optional;

                public final class MailTasks {
                  @Task(name = "myapp.tasks.send_welcome", queue = "emails", priority = 3,
                      lock = "mail", queueingLock = "welcome")
                  public static void sendWelcome(@Arg("user_id") long userId, String template) {}

                  @Task(name = "mail.nightly_report", lock = "reports")
                  @Periodic(cron = "0 3 * * *")
                  public static void nightlyReport(
                      JobContext context, long timestamp, Optional<String> region) {}

                  @Task(name = "mail.ping")
                  public static void ping() {}
                }
                """));
    assertThat(compilation).succeededWithoutWarnings();
    for (JavaFileObject file : compilation.generatedFiles()) {
      String path = file.toUri().getPath();
      int start = path.indexOf("/CLASS_OUTPUT/");
      if (start < 0) {
        continue;
      }
      Path target = classes.resolve(path.substring(start + "/CLASS_OUTPUT/".length()));
      Files.createDirectories(target.getParent());
      try (InputStream in = file.openInputStream()) {
        Files.copy(in, target);
      }
    }
    loader =
        new URLClassLoader(
            new URL[] {classes.toUri().toURL()}, GeneratedDeferrerJobTest.class.getClassLoader());
  }

  @Test
  void staticJobHasTheTasksOwnOptionsAndTheArgumentsUnderTheirJsonNames() throws Exception {
    NewJob job = (NewJob) invokeStatic("com.acme.mail.SendWelcomeDeferrer", "job", 42L, "welcome");

    assertThat(job.taskName()).isEqualTo("myapp.tasks.send_welcome");
    assertThat(job.queue()).isEqualTo("emails");
    assertThat(job.priority()).isEqualTo(3);
    assertThat(job.lock()).isEqualTo("mail");
    assertThat(job.queueingLock()).isEqualTo("welcome");
    assertThat(job.scheduledAt()).isNull();
    assertThat(job.scheduleIn()).isNull();
    assertThat(job.argsJson()).isNull();
    assertThat(job.args())
        .containsExactly(Map.entry("user_id", 42L), Map.entry("template", "welcome"));
    assertThat(MAPPER.writeValueAsString(job.args()))
        .isEqualTo("{\"user_id\":42,\"template\":\"welcome\"}");
    assertThat(job.toString())
        .isEqualTo(
            NewJob.builder("myapp.tasks.send_welcome")
                .queue("emails")
                .priority(3)
                .lock("mail")
                .queueingLock("welcome")
                .arg("user_id", 42L)
                .arg("template", "welcome")
                .build()
                .toString());
  }

  @Test
  void staticJobIsTheJobOfTheDefaultOptions() throws Exception {
    Class<?> deferrer = loader.loadClass("com.acme.mail.SendWelcomeDeferrer");
    Object options = deferrer.getMethod("configure").invoke(null);
    NewJob fromOptions = (NewJob) invoke(options, "job", 7L, "again");
    NewJob fromDeferrer =
        (NewJob) invokeStatic("com.acme.mail.SendWelcomeDeferrer", "job", 7L, "again");

    assertThat(fromDeferrer.toString()).isEqualTo(fromOptions.toString());
    assertThat(fromDeferrer.args()).isEqualTo(fromOptions.args());
  }

  @Test
  void optionsJobHasTheOptionsSetAndIgnoresTheAppAndTheConnection() throws Exception {
    Class<?> deferrer = loader.loadClass("com.acme.mail.SendWelcomeDeferrer");
    Object options = deferrer.getMethod("configure").invoke(null);
    Instant at = Instant.parse("2030-01-02T03:04:05Z");
    invoke(options, "queue", "urgent");
    invoke(options, "priority", 9);
    invoke(options, "lock", (Object) null);
    invoke(options, "queueingLock", "once");
    invoke(options, "scheduleAt", at);
    invoke(options, "app", APP);
    invoke(options, "connection", CONNECTION);

    NewJob job = (NewJob) invoke(options, "job", 42L, "welcome");

    assertThat(job.taskName()).isEqualTo("myapp.tasks.send_welcome");
    assertThat(job.queue()).isEqualTo("urgent");
    assertThat(job.priority()).isEqualTo(9);
    assertThat(job.lock()).isNull();
    assertThat(job.queueingLock()).isEqualTo("once");
    assertThat(job.scheduledAt()).isEqualTo(at);
    assertThat(job.scheduleIn()).isNull();
    assertThat(job.args())
        .containsExactly(Map.entry("user_id", 42L), Map.entry("template", "welcome"));

    invoke(options, "scheduleAt", (Object) null);
    invoke(options, "scheduleIn", Duration.ofMinutes(5));
    NewJob later = (NewJob) invoke(options, "job", 43L, "later");
    assertThat(later.scheduledAt()).isNull();
    assertThat(later.scheduleIn()).isEqualTo(Duration.ofMinutes(5));
    assertThat(later.args()).containsEntry("user_id", 43L);
  }

  @Test
  void optionsJobRejectsInvalidOptionsAsDeferWould() throws Exception {
    Class<?> deferrer = loader.loadClass("com.acme.mail.SendWelcomeDeferrer");
    Object options = deferrer.getMethod("configure").invoke(null);
    invoke(options, "scheduleAt", Instant.parse("2030-01-02T03:04:05Z"));
    invoke(options, "scheduleIn", Duration.ofMinutes(5));

    assertThatThrownBy(() -> invoke(options, "job", 42L, "welcome"))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessageContaining("both scheduleAt and scheduleIn");
  }

  @Test
  void periodicTaskWithAJobContextTakesTheParametersDeferTakes() throws Exception {
    NewJob job =
        (NewJob)
            invokeStatic(
                "com.acme.mail.NightlyReportDeferrer", "job", 1_700_000_000L, Optional.of("eu"));

    assertThat(job.taskName()).isEqualTo("mail.nightly_report");
    assertThat(job.queue()).isEqualTo("default");
    assertThat(job.priority()).isZero();
    assertThat(job.lock()).isEqualTo("reports");
    assertThat(job.queueingLock()).isNull();
    Map<String, Object> expected = new LinkedHashMap<>();
    expected.put("timestamp", 1_700_000_000L);
    expected.put("region", Optional.of("eu"));
    assertThat(job.args()).isEqualTo(expected);
    assertThat(MAPPER.writeValueAsString(job.args()))
        .isEqualTo("{\"timestamp\":1700000000,\"region\":\"eu\"}");
  }

  @Test
  void taskWithoutArgumentsBuildsAJobWithoutArguments() throws Exception {
    NewJob job = (NewJob) invokeStatic("com.acme.mail.PingDeferrer", "job");

    assertThat(job.taskName()).isEqualTo("mail.ping");
    assertThat(job.args()).isEmpty();
  }

  @Test
  void everyJobMethodTakesTheParametersOfTheMatchingDeferMethod() throws Exception {
    for (String name : new String[] {"SendWelcome", "NightlyReport", "Ping"}) {
      Class<?> deferrer = loader.loadClass("com.acme.mail." + name + "Deferrer");
      Class<?> options = loader.loadClass("com.acme.mail." + name + "Deferrer$Options");
      for (Class<?> type : new Class<?>[] {deferrer, options}) {
        Method defer = only(type, "defer");
        Method job = only(type, "job");
        assertThat(job.getGenericParameterTypes())
            .as("%s.job", type.getName())
            .containsExactly(defer.getGenericParameterTypes());
        assertThat(job.getReturnType()).isEqualTo(NewJob.class);
        assertThat(Modifier.isPublic(job.getModifiers())).isTrue();
        assertThat(Modifier.isStatic(job.getModifiers())).isEqualTo(type == deferrer);
      }
    }
  }

  private static Method only(Class<?> type, String name) {
    Method[] methods =
        Arrays.stream(type.getDeclaredMethods())
            .filter(method -> method.getName().equals(name))
            .toArray(Method[]::new);
    assertThat(methods).as("%s.%s", type.getName(), name).hasSize(1);
    return methods[0];
  }

  private static Object invokeStatic(String className, String name, Object... args)
      throws Exception {
    return call(only(loader.loadClass(className), name), null, args);
  }

  /** Calls the one public method of this name and arity that the object's class has. */
  private static Object invoke(Object target, String name, Object... args) throws Exception {
    for (Method method : target.getClass().getMethods()) {
      if (method.getName().equals(name) && method.getParameterCount() == args.length) {
        return call(method, target, args);
      }
    }
    throw new AssertionError("no method " + name + " on " + target.getClass());
  }

  private static Object call(Method method, Object target, Object... args) throws Exception {
    try {
      return method.invoke(target, args);
    } catch (InvocationTargetException e) {
      if (e.getCause() instanceof Exception cause) {
        throw cause;
      }
      throw e;
    }
  }

  private static <T> T unusable(Class<T> type) {
    return type.cast(
        Proxy.newProxyInstance(
            GeneratedDeferrerJobTest.class.getClassLoader(),
            new Class<?>[] {type},
            (proxy, method, args) -> {
              throw new UnsupportedOperationException("job(...) must not use the " + type);
            }));
  }
}
