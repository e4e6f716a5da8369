package dev.procrastinate.relations;

import java.util.Objects;
import org.jspecify.annotations.Nullable;

/**
 * One thing {@link RelationChecker} found in the database.
 *
 * @param severity how much it matters
 * @param relation the relation it is about, or null when it is about the database as a whole
 * @param message what was found, as a full sentence
 * @param fix what to do about it (often SQL to run), or empty when nothing needs doing
 */
public record Finding(Severity severity, @Nullable Relation relation, String message, String fix) {

  /** Checks the fields. */
  public Finding {
    Objects.requireNonNull(severity, "severity");
    Objects.requireNonNull(message, "message");
    Objects.requireNonNull(fix, "fix");
  }

  /**
   * Formats the finding on one or two lines: {@code ERROR orders.job_id: message} and, when there
   * is a fix, {@code fix: …}.
   *
   * @return the text
   */
  @Override
  public String toString() {
    return severity
        + " "
        + (relation == null ? "database" : relation.describe())
        + ": "
        + message
        + (fix.isEmpty() ? "" : "\n  fix: " + fix);
  }
}
