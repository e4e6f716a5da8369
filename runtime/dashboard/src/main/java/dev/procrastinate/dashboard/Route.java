package dev.procrastinate.dashboard;

import java.util.ArrayList;
import java.util.List;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.jspecify.annotations.Nullable;

/**
 * An entry of the dashboard's route table: the requests of a method whose path matches a pattern,
 * and what answers them. A GET route also answers HEAD.
 *
 * @param method {@code GET} or {@code POST}
 * @param path the path below the mount point, as a regular expression whose groups are the
 *     handler's parameters, such as {@code /jobs/([^/]+)}
 * @param handler what answers
 */
record Route(String method, Pattern path, Handler handler) {

  /** Answers a request a route matched. */
  @FunctionalInterface
  interface Handler {
    DashboardResponse answer(Call call);
  }

  /**
   * A request a route matched.
   *
   * @param request the request
   * @param path the request's path, without a trailing slash
   * @param params the path's parts the route's groups captured, in order
   * @param query the request's query string
   * @param page what the pages of the request share
   */
  record Call(
      DashboardRequest request,
      String path,
      List<String> params,
      QueryString query,
      PageContext page) {
    String param(int index) {
      return params.get(index);
    }
  }

  static Route get(String path, Handler handler) {
    return new Route("GET", Pattern.compile(path), handler);
  }

  static Route post(String path, Handler handler) {
    return new Route("POST", Pattern.compile(path), handler);
  }

  /**
   * Returns the parameters of a request's path if this route answers it.
   *
   * @param requestMethod the request's method
   * @param requestPath the request's path, without a trailing slash
   * @return the groups the path's pattern captured, or null if this route does not answer
   */
  @Nullable List<String> match(String requestMethod, String requestPath) {
    boolean answers =
        method.equals(requestMethod) || (method.equals("GET") && requestMethod.equals("HEAD"));
    Matcher matcher = path.matcher(requestPath);
    if (!answers || !matcher.matches()) {
      return null;
    }
    List<String> params = new ArrayList<>();
    for (int group = 1; group <= matcher.groupCount(); group++) {
      params.add(matcher.group(group));
    }
    return params;
  }
}
