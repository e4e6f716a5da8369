package dev.procrastinate.processor;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;

/**
 * The processor refers to runtime types by name only: no main source imports a {@code
 * dev.procrastinate} type outside the processor's own packages, except the shared rules, which the
 * processor compiles from the runtime's {@code src/shared/java} itself; and those import no other
 * runtime type.
 */
class ProcessorDependenciesTest {
  /** The source root the processor shares with the runtime (see its pom). */
  private static final Path SHARED = Path.of("../runtime/core/src/shared/java");

  private static final String SHARED_PACKAGE = "dev.procrastinate.spi.rules.";

  @Test
  void mainSourcesDoNotImportRuntimeTypes() throws IOException {
    Path main = Path.of("src/main/java");
    List<String> offending =
        imports(main)
            .filter(line -> !line.contains("dev.procrastinate.processor."))
            .filter(line -> !line.contains(SHARED_PACKAGE))
            .toList();
    assertThat(Files.isDirectory(main)).isTrue();
    assertThat(offending).isEmpty();
  }

  @Test
  void sharedRulesImportNoOtherRuntimeType() throws IOException {
    assertThat(SHARED.resolve("dev/procrastinate/spi/rules")).isDirectory();
    assertThat(imports(SHARED).filter(line -> !line.contains(SHARED_PACKAGE)).toList()).isEmpty();
  }

  private static Stream<String> imports(Path root) throws IOException {
    List<Path> files;
    try (Stream<Path> walk = Files.walk(root)) {
      files = walk.filter(file -> file.toString().endsWith(".java")).toList();
    }
    return files.stream()
        .flatMap(
            file -> {
              try {
                return Files.readAllLines(file).stream()
                    .filter(
                        line -> line.matches("\\s*import\\s+(static\\s+)?dev\\.procrastinate\\..*"))
                    .map(line -> root.relativize(file) + ": " + line.trim());
              } catch (IOException e) {
                throw new UncheckedIOException(e);
              }
            });
  }
}
