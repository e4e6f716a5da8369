package dev.procrastinate;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.procrastinate.internal.config.SettingsSource;
import java.time.Duration;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Properties;
import org.junit.jupiter.api.Test;

/** Worker options read from settings under upstream's environment variable names. */
class WorkerSettingsTest {
  private static SettingsSource env(String... keyValues) {
    return source(Map.of(), keyValues);
  }

  private static SettingsSource source(Map<String, String> systemProperties, String... env) {
    Map<String, String> environment = new HashMap<>();
    for (int i = 0; i < env.length; i += 2) {
      environment.put(env[i], env[i + 1]);
    }
    return SettingsSource.of(systemProperties, environment, new Properties());
  }

  @Test
  void unsetSettingsKeepUpstreamDefaults() {
    assertThat(WorkerOptions.from(env())).isEqualTo(WorkerOptions.builder().build());
  }

  @Test
  void virtualThreadsAreReadAndRefusedBeforeJava21WithTheFix() {
    SettingsSource virtual = env("PROCRASTINATE_WORKER_VIRTUAL_THREADS", "true");
    if (Runtime.version().feature() >= WorkerOptions.VIRTUAL_THREADS_JAVA) {
      assertThat(WorkerOptions.from(virtual).virtualThreads()).isTrue();
    } else {
      assertThatThrownBy(() -> WorkerOptions.from(virtual))
          .isInstanceOf(IllegalArgumentException.class)
          .hasMessageContaining("virtualThreads needs Java 21 or later")
          .hasMessageContaining("this worker runs on Java " + Runtime.version())
          .hasMessageContaining("turn virtualThreads off");
    }
    assertThat(WorkerOptions.from(env()).virtualThreads()).isFalse();
  }

  @Test
  void everyUpstreamVariableIsRead() {
    WorkerOptions options =
        WorkerOptions.from(
            env(
                "PROCRASTINATE_WORKER_QUEUES", " emails, ,reports ",
                "PROCRASTINATE_WORKER_NAME", "mailer",
                "PROCRASTINATE_WORKER_CONCURRENCY", "4",
                "PROCRASTINATE_WORKER_WAIT", "f",
                "PROCRASTINATE_WORKER_FETCH_JOB_POLLING_INTERVAL", "0.5",
                "PROCRASTINATE_WORKER_ABORT_JOB_POLLING_INTERVAL", "PT2S",
                "PROCRASTINATE_WORKER_SHUTDOWN_GRACEFUL_TIMEOUT", "30",
                "PROCRASTINATE_WORKER_LISTEN_NOTIFY", "n",
                "PROCRASTINATE_WORKER_DELETE_JOBS", "successful",
                "PROCRASTINATE_WORKER_UPDATE_HEARTBEAT_INTERVAL", "2",
                "PROCRASTINATE_WORKER_STALLED_WORKER_TIMEOUT", "20",
                "PROCRASTINATE_WORKER_FETCH_BATCH_SIZE", "50",
                "PROCRASTINATE_WORKER_RESCUE_STALLED_JOBS", "1"));
    assertThat(options.queues()).containsExactly("emails", "reports");
    assertThat(options.name()).isEqualTo("mailer");
    assertThat(options.concurrency()).isEqualTo(4);
    assertThat(options.waitForJobs()).isFalse();
    assertThat(options.fetchJobPollingInterval()).isEqualTo(Duration.ofMillis(500));
    assertThat(options.abortJobPollingInterval()).isEqualTo(Duration.ofSeconds(2));
    assertThat(options.shutdownGracefulTimeout()).isEqualTo(Duration.ofSeconds(30));
    assertThat(options.listenNotify()).isFalse();
    assertThat(options.deleteJobs()).isEqualTo(DeleteJobs.SUCCESSFUL);
    assertThat(options.updateHeartbeatInterval()).isEqualTo(Duration.ofSeconds(2));
    assertThat(options.stalledWorkerTimeout()).isEqualTo(Duration.ofSeconds(20));
    assertThat(options.fetchBatchSize()).isEqualTo(50);
    assertThat(options.rescueStalledJobs()).isTrue();
  }

  @Test
  void booleansTakeUpstreamSpellings() {
    for (String yes : List.of("1", "y", "t", "true", "TRUE", "yes")) {
      assertThat(WorkerOptions.from(env("PROCRASTINATE_WORKER_WAIT", yes)).waitForJobs())
          .as(yes)
          .isTrue();
    }
    for (String no : List.of("0", "n", "f", "false", "False", "no")) {
      assertThat(WorkerOptions.from(env("PROCRASTINATE_WORKER_WAIT", no)).waitForJobs())
          .as(no)
          .isFalse();
    }
  }

