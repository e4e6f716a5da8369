package dev.procrastinate.processor;

import static com.google.testing.compile.CompilationSubject.assertThat;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.google.testing.compile.Compilation;
import dev.procrastinate.AbortReason;
import dev.procrastinate.App;
import dev.procrastinate.ArgumentsException;
import dev.procrastinate.JobContext;
import dev.procrastinate.RetryStrategy;
import dev.procrastinate.internal.json.Json;
import dev.procrastinate.internal.registry.JsonTaskArguments;
import dev.procrastinate.internal.registry.TaskRegistry;
import dev.procrastinate.model.JobStatus;
import dev.procrastinate.model.ProcrastinateJob;
import dev.procrastinate.model.RateLimit;
import dev.procrastinate.spi.TaskDescriptor;
import dev.procrastinate.spi.TaskParameter;
import java.io.IOException;
import java.io.InputStream;
import java.net.URL;
import java.net.URLClassLoader;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import javax.tools.JavaFileObject;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Compiles tasks with the processor, loads the generated registrars from the compiled classes with
 * {@link java.util.ServiceLoader}, and runs their handlers against {@code args} written the way
 * Python Procrastinate writes them.
 */
class GeneratedHandlerTest {
  private static final ObjectMapper MAPPER = Json.newMapper();
  private static TaskRegistry registry;

  /** The instances the test's job context hands out, as a worker's context does its app's. */
  private static final Map<Class<?>, Object> PROVIDED =
      new java.util.concurrent.ConcurrentHashMap<>();

  /** An app that is never connected, which the test's job context returns. */
  private static final App APP =
      App.builder()
          .dataSource(
              (javax.sql.DataSource)
                  java.lang.reflect.Proxy.newProxyInstance(
                      GeneratedHandlerTest.class.getClassLoader(),
                      new Class<?>[] {javax.sql.DataSource.class},
                      (proxy, method, args) -> {
                        throw new UnsupportedOperationException("no database in this test");
                      }))
          .applyConfigurers(false)
          .build();

  @TempDir static Path classes;

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
                import dev.procrastinate.Retry;
                import dev.procrastinate.Task;
                import java.io.IOException;
                import java.time.LocalDate;
                import java.util.List;
                import java.util.Map;
                import java.util.Optional;

                public final class MailTasks {
                  public enum Channel { EMAIL, SMS }

                  public record Recipient(String address, Channel channel) {}

                  @Task(
                      name = "myapp.tasks.send_welcome",
                      aliases = "mail.welcome",
                      queue = "emails",
                      retry = @Retry(maxAttempts = 5, exponentialWait = 2, retryOn = IOException.class))
                  public static String sendWelcome(@Arg("user_id") long userId, String template) {
                    return "welcome " + userId + " with " + template;
                  }

                  @Task(name = "myapp.tasks.notify")
                  public static String notify(
                      List<Recipient> recipients,
                      Map<String, Integer> counters,
                      Optional<LocalDate> day,
                      Channel channel,
                      double ratio,
                      char grade,
                      int[] slots) {
                    return recipients + " " + counters + " " + day + " " + channel + " " + ratio
                        + " " + grade + " " + java.util.Arrays.toString(slots);
                  }

                  public static final class SlowLane implements dev.procrastinate.RetryPolicy {
                    @Override
                    public dev.procrastinate.RetryDecision decide(
                        Throwable exception, dev.procrastinate.model.ProcrastinateJob job) {
                      return dev.procrastinate.RetryDecision.retryIn(java.time.Duration.ofSeconds(7))
                          .withQueue("slow");
                    }
                  }

                  public static final class Audit implements dev.procrastinate.JobMiddleware {
                    @Override
                    public Object around(JobContext context, Next next) throws Exception {
                      return "audited:" + next.proceed();
                    }
                  }

                  record Tag() implements dev.procrastinate.JobMiddleware {
                    @Override
                    public Object around(JobContext context, Next next) throws Exception {
                      return "tagged:" + next.proceed();
                    }
                  }

                  @Task(name = "myapp.tasks.guarded", retryPolicy = SlowLane.class,
                      middleware = {Audit.class, Tag.class})
                  public static String guarded() {
                    return "ran";
                  }

