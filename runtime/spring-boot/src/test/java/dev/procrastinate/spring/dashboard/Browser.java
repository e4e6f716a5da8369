package dev.procrastinate.spring.dashboard;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.net.CookieManager;
import java.net.HttpCookie;
import java.net.URI;
import java.net.URLEncoder;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Optional;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Collectors;
import org.jspecify.annotations.Nullable;

/**
 * What a browser does with the dashboard, over {@link HttpClient}: keeps cookies, sends a user's
 * HTTP Basic credentials if it has them, and submits a page's form with its hidden fields. Does not
 * follow redirects, so that tests see them.
 */
final class Browser {
  private static final Pattern FORM = Pattern.compile("<form [^>]*action=\"([^\"]*)\"");
  private static final Pattern HIDDEN =
      Pattern.compile("<input type=\"hidden\" name=\"([^\"]*)\" value=\"([^\"]*)\"");

  private final CookieManager cookies = new CookieManager();
  private final HttpClient client;
  private final String origin;
  private final @Nullable String authorization;

  private Browser(int port, @Nullable String authorization) {
    this.client =
        HttpClient.newBuilder()
            .cookieHandler(cookies)
            .followRedirects(HttpClient.Redirect.NEVER)
            .connectTimeout(Duration.ofSeconds(10))
            .build();
    this.origin = "http://localhost:" + port;
    this.authorization = authorization;
  }

  /** A browser without credentials. */
  static Browser anonymous(int port) {
    return new Browser(port, null);
  }

  /** A browser that sends a user's HTTP Basic credentials with every request. */
  static Browser signedIn(int port, String user, String password) {
    String pair = user + ":" + password;
    return new Browser(
        port,
        "Basic "
            + java.util.Base64.getEncoder().encodeToString(pair.getBytes(StandardCharsets.UTF_8)));
  }

  /** The value of a cookie the server set. */
  Optional<String> cookie(String name) {
    return cookies.getCookieStore().getCookies().stream()
        .filter(cookie -> cookie.getName().equals(name))
        .map(HttpCookie::getValue)
        .findFirst();
  }

  /** GETs a path of the server, such as {@code /procrastinate/}. */
  HttpResponse<String> get(String path) throws IOException, InterruptedException {
    return client.send(request(path).GET().build(), HttpResponse.BodyHandlers.ofString());
  }

  /** POSTs form fields to a path of the server. */
  HttpResponse<String> post(String path, Map<String, String> fields)
      throws IOException, InterruptedException {
    String body =
        fields.entrySet().stream()
            .map(
                field ->
                    URLEncoder.encode(field.getKey(), StandardCharsets.UTF_8)
                        + "="
                        + URLEncoder.encode(field.getValue(), StandardCharsets.UTF_8))
            .collect(Collectors.joining("&"));
    return client.send(
        request(path)
            .header("Content-Type", "application/x-www-form-urlencoded")
            .POST(HttpRequest.BodyPublishers.ofString(body))
            .build(),
        HttpResponse.BodyHandlers.ofString());
  }

  private HttpRequest.Builder request(String path) {
    HttpRequest.Builder builder =
        HttpRequest.newBuilder(URI.create(origin + path)).timeout(Duration.ofSeconds(30));
    if (authorization != null) {
      builder.header("Authorization", authorization);
    }
    return builder;
  }

  /** The page's one form: its target and its hidden fields. */
  record Form(String action, Map<String, String> fields) {
    static Form of(String page) {
      Matcher form = FORM.matcher(page);
      assertThat(form.find()).as("the page has a form").isTrue();
      Map<String, String> fields = new LinkedHashMap<>();
      Matcher hidden = HIDDEN.matcher(page);
      while (hidden.find()) {
        fields.put(unescape(hidden.group(1)), unescape(hidden.group(2)));
      }
      return new Form(unescape(form.group(1)), fields);
    }

    /** The same form without one of its fields. */
    Form without(String name) {
      Map<String, String> fewer = new LinkedHashMap<>(fields);
      fewer.remove(name);
      return new Form(action, fewer);
    }

    private static String unescape(String html) {
      return html.replace("&quot;", "\"")
          .replace("&#39;", "'")
          .replace("&lt;", "<")
          .replace("&gt;", ">")
          .replace("&amp;", "&");
    }
  }

  /** Submits a form as the page gave it. */
  HttpResponse<String> submit(Form form) throws IOException, InterruptedException {
    return post(form.action(), form.fields());
  }
}
