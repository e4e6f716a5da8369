package dev.procrastinate.dashboard.view;

import gg.jte.html.HtmlTemplateOutput;
import java.util.List;
import org.jspecify.annotations.Nullable;

/**
 * The job list ({@code jobs.jte}): the filter, the bulk actions, one page of jobs, newest first,
 * and the links to the other pages.
 *
 * @param layout the page's layout
 * @param filter the filter's form
 * @param bulkActions the actions on every job of the filter
 * @param jobs the jobs of this page
 * @param newestHref the first page, or null on the first page
 * @param olderHref the next page, or null on the last one
 */
public record JobsPage(
    Layout layout,
    Filter filter,
    List<ActionLink> bulkActions,
    List<Row> jobs,
    @Nullable String newestHref,
    @Nullable String olderHref)
    implements Page {

  @Override
  public void render(HtmlTemplateOutput output) {
    JtejobsGenerated.render(output, null, this);
  }

  /**
   * A job of the list.
   *
   * @param id its id
   * @param href its page
   * @param task its task's name
   * @param queue its queue
   * @param status its status, as the database names it
   * @param abortRequested true if an abort was requested
   * @param attempts its attempts so far
   * @param priority its priority
   * @param lock its lock, or empty
   * @param scheduled when it is scheduled, or empty
   * @param worker the worker running it, or empty
   * @param lastError its latest recorded failure, as the exception's simple class name and the
   *     first line of its message, or null
   * @param lastErrorClass that exception's full class name, or null
   */
  public record Row(
      long id,
      String href,
      String task,
      String queue,
      String status,
      boolean abortRequested,
      int attempts,
      int priority,
      String lock,
      String scheduled,
      String worker,
      @Nullable String lastError,
      @Nullable String lastErrorClass) {}

  /**
   * The filter's form ({@code parts/filter.jte}), filled with the filter shown.
   *
   * @param action where the form goes: the job list
   * @param statuses the choices of status
   * @param fields the text fields
   * @param limit the page size to keep, or null for the default one
   * @param hint the filter in words when it has several statuses (a single choice cannot show
   *     them), or null
   */
  public record Filter(
      String action,
      List<Option> statuses,
      List<Field> fields,
      @Nullable String limit,
      @Nullable String hint) {}

  /**
   * A choice of status.
   *
   * @param value the status, as the database names it
   * @param selected true if the filter has it
   */
  public record Option(String value, boolean selected) {}

  /**
   * A text field of the filter.
   *
   * @param label its label
   * @param name its parameter's name
   * @param value its value, or empty
   * @param placeholder what shows while it is empty
   */
  public record Field(String label, String name, String value, String placeholder) {}
}
