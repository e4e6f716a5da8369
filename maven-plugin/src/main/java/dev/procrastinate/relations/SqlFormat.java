package dev.procrastinate.relations;

import java.util.Locale;

/** How {@link RelationSql} names the migration files it writes. */
public enum SqlFormat {
  /**
   * Flyway's versioned migrations: {@code V<version>__procrastinate_fk_<table>_<column>.sql} and
   * the undo migration {@code U<version>__procrastinate_fk_<table>_<column>.sql}.
   */
  FLYWAY,
  /**
   * Plain SQL files for any other tool: {@code procrastinate_fk_<table>_<column>.up.sql} and {@code
   * procrastinate_fk_<table>_<column>.down.sql}.
   */
  PLAIN;

  /**
   * Parses {@code flyway} or {@code plain}, in any case.
   *
   * @param text the format
   * @return the format
   * @throws IllegalArgumentException naming the text and the accepted values
   */
  public static SqlFormat parse(String text) {
    for (SqlFormat format : values()) {
      if (format.name().equalsIgnoreCase(text.trim())) {
        return format;
      }
    }
    throw new IllegalArgumentException(
        "unknown SQL file format '" + text + "'; use flyway or plain");
  }

  /**
   * Returns the name as configuration writes it.
   *
   * @return {@code flyway} or {@code plain}
   */
  public String value() {
    return name().toLowerCase(Locale.ROOT);
  }
}
