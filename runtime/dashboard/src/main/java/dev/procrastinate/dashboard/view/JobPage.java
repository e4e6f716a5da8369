package dev.procrastinate.dashboard.view;

import gg.jte.html.HtmlTemplateOutput;
import java.util.List;
import org.jspecify.annotations.Nullable;

/**
 * A job's page ({@code job.jte}): its facts, its actions, its events, why its attempts failed, its
 * arguments and result, and the workflow it belongs to.
 *
 * @param layout the page's layout
 * @param status the job's status, as the database names it
 * @param abortRequested true if an abort was requested
 * @param facts the job's other facts, in order
 * @param actions the actions its status allows
 * @param events its events, oldest first
 * @param arguments its arguments, as indented JSON
 * @param result what its task returned, as indented JSON, or null when it has no result
 * @param failures why its attempts failed or were aborted, by attempt
 * @param workflow the steps of the workflow the job belongs to, in the order it was written; empty
 *     when it belongs to none
 * @param noFailures what to say when a job that failed or was retried has no record (run by a
 *     worker that does not record them), or null when the section is not shown
 */
public record JobPage(
    Layout layout,
    String status,
    boolean abortRequested,
    List<Fact> facts,
    List<ActionLink> actions,
    List<Event> events,
    String arguments,
    @Nullable String result,
    List<Failure> failures,
    List<Step> workflow,
    @Nullable String noFailures)
    implements Page {

  @Override
  public void render(HtmlTemplateOutput output) {
    JtejobGenerated.render(output, null, this);
  }

  /**
   * A fact about the job.
   *
   * @param name what it is
   * @param value its value
   * @param href the job list of the jobs that share it, or null
   */
  public record Fact(String name, String value, @Nullable String href) {}

  /**
   * An event of the job's life.
   *
   * @param type the event's type, as the database names it
   * @param label the type in words
   * @param iso when it happened, for the {@code datetime} attribute; null if not recorded
   * @param at when it happened, in UTC
   * @param ago how long ago that was
   */
  public record Event(String type, String label, @Nullable String iso, String at, String ago) {}

  /**
   * Why one attempt failed or was aborted, as its worker recorded it.
   *
   * @param attempt the attempt, from 1
   * @param status failed or aborted
   * @param exceptionClass the exception's class name
   * @param message its message, or null
   * @param stackTrace its stack trace with its causes, or null
   * @param worker the worker that ran the attempt, or a dash
   * @param details what the task added, as "name: value" lines
   * @param iso when, for the {@code datetime} attribute
   * @param at when, in UTC
   * @param ago how long ago that was
   */
  public record Failure(
      int attempt,
      String status,
      String exceptionClass,
      @Nullable String message,
      @Nullable String stackTrace,
      String worker,
      List<String> details,
      String iso,
      String at,
      String ago) {}

  /**
   * A step of the job's workflow.
   *
   * @param id the step's job id
   * @param href its job's page, or null while it waits (it is no job yet)
   * @param task its task
   * @param state its job's status, or {@code waiting}
   * @param after the ids of the steps it runs after, as "#1, #2", or a dash
   * @param waitingFor the ids of those that have not succeeded yet, or a dash
   * @param reason why it was cancelled without running, or null
   * @param current whether it is the job of this page
   */
  public record Step(
      long id,
      @Nullable String href,
      String task,
      String state,
      String after,
      String waitingFor,
      @Nullable String reason,
      boolean current) {}
}
