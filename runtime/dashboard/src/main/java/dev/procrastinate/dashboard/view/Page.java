package dev.procrastinate.dashboard.view;

import gg.jte.html.HtmlTemplateOutput;

/**
 * A whole page of the dashboard: the figures its template shows, and which template that is. Each
 * page is a record filled by the dashboard's handlers and rendered by the template of the same name
 * in {@code src/main/jte}.
 */
public interface Page {
  /**
   * Returns what every page shows around its content: title, navigation, notice, footer.
   *
   * @return the layout
   */
  Layout layout();

  /**
   * Writes the page with its template.
   *
   * @param output where to write; it escapes every value the template writes
   */
  void render(HtmlTemplateOutput output);
}
