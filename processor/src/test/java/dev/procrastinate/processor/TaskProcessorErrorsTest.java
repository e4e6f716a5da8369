package dev.procrastinate.processor;

import static com.google.testing.compile.CompilationSubject.assertThat;
import static org.assertj.core.api.Assertions.assertThat;

import com.google.testing.compile.Compilation;
import dev.procrastinate.processor.validation.Message;
import java.util.EnumSet;
import java.util.Set;
import javax.tools.JavaFileObject;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;
import org.junit.jupiter.params.provider.ValueSource;

/** One failing compilation per {@link Message}: the tagged text, on the offending file and line. */
class TaskProcessorErrorsTest {
  private static final Set<Message> COVERED = EnumSet.noneOf(Message.class);

  @AfterAll
  static void everyMessageHasATest() {
    assertThat(COVERED).containsExactlyInAnyOrder(Message.values());
  }

  private static Compilation assertError(String body, Message message, String line) {
    JavaFileObject file = Sources.source("test.Tasks", "package test;\n" + IMPORTS + body);
    Compilation compilation = Sources.compile(file);
    assertThat(compilation).failed();
    assertThat(compilation)
        .hadErrorContaining("[" + message.tag() + "]")
        .inFile(file)
        .onLineContaining(line);
    COVERED.add(message);
    return compilation;
  }

  private static final String IMPORTS =
      """
      import dev.procrastinate.Arg;
      import dev.procrastinate.JobContext;
      import dev.procrastinate.JobMiddleware;
      import dev.procrastinate.Periodic;
      import dev.procrastinate.Retry;
      import dev.procrastinate.RetryDecision;
      import dev.procrastinate.RetryPolicy;
      import dev.procrastinate.Task;
      import java.util.List;
      import java.util.Map;
      import java.util.Optional;
      """;

  @Test
  void privateMethodIsNotReachable() {
    assertError(
        """
        public class Tasks {
          @Task(name = "t")
          private static void hidden(long id) {}
        }
        """,
        Message.TASK_NOT_REACHABLE,
        "@Task(name = \"t\")");
  }

  @Test
  void methodInPrivateClassIsNotReachable() {
    Compilation compilation =
        assertError(
            """
            public class Tasks {
              private static class Inner {
                @Task(name = "t")
                static void hidden(long id) {}
              }
            }
            """,
            Message.TASK_NOT_REACHABLE,
            "@Task(name = \"t\")");
    assertThat(compilation).hadErrorContaining("class Inner is private");
  }

  @Test
  void instanceMethodOfAbstractClassCannotBeBuilt() {
    Compilation compilation =
        assertError(
            """
            public abstract class Tasks {
              @Task(name = "t")
              void run(long id) {}
            }
            """,
            Message.TASK_NOT_INSTANTIABLE,
            "@Task(name = \"t\")");
    assertThat(compilation).hadErrorContaining("is abstract");
  }

  @Test
  void instanceMethodOfClassWithOnlyPrivateConstructorsCannotBeBuilt() {
    Compilation compilation =
        assertError(
            """
            public class Tasks {
              private Tasks(String dependency) {}

              @Task(name = "t")
              void run(long id) {}
            }
            """,
            Message.TASK_NOT_INSTANTIABLE,
            "@Task(name = \"t\")");
    assertThat(compilation).hadErrorContaining("has only private constructors");
  }

  @Test
  void genericMethod() {
    assertError(
        """
        public class Tasks {
          @Task(name = "t")
          static <T extends Number> void run(List<T> values) {}
        }
        """,
        Message.TASK_GENERIC,
        "@Task(name = \"t\")");
  }

  @Test
  void methodThatThrowsThrowable() {
    assertError(
        """
        public class Tasks {
          @Task(name = "t")
          static void run(long id) throws java.io.IOException, Throwable {}
        }
        """,
        Message.TASK_THROWS_THROWABLE,
        "@Task(name = \"t\")");
  }

