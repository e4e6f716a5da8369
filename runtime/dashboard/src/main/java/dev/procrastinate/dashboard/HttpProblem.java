package dev.procrastinate.dashboard;

/**
 * A request the dashboard answers with an error page: the status, a title and a message that says
 * what is wrong and how to fix it. Never carries a stack trace to the page.
 */
final class HttpProblem extends RuntimeException {
  private static final long serialVersionUID = 1L;

  private final int status;
  private final String title;

  HttpProblem(int status, String title, String message) {
    super(message, null, false, false);
    this.status = status;
    this.title = title;
  }

  static HttpProblem badRequest(String message) {
    return new HttpProblem(400, "Bad request", message);
  }

  static HttpProblem notFound(String message) {
    return new HttpProblem(404, "Not found", message);
  }

  int status() {
    return status;
  }

  String title() {
    return title;
  }
}
