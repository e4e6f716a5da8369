package dev.procrastinate.internal.worker;

/**
 * What the housekeeper tells the worker of its lease (the time its heartbeats let it run jobs).
 * Implemented by {@link WorkerEngine}. Not API.
 */
interface LeaseEvents {
  /** The lease ran out: other workers may count this one as dead and rescue its jobs. */
  void expired();

  /** A heartbeat renewed a lease that had run out, or ended an outage: fetching may resume. */
  void renewed();
}
