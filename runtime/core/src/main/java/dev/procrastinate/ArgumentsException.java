package dev.procrastinate;

/**
 * A job's JSON {@code args} do not fit its task's parameters: an argument is missing, has the wrong
 * JSON type, or is not a parameter of the task. The message names the task, the argument, the
 * expected type and the value received. Retrying such a job cannot help.
 */
public class ArgumentsException extends ProcrastinateException {
  private static final long serialVersionUID = 1L;

  /**
   * Creates an exception with a message.
   *
   * @param message what does not fit, naming task, argument, expected type and value
   */
  public ArgumentsException(String message) {
    super(message);
  }

  /**
   * Creates an exception with a message and a cause.
   *
   * @param message what does not fit, naming task, argument, expected type and value
   * @param cause the JSON mapper's error
   */
  public ArgumentsException(String message, Throwable cause) {
    super(message, cause);
  }
}
