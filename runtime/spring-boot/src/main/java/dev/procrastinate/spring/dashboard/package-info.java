/**
 * The procrastinate dashboard inside a Spring Boot servlet application: {@link
 * dev.procrastinate.spring.dashboard.ProcrastinateDashboardAutoConfiguration} mounts a {@link
 * dev.procrastinate.spring.dashboard.ProcrastinateDashboardServlet} at {@code
 * procrastinate.dashboard.path} when {@code procrastinate.dashboard.enabled=true}; the servlet
 * adapts servlet requests to the server-independent {@code
 * dev.procrastinate.dashboard.Dashboard#handle}, as {@code DashboardServer} does for the JDK's HTTP
 * server.
 *
 * <p>Access is the application's: the servlet sits behind its filters. With Spring Security, the
 * pages need whatever its filter chain asks, and the actions pass its CSRF filter because the
 * servlet adds Spring Security's CSRF token (read from the request attribute it sets) to the
 * dashboard's forms, next to the dashboard's own token.
 */
@NullMarked
package dev.procrastinate.spring.dashboard;

import org.jspecify.annotations.NullMarked;
