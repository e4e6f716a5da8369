package dev.procrastinate;

import java.util.Locale;

/** Which finished jobs a worker deletes instead of keeping, as upstream's {@code delete_jobs}. */
public enum DeleteJobs {
  /** Keep every job (default). */
  NEVER,
  /** Delete jobs that succeeded; keep failed and aborted ones. */
  SUCCESSFUL,
  /** Delete every job once it ends, whatever its status. Retries are not affected. */
  ALWAYS;

  /**
   * Parses upstream's spelling: {@code never}, {@code successful} or {@code always}.
   *
   * @param value the text, any case
   * @return the policy
   * @throws IllegalArgumentException listing the accepted values
   */
  public static DeleteJobs parse(String value) {
    for (DeleteJobs policy : values()) {
      if (policy.name().equalsIgnoreCase(value.trim())) {
        return policy;
      }
    }
    throw new IllegalArgumentException(
        "delete-jobs policy '" + value + "' is not one of never, successful, always");
  }

  /**
   * Returns upstream's spelling.
   *
   * @return e.g. {@code successful}
   */
  public String value() {
    return name().toLowerCase(Locale.ROOT);
  }
}