                  @Task(name = "myapp.tasks.throttled", concurrencyLimit = 3, rateLimit = "50/1s")
                  public static String throttled() {
                    return "throttled";
                  }

                  @Task(name = "myapp.tasks.paced", rateLimit = " 100 / m ")
                  public static void paced() {}

                  @Task(name = "myapp.tasks.report")
                  @Periodic(cron = "*/5 * * * *")
                  public String report(JobContext context, long timestamp) {
                    return context.workerName() + "@" + timestamp;
                  }
                }
                """),
            Sources.source(
                "com.acme.mail.Greeter",
                """
                package com.acme.mail;

                import dev.procrastinate.Task;

                /** Built by constructor injection: only a container can supply it. */
                public final class Greeter {
                  private final String greeting;

                  public Greeter(String greeting) {
                    this.greeting = greeting;
                  }

                  @Task(name = "myapp.tasks.greet")
                  public String greet(String name) {
                    return greeting + " " + name;
                  }
                }
                """),
            Sources.source(
                "com.acme.reports.ReportTasks",
                """
                package com.acme.reports;

                import dev.procrastinate.Task;
                import java.util.List;
                import java.util.Map;
                import java.util.Optional;
                import java.util.TreeMap;

                /** Tasks that return values, which a worker stores as their jobs' results. */
                public final class ReportTasks {
                  public record Summary(String title, int lines, List<String> words) {}

                  private record Receipt(String code) {}

                  @Task(name = "reports.summarize")
                  public static Summary summarize(String title, List<String> words) {
                    return new Summary(title, words.size(), words);
                  }

                  @Task(name = "reports.upper")
                  public static List<String> upper(List<String> words) {
                    return words.stream().map(String::toUpperCase).toList();
                  }

                  @Task(name = "reports.count")
                  public static Map<String, Integer> count(List<String> words) {
                    Map<String, Integer> counts = new TreeMap<>();
                    for (String word : words) {
                      counts.merge(word, 1, Integer::sum);
                    }
                    return counts;
                  }

                  @Task(name = "reports.total")
                  public static int total(int[] values) {
                    return java.util.Arrays.stream(values).sum();
                  }

                  @Task(name = "reports.first")
                  public static Optional<String> first(List<String> words) {
                    return words.stream().findFirst();
                  }

                  @Task(name = "reports.receipt")
                  static Receipt receipt(String code) {
                    return new Receipt(code);
                  }

                  @Task(name = "reports.archive")
                  public static void archive(String title) {}
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
    URLClassLoader loader =
        new URLClassLoader(
            new URL[] {classes.toUri().toURL()}, GeneratedHandlerTest.class.getClassLoader());
    registry = TaskRegistry.load(loader);
  }

  private static TaskDescriptor task(String name) {
    return registry.find(name).orElseThrow(() -> new AssertionError("no task " + name));
  }

  private static Object run(String name, String argsJson) throws Exception {
    TaskDescriptor task = task(name);
    return task.handler()
        .invoke(new FixedContext(), JsonTaskArguments.parse(task, argsJson, MAPPER));
  }

  @Test
  void registrarCreatesTheTasksRetryPolicyAndMiddleware() throws Exception {
    TaskDescriptor task = task("myapp.tasks.guarded");
    assertThat(task.retryPolicy().getClass().getName())
        .isEqualTo("com.acme.mail.MailTasks$SlowLane");
    dev.procrastinate.RetryDecision decision =
        task.retryPolicy().decide(new IllegalStateException(), FixedContext.JOB);
    assertThat(decision.retryIn()).contains(Duration.ofSeconds(7));
    assertThat(decision.queue()).contains("slow");
    assertThat(task.middleware())
        .extracting(m -> m.getClass().getName())
        .containsExactly("com.acme.mail.MailTasks$Audit", "com.acme.mail.MailTasks$Tag");
    // Outermost first, as a worker chains them.
    Object result =
        task.middleware()
            .get(0)
            .around(
                new FixedContext(),
                () ->
                    task.middleware()
                        .get(1)
                        .around(new FixedContext(), () -> run("myapp.tasks.guarded", "{}")));
    assertThat(result).isEqualTo("audited:tagged:ran");
  }

