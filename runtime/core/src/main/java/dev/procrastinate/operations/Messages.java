package dev.procrastinate.operations;

/** How the front ends (command line, Maven goals, dashboard) turn an exception into one line. */
public final class Messages {
  private Messages() {}

  /**
   * Returns the first line of an exception's message, or its class name when it has none: one clear
   * line, the rest being for verbose output.
   *
   * @param exception the exception to describe
   * @return one line, never empty
   */
  public static String oneLine(Throwable exception) {
    String message = exception.getMessage();
    if (message == null || message.isBlank()) {
      return exception.getClass().getName();
    }
    message = message.strip();
    int newline = message.indexOf('\n');
    return newline < 0 ? message : message.substring(0, newline).strip();
  }
}
