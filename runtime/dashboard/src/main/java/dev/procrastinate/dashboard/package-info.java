/**
 * The web dashboard: what operators see of the queue, and the few actions they take on it.
 *
 * <h2>Design</h2>
 *
 * <ul>
 *   <li>{@link dev.procrastinate.dashboard.Dashboard} is the whole application as one function from
 *       a {@link dev.procrastinate.dashboard.DashboardRequest} to a {@link
 *       dev.procrastinate.dashboard.DashboardResponse}. It knows no server: {@link
 *       dev.procrastinate.dashboard.DashboardServer} mounts it on the JDK's {@code
 *       com.sun.net.httpserver} for the command line and the Maven goal, and a servlet or Spring
 *       adapter can mount the same handler under any path ({@code DashboardRequest.basePath}).
 *   <li>Every figure comes from {@link dev.procrastinate.JobManager}'s read queries; every change
 *       from its actions ({@code retry}, {@code cancel}, {@code abort} and their bulk forms; {@code
 *       pauseQueue}, {@code resumeQueue}, {@code setConcurrencyLimit}, {@code setRateLimit} and
 *       {@code clearLimits} for flow control). The dashboard runs no SQL of its own.
 *   <li>Requests find their handler in a route table ({@code Route} entries in {@code Dashboard}: a
 *       method, a path pattern whose groups are the handler's parameters, a handler), tried in
 *       order; a GET route also answers HEAD. A POST is checked (read-only, CSRF) before any route
 *       is tried.
 *   <li>A page is data, then markup. The handlers fill a page's record of {@link
 *       dev.procrastinate.dashboard.view} from the queries ({@code StatusPages}: overview, locks,
 *       workers; {@code JobPages}: the job list, a job, the confirmations; {@code TaskPages}:
 *       tasks, periodic schedules; {@code FlowPages}: the limits page, and pausing, resuming and
 *       limiting queues and tasks), with every figure already in words ({@code Format}). The
 *       record's jte template in {@code src/main/jte} turns it into HTML: one template per page,
 *       inside {@code layout.jte} (head, navigation, notice, footer), with shared parts in {@code
 *       parts/}. The build compiles the templates with the module, so a template that does not fit
 *       its record fails the build, and nothing is compiled at run time.
 *   <li>Every value a template writes is escaped for where it stands ({@code HtmlOutput}): a job's
 *       arguments, a task's name or a value of the address show as text, whatever they hold.
 *   <li>Pages are rendered on the server. A small script ({@code assets/dashboard.js}) polls the
 *       page's own URL and swaps the elements marked {@code data-live}, so figures stay current
 *       without a reload and every page still works without JavaScript. Styles, script and the
 *       chart (inline SVG) are in the jar: no CDN, no Node.js.
 *   <li>URLs carry the job list's filter ({@code /jobs?status=failed&queue=emails}), so a view can
 *       be shared. Paging is by id, newest first ({@code before=<id>}).
 *   <li>Actions are POSTs after a confirmation page that says what (and, for a filter, how many
 *       jobs) they touch. They carry a CSRF token (a cookie and a form field that must match, the
 *       cookie {@code SameSite=Strict}), and an {@code Origin} from another site is refused. A
 *       read-only dashboard shows no action and answers 403 to one.
 *   <li>Access: {@link dev.procrastinate.dashboard.DashboardServer} binds to 127.0.0.1 unless told
 *       otherwise, and refuses any other address without {@link
 *       dev.procrastinate.dashboard.DashboardCredentials} (HTTP Basic with a user and password, or
 *       a token). Without credentials it answers only to requests whose {@code Host} names this
 *       machine ({@code localhost}, {@code 127.0.0.1}, {@code [::1]}) or a name of {@code
 *       procrastinate.dashboard.allowed-hosts}, so that a page of another site cannot reach it
 *       through DNS rebinding. An adapter that mounts the handler in an application (the Spring
 *       Boot starter's servlet) leaves access to the application's own security. No page shows the
 *       database's settings.
 *   <li>Bad input (an unknown id, a malformed filter) gives a 404 or 400 page that names the
 *       problem; an unexpected failure gives a 500 page without a stack trace, which goes to the
 *       log.
 * </ul>
 */
@NullMarked
package dev.procrastinate.dashboard;

import org.jspecify.annotations.NullMarked;