  @ParameterizedTest
  @ValueSource(
      strings = {
        "Object payload",
        "java.util.stream.Stream<String> payload",
        "java.sql.Connection payload",
        "Thread payload",
        "List payload",
        "List<? extends Number> payload",
        "Map<Integer, String> payload",
        "List<Optional<String>> payload",
        "java.time.ZonedDateTime payload",
        "Holder payload"
      })
  void parameterTypesJsonCannotRoundTrip(String parameter) {
    Compilation compilation =
        assertError(
            """
            public class Tasks {
              public record Holder(Object value) {}

              @Task(name = "t")
              static void run(
                  %s) {}
            }
            """
                .formatted(parameter),
            Message.TASK_PARAMETER_NOT_JSON,
            parameter + ")");
    assertThat(compilation).hadErrorContaining("parameter payload of @Task method test.Tasks.run");
  }

  @ParameterizedTest
  @ValueSource(
      strings = {
        "Object",
        "List",
        "Map<Integer, String>",
        "Thread",
        "Runnable",
        "CharSequence",
        "java.util.stream.Stream<String>",
        "List<Optional<String>>",
        "java.time.ZonedDateTime",
        "Holder"
      })
  void returnTypesJsonCannotCarry(String returnType) {
    Compilation compilation =
        assertError(
            """
            public class Tasks {
              public record Holder(Object value) {}

              @Task(name = "t")
              static %s run(long id) {
                return null;
              }
            }
            """
                .formatted(returnType),
            Message.TASK_RETURN_TYPE_NOT_JSON,
            "static " + returnType + " run(");
    assertThat(compilation).hadErrorCount(1);
    assertThat(compilation).hadErrorContaining("@Task method test.Tasks.run(long) returns ");
    assertThat(compilation).hadErrorContaining("or make the method void");
  }

  @ParameterizedTest
  @ValueSource(
      strings = {
        "java.util.concurrent.CompletableFuture<String>:CompletableFuture",
        "java.util.concurrent.Future<Long>:Future",
        "java.util.concurrent.CompletionStage<Void>:CompletionStage"
      })
  void asynchronousReturnTypesAskForTheValueItself(String returnTypeAndWaitedFor) {
    String returnType = returnTypeAndWaitedFor.substring(0, returnTypeAndWaitedFor.indexOf(':'));
    String waitedFor = returnTypeAndWaitedFor.substring(returnTypeAndWaitedFor.indexOf(':') + 1);
    Compilation compilation =
        assertError(
            """
            public class Tasks {
              @Task(name = "t")
              static %s run(long id) {
                return null;
              }
            }
            """
                .formatted(returnType),
            Message.TASK_RETURN_TYPE_NOT_JSON,
            "static " + returnType + " run(");
    assertThat(compilation)
        .hadErrorContaining(
            "a task runs synchronously: the worker stores the result when the method returns and"
                + " does not wait for a "
                + waitedFor
                + "; wait for it in the method and return the value itself");
  }

  @Test
  void badReturnTypeAndBadParameterAreBothReported() {
    Compilation compilation =
        assertError(
            """
            public class Tasks {
              @Task(name = "t")
              static Object run(
                  Thread worker) {
                return null;
              }
            }
            """,
            Message.TASK_RETURN_TYPE_NOT_JSON,
            "static Object run(");
    assertThat(compilation).hadErrorCount(2);
    assertThat(compilation)
        .hadErrorContaining("[TaskParameterNotJson]")
        .inFile(compilation.sourceFiles().get(0))
        .onLineContaining("Thread worker");
    assertThat(compilation).hadErrorContaining("Object says nothing about the JSON it writes");
  }

