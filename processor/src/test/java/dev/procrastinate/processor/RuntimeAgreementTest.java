package dev.procrastinate.processor;

import static com.google.testing.compile.CompilationSubject.assertThat;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.assertj.core.api.Assertions.catchThrowable;

import com.google.testing.compile.Compilation;
import dev.procrastinate.NewJob;
import dev.procrastinate.internal.periodic.CronSchedule;
import dev.procrastinate.model.RateLimit;
import dev.procrastinate.spi.rules.CronSyntax;
import dev.procrastinate.spi.rules.NameLimits;
import dev.procrastinate.spi.rules.RuleExamples;
import java.io.IOException;
import java.io.InputStream;
import java.net.URL;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.Map;
import java.util.function.IntFunction;
import javax.tools.JavaFileObject;
import org.junit.jupiter.api.Test;

/**
 * The processor accepts at compile time exactly what the runtime accepts when it schedules or
 * defers: the runtime's own examples ({@link RuleExamples}, from its test jar) go through {@link
 * TaskProcessor} and through the runtime's {@link CronSchedule} and {@link NewJob}, and both must
 * agree, with the same reason when they reject. Both compile the shared rules from one source
 * directory; the class files must be the same too. The grammar of {@code @Task(rateLimit)} is one
 * of them ({@code RateSyntax}, which the runtime's {@link RateLimit#parse} reads with), and the
 * examples here hold the compile-time check and the runtime to the same verdicts.
 */
class RuntimeAgreementTest {
  private static final String IMPORTS =
      """
      package test;

      import dev.procrastinate.Periodic;
      import dev.procrastinate.Task;

      """;

  /** One class with a task per example, each on its own lines; {@code method} writes method i. */
  private static JavaFileObject tasks(int count, IntFunction<String> method) {
    StringBuilder text = new StringBuilder(IMPORTS).append("public class Tasks {\n");
    for (int i = 0; i < count; i++) {
      text.append(method.apply(i)).append('\n');
    }
    return Sources.source("test.Tasks", text.append("}\n").toString());
  }

  private static String periodic(int i, String cron) {
    return """
          @Task(name = "t%d")
          @Periodic(
              cron = "%s")
          static void m%d(long timestamp) {}
        """
        .formatted(i, cron, i);
  }

  private static String queued(int i, String queue) {
    return """
          @Task(name = "t%d",
              queue = "%s")
          static void m%d(long id) {}
        """
        .formatted(i, queue, i);
  }

  private static String aliased(int i, String alias) {
    return """
          @Task(name = "t%d",
              aliases = {"%s"})
          static void m%d(long id) {}
        """
        .formatted(i, alias, i);
  }

  @Test
  void cronThatTheRuntimeSchedulesCompiles() {
    List<String> crons = RuleExamples.validCron();
    Compilation compilation = Sources.compile(tasks(crons.size(), i -> periodic(i, crons.get(i))));
    assertThat(compilation).succeededWithoutWarnings();
    for (String cron : crons) {
      assertThat(CronSchedule.problem(cron)).as(cron).isNull();
    }
  }

  @Test
  void cronThatTheRuntimeRejectsFailsWithTheRuntimesReason() {
    List<String> crons = RuleExamples.invalidCron();
    JavaFileObject file = tasks(crons.size(), i -> periodic(i, crons.get(i)));
    Compilation compilation = Sources.compile(file);
    assertThat(compilation).failed();
    for (int i = 0; i < crons.size(); i++) {
      String cron = crons.get(i);
      String runtime = CronSchedule.problem(cron);
      String prefix = "invalid cron expression '" + cron + "': ";
      assertThat(runtime).as(cron).startsWith(prefix);
      String why = runtime.substring(prefix.length());
      assertThat(compilation)
          .hadErrorContaining(
              "[PeriodicCronInvalid] cron \""
                  + cron
                  + "\" of @Periodic on test.Tasks.m"
                  + i
                  + "(long) is invalid: "
                  + why
                  + "; ")
          .inFile(file)
          .onLineContaining("cron = \"" + cron + "\"");
    }
  }