  @Test
  void emptyQueuesMeanAllQueuesAndEmptyTimeoutMeansWaitForEver() {
    WorkerOptions options =
        WorkerOptions.from(
            env(
                "PROCRASTINATE_WORKER_QUEUES", "",
                "PROCRASTINATE_WORKER_SHUTDOWN_GRACEFUL_TIMEOUT", ""));
    assertThat(options.queues()).isEmpty();
    assertThat(options.shutdownGracefulTimeout()).isNull();
  }

  @Test
  void systemPropertiesWinOverTheEnvironment() {
    WorkerOptions options =
        WorkerOptions.from(
            source(
                Map.of("procrastinate.worker.concurrency", "3"),
                "PROCRASTINATE_WORKER_CONCURRENCY",
                "9"));
    assertThat(options.concurrency()).isEqualTo(3);
  }

  @Test
  void badValuesNameTheSettingAndItsSource() {
    assertThatThrownBy(() -> WorkerOptions.from(env("PROCRASTINATE_WORKER_CONCURRENCY", "many")))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessage(
            "environment variable PROCRASTINATE_WORKER_CONCURRENCY is 'many', which is not a whole"
                + " number");
    assertThatThrownBy(() -> WorkerOptions.from(env("PROCRASTINATE_WORKER_CONCURRENCY", "0")))
        .hasMessage(
            "environment variable PROCRASTINATE_WORKER_CONCURRENCY is '0'; it must be at least 1");
    assertThatThrownBy(() -> WorkerOptions.from(env("PROCRASTINATE_WORKER_WAIT", "maybe")))
        .hasMessageContaining("environment variable PROCRASTINATE_WORKER_WAIT is 'maybe'")
        .hasMessageContaining("not a boolean");
    assertThatThrownBy(
            () -> WorkerOptions.from(env("PROCRASTINATE_WORKER_DELETE_JOBS", "sometimes")))
        .hasMessageContaining(
            "environment variable PROCRASTINATE_WORKER_DELETE_JOBS is 'sometimes'")
        .hasMessageContaining("never, successful, always");
    assertThatThrownBy(
            () ->
                WorkerOptions.from(env("PROCRASTINATE_WORKER_FETCH_JOB_POLLING_INTERVAL", "soon")))
        .hasMessageContaining("PROCRASTINATE_WORKER_FETCH_JOB_POLLING_INTERVAL is 'soon'")
        .hasMessageContaining("not a duration");
    assertThatThrownBy(
            () -> WorkerOptions.from(env("PROCRASTINATE_WORKER_ABORT_JOB_POLLING_INTERVAL", "0")))
        .hasMessageContaining("must be a positive duration");
    assertThatThrownBy(
            () -> WorkerOptions.from(env("PROCRASTINATE_WORKER_SHUTDOWN_GRACEFUL_TIMEOUT", "-1")))
        .hasMessageContaining("must not be negative");
    assertThatThrownBy(
            () -> WorkerOptions.from(env("PROCRASTINATE_WORKER_QUEUES", "a," + "q".repeat(41))))
        .hasMessageContaining("environment variable PROCRASTINATE_WORKER_QUEUES")
        .hasMessageContaining("bytes long");
    assertThatThrownBy(
            () ->
                WorkerOptions.from(
                    env(
                        "PROCRASTINATE_WORKER_UPDATE_HEARTBEAT_INTERVAL", "60",
                        "PROCRASTINATE_WORKER_STALLED_WORKER_TIMEOUT", "30")))
        .hasMessageContaining("environment variable PROCRASTINATE_WORKER_UPDATE_HEARTBEAT_INTERVAL")
        .hasMessageContaining("must be shorter than stalledWorkerTimeout");
  }

  @Test
  void appConfigOverridesWinAndUnknownKeysAreRefused() {
    SettingsSource source =
        env("PROCRASTINATE_URL", "jdbc:postgresql://env/db", "PROCRASTINATE_USER", "env-user")
            .withOverrides(
                java.util.Collections.singletonMap("url", "jdbc:postgresql://option/db"),
                key -> "option --" + key);
    AppConfig config = AppConfig.from(source);
    assertThat(config.url()).isEqualTo("jdbc:postgresql://option/db");
    assertThat(config.user()).isEqualTo("env-user");
    assertThat(source.describe("url")).isEqualTo("option --url");
    assertThat(source.describe("user")).isEqualTo("environment variable PROCRASTINATE_USER");
    assertThatThrownBy(() -> AppConfig.fromEnvironment(Map.of("uri", "x")))
        .hasMessageContaining("unknown setting 'uri'")
        .hasMessageContaining("url, user, password, schema, poolSize, connectionTimeout");
  }
}
