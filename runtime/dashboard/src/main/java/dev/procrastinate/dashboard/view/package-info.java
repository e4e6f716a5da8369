/**
 * The dashboard's pages as data, and their compiled templates.
 *
 * <p>Each page is a record ({@link dev.procrastinate.dashboard.view.OverviewPage}, {@link
 * dev.procrastinate.dashboard.view.JobsPage}, ...) that the dashboard's handlers fill from {@link
 * dev.procrastinate.JobManager}'s queries, with every figure already in words. Each is rendered by
 * the jte template of its name in the module's {@code src/main/jte}: {@code overview.jte} for
 * {@code OverviewPage}, within {@code layout.jte}, with the shared parts of {@code
 * src/main/jte/parts} (counts, status badges, the workers' table, the chart, the job filter, the
 * pager). The build generates the templates' Java classes into this package (and {@code .parts})
 * and compiles them with the module, so a template that does not fit its record fails the build.
 * The templates run no query and hold little logic; every value they write is escaped for where it
 * stands.
 *
 * <p>Not an API: these types serve the dashboard's own pages and change with them.
 */
@NullMarked
package dev.procrastinate.dashboard.view;

import org.jspecify.annotations.NullMarked;
