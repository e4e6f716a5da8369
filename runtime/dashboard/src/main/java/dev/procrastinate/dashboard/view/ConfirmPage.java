package dev.procrastinate.dashboard.view;

import gg.jte.html.HtmlTemplateOutput;
import java.util.List;

/**
 * The confirmation of an action, on one job or on every job of a filter ({@code confirm.jte}): a
 * question and a form that POSTs the action.
 *
 * @param layout the page's layout
 * @param question what the action does to which jobs
 * @param target where the form posts
 * @param action the action's name, such as {@code retry}: it names the button's style
 * @param hiddenFields the form's hidden fields, the CSRF token first
 * @param confirmLabel the button's text
 * @param back where going back leads
 */
public record ConfirmPage(
    Layout layout,
    String question,
    String target,
    String action,
    List<HiddenField> hiddenFields,
    String confirmLabel,
    String back)
    implements Page {

  @Override
  public void render(HtmlTemplateOutput output) {
    JteconfirmGenerated.render(output, null, this);
  }

  /**
   * A hidden field of the form.
   *
   * @param name its name
   * @param value its value
   */
  public record HiddenField(String name, String value) {}
}
