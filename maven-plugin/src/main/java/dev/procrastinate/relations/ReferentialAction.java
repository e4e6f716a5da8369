package dev.procrastinate.relations;

import java.util.Arrays;
import java.util.Locale;
import java.util.stream.Collectors;

/** What PostgreSQL does to a referencing row when the job it references is deleted. */
public enum ReferentialAction {
  /** Delete the referencing row with the job. */
  CASCADE("CASCADE"),
  /** Keep the row and set its reference to NULL; the column must be nullable. */
  SET_NULL("SET NULL"),
  /** Keep the row and set its reference to the column's default, which must be NULL or a job. */
  SET_DEFAULT("SET DEFAULT"),
  /** Refuse to delete a job that a row references, at once. */
  RESTRICT("RESTRICT"),
  /** Refuse to delete a job that a row references, at the end of the statement (or transaction). */
  NO_ACTION("NO ACTION");

  private final String sql;

  ReferentialAction(String sql) {
    this.sql = sql;
  }

  /**
   * Returns the action as SQL writes it.
   *
   * @return e.g. {@code SET NULL}
   */
  public String sql() {
    return sql;
  }

  /**
   * Parses an action in any case, with words separated by spaces, underscores or hyphens: {@code
   * SET NULL}, {@code SET_NULL}, {@code set-null} and {@code set null} are the same.
   *
   * @param text the action
   * @return the action
   * @throws IllegalArgumentException naming the text and listing the five valid actions
   */
  public static ReferentialAction parse(String text) {
    String normalized = text.trim().replaceAll("[\\s_-]+", " ").toUpperCase(Locale.ROOT);
    for (ReferentialAction action : values()) {
      if (action.sql.equals(normalized)) {
        return action;
      }
    }
    throw new IllegalArgumentException(
        "unknown ON DELETE action '"
            + text
            + "'; use one of "
            + Arrays.stream(values())
                .map(ReferentialAction::sql)
                .collect(Collectors.joining(", ")));
  }

  /**
   * Reads PostgreSQL's code of an action ({@code pg_constraint.confdeltype}).
   *
   * @param code {@code a}, {@code r}, {@code c}, {@code n} or {@code d}
   * @return the action
   * @throws IllegalArgumentException for another code
   */
  static ReferentialAction fromCatalogCode(String code) {
    return switch (code) {
      case "a" -> NO_ACTION;
      case "r" -> RESTRICT;
      case "c" -> CASCADE;
      case "n" -> SET_NULL;
      case "d" -> SET_DEFAULT;
      default -> throw new IllegalArgumentException("unknown confdeltype " + code);
    };
  }

  /**
   * Tells whether the action refuses to delete a referenced job.
   *
   * @return true for {@link #RESTRICT} and {@link #NO_ACTION}
   */
  public boolean refusesDelete() {
    return this == RESTRICT || this == NO_ACTION;
  }
}
