package dev.procrastinate.dashboard;

import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.SecureRandom;
import java.util.Base64;
import java.util.Locale;
import org.jspecify.annotations.Nullable;

/**
 * Protection of the actions against cross-site requests: a random token in a {@code
 * SameSite=Strict} cookie that every form repeats in a hidden field (double submit), and a refusal
 * of requests whose {@code Origin} or {@code Sec-Fetch-Site} says they come from another site.
 */
final class Csrf {
  static final String COOKIE = "procrastinate_csrf";
  static final String FIELD = "csrf";

  private static final SecureRandom RANDOM = new SecureRandom();

  private Csrf() {}

  static String newToken() {
    byte[] bytes = new byte[24];
    RANDOM.nextBytes(bytes);
    return Base64.getUrlEncoder().withoutPadding().encodeToString(bytes);
  }

  /** Returns the token of the request's cookie, or null. */
  static @Nullable String cookie(DashboardRequest request) {
    String header = request.header("Cookie");
    if (header == null) {
      return null;
    }
    for (String part : header.split(";")) {
      String pair = part.strip();
      if (pair.startsWith(COOKIE + "=")) {
        String value = pair.substring(COOKIE.length() + 1);
        return value.matches("[A-Za-z0-9_-]{16,64}") ? value : null;
      }
    }
    return null;
  }

  static String setCookie(String token, String basePath) {
    return COOKIE
        + "="
        + token
        + "; Path="
        + (basePath.isEmpty() ? "/" : basePath)
        + "; HttpOnly; SameSite=Strict";
  }

  /**
   * Checks a POST.
   *
   * @throws HttpProblem 403 if the token is missing or does not match, or the request comes from
   *     another site
   */
  static void check(DashboardRequest request, QueryString form) {
    String site = request.header("Sec-Fetch-Site");
    if (site != null && site.toLowerCase(Locale.ROOT).equals("cross-site")) {
      throw forbidden("The action came from another site.");
    }
    String origin = request.header("Origin");
    String host = request.header("Host");
    if (origin != null && !origin.equals("null") && host != null) {
      String originHost;
      try {
        originHost = URI.create(origin).getRawAuthority();
      } catch (IllegalArgumentException e) {
        originHost = null;
      }
      if (originHost == null || !originHost.equalsIgnoreCase(host)) {
        throw forbidden("The action came from another site (" + origin + ").");
      }
    }
    String cookie = cookie(request);
    String field = form.first(FIELD);
    if (cookie == null
        || field == null
        || !MessageDigest.isEqual(
            cookie.getBytes(StandardCharsets.UTF_8), field.getBytes(StandardCharsets.UTF_8))) {
      throw forbidden(
          "The form's security token is missing or stale. Go back, reload the page and try again.");
    }
  }

  private static HttpProblem forbidden(String message) {
    return new HttpProblem(403, "Forbidden", message);
  }
}
