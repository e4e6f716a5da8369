package dev.procrastinate.dashboard.view;

import org.jspecify.annotations.Nullable;

/**
 * A count of jobs as a table shows it ({@code parts/count.jte}): a link to the jobs counted, or a
 * greyed zero.
 *
 * @param text the count, formatted
 * @param href the job list of the jobs counted; null for a zero
 */
public record Count(String text, @Nullable String href) {}