  @Test
  void queueNamesTheRuntimeTakesCompile() {
    List<String> queues = RuleExamples.validQueueNames();
    Compilation compilation = Sources.compile(tasks(queues.size(), i -> queued(i, queues.get(i))));
    assertThat(compilation).succeededWithoutWarnings();
    queues.forEach(NewJob::validateQueueName);
  }

  @Test
  void queueNamesTheRuntimeRefusesFailWithTheSameReason() {
    List<String> queues = RuleExamples.invalidQueueNames();
    JavaFileObject file = tasks(queues.size(), i -> queued(i, queues.get(i)));
    Compilation compilation = Sources.compile(file);
    assertThat(compilation).failed();
    for (int i = 0; i < queues.size(); i++) {
      String queue = queues.get(i);
      String why = "is " + NameLimits.queueNameProblem(queue) + "; ";
      assertThat(catchThrowable(() -> NewJob.validateQueueName(queue)))
          .isInstanceOf(IllegalArgumentException.class)
          .hasMessageContaining(why);
      assertThat(compilation)
          .hadErrorContaining(
              "[TaskQueueInvalid] queue \""
                  + queue
                  + "\" of @Task method test.Tasks.m"
                  + i
                  + "(long) "
                  + why)
          .inFile(file)
          .onLineContaining("queue = \"" + queue + "\"");
    }
  }

  @Test
  void taskNamesTheRuntimeTakesCompile() {
    List<String> names = RuleExamples.validTaskNames();
    Compilation compilation = Sources.compile(tasks(names.size(), i -> aliased(i, names.get(i))));
    assertThat(compilation).succeededWithoutWarnings();
    for (String name : names) {
      assertThat(NewJob.builder(name).build().taskName()).isEqualTo(name);
    }
  }

  @Test
  void taskNamesTheRuntimeRefusesFail() {
    List<String> names = RuleExamples.invalidTaskNames();
    JavaFileObject file = tasks(names.size(), i -> aliased(i, names.get(i)));
    Compilation compilation = Sources.compile(file);
    assertThat(compilation).failed();
    for (int i = 0; i < names.size(); i++) {
      String name = names.get(i);
      assertThatThrownBy(() -> NewJob.builder(name).build())
          .isInstanceOf(IllegalArgumentException.class);
      String expected =
          name.isBlank()
              ? "[TaskNameEmpty] the alias of @Task method test.Tasks.m" + i + "(long) is blank"
              : "[TaskNameTooLong] task name \""
                  + name
                  + "\" of @Task method test.Tasks.m"
                  + i
                  + "(long) is "
                  + NameLimits.taskNameProblem(name)
                  + "; ";
      assertThat(compilation)
          .hadErrorContaining(expected)
          .inFile(file)
          .onLineContaining("aliases = {\"" + name + "\"}");
    }
  }

  /** Rate limits the runtime reads, with what it reads them as. */
  private static final Map<String, RateLimit> VALID_RATE_LIMITS =
      Map.ofEntries(
          Map.entry("50/1s", new RateLimit(50, Duration.ofSeconds(1))),
          Map.entry("50/s", new RateLimit(50, Duration.ofSeconds(1))),
          Map.entry("50/1", new RateLimit(50, Duration.ofSeconds(1))),
          Map.entry("100/60", new RateLimit(100, Duration.ofMinutes(1))),
          Map.entry("100/m", new RateLimit(100, Duration.ofMinutes(1))),
          Map.entry("5/500ms", new RateLimit(5, Duration.ofMillis(500))),
          Map.entry("1/h", new RateLimit(1, Duration.ofHours(1))),
          Map.entry("3/1.5h", new RateLimit(3, Duration.ofMinutes(90))),
          Map.entry("7/0.25", new RateLimit(7, Duration.ofMillis(250))),
          Map.entry("1/1ms", new RateLimit(1, Duration.ofMillis(1))),
          Map.entry("1/0.001", new RateLimit(1, Duration.ofMillis(1))),
          Map.entry("1/1.000000001s", new RateLimit(1, Duration.ofNanos(1_000_000_001L))),
          Map.entry(" 20 / 2 m ", new RateLimit(20, Duration.ofMinutes(2))),
          Map.entry("007/s", new RateLimit(7, Duration.ofSeconds(1))),
          Map.entry("2147483647/h", new RateLimit(Integer.MAX_VALUE, Duration.ofHours(1))),
          Map.entry("1/2562047h", new RateLimit(1, Duration.ofHours(2_562_047))));

