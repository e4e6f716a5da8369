package dev.procrastinate.dashboard.view;

import gg.jte.html.HtmlTemplateOutput;
import java.util.List;
import org.jspecify.annotations.Nullable;

/**
 * The limits page ({@code limits.jte}): every flow control (paused queues, and the concurrency and
 * rate limits of queues and tasks, set live and declared in code) with the jobs of each running now
 * and the buttons that clear a limit or resume a queue, then the form that sets a limit.
 *
 * @param layout the page's layout
 * @param limits the controls, queues first, by name
 * @param form the form that sets a limit, or null on a read-only dashboard
 * @param error why the form's last input was refused, or null
 */
public record LimitsPage(
    Layout layout, List<Row> limits, @Nullable LimitForm form, @Nullable String error)
    implements Page {

  @Override
  public void render(HtmlTemplateOutput output) {
    JtelimitsGenerated.render(output, null, this);
  }

  /**
   * The controls of one queue or task.
   *
   * @param target the queue or task as the shell writes it, such as {@code queue=emails}
   * @param scope {@code queue} or {@code task}
   * @param name the queue's or the task's name
   * @param href the job list of its jobs
   * @param paused true if it is a paused queue
   * @param concurrency the concurrency limit set live, or a dash
   * @param declaredConcurrency the concurrency limit its code declares, or a dash
   * @param concurrencyOverridden true if a live concurrency limit wins over a declared one
   * @param rate the rate limit set live, such as {@code 50/1s}, or a dash
   * @param declaredRate the rate limit its code declares, or a dash
   * @param rateOverridden true if a live rate limit wins over a declared one
   * @param running its jobs running now, on every worker
   * @param updatedIso when its controls last changed, for the {@code datetime} attribute
   * @param updatedAgo how long ago that was
   * @param actions the confirmations of clearing its live limits, and of pausing or resuming it
   */
  public record Row(
      String target,
      String scope,
      String name,
      String href,
      boolean paused,
      String concurrency,
      String declaredConcurrency,
      boolean concurrencyOverridden,
      String rate,
      String declaredRate,
      boolean rateOverridden,
      Count running,
      String updatedIso,
      String updatedAgo,
      List<ActionLink> actions) {}

  /**
   * The form that sets a limit, with the values last given.
   *
   * @param action where the form goes: the confirmation of the limit
   * @param scopes the choices of what to limit, a queue or a task
   * @param name the queue's or task's name given
   * @param concurrency the concurrency limit given
   * @param rate the rate limit given
   */
  public record LimitForm(
      String action, List<Option> scopes, String name, String concurrency, String rate) {}

  /**
   * A choice of a select.
   *
   * @param value its value
   * @param selected true if chosen
   */
  public record Option(String value, boolean selected) {}
}
