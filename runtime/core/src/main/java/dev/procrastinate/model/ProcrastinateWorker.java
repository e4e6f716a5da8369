package dev.procrastinate.model;

import java.time.Instant;
import java.util.Objects;

/**
 * One row of {@code procrastinate_workers}: a running worker, registered when it starts, removed
 * when it stops or when another worker finds its heartbeat too old.
 *
 * @param id the worker id, the {@code worker_id} of the jobs it runs
 * @param lastHeartbeat when the worker last said it was alive
 */
public record ProcrastinateWorker(long id, Instant lastHeartbeat) {

  /** Checks the non-null components. */
  public ProcrastinateWorker {
    Objects.requireNonNull(lastHeartbeat, "lastHeartbeat");
  }
}
