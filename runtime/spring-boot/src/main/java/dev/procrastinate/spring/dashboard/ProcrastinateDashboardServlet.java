package dev.procrastinate.spring.dashboard;

import dev.procrastinate.dashboard.Dashboard;
import dev.procrastinate.dashboard.DashboardRequest;
import dev.procrastinate.dashboard.DashboardResponse;
import jakarta.servlet.http.HttpServlet;
import jakarta.servlet.http.HttpServletRequest;
import jakarta.servlet.http.HttpServletResponse;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.URLDecoder;
import java.net.URLEncoder;
import java.nio.charset.StandardCharsets;
import java.util.Collections;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Objects;

/**
 * Serves a {@link Dashboard} as a servlet: the servlet's mount point (context path and servlet
 * path, such as {@code /procrastinate}) becomes {@link DashboardRequest#basePath()}, the path below
 * it {@link DashboardRequest#path()}. Map it to {@code <path>/*}; the bare {@code <path>} redirects
 * to {@code <path>/}. {@link ProcrastinateDashboardAutoConfiguration} registers it when {@code
 * procrastinate.dashboard.enabled=true}; an application may register it itself, under mappings of
 * its own. Thread-safe.
 *
 * <p>Access is the application's business: the servlet sits behind the application's filters
 * (Spring Security's filter chain when there is one) and checks no credentials itself. When Spring
 * Security's CSRF protection is on, the CSRF token it puts on the request (the request attribute
 * {@code org.springframework.security.web.csrf.CsrfToken}) is added as a hidden field to the
 * dashboard's forms, so that their POSTs pass Spring Security's CSRF filter; the dashboard checks
 * its own token as well.
 *
 * <p>A form's body is rebuilt from the servlet parameters when a filter has already read it (Spring
 * Security's CSRF filter reads the {@code _csrf} parameter), without the query string's parameters.
 * Other request bodies are read up to 1 MiB; a larger one is answered 413.
 */
public final class ProcrastinateDashboardServlet extends HttpServlet {
  private static final long serialVersionUID = 1L;

  /** The largest request body read, in bytes; a larger one is answered 413. */
  static final int MAX_BODY_BYTES = 1 << 20;

  private static final String FORM = "application/x-www-form-urlencoded";

  @SuppressWarnings("serial") // Never serialized: the servlet lives in its container.
  private final Dashboard dashboard;

  /**
   * Creates the servlet.
   *
   * @param dashboard the dashboard it serves
   */
  public ProcrastinateDashboardServlet(Dashboard dashboard) {
    this.dashboard = Objects.requireNonNull(dashboard, "dashboard");
  }

  /**
   * Answers a request through {@link Dashboard#handle}.
   *
   * @param request the request
   * @param response the response
   * @throws IOException if the client goes away
   */
  @Override
  protected void service(HttpServletRequest request, HttpServletResponse response)
      throws IOException {
    String base = request.getContextPath() + request.getServletPath();
    String path = request.getPathInfo();
    String query = request.getQueryString();
    if (path == null) {
      // The bare mount point: the pages' links are absolute, but the overview's address is base/.
      response.setStatus(HttpServletResponse.SC_FOUND);
      response.setHeader("Location", base + "/" + (query == null ? "" : "?" + query));
      return;
    }
    String method = request.getMethod();
    byte[] body;
    if (method.equals("POST") && isForm(request)) {
      body = formBody(request);
    } else {
      try (InputStream in = request.getInputStream()) {
        body = in.readNBytes(MAX_BODY_BYTES + 1);
      }
      if (body.length > MAX_BODY_BYTES) {
        response.sendError(HttpServletResponse.SC_REQUEST_ENTITY_TOO_LARGE);
        return;
      }
    }
    Map<String, String> formFields =
        method.equals("GET") || method.equals("HEAD")
            ? SpringSecurityCsrf.formFields(request)
            : Map.of();
    DashboardRequest dashboardRequest =
        new DashboardRequest(
            method, base, path, query == null ? "" : query, headers(request), body, formFields);
    send(dashboard.handle(dashboardRequest), method, response);
  }

  private static boolean isForm(HttpServletRequest request) {
    String type = request.getContentType();
    return type != null && type.toLowerCase(Locale.ROOT).startsWith(FORM);
  }

  private static Map<String, String> headers(HttpServletRequest request) {
    Map<String, String> headers = new LinkedHashMap<>();
    for (String name : Collections.list(request.getHeaderNames())) {
      if (name.equalsIgnoreCase("Cookie")) {
        // HTTP/2 may split the cookies over several headers.
        headers.put(name, String.join("; ", Collections.list(request.getHeaders(name))));
      } else {
        String value = request.getHeader(name);
        if (value != null) {
          headers.put(name, value);
        }
      }
    }
    return headers;
  }

  /**
   * The form's fields, URL-encoded again: the servlet's parameters less those of the query string,
   * which come first in each parameter's values.
   */
  private static byte[] formBody(HttpServletRequest request) throws IOException {
    if (request.getCharacterEncoding() == null) {
      request.setCharacterEncoding(StandardCharsets.UTF_8.name());
    }
    Map<String, Integer> inQuery = new HashMap<>();
    String query = request.getQueryString();
    if (query != null) {
      for (String pair : query.split("&")) {
        if (!pair.isEmpty()) {
          int equals = pair.indexOf('=');
          String name = equals < 0 ? pair : pair.substring(0, equals);
          inQuery.merge(decode(name), 1, Integer::sum);
        }
      }
    }
    StringBuilder body = new StringBuilder();
    for (Map.Entry<String, String[]> parameter : request.getParameterMap().entrySet()) {
      List<String> values = List.of(parameter.getValue());
      int skip = Math.min(inQuery.getOrDefault(parameter.getKey(), 0), values.size());
      for (String value : values.subList(skip, values.size())) {
        if (body.length() > 0) {
          body.append('&');
        }
        body.append(URLEncoder.encode(parameter.getKey(), StandardCharsets.UTF_8))
            .append('=')
            .append(URLEncoder.encode(value, StandardCharsets.UTF_8));
      }
    }
    return body.toString().getBytes(StandardCharsets.UTF_8);
  }

  private static String decode(String text) {
    try {
      return URLDecoder.decode(text, StandardCharsets.UTF_8);
    } catch (IllegalArgumentException e) {
      return text;
    }
  }

  private static void send(DashboardResponse answer, String method, HttpServletResponse response)
      throws IOException {
    response.setStatus(answer.status());
    response.setContentType(answer.contentType());
    response.setHeader("X-Content-Type-Options", "nosniff");
    response.setHeader("Referrer-Policy", "same-origin");
    answer.headers().forEach(response::addHeader);
    byte[] body = answer.body();
    if (body.length > 0 && !method.equals("HEAD")) {
      response.setContentLength(body.length);
      try (OutputStream out = response.getOutputStream()) {
        out.write(body);
      }
    }
  }
}
