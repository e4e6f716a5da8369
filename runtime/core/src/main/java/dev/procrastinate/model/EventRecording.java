package dev.procrastinate.model;

import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Objects;

/**
 * Which status changes of jobs write a row into {@code procrastinate_events}, as the triggers on
 * {@code procrastinate_jobs} are set now: every one ({@link Mode#FULL}, upstream's behaviour and
 * the default), every one but a job's defer and start ({@link Mode#LEAN}, an operator's opt-in that
 * saves two rows a job), or an arrangement that is neither ({@link Mode#MIXED}: a trigger was
 * enabled or disabled by hand, or an upstream migration replaced one, and some status changes are
 * recorded twice or not at all).
 *
 * @param mode the arrangement
 * @param enabled the status-event triggers enabled now, by name
 * @param disabled the status-event triggers disabled now, or missing, by name
 */
public record EventRecording(Mode mode, List<String> enabled, List<String> disabled) {
  /** Upstream's trigger that records {@code deferred} for each waiting job inserted. */
  public static final String UPSTREAM_INSERT_TRIGGER =
      "procrastinate_trigger_status_events_insert_v1";

  /** Upstream's trigger that records the event of each status change. */
  public static final String UPSTREAM_UPDATE_TRIGGER =
      "procrastinate_trigger_status_events_update_v1";

  /** This runtime's trigger that records the event of each status change but a job's start. */
  public static final String LEAN_UPDATE_TRIGGER = "procrastinate_java_status_events_lean_v1";

  /** The arrangements of the status-event triggers. */
  public enum Mode {
    /**
     * Every status change writes its event, as upstream's schema does: {@code deferred}, {@code
     * started}, and each retry and end.
     */
    FULL,
    /**
     * Every status change writes its event but a job's defer ({@code deferred}) and start ({@code
     * started}): the retries and the ends ({@code succeeded}, {@code failed}, {@code aborted},
     * {@code cancelled}) are still recorded, so old jobs are still deleted by age and the finished
     * jobs still counted.
     */
    LEAN,
    /** Neither of the above: some status changes are recorded twice or not at all. */
    MIXED;

    /**
     * Returns the name the command line and the SQL switch take.
     *
     * @return {@code full}, {@code lean} or {@code mixed}
     */
    public String key() {
      return name().toLowerCase(Locale.ROOT);
    }

    /**
     * Reads a mode the user can switch to.
     *
     * @param key {@code full} or {@code lean}, any case
     * @return the mode
     * @throws IllegalArgumentException naming the modes, for anything else
     */
    public static Mode parse(String key) {
      Objects.requireNonNull(key, "key");
      return switch (key.strip().toLowerCase(Locale.ROOT)) {
        case "full" -> FULL;
        case "lean" -> LEAN;
        default ->
            throw new IllegalArgumentException(
                "event recording '"
                    + key
                    + "' is not a mode: use 'full' (every status change recorded, the default)"
                    + " or 'lean' (no 'deferred' or 'started' event rows)");
      };
    }
  }

  /**
   * Validates and copies the fields.
   *
   * @param mode the arrangement
   * @param enabled the triggers enabled
   * @param disabled the triggers disabled or missing
   */
  public EventRecording {
    Objects.requireNonNull(mode, "mode");
    enabled = List.copyOf(enabled);
    disabled = List.copyOf(disabled);
  }

  /**
   * Tells the arrangement of three triggers' states.
   *
   * @param upstreamInsert whether upstream's insert trigger is enabled
   * @param upstreamUpdate whether upstream's update trigger is enabled
   * @param leanUpdate whether this runtime's lean trigger is enabled
   * @return the recording
   */
  public static EventRecording of(
      boolean upstreamInsert, boolean upstreamUpdate, boolean leanUpdate) {
    Mode mode;
    if (upstreamInsert && upstreamUpdate && !leanUpdate) {
      mode = Mode.FULL;
    } else if (!upstreamInsert && !upstreamUpdate && leanUpdate) {
      mode = Mode.LEAN;
    } else {
      mode = Mode.MIXED;
    }
    List<String> enabled = new ArrayList<>();
    List<String> disabled = new ArrayList<>();
    (upstreamInsert ? enabled : disabled).add(UPSTREAM_INSERT_TRIGGER);
    (upstreamUpdate ? enabled : disabled).add(UPSTREAM_UPDATE_TRIGGER);
    (leanUpdate ? enabled : disabled).add(LEAN_UPDATE_TRIGGER);
    return new EventRecording(mode, enabled, disabled);
  }

  /**
   * Says in one line what is recorded, and for a mixed arrangement what to do.
   *
   * @return the description
   */
  public String describe() {
    return switch (mode) {
      case FULL -> "full, every status change writes an event row";
      case LEAN ->
          "lean, no 'deferred' or 'started' event rows; the retries and ends are recorded"
              + " (switch back with procrastinate schema --events full)";
      case MIXED ->
          "mixed, the status-event triggers enabled are "
              + enabled
              + ", so some status changes are recorded twice or not at all; set a mode with"
              + " procrastinate schema --events full (or lean)";
    };
  }
}
