package dev.procrastinate.dashboard;

import dev.procrastinate.JobManager;
import dev.procrastinate.dashboard.view.ActionLink;
import dev.procrastinate.dashboard.view.LimitsPage;
import dev.procrastinate.dashboard.view.Link;
import dev.procrastinate.dashboard.view.Page;
import dev.procrastinate.dashboard.view.ProblemPage;
import dev.procrastinate.model.FlowControl;
import dev.procrastinate.model.LimitTarget;
import dev.procrastinate.model.RateLimit;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Optional;
import org.jspecify.annotations.Nullable;

/**
 * The pages and actions of flow control, over {@link JobManager}'s: pausing and resuming a queue
 * (from the overview's queue table or the limits page), the limits page with its form, setting the
 * limits of a queue or a task, and clearing them. Each action is confirmed on a page of its own,
 * then POSTed; what it did shows as a notice on the page it leads back to.
 *
 * <p>The addresses: {@code /queues/pause?queue=Q} and {@code /queues/resume?queue=Q} (with {@code
 * from=limits} to come back to the limits page), {@code /limits}, {@code
 * /limits/set?scope=queue|task&name=N&concurrency=C&rate=R} and {@code
 * /limits/clear?scope=queue|task&name=N}.
 */
final class FlowPages {
  /** A queue action: pause or resume. */
  enum QueueAction {
    PAUSE("pause", "Pause…"),
    RESUME("resume", "Resume…");

    /** The action's name in URLs and its button's style. */
    final String path;

    /** The label of the button that leads to its confirmation. */
    final String button;

    QueueAction(String path, String button) {
      this.path = path;
      this.button = button;
    }

    static QueueAction of(String path) {
      return path.equals("pause") ? PAUSE : RESUME;
    }
  }

  /**
   * A limit to set, read from the form or from the confirmation's address.
   *
   * @param target the queue or task
   * @param concurrency the concurrency limit, or null to leave it
   * @param rate the rate limit, or null to leave it
   */
  record LimitChange(LimitTarget target, @Nullable Integer concurrency, @Nullable RateLimit rate) {
    /** Returns the limits in words, such as {@code concurrency 5 and rate 50/1s}. */
    String describe() {
      List<String> parts = new ArrayList<>();
      if (concurrency != null) {
        parts.add("concurrency " + concurrency);
      }
      if (rate != null) {
        parts.add("rate " + rate);
      }
      return String.join(" and ", parts);
    }

    /** Returns the query string that carries it. */
    String toQueryString() {
      return targetQuery(target)
          + (concurrency == null ? "" : "&concurrency=" + concurrency)
          + (rate == null ? "" : "&" + PageContext.param("rate", rate.toString()));
    }
  }

  private final PageContext context;
  private final JobManager jobs;

  FlowPages(PageContext context) {
    this.context = context;
    this.jobs = context.jobs();
  }

  // ------------------------------------------------------------------------------- the pages

  /** Returns the limits page, its form empty. */
  LimitsPage limits(@Nullable String notice) {
    return limits(notice, QueryString.parse(""), null);
  }

  /** Returns the limits page, its form filled with what a refused input gave, and why. */
  LimitsPage refused(QueryString input, String error) {
    return limits(null, input, error);
  }

