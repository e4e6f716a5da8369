package dev.procrastinate.dashboard.view;

import gg.jte.html.HtmlTemplateOutput;

/**
 * The workers page ({@code workers.jte}).
 *
 * @param layout the page's layout
 * @param workers the workers
 */
public record WorkersPage(Layout layout, WorkerTable workers) implements Page {
  @Override
  public void render(HtmlTemplateOutput output) {
    JteworkersGenerated.render(output, null, this);
  }
}
