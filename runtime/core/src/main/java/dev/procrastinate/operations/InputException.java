package dev.procrastinate.operations;

import org.jspecify.annotations.Nullable;

/**
 * An input a front end was given is invalid: the message names the input as the user wrote it, says
 * what is wrong and how to write it. Front ends report it as bad usage: exit code 2 on the command
 * line, a build failure in Maven.
 */
public final class InputException extends IllegalArgumentException {
  private static final long serialVersionUID = 1L;

  private final Input input;

  /**
   * Creates the exception.
   *
   * @param input the input that is invalid
   * @param message what is wrong and how to fix it, naming the input
   * @param cause the parser's exception, or null
   */
  public InputException(Input input, String message, @Nullable Throwable cause) {
    super(message, cause);
    this.input = input;
  }

  /**
   * Returns the input that is invalid.
   *
   * @return the input
   */
  public Input input() {
    return input;
  }
}