  private LimitsPage limits(@Nullable String notice, QueryString input, @Nullable String error) {
    List<LimitsPage.Row> rows = new ArrayList<>();
    for (FlowControl control : jobs.flowControls()) {
      LimitTarget target = control.target();
      String scope = target.scope().key();
      List<ActionLink> actions = new ArrayList<>();
      if (control.concurrency() != null || control.rate() != null) {
        actions.add(
            new ActionLink(
                "clear", context.base() + "/limits/clear?" + targetQuery(target), "Clear…"));
      }
      if (target.scope() == LimitTarget.Scope.QUEUE) {
        actions.add(
            queueAction(
                control.paused() ? QueueAction.RESUME : QueueAction.PAUSE, target.name(), true));
      }
      rows.add(
          new LimitsPage.Row(
              target.toString(),
              scope,
              target.name(),
              context.jobsUrl(PageContext.param(scope, target.name())),
              control.paused(),
              orDash(control.concurrency()),
              orDash(control.declaredConcurrency()),
              control.concurrency() != null && control.declaredConcurrency() != null,
              orDash(control.rate()),
              orDash(control.declaredRate()),
              control.rate() != null && control.declaredRate() != null,
              PageContext.count(
                  control.running(),
                  context.jobsUrl(
                      PageContext.param("status", "doing")
                          + "&"
                          + PageContext.param(scope, target.name()))),
              Format.iso(control.updatedAt()),
              Format.ago(control.updatedAt(), context.now()),
              actions));
    }
    LimitsPage.LimitForm form = null;
    if (!context.readOnly()) {
      String scope = input.first("scope");
      boolean task = "task".equals(scope);
      form =
          new LimitsPage.LimitForm(
              context.base() + "/limits/set",
              List.of(new LimitsPage.Option("queue", !task), new LimitsPage.Option("task", task)),
              orEmpty(input.first("name")),
              orEmpty(input.first("concurrency")),
              orEmpty(input.first("rate")));
    }
    return new LimitsPage(context.layout("limits", "Limits", notice), rows, form, error);
  }

  /** Returns the link to the confirmation of a queue action. */
  ActionLink queueAction(QueueAction action, String queue, boolean fromLimits) {
    return new ActionLink(
        action.path,
        context.base()
            + "/queues/"
            + action.path
            + "?"
            + PageContext.param("queue", queue)
            + (fromLimits ? "&from=limits" : ""),
        action.button);
  }

  // ------------------------------------------------------------------------ confirmations

  /** Returns the confirmation of pausing or resuming a queue, or why there is nothing to do. */
  Page confirmQueue(QueueAction action, QueryString query) {
    context.refuseIfReadOnly("pause or resume queues");
    String queue = queue(query);
    String back = back(query);
    boolean paused = isPaused(queue);
    String section = section(query);
    if (action == QueueAction.PAUSE) {
      if (paused) {
        return new ProblemPage(
            context.layout(section, "Pause queue " + queue, null),
            "Queue " + queue + " is already paused: nothing to do.",
            new Link(back, "Back"));
      }
      return context.confirmation(
          section,
          "Pause queue " + queue,
          "Pause queue "
              + queue
              + "? No worker of this runtime starts its jobs until it is resumed; the jobs running"
              + " now finish. Python workers do not obey.",
          actionUrl(action, query),
          action.path,
          "Yes, pause it",
          back);
    }
    if (!paused) {
      return new ProblemPage(
          context.layout(section, "Resume queue " + queue, null),
          "Queue " + queue + " is not paused: nothing to do.",
          new Link(back, "Back"));
    }
    return context.confirmation(
        section,
        "Resume queue " + queue,
        "Resume queue " + queue + "? Its workers are woken and start its jobs again at once.",
        actionUrl(action, query),
        action.path,
        "Yes, resume it",
        back);
  }

  /** Returns the confirmation of setting limits. */
  Page confirmSet(LimitChange change) {
    String title = "Set limits of " + words(change.target());
    return context.confirmation(
        "limits",
        title,
        "Set "
            + change.describe()
            + " on "
            + words(change.target())
            + "? Every worker of this runtime obeys it from its next fetch, over any limit its code"
            + " declares. Python workers do not obey it.",
        context.base() + "/limits/set?" + change.toQueryString(),
        "set-limit",
        "Yes, set it",
        context.base() + "/limits");
  }