  @Test
  void registrarHandsOverNamesOptionsAndParameters() {
    TaskDescriptor task = task("myapp.tasks.send_welcome");
    assertThat(registry.find("mail.welcome")).containsSame(task);
    assertThat(task.queue()).isEqualTo("emails");
    assertThat(task.retryPolicy())
        .isEqualTo(
            RetryStrategy.builder()
                .maxAttempts(5)
                .exponentialWait(2)
                .retryOn(IOException.class)
                .build());
    assertThat(task.parameters())
        .containsExactly(
            TaskParameter.required("user_id", "long"),
            TaskParameter.required("template", "java.lang.String"));
    assertThat(task.source())
        .isEqualTo(
            "com.acme.mail.MailTasks.sendWelcome(long, java.lang.String) via"
                + " com.acme.mail.MailTasks_TaskRegistrar");
    assertThat(task("myapp.tasks.report").periodicSchedules()).hasSize(1);
    assertThat(task("myapp.tasks.report").periodicSchedules().get(0).cron())
        .isEqualTo("*/5 * * * *");
  }

  @Test
  void registrarHandsOverTheDeclaredFlowControlLimits() throws Exception {
    TaskDescriptor throttled = task("myapp.tasks.throttled");
    assertThat(throttled.concurrencyLimit()).hasValue(3);
    assertThat(throttled.rateLimit()).contains(new RateLimit(50, Duration.ofSeconds(1)));
    assertThat(throttled.rateLimit().orElseThrow()).hasToString("50/1s");
    assertThat(run("myapp.tasks.throttled", "{}")).isEqualTo("throttled");

    TaskDescriptor paced = task("myapp.tasks.paced");
    assertThat(paced.concurrencyLimit()).isEmpty();
    assertThat(paced.rateLimit()).contains(new RateLimit(100, Duration.ofMinutes(1)));

    TaskDescriptor plain = task("myapp.tasks.send_welcome");
    assertThat(plain.concurrencyLimit()).isEmpty();
    assertThat(plain.rateLimit()).isEmpty();
  }

  @Test
  void handlerDecodesArgsAsPythonWritesThem() throws Exception {
    assertThat(run("myapp.tasks.send_welcome", "{\"user_id\": 3, \"template\": \"welcome\"}"))
        .isEqualTo("welcome 3 with welcome");
    assertThat(run("mail.welcome", "{\"template\": \"t\", \"user_id\": 9007199254740993}"))
        .isEqualTo("welcome 9007199254740993 with t");
  }

  @Test
  void handlerDecodesCollectionsRecordsEnumsOptionalsAndArrays() throws Exception {
    String json =
        """
        {"recipients": [{"address": "a@example.com", "channel": "SMS"}],
         "counters": {"sent": 2},
         "day": "2026-05-01",
         "channel": "EMAIL",
         "ratio": 1,
         "grade": "A",
         "slots": [1, 2]}
        """;
    assertThat(run("myapp.tasks.notify", json))
        .isEqualTo(
            "[Recipient[address=a@example.com, channel=SMS]] {sent=2} Optional[2026-05-01] EMAIL 1.0 A"
                + " [1, 2]");
    assertThat(
            run(
                "myapp.tasks.notify",
                "{\"recipients\": [], \"counters\": {}, \"day\": null, \"channel\": \"SMS\","
                    + " \"ratio\": 0.5, \"grade\": \"B\", \"slots\": []}"))
        .isEqualTo("[] {} Optional.empty SMS 0.5 B []");
    assertThat(
            run(
                "myapp.tasks.notify",
                "{\"recipients\": [], \"counters\": {}, \"channel\": \"SMS\","
                    + " \"ratio\": 0.5, \"grade\": \"B\", \"slots\": []}"))
        .isEqualTo("[] {} Optional.empty SMS 0.5 B []");
  }

