package dev.procrastinate.example;

import dev.procrastinate.AbortReason;
import dev.procrastinate.App;
import dev.procrastinate.JobContext;
import dev.procrastinate.model.ProcrastinateJob;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/** The context a worker passes to a job it runs, built from the job read back from PostgreSQL. */
record ExampleContext(App app, ProcrastinateJob job) implements JobContext {
  @Override
  public String workerName() {
    return "it-worker";
  }

  @Override
  public List<String> workerQueues() {
    return List.of();
  }

  @Override
  public boolean shouldAbort() {
    return false;
  }

  @Override
  public Optional<AbortReason> abortReason() {
    return Optional.empty();
  }

  @Override
  public Map<String, Object> additionalContext() {
    return Map.of();
  }

  @Override
  public Instant startTimestamp() {
    return Instant.now();
  }
}
