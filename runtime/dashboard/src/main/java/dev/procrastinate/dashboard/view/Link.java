package dev.procrastinate.dashboard.view;

/**
 * A link.
 *
 * @param href where it goes
 * @param label its text
 */
public record Link(String href, String label) {}