  @Test
  void handlerReturnsTheMethodsRecordAsTheJobsResult() throws Exception {
    Object result = run("reports.summarize", "{\"title\": \"q1\", \"words\": [\"tax\", \"fee\"]}");
    assertThat(result.getClass().getName()).isEqualTo("com.acme.reports.ReportTasks$Summary");
    assertThat(result).hasToString("Summary[title=q1, lines=2, words=[tax, fee]]");
    // What a worker stores: the app's mapper writes the value the handler returns.
    assertThat(MAPPER.writeValueAsString(result))
        .isEqualTo("{\"title\":\"q1\",\"lines\":2,\"words\":[\"tax\",\"fee\"]}");
  }

  @Test
  void handlerReturnsTheMethodsListMapAndPrimitiveAsTheJobsResult() throws Exception {
    Object upper = run("reports.upper", "{\"words\": [\"a\", \"b\"]}");
    assertThat(upper).isEqualTo(List.of("A", "B"));
    assertThat(MAPPER.writeValueAsString(upper)).isEqualTo("[\"A\",\"B\"]");

    Object counts = run("reports.count", "{\"words\": [\"b\", \"a\", \"b\"]}");
    assertThat(counts).isEqualTo(Map.of("a", 1, "b", 2));
    assertThat(MAPPER.writeValueAsString(counts)).isEqualTo("{\"a\":1,\"b\":2}");

    assertThat(run("reports.total", "{\"values\": [1, 2, 3]}")).isEqualTo(6);
  }

  @Test
  void handlerReturnsTheMethodsOptionalAndVoidGivesNull() throws Exception {
    Object present = run("reports.first", "{\"words\": [\"a\", \"b\"]}");
    assertThat(present).isEqualTo(Optional.of("a"));
    assertThat(MAPPER.writeValueAsString(present)).isEqualTo("\"a\"");
    assertThat(run("reports.first", "{\"words\": []}")).isEqualTo(Optional.empty());

    assertThat(run("reports.archive", "{\"title\": \"q1\"}")).isNull();
  }

  @Test
  void handlerReturnsARecordThatGeneratedCodeCannotName() throws Exception {
    // Unlike a parameter's type, a return type may be private: the handler never names it.
    Object receipt = run("reports.receipt", "{\"code\": \"r-1\"}");
    assertThat(receipt.getClass().getName()).isEqualTo("com.acme.reports.ReportTasks$Receipt");
    assertThat(MAPPER.writeValueAsString(receipt)).isEqualTo("{\"code\":\"r-1\"}");
  }

  @Test
  void constructorInjectedTaskRunsOnTheProvidersInstance() throws Exception {
    Class<?> greeter =
        task("myapp.tasks.greet")
            .handler()
            .getClass()
            .getClassLoader()
            .loadClass("com.acme.mail.Greeter");
    PROVIDED.put(greeter, greeter.getConstructor(String.class).newInstance("hello"));
    try {
      assertThat(run("myapp.tasks.greet", "{\"name\": \"ada\"}")).isEqualTo("hello ada");
    } finally {
      PROVIDED.clear();
    }
  }

  @Test
  void constructorInjectedTaskWithoutAProviderFailsSayingWhatToDo() {
    assertThatThrownBy(() -> run("myapp.tasks.greet", "{\"name\": \"ada\"}"))
        .isInstanceOf(IllegalStateException.class)
        .hasMessageContaining("no instance of com.acme.mail.Greeter")
        .hasMessageContaining("no constructor without parameters")
        .hasMessageContaining("procrastinate-spring-boot-starter");
  }

  @Test
  void instanceTaskGetsTheContextFromTheWorker() throws Exception {
    assertThat(run("myapp.tasks.report", "{\"timestamp\": 1767225600}"))
        .isEqualTo("worker-1@1767225600");
  }

  @Test
  void missingArgumentNamesTaskParameterTypeAndArgs() {
    assertThatThrownBy(() -> run("myapp.tasks.send_welcome", "{\"template\": \"welcome\"}"))
        .isInstanceOf(ArgumentsException.class)
        .hasMessageContaining("task 'myapp.tasks.send_welcome'")
        .hasMessageContaining("argument 'user_id' of type long is missing")
        .hasMessageContaining("{\"template\":\"welcome\"}");
  }

