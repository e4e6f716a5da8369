package dev.procrastinate.testing;

import dev.procrastinate.spi.TaskDescriptor;
import dev.procrastinate.spi.TaskParameter;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicInteger;

/** Counts how often each job ran, for tests that must prove no job is lost or run twice. */
public final class RunCounter {
  private final Map<Long, AtomicInteger> runs = new ConcurrentHashMap<>();

  /**
   * Returns a task with one {@code int n} parameter that counts its runs, then sleeps.
   *
   * @param name the task name
   * @param sleep how long each run takes
   * @return the task
   */
  public TaskDescriptor task(String name, Duration sleep) {
    return TaskDescriptor.builder(name)
        .parameter(TaskParameter.required("n", "int"))
        .source("RunCounter#" + name)
        .build(
            (context, args) -> {
              record(context.job().id());
              Thread.sleep(sleep.toMillis());
              return null;
            });
  }

  /**
   * Counts one run of a job.
   *
   * @param jobId the job
   */
  public void record(long jobId) {
    runs.computeIfAbsent(jobId, k -> new AtomicInteger()).incrementAndGet();
  }

  /**
   * Returns how many runs a job had.
   *
   * @param jobId the job
   * @return its runs, 0 if none
   */
  public int runsOf(long jobId) {
    AtomicInteger count = runs.get(jobId);
    return count == null ? 0 : count.get();
  }

  /**
   * Returns how many distinct jobs ran.
   *
   * @return the number of jobs with a run
   */
  public int jobsRun() {
    return runs.size();
  }

  /**
   * Lists the jobs that did not run exactly once.
   *
   * @param ids the jobs that should have
   * @return those that ran never or more than once
   */
  public List<Long> notRunExactlyOnce(long[] ids) {
    List<Long> wrong = new ArrayList<>();
    for (long id : ids) {
      if (runsOf(id) != 1) {
        wrong.add(id);
      }
    }
    return wrong;
  }
}