  /** Returns the confirmation of clearing the live limits of a queue or task. */
  Page confirmClear(QueryString query) {
    context.refuseIfReadOnly("change limits");
    LimitTarget target = target(query);
    String title = "Clear limits of " + words(target);
    Optional<FlowControl> control = control(target);
    if (control.isEmpty()
        || (control.get().concurrency() == null && control.get().rate() == null)) {
      return new ProblemPage(
          context.layout("limits", title, null),
          capitalized(words(target))
              + " has no limit set here: nothing to clear. A limit its code declares changes"
              + " with its code.",
          new Link(context.base() + "/limits", "Back to the limits"));
    }
    FlowControl current = control.get();
    LimitChange live = new LimitChange(target, current.concurrency(), current.rate());
    boolean declares = current.declaredConcurrency() != null || current.declaredRate() != null;
    return context.confirmation(
        "limits",
        title,
        "Clear "
            + live.describe()
            + " of "
            + words(target)
            + "? "
            + (declares
                ? "The limits its code declares apply again."
                : "Its code declares none: its jobs run without a limit."),
        context.base() + "/limits/clear?" + targetQuery(target),
        "clear",
        "Yes, clear it",
        context.base() + "/limits");
  }

  // ------------------------------------------------------------------------------ actions

  /** Pauses or resumes a queue, then leads back with what happened. */
  DashboardResponse actOnQueue(QueueAction action, QueryString query) {
    String queue = queue(query);
    boolean changed =
        action == QueueAction.PAUSE ? jobs.pauseQueue(queue) : jobs.resumeQueue(queue);
    String done =
        action == QueueAction.PAUSE
            ? (changed ? "paused" : "already-paused")
            : (changed ? "resumed" : "not-paused");
    String back = back(query);
    return DashboardResponse.redirect(
        back + "?done=" + done + "&" + PageContext.param("queue", queue));
  }

  /** Sets limits, then shows the limits page. */
  DashboardResponse set(LimitChange change) {
    if (change.concurrency() != null) {
      jobs.setConcurrencyLimit(change.target(), change.concurrency());
    }
    if (change.rate() != null) {
      jobs.setRateLimit(change.target(), change.rate());
    }
    return DashboardResponse.redirect(
        context.base() + "/limits?done=limit-set&" + targetQuery(change.target()));
  }

  /** Clears the live limits of a queue or task, then shows the limits page. */
  DashboardResponse clear(QueryString query) {
    LimitTarget target = target(query);
    boolean cleared = jobs.clearLimits(target);
    return DashboardResponse.redirect(
        context.base()
            + "/limits?done="
            + (cleared ? "limits-cleared" : "nothing-cleared")
            + "&"
            + targetQuery(target));
  }

  // ------------------------------------------------------------------------------ reading

  /**
   * Reads the limits to set: what to limit, and a concurrency limit, a rate limit or both.
   *
   * @throws HttpProblem 400 naming the bad field and how to fix it
   */
  static LimitChange change(QueryString query) {
    LimitTarget target = target(query);
    String concurrencyText = query.first("concurrency");
    String rateText = query.first("rate");
    if (concurrencyText == null && rateText == null) {
      throw HttpProblem.badRequest(
          "Give a concurrency limit, a rate limit or both. To lift the limits of "
              + words(target)
              + ", use Clear on its row.");
    }
    Integer concurrency = null;
    if (concurrencyText != null) {
      try {
        concurrency = Integer.parseInt(concurrencyText);
      } catch (NumberFormatException e) {
        concurrency = -1;
      }
      if (concurrency < 1) {
        throw HttpProblem.badRequest(
            "Concurrency '"
                + concurrencyText
                + "' is not a whole number of at least 1: give the most jobs running at once,"
                + " such as 5. To lift a limit, use Clear on its row.");
      }
    }
    RateLimit rate = null;
    if (rateText != null) {
      try {
        rate = RateLimit.parse(rateText);
      } catch (IllegalArgumentException e) {
        throw HttpProblem.badRequest(capitalized(String.valueOf(e.getMessage())) + ".");
      }
    }
    return new LimitChange(target, concurrency, rate);
  }