  @Test
  void returnTypesJsonCanCarryCompileWithoutWarnings() {
    Compilation compilation =
        Sources.compile(
            Sources.source(
                "test.Tasks",
                "package test;\n"
                    + IMPORTS
                    + """
                    public class Tasks {
                      public enum Channel { EMAIL, SMS }

                      public record Summary(String title, List<Channel> channels) {}

                      private record Secret(String code) {}

                      @Task(name = "void") static void none() {}
                      @Task(name = "Void") static Void nothing() { return null; }
                      @Task(name = "int") static int count() { return 1; }
                      @Task(name = "Long") static Long boxed() { return 1L; }
                      @Task(name = "String") static String text() { return ""; }
                      @Task(name = "enum") static Channel channel() { return Channel.SMS; }
                      @Task(name = "record") static Summary summary() { return null; }
                      @Task(name = "private_record") static Secret secret() { return null; }
                      @Task(name = "List") static List<String> names() { return List.of(); }
                      @Task(name = "Set") static java.util.Set<java.util.UUID> keys() {
                        return java.util.Set.of();
                      }
                      @Task(name = "Map") static Map<String, Integer> counts() { return Map.of(); }
                      @Task(name = "Optional") static Optional<Summary> maybe() {
                        return Optional.empty();
                      }
                      @Task(name = "array") static int[] slots() { return new int[0]; }
                      @Task(name = "time") static java.time.Instant at() { return null; }
                      @Task(name = "nested") static Map<String, List<Summary[]>> deep() {
                        return Map.of();
                      }
                    }
                    """));
    assertThat(compilation).succeededWithoutWarnings();
  }

  @Test
  void parameterTypeGeneratedCodeCannotName() {
    assertError(
        """
        public class Tasks {
          private record Secret(int value) {}

          @Task(name = "t")
          static void run(
              Secret secret) {}
        }
        """,
        Message.TASK_PARAMETER_NOT_ACCESSIBLE,
        "Secret secret)");
  }

  @Test
  void twoContextParameters() {
    assertError(
        """
        public class Tasks {
          @Task(name = "t")
          static void run(JobContext first,
              JobContext second) {}
        }
        """,
        Message.TASK_CONTEXT_TWICE,
        "JobContext second");
  }

  @Test
  void blankTaskName() {
    assertError(
        """
        public class Tasks {
          @Task(name = "  ")
          static void run(long id) {}
        }
        """,
        Message.TASK_NAME_EMPTY,
        "@Task(name = \"  \")");
  }

  @Test
  void blankAlias() {
    assertError(
        """
        public class Tasks {
          @Task(name = "t",
              aliases = {"old", ""})
          static void run(long id) {}
        }
        """,
        Message.TASK_NAME_EMPTY,
        "aliases = {\"old\", \"\"}");
  }

  @Test
  void taskNameLongerThanTheColumn() {
    String name = "x".repeat(129);
    assertError(
        """
        public class Tasks {
          @Task(name = "%s")
          static void run(long id) {}
        }
        """
            .formatted(name),
        Message.TASK_NAME_TOO_LONG,
        name);
  }

  @Test
  void duplicateTaskNameInOneClass() {
    assertError(
        """
        public class Tasks {
          @Task(name = "same")
          static void first(long id) {}

          @Task(name = "same", deferrer = "SecondDeferrer")
          static void second(long id) {}
        }
        """,
        Message.TASK_NAME_DUPLICATE,
        "deferrer = \"SecondDeferrer\"");
  }

  @Test
  void aliasEqualToAnotherTasksName() {
    Compilation compilation =
        assertError(
            """
            public class Tasks {
              @Task(name = "first")
              static void first(long id) {}

              @Task(name = "second",
                  aliases = "first")
              static void second(long id) {}
            }
            """,
            Message.TASK_NAME_DUPLICATE,
            "aliases = \"first\"");
    assertThat(compilation).hadErrorContaining("already used by test.Tasks.first(long)");
  }

  @Test
  void duplicateTaskNameAcrossClasses() {
    JavaFileObject first =
        Sources.source(
            "test.First",
            """
            package test;
            import dev.procrastinate.Task;
            public class First {
              @Task(name = "same")
              static void one(long id) {}
            }
            """);
    JavaFileObject second =
        Sources.source(
            "test.Second",
            """
            package test;
            import dev.procrastinate.Task;
            public class Second {
              @Task(name = "same")
              static void two(long id) {}
            }
            """);
    Compilation compilation = Sources.compile(first, second);
    assertThat(compilation).failed();
    assertThat(compilation)
        .hadErrorContaining(
            "[TaskNameDuplicate] task name \"same\" of @Task method test.Second.two(long)"
                + " is already used by test.First.one(long)")
        .inFile(second)
        .onLineContaining("@Task(name = \"same\")");
  }

