package dev.procrastinate.dashboard.view;

import java.util.List;
import org.jspecify.annotations.Nullable;

/**
 * What every page shows around its content ({@code layout.jte}): the head, the navigation, the
 * flags, the title, a notice and the footer.
 *
 * @param base where the dashboard is mounted, without a trailing slash; the links start with it
 * @param title the page's title, also in the browser's tab
 * @param nav the navigation's links, in order
 * @param readOnly true if the dashboard refuses actions: a badge says so, and no action shows
 * @param refreshMillis how often the page's script refreshes the live figures
 * @param notice what an action just did, or null
 * @param renderedAt when the page was rendered, as the footer shows it
 */
public record Layout(
    String base,
    String title,
    List<NavLink> nav,
    boolean readOnly,
    long refreshMillis,
    @Nullable String notice,
    String renderedAt) {

  /**
   * A link of the navigation.
   *
   * @param href where it goes
   * @param label its text
   * @param current true on the link of the page shown, or of its section
   */
  public record NavLink(String href, String label, boolean current) {}
}
