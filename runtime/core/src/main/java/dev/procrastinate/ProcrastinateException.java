package dev.procrastinate;

/**
 * Root of the unchecked exceptions thrown by procrastinate-java. Database errors are wrapped in a
 * subclass or in this type with a message that says what was being done.
 */
public class ProcrastinateException extends RuntimeException {
  private static final long serialVersionUID = 1L;

  /**
   * Creates an exception with a message.
   *
   * @param message what went wrong and, where possible, how to fix it
   */
  public ProcrastinateException(String message) {
    super(message);
  }

  /**
   * Creates an exception with a message and a cause.
   *
   * @param message what went wrong and, where possible, how to fix it
   * @param cause the underlying failure
   */
  public ProcrastinateException(String message, Throwable cause) {
    super(message, cause);
  }
}