  @Test
  void blankArgName() {
    assertError(
        """
        public class Tasks {
          @Task(name = "t")
          static void run(
              @Arg(" ") long id) {}
        }
        """,
        Message.ARG_NAME_EMPTY,
        "@Arg(\" \") long id");
  }

  @Test
  void twoParametersWithOneJsonName() {
    assertError(
        """
        public class Tasks {
          @Task(name = "t")
          static void run(@Arg("user_id") long id,
              @Arg("user_id") long other) {}
        }
        """,
        Message.ARG_NAME_DUPLICATE,
        "long other");
  }

  @Test
  void deferrerNameThatIsNotAClassName() {
    assertError(
        """
        public class Tasks {
          @Task(name = "t",
              deferrer = "not a name")
          static void run(long id) {}
        }
        """,
        Message.TASK_DEFERRER_INVALID,
        "deferrer = \"not a name\"");
  }

  @Test
  void deferrerNamesClashInOnePackage() {
    JavaFileObject first =
        Sources.source(
            "test.First",
            """
            package test;
            import dev.procrastinate.Task;
            public class First {
              @Task(name = "first.send")
              static void send(long id) {}
            }
            """);
    JavaFileObject second =
        Sources.source(
            "test.Second",
            """
            package test;
            import dev.procrastinate.Task;
            public class Second {
              @Task(name = "second.send")
              static void send(long id) {}
            }
            """);
    Compilation compilation = Sources.compile(first, second);
    assertThat(compilation).failed();
    assertThat(compilation)
        .hadErrorContaining(
            "[TaskDeferrerClash] the deferrer test.SendDeferrer of @Task method test.Second.send(long)"
                + " clashes with the deferrer of test.First.send(long)")
        .inFile(second)
        .onLineContaining("@Task(name = \"second.send\")");
    COVERED.add(Message.TASK_DEFERRER_CLASH);
  }

  @Test
  void deferrerNameTakenByAnExistingClass() {
    JavaFileObject existing =
        Sources.source("test.RunDeferrer", "package test;\npublic class RunDeferrer {}\n");
    JavaFileObject tasks =
        Sources.source(
            "test.Tasks",
            """
            package test;
            import dev.procrastinate.Task;
            public class Tasks {
              @Task(name = "t")
              static void run(long id) {}
            }
            """);
    Compilation compilation = Sources.compile(existing, tasks);
    assertThat(compilation)
        .hadErrorContaining("clashes with the existing class test.RunDeferrer")
        .inFile(tasks)
        .onLineContaining("@Task(name = \"t\")");
  }

  @ParameterizedTest
  @ValueSource(
      strings = {"", "q23456789012345678901234567890123456789012", "éééééééééééééééééééééé"})
  void queueNameOutsideTheNotifyLimit(String queue) {
    assertError(
        """
        public class Tasks {
          @Task(name = "t",
              queue = "%s")
          static void run(long id) {}
        }
        """
            .formatted(queue),
        Message.TASK_QUEUE_INVALID,
        "queue = \"" + queue + "\"");
  }

  @Test
  void queueNameOfExactlyFortyBytesIsAccepted() {
    JavaFileObject file =
        Sources.source(
            "test.Tasks",
            """
            package test;
            import dev.procrastinate.Task;
            public class Tasks {
              @Task(name = "t", queue = "%s")
              static void run(long id) {}
            }
            """
                .formatted("é".repeat(20)));
    assertThat(Sources.compile(file)).succeededWithoutWarnings();
  }

