package dev.procrastinate.internal.worker;

/**
 * What the registration tells the worker: a registration recorded a first heartbeat, or a heartbeat
 * found that the server restarted. Implemented by {@link WorkerEngine}. Not API.
 */
interface RegistrationEvents {
  /**
   * A registration (the first or one after a prune) recorded a heartbeat.
   *
   * @param sentAt when it was sent, on the worker's monotonic clock
   */
  void heartbeatRecorded(long sentAt);

  /**
   * A heartbeat found that the server restarted since the last one: outcomes written shortly before
   * may be lost (they may commit without waiting for the disk), their jobs marked running for this
   * worker again.
   */
  void serverRestarted();
}
