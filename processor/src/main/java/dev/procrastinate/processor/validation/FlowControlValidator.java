package dev.procrastinate.processor.validation;

import dev.procrastinate.spi.rules.RateSyntax;
import java.util.Optional;

/**
 * Checks the flow control limits a {@code @Task} declares: {@code concurrencyLimit}, at least 0,
 * and {@code rateLimit}, empty or {@code N/PERIOD} as the runtime reads it ({@link RateSyntax},
 * shared with the runtime).
 */
final class FlowControlValidator {
  private final Annotations annotations;
  private final Diagnostics diagnostics;

  /**
   * The validated limits of one task.
   *
   * @param concurrencyLimit the jobs that may run at once, 0 for no limit declared
   * @param rateLimit the text of the rate limit, if one is declared
   */
  record Limits(int concurrencyLimit, Optional<String> rateLimit) {}

  FlowControlValidator(Annotations annotations, Diagnostics diagnostics) {
    this.annotations = annotations;
    this.diagnostics = diagnostics;
  }

  /** Checks the concurrency and rate limits of a task, reporting every problem. */
  Limits validate(TaskSite site) {
    int concurrencyLimit = annotations.intValue(site.task(), "concurrencyLimit");
    if (concurrencyLimit < 0) {
      diagnostics.error(
          site.method(),
          site.task(),
          Annotations.explicit(site.task(), "concurrencyLimit"),
          Message.TASK_CONCURRENCY_LIMIT_INVALID,
          site.signature(),
          concurrencyLimit);
    }
    String rateLimit = annotations.string(site.task(), "rateLimit");
    if (rateLimit.isEmpty()) {
      return new Limits(concurrencyLimit, Optional.empty());
    }
    String problem = RateSyntax.problem(rateLimit);
    if (problem != null) {
      diagnostics.error(
          site.method(),
          site.task(),
          Annotations.explicit(site.task(), "rateLimit"),
          Message.TASK_RATE_LIMIT_INVALID,
          rateLimit,
          site.signature(),
          problem);
    }
    return new Limits(concurrencyLimit, Optional.of(rateLimit));
  }
}