  @ParameterizedTest
  @ValueSource(
      strings = {
        "abstract static class Policy implements RetryPolicy {}|it is abstract",
        "interface Policy extends RetryPolicy {}|it is an interface",
        "static class Policy implements RetryPolicy { Policy(int x) {} %s }|no constructor",
        "static class Policy implements RetryPolicy { private Policy() {} %s }|no constructor",
        "static class Policy<T> implements RetryPolicy { %s }|it is generic",
        "class Policy implements RetryPolicy { %s }|inner class",
        "private static class Policy implements RetryPolicy { %s }|is not visible",
      })
  void unusableRetryPolicyClass(String declarationAndWhy) {
    String[] parts = declarationAndWhy.split("\\|");
    String decide =
        "public RetryDecision decide(Throwable e, dev.procrastinate.model.ProcrastinateJob j) {"
            + " return null; }";
    Compilation compilation =
        assertError(
            """
            public class Tasks {
              %s
              @Task(name = "t",
                  retryPolicy = Policy.class)
              static void run(long id) {}
            }
            """
                .formatted(parts[0].replace("%s", decide)),
            Message.TASK_RETRY_POLICY_INVALID,
            "retryPolicy = Policy.class");
    assertThat(compilation).hadErrorContaining(parts[1]);
  }

  @Test
  void retryAndRetryPolicyTogetherConflict() {
    assertError(
        """
        public class Tasks {
          public static final class Policy implements RetryPolicy {
            public RetryDecision decide(Throwable e, dev.procrastinate.model.ProcrastinateJob j) {
              return null;
            }
          }
          @Task(name = "t", retry = @Retry(maxAttempts = 2),
              retryPolicy = Policy.class)
          static void run(long id) {}
        }
        """,
        Message.TASK_RETRY_CONFLICT,
        "retryPolicy = Policy.class");
  }

  @Test
  void unusableMiddlewareClass() {
    Compilation compilation =
        assertError(
            """
            public class Tasks {
              public static final class Needy implements JobMiddleware {
                public Needy(String name) {}
                public Object around(JobContext c, Next next) throws Exception {
                  return next.proceed();
                }
              }
              @Task(name = "t",
                  middleware = Needy.class)
              static void run(long id) {}
            }
            """,
            Message.TASK_MIDDLEWARE_INVALID,
            "middleware = Needy.class");
    assertThat(compilation).hadErrorContaining("Needy.class");
    assertThat(compilation).hadErrorContaining("no constructor");
  }

  @Test
  void usableRetryPolicyAndMiddlewareInTheTasksPackageCompileWithoutWarnings() {
    JavaFileObject file =
        Sources.source(
            "test.Tasks",
            "package test;\n"
                + IMPORTS
                + """
                public class Tasks {
                  static final class Policy implements RetryPolicy {
                    public RetryDecision decide(
                        Throwable e, dev.procrastinate.model.ProcrastinateJob j) {
                      return null;
                    }
                  }
                  record Trace() implements JobMiddleware {
                    public Object around(JobContext c, Next next) throws Exception {
                      return next.proceed();
                    }
                  }
                  @Task(name = "t", retryPolicy = Policy.class, middleware = {Trace.class})
                  static void run(long id) {}
                }
                """);
    assertThat(Sources.compile(file)).succeededWithoutWarnings();
  }

  @ParameterizedTest
  @ValueSource(
      strings = {
        "maxAttempts = -2",
        "maxAttempts = 0",
        "maxAttempts = 3, fixedWait = -1",
        "maxAttempts = 3, linearWait = -1",
        "maxAttempts = 3, exponentialWait = -5",
        "exponentialWait = 2",
        "retryOn = IllegalStateException.class"
      })
  void invalidRetryValues(String retry) {
    assertError(
        """
        public class Tasks {
          @Task(name = "t",
              retry = @Retry(%s))
          static void run(long id) {}
        }
        """
            .formatted(retry),
        Message.TASK_RETRY_INVALID,
        "retry = @Retry(" + retry + ")");
  }

  @Test
  void negativeTimeout() {
    assertError(
        """
        public class Tasks {
          @Task(name = "t",
              timeoutSeconds = -1)
          static void run(long id) {}
        }
        """,
        Message.TASK_TIMEOUT_INVALID,
        "timeoutSeconds = -1");
  }

