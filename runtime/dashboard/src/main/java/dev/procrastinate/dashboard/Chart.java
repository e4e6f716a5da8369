package dev.procrastinate.dashboard;

import dev.procrastinate.model.FinishedJobs;
import java.time.Instant;
import java.time.ZoneOffset;
import java.time.format.DateTimeFormatter;
import java.time.temporal.ChronoUnit;
import java.util.HashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;

/**
 * The overview's chart as inline SVG: one stacked bar per minute of the last hour, succeeded at the
 * bottom, then failed, then aborted; each bar has a tooltip with its figures.
 */
final class Chart {
  private static final int MINUTES = 60;
  private static final int WIDTH = 600;
  private static final int HEIGHT = 140;
  private static final int TOP = 4;
  private static final int BOTTOM = 1;
  private static final DateTimeFormatter CLOCK =
      DateTimeFormatter.ofPattern("HH:mm", Locale.ROOT).withZone(ZoneOffset.UTC);

  private Chart() {}

  static void finishedPerMinute(Html html, List<FinishedJobs> minutes, Instant now) {
    Instant last = now.truncatedTo(ChronoUnit.MINUTES);
    Instant first = last.minus(MINUTES - 1, ChronoUnit.MINUTES);
    Map<Instant, FinishedJobs> byMinute = new HashMap<>();
    long max = 0;
    long total = 0;
    for (FinishedJobs minute : minutes) {
      if (!minute.minute().isBefore(first)) {
        byMinute.put(minute.minute(), minute);
        max = Math.max(max, minute.total());
        total += minute.total();
      }
    }
    double slot = (double) WIDTH / MINUTES;
    double plot = HEIGHT - TOP - BOTTOM;
    html.open(
        "svg",
        "class",
        "chart",
        "id",
        "chart",
        "viewBox",
        "0 0 " + WIDTH + " " + HEIGHT,
        "preserveAspectRatio",
        "none",
        "role",
        "img",
        "aria-label",
        "Jobs finished per minute over the last hour: " + Format.count(total) + " in all",
        "data-total",
        String.valueOf(total));
    html.open(
            "line",
            "x1",
            "0",
            "x2",
            String.valueOf(WIDTH),
            "y1",
            num(HEIGHT - BOTTOM),
            "y2",
            num(HEIGHT - BOTTOM),
            "class",
            "axis")
        .close("line");
    for (int i = 0; i < MINUTES; i++) {
      Instant at = first.plus(i, ChronoUnit.MINUTES);
      FinishedJobs minute = byMinute.get(at);
      double x = i * slot + 1;
      double y = HEIGHT - BOTTOM;
      if (minute != null && max > 0) {
        html.open("g", "class", "bar");
        html.element(
            "title",
            CLOCK.format(at)
                + ": "
                + Format.count(minute.succeeded())
                + " succeeded, "
                + Format.count(minute.failed())
                + " failed, "
                + Format.count(minute.aborted())
                + " aborted");
        long[] parts = {minute.succeeded(), minute.failed(), minute.aborted()};
        String[] classes = {"c-succeeded", "c-failed", "c-aborted"};
        for (int p = 0; p < parts.length; p++) {
          if (parts[p] == 0) {
            continue;
          }
          double h = Math.max(1, plot * parts[p] / max);
          y -= h;
          html.open(
                  "rect",
                  "x",
                  num(x),
                  "y",
                  num(y),
                  "width",
                  num(slot - 2),
                  "height",
                  num(h),
                  "class",
                  classes[p])
              .close("rect");
        }
        html.close("g");
      }
    }
    html.close("svg");
    html.raw("<div class=\"chart-axis\">");
    html.element("span", CLOCK.format(first));
    html.element(
        "span", max == 0 ? "no job finished" : "highest: " + Format.count(max) + " per minute");
    html.element("span", CLOCK.format(last));
    html.raw("</div>");
    html.raw("<p class=\"legend\">");
    html.element("span", "succeeded", "class", "key c-succeeded");
    html.element("span", "failed", "class", "key c-failed");
    html.element("span", "aborted", "class", "key c-aborted");
    html.element(
        "span", Format.count(total) + " in the last hour", "class", "total", "id", "chart-total");
    html.raw("</p>");
  }

  private static String num(double value) {
    return String.format(Locale.ROOT, "%.1f", value);
  }
}
