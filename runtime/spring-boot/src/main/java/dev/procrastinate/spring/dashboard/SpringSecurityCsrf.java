package dev.procrastinate.spring.dashboard;

import jakarta.servlet.http.HttpServletRequest;
import java.lang.reflect.InvocationTargetException;
import java.lang.reflect.Method;
import java.util.Map;
import org.jspecify.annotations.Nullable;

/**
 * Reads the CSRF token that Spring Security's {@code CsrfFilter} puts on a request, without a
 * compile-time dependency on Spring Security: the filter stores an {@code
 * org.springframework.security.web.csrf.CsrfToken} under that interface's name, and the token's
 * {@code getParameterName()} and {@code getToken()} give the hidden field a form needs. Reading the
 * token makes Spring Security load or create it (and save it, in the session by default).
 */
final class SpringSecurityCsrf {
  /** The request attribute, named after Spring Security's {@code CsrfToken} interface. */
  static final String ATTRIBUTE = "org.springframework.security.web.csrf.CsrfToken";

  private SpringSecurityCsrf() {}

  /**
   * Returns the hidden field that Spring Security's CSRF filter expects on a POST.
   *
   * @param request the request, after Spring Security's filters
   * @return the parameter name and token, or nothing without Spring Security's CSRF protection
   * @throws IllegalStateException if the token cannot be read
   */
  static Map<String, String> formFields(HttpServletRequest request) {
    Object token = request.getAttribute(ATTRIBUTE);
    if (token == null) {
      return Map.of();
    }
    Class<?> type = csrfTokenInterface(token.getClass());
    if (type == null) {
      return Map.of();
    }
    try {
      // Through the public interface: the implementations are private classes.
      Method parameterName = type.getMethod("getParameterName");
      Method value = type.getMethod("getToken");
      Object name = parameterName.invoke(token);
      Object text = value.invoke(token);
      if (name == null || text == null) {
        return Map.of();
      }
      return Map.of(name.toString(), text.toString());
    } catch (NoSuchMethodException | IllegalAccessException e) {
      throw new IllegalStateException("cannot read Spring Security's CSRF token: " + e, e);
    } catch (InvocationTargetException e) {
      throw new IllegalStateException(
          "Spring Security's CSRF token failed to load: " + e.getCause(), e.getCause());
    }
  }

  private static @Nullable Class<?> csrfTokenInterface(@Nullable Class<?> type) {
    for (Class<?> current = type; current != null; current = current.getSuperclass()) {
      for (Class<?> candidate : current.getInterfaces()) {
        if (candidate.getName().equals(ATTRIBUTE)) {
          return candidate;
        }
        Class<?> inherited = csrfTokenInterface(candidate);
        if (inherited != null) {
          return inherited;
        }
      }
    }
    return null;
  }
}
