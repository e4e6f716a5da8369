package dev.procrastinate;

/**
 * Thrown when PostgreSQL cannot be reached or the connection to it was lost. The message names the
 * database (URL without password), what happened (refused, terminated by the server, the server
 * shutting down, a broken connection), and whether what was being written may have been stored.
 */
public final class DatabaseUnavailableException extends ProcrastinateException {
  private static final long serialVersionUID = 1L;

  private final boolean outcomeUnknown;

  /**
   * Creates the exception for a failure that wrote nothing.
   *
   * @param message a message naming the database and the failure
   * @param cause the connection failure
   */
  public DatabaseUnavailableException(String message, Throwable cause) {
    this(message, cause, false);
  }

  /**
   * Creates the exception.
   *
   * @param message a message naming the database and the failure
   * @param cause the connection failure
   * @param outcomeUnknown whether the connection was lost after a commit was sent, so that what was
   *     written may have been stored
   */
  public DatabaseUnavailableException(String message, Throwable cause, boolean outcomeUnknown) {
    super(message, cause);
    this.outcomeUnknown = outcomeUnknown;
  }

  /**
   * Tells whether the connection was lost after the commit was sent: the write (a deferred job,
   * say) may have been stored or not, and must be looked up before it is made again. False when
   * nothing was stored for sure: the server was not reached, or the transaction was lost before its
   * commit.
   *
   * @return whether the write's outcome is unknown
   */
  public boolean isOutcomeUnknown() {
    return outcomeUnknown;
  }
}