  @Test
  void negativeConcurrencyLimit() {
    Compilation compilation =
        assertError(
            """
            public class Tasks {
              @Task(name = "t",
                  concurrencyLimit = -2)
              static void run(long id) {}
            }
            """,
            Message.TASK_CONCURRENCY_LIMIT_INVALID,
            "concurrencyLimit = -2");
    assertThat(compilation)
        .hadErrorContaining(
            "[TaskConcurrencyLimitInvalid] concurrencyLimit of @Task method test.Tasks.run(long)"
                + " is -2; use the number of its jobs that may run at once");
  }

  @ParameterizedTest
  @CsvSource(
      delimiter = '|',
      value = {
        "50                   | does not read",
        "0/s                  | allows 0 starts",
        "50/0s                | has a period under 1 ms",
        "x/s                  | does not read",
        "50/1w                | does not read",
        "50/                  | does not read",
        "/s                   | does not read",
        "-1/s                 | does not read",
        "50/-1s               | does not read",
        "50/1.s               | does not read",
        "50 per second        | does not read",
        "2147483648/s         | allows too many starts (at most 2147483647 per period)",
        "99999999999999999999/s | allows too many starts (at most 2147483647 per period)",
        "5/0.5ms              | has a period under 1 ms",
        "1/1.0000000001s      | has a period that is not a whole number of nanoseconds",
        "1/9999999h           | has a period that is not a whole number of nanoseconds up to about 292 years"
      })
  void invalidRateLimit(String rate, String problem) {
    Compilation compilation =
        assertError(
            """
            public class Tasks {
              @Task(name = "t",
                  rateLimit = "%s")
              static void run(long id) {}
            }
            """
                .formatted(rate),
            Message.TASK_RATE_LIMIT_INVALID,
            "rateLimit = \"" + rate + "\"");
    assertThat(compilation)
        .hadErrorContaining(
            "[TaskRateLimitInvalid] rateLimit \""
                + rate
                + "\" of @Task method test.Tasks.run(long) "
                + problem);
    assertThat(compilation)
        .hadErrorContaining(
            "write N/PERIOD, at most N starts per PERIOD: N a whole number from 1, PERIOD a number"
                + " of seconds, or a number with the unit ms, s, m or h, or a unit alone for one of"
                + " it, at least 1 ms, e.g. \"50/1s\", \"50/s\", \"100/60\", \"100/m\" or"
                + " \"5/500ms\"");
  }

  @Test
  void everyBadFlowControlLimitOfAClassIsReported() {
    Compilation compilation =
        assertError(
            """
            public class Tasks {
              @Task(name = "a", concurrencyLimit = -1,
                  rateLimit = "50")
              static void a(long id) {}

              @Task(name = "b",
                  rateLimit = "0/s")
              static void b(long id) {}
            }
            """,
            Message.TASK_RATE_LIMIT_INVALID,
            "rateLimit = \"0/s\"");
    assertThat(compilation).hadErrorCount(3);
    assertThat(compilation)
        .hadErrorContaining(
            "[TaskConcurrencyLimitInvalid] concurrencyLimit of @Task method test.Tasks.a(long) is -1");
    assertThat(compilation)
        .hadErrorContaining(
            "[TaskRateLimitInvalid] rateLimit \"50\" of @Task method test.Tasks.a(long) does not read");
  }

  @ParameterizedTest
  @ValueSource(
      strings = {
        "61 * * * *",
        "* 24 * * *",
        "* * 32 * *",
        "* * * 13 *",
        "* * * * 8",
        "* * * *",
        "* * * * * * *",
        "* * * * * 60",
        "@every",
        "",
        "0 3 * * bogus"
      })
  void invalidCron(String cron) {
    assertError(
        """
        public class Tasks {
          @Task(name = "t")
          @Periodic(
              cron = "%s")
          static void run(long timestamp) {}
        }
        """
            .formatted(cron),
        Message.PERIODIC_CRON_INVALID,
        "cron = \"" + cron + "\"");
  }

