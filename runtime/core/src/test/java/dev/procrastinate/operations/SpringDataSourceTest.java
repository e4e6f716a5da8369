package dev.procrastinate.operations;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** A Spring Boot application's spring.datasource.*, read from its files as Spring Boot would. */
class SpringDataSourceTest {
  @TempDir Path project;

  private SpringDataSource read(List<String> profiles, Map<String, String> environment)
      throws Exception {
    Path resources = project.resolve("src/main/resources");
    return SpringDataSource.read(
            List.of(
                SpringDataSource.Location.directory(resources, "src/main/resources"),
                SpringDataSource.Location.directory(project, "."),
                SpringDataSource.Location.directory(project.resolve("config"), "config")),
            profiles,
            environment::get)
        .orElseThrow();
  }

  private void write(String path, String text) throws Exception {
    Path file = project.resolve(path);
    Files.createDirectories(file.getParent());
    Files.writeString(file, text);
  }

  @Test
  void laterLocationsAndProfilesWinAndPlaceholdersResolve() throws Exception {
    write(
        "src/main/resources/application.properties",
        "spring.datasource.url=jdbc:postgresql://db/shop\n"
            + "spring.datasource.username=${DB_USER:shop}\n"
            + "spring.datasource.password=${DB_PASSWORD}\n"
            + "spring.profiles.active=local\n");
    write(
        "config/application-local.properties",
        "spring.datasource.url=jdbc:postgresql://localhost/shop_local\n");

    SpringDataSource local = read(List.of(), Map.of("DB_PASSWORD", "secret"));

    assertThat(local.url()).isEqualTo("jdbc:postgresql://localhost/shop_local");
    assertThat(local.user()).isEqualTo("shop");
    assertThat(local.password()).isEqualTo("secret");
    assertThat(local.source()).isEqualTo("config/application-local.properties, profiles local");

    SpringDataSource fromEnvironment =
        read(
            List.of(),
            Map.of("DB_PASSWORD", "x", "SPRING_DATASOURCE_URL", "jdbc:postgresql://ci/shop"));
    assertThat(fromEnvironment.url()).isEqualTo("jdbc:postgresql://ci/shop");
    assertThat(fromEnvironment.source()).startsWith("the environment (SPRING_DATASOURCE_URL)");
  }

  @Test
  void yamlDocumentsCountForTheirProfile() throws Exception {
    write(
        "src/main/resources/application.yml",
        """
        spring:
          datasource:
            url: jdbc:postgresql://db/shop
            username: shop
        ---
        spring:
          config:
            activate:
              on-profile: test
          datasource:
            url: jdbc:postgresql://db/shop_test
        """);

    assertThat(read(List.of(), Map.of()).url()).isEqualTo("jdbc:postgresql://db/shop");
    SpringDataSource test = read(List.of("test"), Map.of());
    assertThat(test.url()).isEqualTo("jdbc:postgresql://db/shop_test");
    assertThat(test.user()).isEqualTo("shop");
    assertThat(test.source()).isEqualTo("src/main/resources/application.yml, profiles test");
  }

  @Test
  void anUnsetPlaceholderWithoutDefaultIsNamed() throws Exception {
    write("src/main/resources/application.properties", "spring.datasource.url=${DATABASE_URL}\n");

    assertThatThrownBy(() -> read(List.of(), Map.of()))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessageContaining("spring.datasource.url is '${DATABASE_URL}'")
        .hasMessageContaining("${DATABASE_URL} is set nowhere");
  }

  @Test
  void noUrlMeansNothing() throws Exception {
    write("src/main/resources/application.properties", "spring.application.name=shop\n");

    assertThat(
            SpringDataSource.read(
                List.of(
                    SpringDataSource.Location.directory(
                        project.resolve("src/main/resources"), "src/main/resources")),
                List.of(),
                name -> null))
        .isEmpty();
  }
}
