package dev.procrastinate;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.procrastinate.internal.config.SettingsSource;
import java.time.Duration;
import java.util.Map;
import java.util.Properties;
import org.junit.jupiter.api.Test;

/** Settings come from system properties, then environment, then procrastinate.properties. */
class AppConfigTest {
  private static Properties file(String... keyValues) {
    Properties properties = new Properties();
    for (int i = 0; i < keyValues.length; i += 2) {
      properties.setProperty(keyValues[i], keyValues[i + 1]);
    }
    return properties;
  }

  @Test
  void systemPropertiesWinOverEnvironmentWhichWinsOverTheFile() {
    SettingsSource source =
        SettingsSource.of(
            Map.of("procrastinate.url", "jdbc:postgresql://sys/db"),
            Map.of(
                "PROCRASTINATE_URL", "jdbc:postgresql://env/db",
                "PROCRASTINATE_USER", "env-user",
                "PROCRASTINATE_POOL_SIZE", "4"),
            file(
                "procrastinate.url", "jdbc:postgresql://file/db",
                "procrastinate.user", "file-user",
                "procrastinate.password", "file-secret",
                "procrastinate.schema", "jobs",
                "procrastinate.connectionTimeout", "2.5"));
    AppConfig config = AppConfig.from(source);
    assertThat(config.url()).isEqualTo("jdbc:postgresql://sys/db");
    assertThat(config.user()).isEqualTo("env-user");
    assertThat(config.password()).isEqualTo("file-secret");
    assertThat(config.schema()).isEqualTo("jobs");
    assertThat(config.poolSize()).isEqualTo(4);
    assertThat(config.connectionTimeout()).isEqualTo(Duration.ofMillis(2500));
  }

  @Test
  void environmentNamesAreUpperSnakeCase() {
    assertThat(SettingsSource.environmentName("poolSize")).isEqualTo("PROCRASTINATE_POOL_SIZE");
    assertThat(SettingsSource.environmentName("worker.concurrency"))
        .isEqualTo("PROCRASTINATE_WORKER_CONCURRENCY");
    assertThat(SettingsSource.environmentName("url")).isEqualTo("PROCRASTINATE_URL");
  }

  @Test
  void missingUrlSaysWhereToSetIt() {
    assertThatThrownBy(() -> AppConfig.from(SettingsSource.of(Map.of(), Map.of(), file())))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessageContaining("procrastinate.url")
        .hasMessageContaining("PROCRASTINATE_URL")
        .hasMessageContaining("procrastinate.properties");
  }

  @Test
  void badValuesNameTheSettingAndItsSource() {
    SettingsSource source =
        SettingsSource.of(
            Map.of(),
            Map.of("PROCRASTINATE_URL", "jdbc:postgresql://h/db", "PROCRASTINATE_POOL_SIZE", "ten"),
            file());
    assertThatThrownBy(() -> AppConfig.from(source))
        .hasMessageContaining("environment variable PROCRASTINATE_POOL_SIZE is 'ten'");
    assertThatThrownBy(() -> AppConfig.builder().url("jdbc:mysql://h/db").build())
        .hasMessageContaining("PostgreSQL JDBC URL");
    assertThatThrownBy(() -> AppConfig.builder().url("jdbc:postgresql://h/db").poolSize(0).build())
        .hasMessageContaining("poolSize");
    assertThatThrownBy(
            () -> AppConfig.builder().url("jdbc:postgresql://h/db").schema("a;drop").build())
        .hasMessageContaining("schema");
    assertThatThrownBy(
            () ->
                AppConfig.from(
                    SettingsSource.of(
                        Map.of("procrastinate.url", "jdbc:postgresql://h/db"),
                        Map.of(),
                        file("procrastinate.connectionTimeout", "soon"))))
        .hasMessageContaining("procrastinate.connectionTimeout in procrastinate.properties")
        .hasMessageContaining("not a duration");
  }

  @Test
  void passwordIsNeverPrinted() {
    AppConfig config =
        AppConfig.builder()
            .url("jdbc:postgresql://h/db?user=u&password=hunter2&ssl=true")
            .password("s3cret")
            .build();
    assertThat(config.toString()).doesNotContain("hunter2").doesNotContain("s3cret");
    assertThat(AppConfig.redactUrl("jdbc:postgresql://h/db?password=hunter2&ssl=true"))
        .isEqualTo("jdbc:postgresql://h/db?password=***&ssl=true");
  }

  @Test
  void unreachableDatabaseNamesTheUrlAndTheCauseButNotThePassword() {
    AppConfig config =
        AppConfig.builder()
            .url("jdbc:postgresql://127.0.0.1:1/nowhere?password=hunter2")
            .user("someone")
            .password("s3cret")
            .connectionTimeout(Duration.ofMillis(500))
            .build();
    try (App app = App.create(config)) {
      assertThatThrownBy(() -> app.jobManager().defer(NewJob.builder("t").build()))
          .isInstanceOf(DatabaseUnavailableException.class)
          .hasMessageContaining("jdbc:postgresql://127.0.0.1:1/nowhere")
          .hasMessageContaining("as user someone")
          .hasMessageContaining("deferring a job of task 't'")
          .hasMessageContaining("refused")
          .satisfies(
              e -> assertThat(e.getMessage()).doesNotContain("hunter2").doesNotContain("s3cret"));
    }
  }

  @Test
  void defaultAppIsBuiltFromTheEnvironmentOrInstalled() {
    App installed = App.create(AppConfig.builder().url("jdbc:postgresql://127.0.0.1:1/x").build());
    App previous = App.setDefault(installed);
    try {
      assertThat(App.getDefault()).isSameAs(installed);
    } finally {
      App.setDefault(previous);
      installed.close();
    }
  }
}