  @Test
  void wrongJsonTypeNamesTaskParameterTypeAndValue() {
    assertThatThrownBy(
            () ->
                run("myapp.tasks.send_welcome", "{\"user_id\": \"3\", \"template\": \"welcome\"}"))
        .isInstanceOf(ArgumentsException.class)
        .hasMessage(
            "task 'myapp.tasks.send_welcome': argument 'user_id' must be long (a JSON integer in"
                + " range), but the job's args give it \"3\" (a JSON string)");
    assertThatThrownBy(
            () -> run("myapp.tasks.send_welcome", "{\"user_id\": 3.5, \"template\": \"welcome\"}"))
        .isInstanceOf(ArgumentsException.class)
        .hasMessageContaining("argument 'user_id' must be long")
        .hasMessageContaining("3.5 (a JSON fraction)");
    assertThatThrownBy(() -> run("myapp.tasks.send_welcome", "{\"user_id\": 3, \"template\": 7}"))
        .isInstanceOf(ArgumentsException.class)
        .hasMessageContaining("argument 'template' must be java.lang.String (a JSON string)")
        .hasMessageContaining("7 (a JSON integer)");
  }

  @Test
  void wrongNestedJsonNamesTheGenericType() {
    assertThatThrownBy(
            () ->
                run(
                    "myapp.tasks.notify",
                    "{\"recipients\": [{\"address\": 1, \"channel\": \"SMS\"}], \"counters\": {},"
                        + " \"channel\": \"SMS\", \"ratio\": 0.5, \"grade\": \"B\", \"slots\": []}"))
        .isInstanceOf(ArgumentsException.class)
        .hasMessageContaining("task 'myapp.tasks.notify': argument 'recipients' must be")
        .hasMessageContaining("java.util.List<com.acme.mail.MailTasks$Recipient>")
        .hasMessageContaining("[{\"address\":1,\"channel\":\"SMS\"}] (a JSON array)");
    assertThatThrownBy(
            () ->
                run(
                    "myapp.tasks.notify",
                    "{\"recipients\": [], \"counters\": {}, \"channel\": \"FAX\", \"ratio\": 0.5,"
                        + " \"grade\": \"B\", \"slots\": []}"))
        .isInstanceOf(ArgumentsException.class)
        .hasMessageContaining("argument 'channel' must be com.acme.mail.MailTasks$Channel")
        .hasMessageContaining("\"FAX\" (a JSON string)");
  }

  @Test
  void unknownArgumentNamesTaskAndValue() {
    assertThatThrownBy(
            () ->
                run(
                    "myapp.tasks.send_welcome",
                    "{\"user_id\": 3, \"template\": \"welcome\", \"locale\": \"fr\"}"))
        .isInstanceOf(ArgumentsException.class)
        .hasMessageContaining("task 'myapp.tasks.send_welcome' has no parameter 'locale'")
        .hasMessageContaining("\"fr\" (a JSON string)")
        .hasMessageContaining("user_id: long");
  }

  /** The context a worker would pass; a plain value, not a stand-in for the database. */
  private static final class FixedContext
      implements JobContext, dev.procrastinate.spi.TaskInstanceSource {
    static final ProcrastinateJob JOB =
        new ProcrastinateJob(
            1,
            "default",
            "myapp.tasks.report",
            0,
            null,
            null,
            "{}",
            JobStatus.DOING,
            null,
            0,
            false,
            null);

    @Override
    public ProcrastinateJob job() {
      return JOB;
    }

    @Override
    public String workerName() {
      return "worker-1";
    }

    @Override
    public List<String> workerQueues() {
      return List.of();
    }

    @Override
    public boolean shouldAbort() {
      return false;
    }

    @Override
    public Optional<AbortReason> abortReason() {
      return Optional.empty();
    }

    @Override
    public Map<String, Object> additionalContext() {
      return Map.of();
    }

    @Override
    public App app() {
      return APP;
    }

    @Override
    public Instant startTimestamp() {
      return Instant.EPOCH.plus(Duration.ofDays(1));
    }

    @Override
    public Object taskInstance(Class<?> type) {
      return PROVIDED.get(type);
    }
  }
}
