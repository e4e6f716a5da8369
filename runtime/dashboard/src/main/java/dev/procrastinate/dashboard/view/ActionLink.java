package dev.procrastinate.dashboard.view;

/**
 * A link to the confirmation page of an action.
 *
 * @param name the action's name, such as {@code retry}: it names the button's style and id
 * @param href the confirmation page
 * @param label the button's text
 */
public record ActionLink(String name, String href, String label) {}
