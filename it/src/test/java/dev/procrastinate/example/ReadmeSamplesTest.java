package dev.procrastinate.example;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.Test;

/**
 * The README's samples marked {@code <!-- sample: path -->} are, line for line, part of the file
 * they name: the Spring Boot application under {@code it/src/it/spring-boot}, which the build
 * compiles, tests and runs on both Boot lines. A sample edited in the README alone, or code changed
 * without its sample, fails here.
 */
class ReadmeSamplesTest {
  private static final Pattern SAMPLE =
      Pattern.compile("<!-- sample: (\\S+) -->\\n```[a-z]*\\n(.*?)\\n```", Pattern.DOTALL);

  private record Sample(String path, String code) {}

  @Test
  void everyMarkedSampleIsCodeTheBuildCompiles() throws Exception {
    Path root = Path.of("..").toAbsolutePath().normalize();
    String readme = Files.readString(root.resolve("README.md")).replace("\r\n", "\n");
    List<Sample> samples = new ArrayList<>();
    Matcher matcher = SAMPLE.matcher(readme);
    while (matcher.find()) {
      samples.add(new Sample(matcher.group(1), matcher.group(2)));
    }

    assertThat(samples).as("the README's marked samples").hasSizeGreaterThanOrEqualTo(5);
    for (Sample sample : samples) {
      Path file = root.resolve(sample.path());
      assertThat(file).as("the file a README sample names").isRegularFile();
      assertThat(Files.readString(file).replace("\r\n", "\n"))
          .as("README sample from " + sample.path())
          .contains(sample.code());
    }
  }
}
