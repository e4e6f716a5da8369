package dev.procrastinate;

/**
 * Thrown when the Procrastinate schema of a database is missing, incomplete, of an unknown shape,
 * or older than this runtime needs. The message says what was found and what to do; nothing is ever
 * dropped or altered when this is thrown.
 */
public final class SchemaException extends ProcrastinateException {
  private static final long serialVersionUID = 1L;

  /**
   * Creates the exception.
   *
   * @param message what was found and what to do
   */
  public SchemaException(String message) {
    super(message);
  }

  /**
   * Creates the exception with a cause.
   *
   * @param message what was found and what to do
   * @param cause the underlying failure
   */
  public SchemaException(String message, Throwable cause) {
    super(message, cause);
  }
}
