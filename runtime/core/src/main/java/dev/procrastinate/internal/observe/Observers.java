package dev.procrastinate.internal.observe;

import dev.procrastinate.ContextPropagator;
import dev.procrastinate.JobContext;
import dev.procrastinate.JobObserver;
import dev.procrastinate.NewJob;
import dev.procrastinate.model.ProcrastinateJob;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import org.jspecify.annotations.Nullable;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The observers and the context propagator of an app, called safely: an observer that throws is
 * logged at WARN and skipped. Immutable and thread-safe. Not API.
 */
public final class Observers {
  private static final Logger LOG = LoggerFactory.getLogger("procrastinate.observers");
  private static final ContextPropagator.Scope NO_SCOPE = () -> {};

  private final List<JobObserver> observers;
  private final @Nullable ContextPropagator propagator;

  /**
   * Creates the set.
   *
   * @param observers the observers, in order
   * @param propagator the context propagator, or null
   */
  public Observers(List<JobObserver> observers, @Nullable ContextPropagator propagator) {
    this.observers = List.copyOf(observers);
    this.propagator = propagator;
  }

  /**
   * Tells whether any observer is registered, so that callers skip the work of reporting.
   *
   * @return whether there is an observer
   */
  public boolean any() {
    return !observers.isEmpty();
  }

  /**
   * Tells whether a context propagator is configured.
   *
   * @return whether headers are written and read
   */
  public boolean propagates() {
    return propagator != null;
  }

  /**
   * Reports a deferred job.
   *
   * @param job the job
   * @param id its id
   */
  public void deferred(NewJob job, long id) {
    for (JobObserver observer : observers) {
      try {
        observer.deferred(job, id);
      } catch (RuntimeException e) {
        warn(observer, "deferred", e);
      }
    }
  }

  /**
   * Reports a started job.
   *
   * @param job the job
   */
  public void started(ProcrastinateJob job) {
    for (JobObserver observer : observers) {
      try {
        observer.started(job);
      } catch (RuntimeException e) {
        warn(observer, "started", e);
      }
    }
  }

  /**
   * Reports an ended run.
   *
   * @param job the job
   * @param outcome how it ended
   * @param runTime how long it ran
   */
  public void ended(ProcrastinateJob job, JobObserver.Outcome outcome, Duration runTime) {
    for (JobObserver observer : observers) {
      try {
        observer.ended(job, outcome, runTime);
      } catch (RuntimeException e) {
        warn(observer, "ended", e);
      }
    }
  }

  /**
   * Asks the propagator for a job's headers; its failure fails the defer.
   *
   * @param job the job being deferred
   * @return the headers, empty without a propagator
   */
  public Map<String, String> inject(NewJob job) {
    return propagator == null ? Map.of() : Map.copyOf(propagator.inject(job));
  }

  /**
   * Restores the context of a job about to run; a failure is logged and the job runs anyway.
   *
   * @param context the job's context, whose headers were read with the job
   * @return the scope to close when the run ends
   */
  public ContextPropagator.Scope extract(JobContext context) {
    if (propagator == null) {
      return NO_SCOPE;
    }
    try {
      ContextPropagator.Scope scope = propagator.extract(context.headers(), context);
      return scope == null ? NO_SCOPE : safe(scope);
    } catch (RuntimeException e) {
      LOG.warn(
          "context propagator {} failed to extract the headers of job {}; the job runs without"
              + " them",
          propagator.getClass().getName(),
          context.job().id(),
          e);
      return NO_SCOPE;
    }
  }

  private ContextPropagator.Scope safe(ContextPropagator.Scope scope) {
    return new ContextPropagator.Scope() {
      @Override
      public void failed(Throwable failure) {
        try {
          scope.failed(failure);
        } catch (RuntimeException e) {
          LOG.warn("the scope of context propagator {} failed on a failure", propagator, e);
        }
      }

      @Override
      public void close() {
        try {
          scope.close();
        } catch (RuntimeException e) {
          LOG.warn("closing the scope of context propagator {} failed", propagator, e);
        }
      }
    };
  }

  private static void warn(JobObserver observer, String event, RuntimeException e) {
    LOG.warn("job observer {} failed on {}; ignored", observer.getClass().getName(), event, e);
  }
}