  @Test
  void periodicWithoutTimestamp() {
    assertError(
        """
        public class Tasks {
          @Task(name = "t")
          @Periodic(cron = "0 3 * * *")
          static void run(long when) {}
        }
        """,
        Message.PERIODIC_TIMESTAMP_MISSING,
        "@Periodic(cron = \"0 3 * * *\")");
  }

  @Test
  void periodicTimestampOfTheWrongType() {
    assertError(
        """
        public class Tasks {
          @Task(name = "t")
          @Periodic(cron = "0 3 * * *")
          static void run(String timestamp) {}
        }
        """,
        Message.PERIODIC_TIMESTAMP_MISSING,
        "@Periodic(cron = \"0 3 * * *\")");
  }

  @ParameterizedTest
  @ValueSource(
      strings = {
        "{not json",
        "[1, 2]",
        "{\\\"region\\\": \\\"eu\\\", \\\"unknown\\\": 1}",
        "{\\\"timestamp\\\": 1, \\\"region\\\": \\\"eu\\\"}",
        "{}",
        "{\\\"region\\\": \\\"eu\\\"} trailing",
        "{\\\"region\\\": 5}",
        "{\\\"region\\\": \\\"eu\\\", \\\"limit\\\": 2.5}",
        "{\\\"region\\\": \\\"eu\\\", \\\"limit\\\": \\\"3\\\"}",
        "{\\\"region\\\": \\\"eu\\\", \\\"tags\\\": {}}"
      })
  void invalidPeriodicArgs(String args) {
    assertError(
        """
        public class Tasks {
          @Task(name = "t")
          @Periodic(cron = "0 3 * * *",
              args = "%s")
          static void run(long timestamp, String region, Optional<Integer> limit,
              Optional<List<String>> tags) {}
        }
        """
            .formatted(args),
        Message.PERIODIC_ARGS_INVALID,
        "args = \"" + args + "\"");
  }

  @Test
  void periodicArgsOfEveryFittingKindAreAccepted() {
    JavaFileObject file =
        Sources.source(
            "test.Tasks",
            "package test;\n"
                + IMPORTS
                + """
                public class Tasks {
                  public record Range(int from, int to) {}

                  public enum Mode { FAST, SLOW }

                  @Task(name = "t")
                  @Periodic(cron = "0 3 * * *", args = "{\\"region\\": null, \\"limit\\": 3, \\"ratio\\": 2,"
                      + " \\"exact\\": 1.5e3, \\"on\\": false, \\"grade\\": \\"a\\", \\"tags\\": [\\"x\\"],"
                      + " \\"weights\\": {\\"a\\": 1}, \\"range\\": {\\"from\\": 1, \\"to\\": 2},"
                      + " \\"mode\\": \\"FAST\\", \\"blob\\": \\"AP9/\\", \\"slots\\": [1]}")
                  static void run(long timestamp, String region, Optional<Integer> limit, double ratio,
                      java.math.BigDecimal exact, boolean on, char grade, List<String> tags,
                      Map<String, Integer> weights, Range range, Mode mode, byte[] blob, int[] slots) {}
                }
                """);
    com.google.testing.compile.CompilationSubject.assertThat(Sources.compile(file))
        .succeededWithoutWarnings();
  }

  @Test
  void twoSchedulesWithOnePeriodicId() {
    assertError(
        """
        public class Tasks {
          @Task(name = "t")
          @Periodic(cron = "0 3 * * *")
          @Periodic(cron = "0 4 * * *")
          static void run(long timestamp) {}
        }
        """,
        Message.PERIODIC_ID_DUPLICATE,
        "static void run");
  }

  @Test
  void periodicWithoutTask() {
    assertError(
        """
        public class Tasks {
          @Periodic(cron = "0 3 * * *")
          static void run(long timestamp) {}
        }
        """,
        Message.PERIODIC_WITHOUT_TASK,
        "@Periodic(cron = \"0 3 * * *\")");
  }

