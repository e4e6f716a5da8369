package dev.procrastinate.dashboard;

import java.nio.charset.StandardCharsets;
import java.util.LinkedHashMap;
import java.util.Locale;
import java.util.Map;
import java.util.Objects;
import org.jspecify.annotations.Nullable;

/**
 * One HTTP request, as a server adapter hands it to {@link Dashboard#handle}.
 *
 * @param method the HTTP method, such as {@code GET}
 * @param basePath where the dashboard is mounted, without a trailing slash: empty at the root, or
 *     such as {@code /procrastinate}; links on the pages start with it
 * @param path the path below the mount point, starting with {@code /}
 * @param query the raw query string without {@code ?}, or empty
 * @param headers the request headers by lower-case name (the first value of each)
 * @param body the request body, for a POST's form
 * @param formFields hidden fields that every form of the answer carries besides the dashboard's own
 *     CSRF token, by name: for a filter in front of the dashboard that checks a token of its own on
 *     POSTs, such as Spring Security's CSRF filter; usually empty
 */
public record DashboardRequest(
    String method,
    String basePath,
    String path,
    String query,
    Map<String, String> headers,
    byte[] body,
    Map<String, String> formFields) {

  /**
   * Checks and normalises the components: header names in lower case, an empty path as {@code /}.
   *
   * @throws IllegalArgumentException if the base path ends with a slash, or a form field is named
   *     like the dashboard's own token field ({@code csrf})
   */
  public DashboardRequest {
    Objects.requireNonNull(method, "method");
    Objects.requireNonNull(basePath, "basePath");
    Objects.requireNonNull(path, "path");
    Objects.requireNonNull(query, "query");
    Objects.requireNonNull(body, "body");
    Objects.requireNonNull(formFields, "formFields");
    if (basePath.endsWith("/")) {
      throw new IllegalArgumentException(
          "basePath must not end with '/', got '" + basePath + "'; use '' for the root");
    }
    if (path.isEmpty()) {
      path = "/";
    }
    Map<String, String> lower = new LinkedHashMap<>();
    headers.forEach((name, value) -> lower.putIfAbsent(name.toLowerCase(Locale.ROOT), value));
    headers = Map.copyOf(lower);
    body = body.clone();
    if (formFields.containsKey(Csrf.FIELD)) {
      throw new IllegalArgumentException(
          "formFields must not contain '" + Csrf.FIELD + "', the dashboard's own token field");
    }
    formFields = Map.copyOf(formFields);
  }

  /**
   * Creates a request whose forms carry no further field.
   *
   * @param method the HTTP method, such as {@code GET}
   * @param basePath where the dashboard is mounted, without a trailing slash
   * @param path the path below the mount point, starting with {@code /}
   * @param query the raw query string without {@code ?}, or empty
   * @param headers the request headers (the first value of each)
   * @param body the request body
   * @throws IllegalArgumentException if the base path ends with a slash
   */
  public DashboardRequest(
      String method,
      String basePath,
      String path,
      String query,
      Map<String, String> headers,
      byte[] body) {
    this(method, basePath, path, query, headers, body, Map.of());
  }

  /**
   * Creates a GET request without headers, as a test or a health probe sends it.
   *
   * @param path the path below the mount point
   * @param query the query string, or empty
   * @return the request
   */
  public static DashboardRequest get(String path, String query) {
    return new DashboardRequest("GET", "", path, query, Map.of(), new byte[0]);
  }

  /**
   * Returns a header.
   *
   * @param name the header name, in any case
   * @return its value, or null
   */
  public @Nullable String header(String name) {
    return headers.get(name.toLowerCase(Locale.ROOT));
  }

  /**
   * Returns the body as text.
   *
   * @return the body, read as UTF-8
   */
  public String bodyText() {
    return new String(body, StandardCharsets.UTF_8);
  }

  @Override
  public byte[] body() {
    return body.clone();
  }

  @Override
  public boolean equals(@Nullable Object o) {
    return o instanceof DashboardRequest other
        && method.equals(other.method)
        && basePath.equals(other.basePath)
        && path.equals(other.path)
        && query.equals(other.query)
        && headers.equals(other.headers)
        && java.util.Arrays.equals(body, other.body)
        && formFields.equals(other.formFields);
  }

  @Override
  public int hashCode() {
    return Objects.hash(
        method, basePath, path, query, headers, java.util.Arrays.hashCode(body), formFields);
  }

  @Override
  public String toString() {
    return method + " " + basePath + path + (query.isEmpty() ? "" : "?" + query);
  }
}
