package dev.procrastinate.dashboard.view;

import gg.jte.html.HtmlTemplateOutput;

/**
 * A page that says what is wrong ({@code problem.jte}): an error page, or a confirmation page with
 * nothing to confirm.
 *
 * @param layout the page's layout
 * @param message what is wrong, and how to fix it
 * @param back where to go from here
 */
public record ProblemPage(Layout layout, String message, Link back) implements Page {
  @Override
  public void render(HtmlTemplateOutput output) {
    JteproblemGenerated.render(output, null, this);
  }
}
