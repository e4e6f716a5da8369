package dev.procrastinate.dashboard;

import java.nio.charset.StandardCharsets;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Objects;
import org.jspecify.annotations.Nullable;

/**
 * The answer of {@link Dashboard#handle}, for a server adapter to send.
 *
 * @param status the HTTP status
 * @param contentType the {@code Content-Type}
 * @param headers further headers, such as {@code Location} or {@code Set-Cookie}
 * @param body the body
 */
public record DashboardResponse(
    int status, String contentType, Map<String, String> headers, byte[] body) {

  /** Checks the components and copies them. */
  public DashboardResponse {
    Objects.requireNonNull(contentType, "contentType");
    headers = Map.copyOf(headers);
    body = body.clone();
  }

  static DashboardResponse html(int status, String html) {
    return new DashboardResponse(
        status, "text/html; charset=utf-8", Map.of(), html.getBytes(StandardCharsets.UTF_8));
  }

  static DashboardResponse redirect(String location) {
    return new DashboardResponse(
        303, "text/plain; charset=utf-8", Map.of("Location", location), new byte[0]);
  }

  DashboardResponse withHeader(String name, String value) {
    Map<String, String> more = new LinkedHashMap<>(headers);
    more.put(name, value);
    return new DashboardResponse(status, contentType, more, body);
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
    return o instanceof DashboardResponse other
        && status == other.status
        && contentType.equals(other.contentType)
        && headers.equals(other.headers)
        && Arrays.equals(body, other.body);
  }

  @Override
  public int hashCode() {
    return Objects.hash(status, contentType, headers, Arrays.hashCode(body));
  }

  @Override
  public String toString() {
    return "DashboardResponse[" + status + " " + contentType + ", " + body.length + " bytes]";
  }
}
