package dev.procrastinate;

/**
 * Thrown when PostgreSQL cannot be reached. The message names the database (URL without password)
 * and the cause.
 */
public final class DatabaseUnavailableException extends ProcrastinateException {
  private static final long serialVersionUID = 1L;

  /**
   * Creates the exception.
   *
   * @param message a message naming the database and the failure
   * @param cause the connection failure
   */
  public DatabaseUnavailableException(String message, Throwable cause) {
    super(message, cause);
  }
}