  @Test
  void defaultNameWarns() {
    JavaFileObject file =
        Sources.source(
            "test.Tasks",
            """
            package test;
            import dev.procrastinate.Task;
            public class Tasks {
              @Task
              static void run(long id) {}
            }
            """);
    Compilation compilation = Sources.compile(file);
    assertThat(compilation).succeeded();
    assertThat(compilation)
        .hadWarningContaining(
            "[TaskDefaultName] task test.Tasks.run(long) has the default name \"test.Tasks.run\"")
        .inFile(file)
        .onLineContaining("@Task");
    COVERED.add(Message.TASK_DEFAULT_NAME);
  }

  @Test
  void defaultNameWarningCanBeSuppressed() {
    JavaFileObject file =
        Sources.source(
            "test.Tasks",
            """
            package test;
            import dev.procrastinate.Task;
            @SuppressWarnings("TaskDefaultName")
            public class Tasks {
              @Task
              static void run(long id) {}
            }
            """);
    assertThat(Sources.compile(file)).succeededWithoutWarnings();
  }

  @Test
  void defaultNameWarningCanBeTurnedOff() {
    JavaFileObject file =
        Sources.source(
            "test.Tasks",
            """
            package test;
            import dev.procrastinate.Task;
            public class Tasks {
              @Task
              static void run(long id) {}
            }
            """);
    assertThat(Sources.compiler().withOptions("-Aprocrastinate.verify=false").compile(file))
        .succeededWithoutWarnings();
  }

  @Test
  void unresolvedParameterType() {
    assertError(
        """
        public class Tasks {
          @Task(name = "t")
          static void run(
              NoSuchType value) {}
        }
        """,
        Message.TASK_UNRESOLVED_TYPE,
        "@Task(name = \"t\")");
  }

  @Test
  void runtimeOfAnotherVersionIsAnInternalErrorThatAsksForAReport() {
    JavaFileObject oldTask =
        Sources.source(
            "dev.procrastinate.Task",
            """
            package dev.procrastinate;
            public @interface Task {
              String name() default "";
            }
            """);
    JavaFileObject tasks =
        Sources.source(
            "test.Tasks",
            """
            package test;
            import dev.procrastinate.Task;
            public class Tasks {
              @Task(name = "t")
              static void run(long id) {}
            }
            """);
    Compilation compilation = Sources.compile(oldTask, tasks);
    assertThat(compilation).failed();
    assertThat(compilation)
        .hadErrorContaining("[TaskInternalError]")
        .inFile(tasks)
        .onLineContaining("public class Tasks");
    assertThat(compilation).hadErrorContaining("please report this");
    COVERED.add(Message.TASK_INTERNAL_ERROR);
  }

  @Test
  void everyProblemOfAClassIsReportedBeforeGivingUp() {
    JavaFileObject file =
        Sources.source(
            "test.Tasks",
            """
            package test;
            import dev.procrastinate.Task;
            public class Tasks {
              @Task(name = "a", queue = "")
              static void first(long id) {}

              @Task(name = "b")
              static void second(Object payload) {}

              @Task(name = "c")
              static void fine(long id) {}
            }
            """);
    Compilation compilation = Sources.compile(file);
    assertThat(compilation).failed();
    assertThat(compilation).hadErrorCount(2);
    assertThat(compilation).hadErrorContaining("[TaskQueueInvalid]");
    assertThat(compilation).hadErrorContaining("[TaskParameterNotJson]");
  }

  @Test
  void relationWithoutOnJobDelete() {
    COVERED.add(RelationProcessorTest.aRelationWithoutOnJobDeleteIsAWarningNamingTheChoices());
  }

  @Test
  void relationWithGeneratedForeignKey() {
    COVERED.add(RelationProcessorTest.aRelationWithAGeneratedForeignKeyIsAWarning());
  }

  @Test
  void relationSetNullNotNullable() {
    COVERED.add(RelationProcessorTest.setNullOnANonOptionalRelationIsAnError());
    COVERED.add(RelationProcessorTest.setNullOnANonNullableColumnIsAnError());
  }

  @Test
  void relationSetDefaultWithoutDefault() {
    COVERED.add(RelationProcessorTest.setDefaultWithoutAColumnDefaultIsAnError());
  }
}
