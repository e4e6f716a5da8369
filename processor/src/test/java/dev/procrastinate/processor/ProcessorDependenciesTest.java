package dev.procrastinate.processor;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;

/**
 * The processor refers to runtime types by name only: no main source imports a {@code
 * dev.procrastinate} type outside the processor's own package.
 */
class ProcessorDependenciesTest {
  @Test
  void mainSourcesDoNotImportRuntimeTypes() throws IOException {
    Path main = Path.of("src/main/java");
    List<String> offending;
    try (Stream<Path> files = Files.walk(main)) {
      offending =
          files
              .filter(file -> file.toString().endsWith(".java"))
              .flatMap(
                  file -> {
                    try {
                      return Files.readAllLines(file).stream()
                          .filter(
                              line ->
                                  line.matches(
                                      "\\s*import\\s+(static\\s+)?dev\\.procrastinate\\..*"))
                          .filter(line -> !line.contains("dev.procrastinate.processor."))
                          .map(line -> main.relativize(file) + ": " + line.trim());
                    } catch (IOException e) {
                      throw new java.io.UncheckedIOException(e);
                    }
                  })
              .toList();
    }
    assertThat(Files.isDirectory(main)).isTrue();
    assertThat(offending).isEmpty();
  }
}
