package dev.procrastinate.dashboard.view;

/**
 * The count of one status in a row of counts per status ({@code parts/statusCounts.jte}).
 *
 * @param status the status, as the database names it
 * @param count the count of jobs in that status
 */
public record StatusCount(String status, Count count) {}
