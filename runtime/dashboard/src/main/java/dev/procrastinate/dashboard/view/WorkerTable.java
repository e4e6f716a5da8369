package dev.procrastinate.dashboard.view;

import java.util.List;

/**
 * The table of registered workers ({@code parts/workers.jte}), on the overview and the workers
 * page.
 *
 * @param rows the workers
 * @param stalledAfter after how long without a heartbeat a worker is stalled, in words
 */
public record WorkerTable(List<Row> rows, String stalledAfter) {

  /**
   * A worker.
   *
   * @param id the worker's id
   * @param heartbeatIso its last heartbeat, for the {@code datetime} attribute
   * @param heartbeatAgo how long ago that was, in words
   * @param running the jobs it runs
   * @param stalled true if its last heartbeat is older than the stalled-worker timeout
   */
  public record Row(
      long id, String heartbeatIso, String heartbeatAgo, Count running, boolean stalled) {}
}