  /** Texts the runtime refuses. */
  private static final List<String> INVALID_RATE_LIMITS =
      List.of(
          "50",
          "0/s",
          "50/0s",
          "50/0",
          "x/s",
          "50/1w",
          "50/",
          "/s",
          "s",
          "-1/s",
          "50/-1s",
          "50/1.s",
          "50/.5s",
          "50/1e3",
          "50/1S",
          "50/1 sec",
          "50 per second",
          "50/1s/2",
          "2147483648/s",
          "5/0.5ms",
          "1/0.0009",
          "1/1.0000000001s",
          "1/2562048h",
          " ");

  private static String rateLimited(int i, String rate) {
    return """
          @Task(name = "t%d",
              rateLimit = "%s")
          static void m%d(long id) {}
        """
        .formatted(i, rate, i);
  }

  @Test
  void rateLimitsTheRuntimeReadsCompile() {
    List<String> rates = List.copyOf(VALID_RATE_LIMITS.keySet());
    Compilation compilation =
        Sources.compile(tasks(rates.size(), i -> rateLimited(i, rates.get(i))));
    assertThat(compilation).succeededWithoutWarnings();
    VALID_RATE_LIMITS.forEach(
        (text, expected) -> assertThat(RateLimit.parse(text)).as(text).isEqualTo(expected));
  }

  @Test
  void rateLimitsTheRuntimeRefusesFail() {
    List<String> rates = INVALID_RATE_LIMITS;
    JavaFileObject file = tasks(rates.size(), i -> rateLimited(i, rates.get(i)));
    Compilation compilation = Sources.compile(file);
    assertThat(compilation).failed();
    assertThat(compilation).hadErrorCount(rates.size());
    for (int i = 0; i < rates.size(); i++) {
      String rate = rates.get(i);
      assertThatThrownBy(() -> RateLimit.parse(rate))
          .as(rate)
          .isInstanceOf(IllegalArgumentException.class)
          .hasMessageContaining("rate limit '" + rate + "'");
      assertThat(compilation)
          .hadErrorContaining(
              "[TaskRateLimitInvalid] rateLimit \""
                  + rate
                  + "\" of @Task method test.Tasks.m"
                  + i
                  + "(long) ")
          .inFile(file)
          .onLineContaining("rateLimit = \"" + rate + "\"");
    }
  }

  @Test
  void theSharedRulesAreTheSameClassFilesInBothJars() throws IOException {
    for (String name :
        List.of("CronSyntax", "NameLimits", "RateSyntax", "RateSyntax$Rate", "package-info")) {
      String resource = "dev/procrastinate/spi/rules/" + name + ".class";
      List<URL> copies = Collections.list(getClass().getClassLoader().getResources(resource));
      assertThat(copies).as(resource).hasSize(2);
      assertThat(copies).as(resource).anyMatch(url -> url.toString().contains("/processor/"));
      List<byte[]> bytes = new ArrayList<>();
      for (URL copy : copies) {
        try (InputStream in = copy.openStream()) {
          bytes.add(in.readAllBytes());
        }
      }
      assertThat(bytes.get(0)).as(resource + " in " + copies).isEqualTo(bytes.get(1));
    }
    assertThat(CronSyntax.class.getProtectionDomain().getCodeSource().getLocation().toString())
        .contains("/processor/");
  }
}
