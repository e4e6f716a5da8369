package dev.procrastinate.processor;

import static com.google.testing.compile.CompilationSubject.assertThat;

import com.google.testing.compile.Compilation;
import com.google.testing.compile.JavaFileObjects;
import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Set;
import java.util.TreeSet;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import javax.tools.JavaFileObject;
import org.junit.jupiter.api.Test;

/**
 * The happy path: generated sources compile without a warning under {@code -Xlint:all} and equal
 * the goldens under {@code src/test/resources/golden/TaskProcessorGoldenTest/<test>/}. Run with
 * {@code -Dgolden.update=true} to rewrite the goldens after an intended change, then review the
 * diff.
 */
class TaskProcessorGoldenTest {
  static final JavaFileObject MAIL_TASKS =
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
          import java.time.Instant;
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
                priority = 5,
                queueingLock = "welcome",
                retry = @Retry(maxAttempts = 5, exponentialWait = 2, retryOn = IOException.class))
            public static String sendWelcome(
                @Arg("user_id") long userId,
                String template,
                List<Recipient> recipients,
                Map<String, Integer> counters,
                Optional<Instant> notBefore,
                int[] slots) {
              return userId + ":" + template;
            }

            @Task(name = "mail.nightly_report", lock = "reports", timeoutSeconds = 600)
            @Periodic(cron = "0 3 * * *")
            @Periodic(cron = "0 4 * * * 30", periodicId = "late", args = "{\\"region\\": \\"eu\\"}")
            public static void nightlyReport(JobContext context, long timestamp, Optional<String> region) {}

            @Task(name = "mail.forever", retry = @Retry(maxAttempts = Retry.FOREVER, fixedWait = 10, linearWait = 3))
            static void retryForever(Optional<List<String>> tags) {}
          }
          """);

  static final JavaFileObject BILLING =
      Sources.source(
          "com.acme.billing.Billing",
          """
          package com.acme.billing;

          import dev.procrastinate.Task;

          public class Billing {
            public static class Invoices {
              @Task(name = "billing.charge", deferrer = "ChargeInvoice")
              public void charge(long invoiceId, boolean dryRun) {}
            }
          }
          """);

  static final JavaFileObject API_TASKS =
      Sources.source(
          "com.acme.api.ApiTasks",
          """
          package com.acme.api;

          import dev.procrastinate.Task;

          public final class ApiTasks {
            @Task(name = "api.call", concurrencyLimit = 3, rateLimit = "50/1s")
            public static void call(String endpoint) {}

            @Task(name = "api.poll", rateLimit = "5/500ms")
            static void poll() {}

            @Task(name = "api.export", concurrencyLimit = 1)
            static void export() {}
          }
          """);

  @Test
  void mailTasks() throws IOException {
    Compilation compilation = Sources.compile(MAIL_TASKS);
    assertThat(compilation).succeededWithoutWarnings();
    assertGoldens(
        compilation,
        "mailTasks",
        List.of(
            "com.acme.mail.SendWelcomeDeferrer",
            "com.acme.mail.NightlyReportDeferrer",
            "com.acme.mail.RetryForeverDeferrer",
            "com.acme.mail.MailTasks_TaskRegistrar"));
    assertThat(compilation)
        .generatedFile(
            javax.tools.StandardLocation.CLASS_OUTPUT,
            "META-INF/services/dev.procrastinate.spi.TaskRegistrar")
        .contentsAsUtf8String()
        .isEqualTo("com.acme.mail.MailTasks_TaskRegistrar\n");
  }

  @Test
  void nestedClassWithInstanceMethod() throws IOException {
    Compilation compilation = Sources.compile(BILLING);
    assertThat(compilation).succeededWithoutWarnings();
    assertGoldens(
        compilation,
        "nestedClassWithInstanceMethod",
        List.of(
            "com.acme.billing.ChargeInvoice", "com.acme.billing.Billing_Invoices_TaskRegistrar"));
  }

  @Test
  void declaredFlowControlLimits() throws IOException {
    Compilation compilation = Sources.compile(API_TASKS);
    assertThat(compilation).succeededWithoutWarnings();
    assertGoldens(
        compilation, "declaredFlowControlLimits", List.of("com.acme.api.ApiTasks_TaskRegistrar"));
  }

  @Test
  void deferrersCompileWithWerrorAndReferToNoRuntimeTypeOutsideTheSpiButNewJob()
      throws IOException {
    Compilation compilation =
        Sources.compiler()
            .withOptions("-Xlint:all,-processing", "-Werror")
            .compile(MAIL_TASKS, BILLING);
    assertThat(compilation).succeededWithoutWarnings();
    Pattern runtimeType = Pattern.compile("dev/procrastinate/[A-Za-z0-9_/$]+");
    Set<String> referenced = new TreeSet<>();
    int deferrerClasses = 0;
    for (JavaFileObject file : compilation.generatedFiles()) {
      String name = file.getName();
      if (file.getKind() != JavaFileObject.Kind.CLASS
          || !(name.contains("Deferrer") || name.contains("ChargeInvoice"))) {
        continue;
      }
      deferrerClasses++;
      String bytes;
      try (InputStream in = file.openInputStream()) {
        bytes = new String(in.readAllBytes(), StandardCharsets.ISO_8859_1);
      }
      Matcher matcher = runtimeType.matcher(bytes);
      while (matcher.find()) {
        referenced.add(matcher.group());
      }
    }
    // Four deferrers, each with its Options and Batch.
    org.assertj.core.api.Assertions.assertThat(deferrerClasses).isEqualTo(12);
    // The marker annotation has CLASS retention: javac records it, the JVM never loads it.
    // NewJob, public API, is what job(...) returns.
    org.assertj.core.api.Assertions.assertThat(referenced)
        .containsExactly(
            "dev/procrastinate/NewJob",
            "dev/procrastinate/spi/DeferrerBatch",
            "dev/procrastinate/spi/DeferrerOptions",
            "dev/procrastinate/spi/TaskGenerated");
  }

  @Test
  void serviceFileListsEveryRegistrarOnce() {
    Compilation compilation = Sources.compile(MAIL_TASKS, BILLING);
    assertThat(compilation).succeededWithoutWarnings();
    assertThat(compilation)
        .generatedFile(
            javax.tools.StandardLocation.CLASS_OUTPUT,
            "META-INF/services/dev.procrastinate.spi.TaskRegistrar")
        .contentsAsUtf8String()
        .isEqualTo(
            "com.acme.billing.Billing_Invoices_TaskRegistrar\n"
                + "com.acme.mail.MailTasks_TaskRegistrar\n");
  }

  @Test
  void tasksWithoutArgumentsOrWithParameterNamesOfTheGeneratedCodeCompileCleanly() {
    Compilation compilation =
        Sources.compile(
            Sources.source(
                "test.Edge",
                """
                package test;
                import dev.procrastinate.Task;
                public class Edge {
                  @Task(name = "edge.none")
                  public static void none() {}

                  @Task(name = "edge.names")
                  public static void names(String queue, int priority, String lock, String connection,
                      String app, String jobs, String options, String context, String args,
                      String job, String newJob) {}

                  @Task(name = "edge.notify")
                  public static void notify(long wait) throws Exception, Error {}
                }
                """));
    assertThat(compilation).succeededWithoutWarnings();
    assertThat(compilation).generatedSourceFile("test.NoneDeferrer");
    assertThat(compilation).generatedSourceFile("test.NamesDeferrer");
    assertThat(compilation).generatedSourceFile("test.NotifyDeferrer");
  }

  @Test
  void parameterTypesNamedLikeTheGeneratedNestedClassesAreQualified() {
    Compilation compilation =
        Sources.compile(
            Sources.source(
                "test.Options", "package test;\npublic record Options(String value) {}\n"),
            Sources.source(
                "test.Batch",
                "package test;\npublic record Batch(java.util.List<Options> items) {}\n"),
            Sources.source("test.App", "package test;\npublic enum App { WEB, MOBILE }\n"),
            Sources.source("test.NewJob", "package test;\npublic record NewJob(String sku) {}\n"),
            Sources.source(
                "test.Shop",
                """
                package test;
                import dev.procrastinate.Task;
                public class Shop {
                  @Task(name = "shop.order")
                  public static void order(Options options, Batch batch, App app, NewJob item) {}
                }
                """));
    assertThat(compilation).succeededWithoutWarnings();
  }

  @Test
  void instanceTaskOfAGenericClassIsBuiltWithADiamond() {
    Compilation compilation =
        Sources.compile(
            Sources.source(
                "test.Box",
                """
                package test;
                import dev.procrastinate.Task;
                public class Box<T> {
                  @Task(name = "box.open")
                  public void open(String label) {}
                }
                """));
    assertThat(compilation).succeededWithoutWarnings();
    assertThat(compilation)
        .generatedSourceFile("test.Box_TaskRegistrar")
        .contentsAsUtf8String()
        .contains("new Box<>().open(");
  }

  @Test
  void debugOptionPrintsANotePerFileWritten() {
    Compilation compilation =
        Sources.compiler()
            .withOptions("-Xlint:all,-processing", "-Aprocrastinate.debug=true")
            .compile(BILLING);
    assertThat(compilation).succeeded();
    assertThat(compilation)
        .hadNoteContaining("procrastinate: wrote com.acme.billing.ChargeInvoice");
    assertThat(compilation)
        .hadNoteContaining(
            "procrastinate: wrote META-INF/services/dev.procrastinate.spi.TaskRegistrar");
  }

  @Test
  void classesWithoutTasksGenerateNothing() {
    Compilation compilation =
        Sources.compile(Sources.source("test.Plain", "package test;\npublic class Plain {}\n"));
    assertThat(compilation).succeededWithoutWarnings();
    org.assertj.core.api.Assertions.assertThat(compilation.generatedFiles()).hasSize(1);
  }

  private static void assertGoldens(Compilation compilation, String test, List<String> classes)
      throws IOException {
    for (String name : classes) {
      String resource = "golden/TaskProcessorGoldenTest/" + test + "/" + name + ".java";
      if (Boolean.getBoolean("golden.update")) {
        JavaFileObject generated =
            compilation.generatedSourceFile(name).orElseThrow(() -> new AssertionError(name));
        Path target = Path.of("src/test/resources", resource);
        Files.createDirectories(target.getParent());
        Files.writeString(target, generated.getCharContent(true), StandardCharsets.UTF_8);
      }
    }
    for (String name : classes) {
      String resource = "golden/TaskProcessorGoldenTest/" + test + "/" + name + ".java";
      assertThat(compilation)
          .generatedSourceFile(name)
          .hasSourceEquivalentTo(JavaFileObjects.forResource(resource));
    }
  }
}
