package dev.procrastinate.dashboard;

import dev.procrastinate.internal.config.SettingsSource;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.util.Base64;
import java.util.Locale;
import org.jspecify.annotations.Nullable;

/**
 * Who may open the dashboard when it listens beyond this machine: a user and password (HTTP Basic),
 * a token (HTTP {@code Authorization: Bearer <token>}, or HTTP Basic with the token as password and
 * any user name, for browsers), or both. Immutable and thread-safe.
 *
 * <p>Read from the settings {@code dashboard.user}, {@code dashboard.password} and {@code
 * dashboard.token}: system properties {@code procrastinate.dashboard.user}, ..., environment
 * variables {@code PROCRASTINATE_DASHBOARD_USER}, {@code PROCRASTINATE_DASHBOARD_PASSWORD}, {@code
 * PROCRASTINATE_DASHBOARD_TOKEN}, or {@code procrastinate.properties}.
 */
public final class DashboardCredentials {
  /** The setting of the user name. */
  public static final String USER_KEY = "dashboard.user";

  /** The setting of the user's password. */
  public static final String PASSWORD_KEY = "dashboard.password";

  /** The setting of the token. */
  public static final String TOKEN_KEY = "dashboard.token";

  private static final DashboardCredentials NONE = new DashboardCredentials(null, null, null);

  private final @Nullable String user;
  private final @Nullable String password;
  private final @Nullable String token;

  private DashboardCredentials(
      @Nullable String user, @Nullable String password, @Nullable String token) {
    this.user = user;
    this.password = password;
    this.token = token;
  }

  /**
   * Returns the absence of credentials: anyone who reaches the port may use the dashboard, which
   * {@link DashboardServer} allows on a loopback address only.
   *
   * @return no credentials
   */
  public static DashboardCredentials none() {
    return NONE;
  }

  /**
   * Returns credentials of one user.
   *
   * @param user the user name, not blank
   * @param password the password, not blank
   * @return the credentials
   * @throws IllegalArgumentException if one is blank
   */
  public static DashboardCredentials userAndPassword(String user, String password) {
    return of(user, password, null, "user", "password", false);
  }

  /**
   * Returns credentials of a token.
   *
   * @param token the token, not blank
   * @return the credentials
   * @throws IllegalArgumentException if it is blank
   */
  public static DashboardCredentials token(String token) {
    return of(null, null, token, "user", "password", false);
  }

  /**
   * Reads the credentials from the settings (system properties, environment, {@code
   * procrastinate.properties} found through a class loader).
   *
   * @param classLoader where to look for {@code procrastinate.properties}
   * @return the credentials, {@link #none()} if none is set
   * @throws IllegalArgumentException if a user is set without a password or the other way round,
   *     naming the missing setting
   */
  public static DashboardCredentials fromSettings(ClassLoader classLoader) {
    SettingsSource settings = SettingsSource.fromProcess(classLoader);
    return of(
        settings.get(USER_KEY),
        settings.get(PASSWORD_KEY),
        settings.get(TOKEN_KEY),
        describe(USER_KEY),
        describe(PASSWORD_KEY),
        true);
  }

  private static String describe(String key) {
    return SettingsSource.propertyName(key) + " (" + SettingsSource.environmentName(key) + ")";
  }

  private static DashboardCredentials of(
      @Nullable String user,
      @Nullable String password,
      @Nullable String token,
      String userName,
      String passwordName,
      boolean allowNone) {
    user = blankToNull(user);
    password = blankToNull(password);
    token = blankToNull(token);
    if (user != null && password == null) {
      throw new IllegalArgumentException(
          "the dashboard user is set but not its password; set " + passwordName);
    }
    if (password != null && user == null) {
      throw new IllegalArgumentException(
          "the dashboard password is set but not its user; set " + userName);
    }
    if (user == null && token == null) {
      if (!allowNone) {
        throw new IllegalArgumentException("give a non-blank user and password, or token");
      }
      return NONE;
    }
    return new DashboardCredentials(user, password, token);
  }

  private static @Nullable String blankToNull(@Nullable String value) {
    return value == null || value.isBlank() ? null : value;
  }

  /**
   * Tells whether any credential is set.
   *
   * @return true if requests must authenticate
   */
  public boolean required() {
    return user != null || token != null;
  }

  /**
   * Checks a request's {@code Authorization} header.
   *
   * @param authorization the header's value, or null when absent
   * @return true if no credential is required or the header carries a valid one
   */
  public boolean accepts(@Nullable String authorization) {
    if (!required()) {
      return true;
    }
    if (authorization == null) {
      return false;
    }
    String value = authorization.strip();
    int space = value.indexOf(' ');
    if (space < 0) {
      return false;
    }
    String scheme = value.substring(0, space).toLowerCase(Locale.ROOT);
    String credentials = value.substring(space + 1).strip();
    if (scheme.equals("bearer")) {
      return token != null && same(credentials, token);
    }
    if (!scheme.equals("basic")) {
      return false;
    }
    String decoded;
    try {
      decoded = new String(Base64.getDecoder().decode(credentials), StandardCharsets.UTF_8);
    } catch (IllegalArgumentException e) {
      return false;
    }
    int colon = decoded.indexOf(':');
    if (colon < 0) {
      return false;
    }
    String givenUser = decoded.substring(0, colon);
    String givenPassword = decoded.substring(colon + 1);
    boolean userOk =
        user != null && password != null && same(givenUser, user) & same(givenPassword, password);
    boolean tokenOk = token != null && same(givenPassword, token);
    return userOk || tokenOk;
  }

  private static boolean same(String given, String expected) {
    return MessageDigest.isEqual(
        given.getBytes(StandardCharsets.UTF_8), expected.getBytes(StandardCharsets.UTF_8));
  }

  @Override
  public String toString() {
    return "DashboardCredentials["
        + (user != null ? "user=" + user + ", password=****" : "")
        + (user != null && token != null ? ", " : "")
        + (token != null ? "token=****" : "")
        + "]";
  }
}
