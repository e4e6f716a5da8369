package dev.procrastinate.internal.worker;

import dev.procrastinate.internal.sql.Database;
import dev.procrastinate.internal.sql.WorkerDao;
import java.util.function.LongSupplier;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The worker's row in {@code procrastinate_workers}: its id, its registration again after another
 * worker pruned it, and the server's start time, read at registration and with each heartbeat, by
 * which the worker learns that the server restarted. Thread-safe. Not API.
 */
final class Registration {
  private static final Logger LOG = LoggerFactory.getLogger("procrastinate.worker");

  private final String name;
  private final Database database;
  private final WorkerDao dao;
  private final HeldJobs held;
  private final RegistrationEvents events;
  private final LongSupplier nanoTime;
  private volatile long workerId;
  private volatile boolean closed;
  private volatile long serverStarted;

  /**
   * Creates the registration; nothing is written before {@link #register()}.
   *
   * @param context the worker's context
   * @param held the jobs this worker holds (and those the lease abandoned), re-attached on a new
   *     registration
   * @param events told of each registration (it records a first heartbeat) and of a server restart
   *     that a heartbeat found
   */
  Registration(WorkerContext context, HeldJobs held, RegistrationEvents events) {
    this.name = context.name();
    this.database = context.database();
    this.dao = context.workers();
    this.nanoTime = context.nanoTime();
    this.held = held;
    this.events = events;
  }

  /** Registers the worker; returns its id. */
  long register() {
    long[] sentAt = {0};
    workerId =
        database.withConnection(
            "registering the worker",
            c -> {
              sentAt[0] = nanoTime.getAsLong();
              long id = dao.register(c);
              serverStarted = dao.serverStarted(c);
              return id;
            });
    events.heartbeatRecorded(sentAt[0]);
    return workerId;
  }

  /**
   * Takes the server's start time a heartbeat read; when it differs from the last one read, tells
   * the worker that the server restarted.
   *
   * @param started when the server started, in microseconds since the epoch
   */
  void heartbeatRead(long started) {
    long known = serverStarted;
    serverStarted = started;
    if (known != 0 && known != started) {
      LOG.info("{} - the server restarted; looking for jobs whose outcome it may have lost", name);
      events.serverRestarted();
    }
  }

  /** Returns the current id, 0 before registration. */
  long id() {
    return workerId;
  }

  /**
   * Runs work that writes under the current id, which no registration again changes meanwhile. The
   * completer writes outcomes so: a write under an id read just before a registration again
   * re-attached the job to the new id would find the job in another run, drop its outcome, and
   * leave it running for a live worker, which no rescue takes back. In turn, a registration again
   * waits for the write; the job's outcome is then written under the pruned id (the prune left the
   * job without a worker, which the write accepts), and the re-attach finds it ended.
   *
   * @param work the work, which reads {@link #id()}
   */
  synchronized void whileRegistered(Runnable work) {
    work.run();
  }

  /**
   * Registers again after another worker pruned this one (it could not heartbeat for longer than
   * the stalled-worker timeout, during an outage say), and gives the jobs it holds, whose {@code
   * worker_id} the prune cleared, back to it, so that no rescuer takes them while they run.
   *
   * @param lostId the id that was pruned; nothing happens if the worker already registered again
   */
  synchronized void registerAgain(long lostId) {
    if (workerId != lostId || closed) {
      return;
    }
    long[] sentAt = {0};
    long newId =
        database.withConnection(
            "registering the worker again",
            c -> {
              sentAt[0] = nanoTime.getAsLong();
              return dao.register(c);
            });
    long[] running = held.idsWithAbandoned();
    int adopted =
        running.length == 0
            ? 0
            : database.withConnection(
                "re-attaching running jobs", c -> dao.adopt(c, newId, running));
    // Published last: a fetch failing meanwhile under the lost id waits on this object's lock.
    workerId = newId;
    events.heartbeatRecorded(sentAt[0]);
    LOG.warn(
        "{} - worker id {} was pruned by another worker while this one could not heartbeat;"
            + " registered again as worker id {} and re-attached {} of {} running jobs",
        name,
        lostId,
        newId,
        adopted,
        running.length);
  }

  /** Unregisters the worker; its jobs' {@code worker_id} becomes null. Never throws. */
  synchronized void unregister() {
    closed = true;
    try {
      // Tried once more if a pooled connection turns out ended by the server: an outage the
      // worker lived through must not leave its row behind.
      database.inRetryableTransaction(
          "unregistering the worker",
          c -> {
            dao.unregister(c, workerId);
            return null;
          });
    } catch (RuntimeException e) {
      LOG.warn("{} - cannot unregister worker {}: {}", name, workerId, e.getMessage());
    }
  }
}
