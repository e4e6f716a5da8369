package dev.procrastinate.relations;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.Objects;

/**
 * A migration file to write: its name and its text ({@code \n} line ends, UTF-8).
 *
 * @param fileName the file name, without directory
 * @param content the file's text
 */
public record SqlFile(String fileName, String content) {
  /**
   * Checks the fields.
   *
   * @throws IllegalArgumentException if the name is empty or holds a path separator
   */
  public SqlFile {
    Objects.requireNonNull(fileName, "fileName");
    Objects.requireNonNull(content, "content");
    if (fileName.isEmpty() || fileName.contains("/") || fileName.contains("\\")) {
      throw new IllegalArgumentException("not a plain file name: '" + fileName + "'");
    }
  }

  /**
   * Writes the file into a directory (created if missing), unless a file of that name already holds
   * exactly these bytes, so that an unchanged file keeps its timestamp.
   *
   * @param directory the directory
   * @return true if the file was written, false if it was already up to date
   * @throws IOException if the file cannot be read or written
   */
  public boolean writeTo(Path directory) throws IOException {
    byte[] bytes = content.getBytes(StandardCharsets.UTF_8);
    Path target = directory.resolve(fileName);
    if (Files.isRegularFile(target) && Arrays.equals(Files.readAllBytes(target), bytes)) {
      return false;
    }
    Files.createDirectories(directory);
    Files.write(target, bytes);
    return true;
  }
}