  /**
   * Reads what a limit applies to: {@code scope=queue|task} and {@code name}.
   *
   * @throws HttpProblem 400 if either is missing or wrong
   */
  static LimitTarget target(QueryString query) {
    String scope = query.first("scope");
    String name = query.first("name");
    if (scope == null || !(scope.equals("queue") || scope.equals("task"))) {
      throw HttpProblem.badRequest(
          "Say what to limit: a queue or a task (scope=queue or scope=task), not '"
              + (scope == null ? "" : scope)
              + "'.");
    }
    if (name == null) {
      throw HttpProblem.badRequest("Give the name of the " + scope + " to limit.");
    }
    return scope.equals("queue") ? LimitTarget.queue(name) : LimitTarget.task(name);
  }

  private static String queue(QueryString query) {
    String queue = query.first("queue");
    if (queue == null) {
      throw HttpProblem.badRequest("Say which queue, as in /queues/pause?queue=emails.");
    }
    return queue;
  }

  /** Returns what a flow-control action did, from the address it led to, or null. */
  static @Nullable String notice(QueryString query) {
    String done = query.first("done");
    if (done == null) {
      return null;
    }
    String queue = query.first("queue");
    if (queue != null) {
      switch (done) {
        case "paused":
          return "Queue "
              + queue
              + " paused: no worker of this runtime starts its jobs until it is resumed; the jobs"
              + " running now finish. Python workers do not obey.";
        case "already-paused":
          return "Queue " + queue + " was already paused: nothing changed.";
        case "resumed":
          return "Queue " + queue + " resumed: its workers start its jobs again.";
        case "not-paused":
          return "Queue " + queue + " was not paused: nothing changed.";
        default:
          break;
      }
    }
    LimitTarget target;
    try {
      target = target(query);
    } catch (HttpProblem e) {
      return null;
    }
    return switch (done) {
      case "limit-set" ->
          "Limits of "
              + words(target)
              + " set: every worker of this runtime obeys them from its next fetch.";
      case "limits-cleared" ->
          "Limits of "
              + words(target)
              + " cleared: the limits its code declares, if any, apply again.";
      case "nothing-cleared" ->
          capitalized(words(target)) + " had no limit set here: nothing changed.";
      default -> null;
    };
  }

  // ------------------------------------------------------------------------------ helpers

  private boolean isPaused(String queue) {
    return control(LimitTarget.queue(queue)).map(FlowControl::paused).orElse(false);
  }

  private Optional<FlowControl> control(LimitTarget target) {
    return jobs.flowControls().stream().filter(c -> c.target().equals(target)).findFirst();
  }

  private String actionUrl(QueueAction action, QueryString query) {
    return context.base()
        + "/queues/"
        + action.path
        + "?"
        + PageContext.param("queue", queue(query))
        + (fromLimits(query) ? "&from=limits" : "");
  }

  private static boolean fromLimits(QueryString query) {
    return "limits".equals(query.first("from"));
  }

  private String back(QueryString query) {
    return context.base() + (fromLimits(query) ? "/limits" : "/");
  }

  private static String section(QueryString query) {
    return fromLimits(query) ? "limits" : "overview";
  }

  static String targetQuery(LimitTarget target) {
    return "scope=" + target.scope().key() + "&" + PageContext.param("name", target.name());
  }

  /** A target in words: {@code queue emails}, {@code task mail.send}. */
  private static String words(LimitTarget target) {
    return target.scope().key() + " " + target.name();
  }

  private static String capitalized(String text) {
    return text.isEmpty()
        ? text
        : text.substring(0, 1).toUpperCase(Locale.ROOT) + text.substring(1);
  }

  private static String orDash(@Nullable Object value) {
    return value == null ? "—" : value.toString();
  }

  private static String orEmpty(@Nullable String value) {
    return value == null ? "" : value;
  }
}
